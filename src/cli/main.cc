// stocktake: the S3 server with S3 Inventory, and its command-line tools.
#include <CLI/CLI.hpp>

#include "cli/admin_cmd.h"
#include "cli/inventory_cmd.h"
#include "cli/kms_cmd.h"
#include "cli/report_cmd.h"
#include "cli/serve.h"
#include "common/malloc_tuning.h"

int main(int argc, char** argv) {
  stocktake::TuneMallocForLargeBuffers();
  CLI::App app{"Stocktake: an S3-compatible server with S3 Inventory reports"};
  app.set_version_flag("--version", "stocktake " STOCKTAKE_VERSION);
  app.require_subcommand(1);
  // Every flag can also come from a TOML/INI file: `stocktake serve --config stocktake.toml` with
  // e.g. `data-dir = "/var/lib/stocktake"` and `port = 9000`.
  app.set_config("--config", "", "Read flags from a TOML or INI file");
  stocktake::cli::AddServeCommand(app);
  stocktake::cli::AddInventoryCommand(app);
  stocktake::cli::AddAdminCommand(app);
  stocktake::cli::AddKmsCommand(app);
  stocktake::cli::AddReportCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
