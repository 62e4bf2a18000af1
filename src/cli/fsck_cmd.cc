#include "cli/fsck_cmd.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/data_dir_lock.h"
#include "common/exit_code.h"
#include "store/fsck.h"

namespace stocktake::cli {
namespace {

// Exit codes (common/exit_code.h): 0 consistent; 4 lost data (missing blobs, broken
// references); 7 only crash leftovers (orphan blobs, tmp/ files), which the next start-up
// removes; 3 no such directory or no database in it; 6 in use by a running server; 1 unreadable.
int RunFsck(const std::string& data_dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(data_dir, ec)) {
    std::cerr << "stocktake: no such directory " << data_dir << " (--data-dir names it)\n";
    return kExitNotFound;
  }
  if (auto pid = DataDirLockHolder(data_dir)) {
    std::cerr << "stocktake: " << data_dir << " is in use by a running server (process " << *pid
              << "); fsck checks a stopped server's directory: stop it first\n";
    return kExitUnavailable;
  }
  auto report = store::CheckDataDir(data_dir);
  if (!report.ok()) {
    std::cerr << "stocktake: cannot check " << data_dir << ": " << report.status().message()
              << "\n";
    return report.status().IsNotFound() ? kExitNotFound : kExitFailure;
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
  if (!report->missing_blobs.empty() || !report->broken_refs.empty()) return kExitVerifyFailed;
  return report->clean() ? kExitOk : kExitDifferences;
}

}  // namespace

void AddFsckCommand(CLI::App& admin) {
  auto data_dir = std::make_shared<std::string>("./stocktake-data");
  CLI::App* fsck = admin.add_subcommand(
      "fsck",
      "Check offline (server stopped) that metadata and blob files agree; exit 0 clean, "
      "4 lost data, 7 only crash leftovers that start-up removes, 3 no such directory, "
      "6 in use by a running server");
  fsck->add_option("--data-dir", *data_dir, "Data directory")->capture_default_str();
  fsck->callback([data_dir]() { std::exit(RunFsck(*data_dir)); });
}

}  // namespace stocktake::cli
