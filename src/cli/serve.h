// `stocktake serve`: the S3 server on a local data directory.
#pragma once

#include <CLI/CLI.hpp>

namespace stocktake::cli {

void AddServeCommand(CLI::App& app);

}  // namespace stocktake::cli
