// `stocktake admin ...`: account administration against a running server.
#pragma once

#include <CLI/CLI.hpp>

namespace stocktake::cli {

void AddAdminCommand(CLI::App& app);

}  // namespace stocktake::cli
