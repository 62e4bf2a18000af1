// stocktake: the S3 server with S3 Inventory, and its command-line tools.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "cli/admin_cmd.h"
#include "cli/command_line.h"
#include "cli/completion.h"
#include "cli/inventory_cmd.h"
#include "cli/kms_cmd.h"
#include "cli/report_cmd.h"
#include "cli/serve.h"
#include "common/exit_code.h"
#include "common/malloc_tuning.h"

int main(int argc, char** argv) {
  stocktake::TuneMallocForLargeBuffers();
  CLI::App app{"Stocktake: an S3-compatible server with S3 Inventory reports", "stocktake"};
  app.set_version_flag("--version", "stocktake " STOCKTAKE_VERSION);
  app.require_subcommand(1);
  // Every flag can also come from a TOML/INI file: `stocktake --config stocktake.toml serve` with
  // e.g. `data-dir = "/var/lib/stocktake"` and `port = 9000` in a [serve] section. A key no
  // command knows is an error (a typo must not be ignored); set before the subcommands, which
  // inherit it.
  app.set_config("--config", "", "Read flags from a TOML or INI file (before the subcommand)");
  app.allow_config_extras(CLI::config_extras_mode::error);
  stocktake::cli::AddServeCommand(app);
  stocktake::cli::AddInventoryCommand(app);
  stocktake::cli::AddAdminCommand(app);
  stocktake::cli::AddKmsCommand(app);
  stocktake::cli::AddReportCommand(app);
  stocktake::cli::AddCompletionCommand(app, STOCKTAKE_VERSION);
  std::string exit_statuses = "Exit statuses:";
  for (const stocktake::ExitStatusInfo& s : stocktake::kExitStatuses) {
    exit_statuses += "\n  " + std::to_string(s.code) + "  " + s.meaning;
  }
  app.footer(exit_statuses);

  std::vector<std::string> args(argv + 1, argv + argc);
  if (auto mistake = stocktake::cli::FindCommandLineMistake(app, args)) {
    std::cerr << "stocktake: " << *mistake << "\nRun with --help for more information.\n";
    return stocktake::kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ConfigError& e) {
    app.exit(e);
    std::cerr << "In the --config file, each [section] is a command (e.g. [serve]) and takes its "
                 "flags without the leading -- (e.g. data-dir = \"/var/lib/stocktake\"); see "
                 "`stocktake serve --help`.\n";
    return stocktake::kExitUsage;
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return stocktake::kExitUsage;
  }
  return stocktake::kExitOk;
}
