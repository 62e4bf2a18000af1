// Flags shared by the subcommands that talk to a server: endpoint and credentials (falling back
// to the standard AWS environment variables).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "report/row_format.h"
#include "s3client/s3_client.h"

namespace stocktake::cli {

struct ClientFlags {
  std::string endpoint;
  std::string access_key;
  std::string secret_key;
  std::string region;
  std::string ca_bundle;

  void AddTo(CLI::App* command);
  // Connects (lazily) with the resolved options; prints the reason and exits on failure.
  std::unique_ptr<s3::S3Client> Connect() const;
};

// Adds `--output table|csv|json` (default table) to a command that lists or summarises; another
// value is a usage error.
void AddOutputOption(CLI::App* command, report::ListOutput* output);

}  // namespace stocktake::cli
