// `stocktake inventory scan`: an AWS-format inventory report of a bucket on any S3-compatible
// store (AWS, Ceph RGW, MinIO, another Stocktake), delivered to any S3 destination.
#pragma once

#include <CLI/CLI.hpp>

namespace stocktake::cli {

// Registers `scan` under the `inventory` command.
void AddInventoryScanCommand(CLI::App* inventory);

}  // namespace stocktake::cli
