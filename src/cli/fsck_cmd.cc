#include "cli/fsck_cmd.h"

#include <iostream>
#include <memory>
#include <string>

#include "store/fsck.h"

namespace stocktake::cli {
namespace {

// Exit codes: 0 consistent; 1 lost data (missing blobs, broken references) or unreadable;
// 2 only crash leftovers (orphan blobs, tmp/ files), which the next start-up removes.
int RunFsck(const std::string& data_dir) {
  auto report = store::CheckDataDir(data_dir);
  if (!report.ok()) {
    std::cerr << "stocktake: " << report.status().ToString() << "\n";
    return 1;
  }
  std::cout << "object_rows " << report->object_rows << "\n"
            << "part_rows " << report->part_rows << "\n"
            << "blob_refs " << report->blob_refs << "\n"
            << "blob_files " << report->blob_files << "\n"
            << "tmp_files " << report->tmp_files << "\n"
            << "orphan_blobs " << report->orphan_blobs.size() << "\n"
            << "missing_blobs " << report->missing_blobs.size() << "\n"
            << "broken_refs " << report->broken_refs.size() << "\n";
  for (const auto& id : report->orphan_blobs) std::cout << "orphan " << id << "\n";
  for (const auto& id : report->missing_blobs) std::cout << "missing " << id << "\n";
  for (const auto& what : report->broken_refs) std::cout << "broken " << what << "\n";
  if (!report->missing_blobs.empty() || !report->broken_refs.empty()) return 1;
  return report->clean() ? 0 : 2;
}

}  // namespace

void AddFsckCommand(CLI::App& admin) {
  auto data_dir = std::make_shared<std::string>("./stocktake-data");
  CLI::App* fsck = admin.add_subcommand(
      "fsck",
      "Check offline (server stopped) that metadata and blob files agree; exit 0 clean, "
      "1 lost data, 2 only crash leftovers that start-up removes");
  fsck->add_option("--data-dir", *data_dir, "Data directory")->capture_default_str();
  fsck->callback([data_dir]() { std::exit(RunFsck(*data_dir)); });
}

}  // namespace stocktake::cli
