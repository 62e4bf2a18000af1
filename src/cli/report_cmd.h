// `stocktake report verify|cat|summary|diff|query`: read a delivered inventory report back, from
// s3://BUCKET/KEY/manifest.json or a local copy (see report/report.h for how local data files are
// found).
#pragma once

#include <CLI/CLI.hpp>

namespace stocktake::cli {

void AddReportCommand(CLI::App& app);

}  // namespace stocktake::cli
