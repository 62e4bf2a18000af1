// `stocktake admin fsck --data-dir DIR`: offline check that metadata and blob files agree.
#pragma once

#include <CLI/CLI.hpp>

namespace stocktake::cli {

// Adds `fsck` under the `admin` command.
void AddFsckCommand(CLI::App& admin);

}  // namespace stocktake::cli
