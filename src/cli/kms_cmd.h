// `stocktake kms ...`: the built-in key service of a running server (SSE-KMS, DSSE-KMS keys).
#pragma once

#include <CLI/CLI.hpp>

namespace stocktake::cli {

void AddKmsCommand(CLI::App& app);

}  // namespace stocktake::cli
