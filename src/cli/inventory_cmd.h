// `stocktake inventory run|runs`: ask a running server for a report now, and show its runs.
#pragma once

#include <CLI/CLI.hpp>

namespace stocktake::cli {

void AddInventoryCommand(CLI::App& app);

}  // namespace stocktake::cli
