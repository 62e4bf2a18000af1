#include "store/fsck.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string_view>

#include "store/data/blob_files.h"
#include "store/meta/key_codec.h"
#include "store/meta/meta_db.h"
#include "store/meta/record_codec.h"
#include "store/object_store.h"

namespace stocktake::store {
namespace {

meta::IterateOptions TableRange(meta::Table table) {
  meta::IterateOptions o;
  o.upper_bound = std::string(1, static_cast<char>(static_cast<char>(table) + 1));
  o.fill_cache = false;
  return o;
}

std::vector<std::string> BlobIdsOf(const ObjectVersion& v) {
  std::vector<std::string> ids;
  if (!v.blob_id.empty()) ids.push_back(v.blob_id);
  for (const auto& id : v.part_blob_ids) {
    if (!id.empty()) ids.push_back(id);
  }
  return ids;
}

// The blob ids an owner row names; false for rows that are not object or part rows.
bool BlobIdsOfRow(std::string_view row_key, std::string_view record, std::vector<std::string>* ids,
                  bool* malformed) {
  *malformed = false;
  if (row_key.empty()) return false;
  if (row_key[0] == static_cast<char>(meta::Table::kObject)) {
    ObjectVersion v;
    *malformed = !meta::DecodeObjectRecord(record, 0, &v);
    *ids = BlobIdsOf(v);
    return true;
  }
  if (row_key[0] == static_cast<char>(meta::Table::kPart)) {
    Part p;
    *malformed = !meta::DecodePartRecord(record, &p);
    ids->clear();
    if (!p.blob_id.empty()) ids->push_back(p.blob_id);
    return true;
  }
  return false;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string Printable(std::string_view row_key) {
  std::string out;
  for (unsigned char c : row_key) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

// Every object and part row: its blobs must have reference rows pointing back at it, and files.
Status CheckOwnerRows(meta::MetaDb* db, const data::BlobFiles& files, meta::Table table,
                      FsckReport* report) {
  std::string start(1, static_cast<char>(table));
  auto it = db->NewIterator(TableRange(table));
  std::vector<std::string> ids;
  for (it->Seek(start); it->Valid(); it->Next()) {
    ++(table == meta::Table::kObject ? report->object_rows : report->part_rows);
    bool malformed = false;
    BlobIdsOfRow(it->key(), it->value(), &ids, &malformed);
    if (malformed) {
      report->broken_refs.push_back("malformed row " + Printable(it->key()));
      continue;
    }
    for (const auto& id : ids) {
      std::string owner;
      Status st = db->Get(meta::BlobRefKey(id), &owner);
      if (st.IsNotFound()) {
        report->broken_refs.push_back("row " + Printable(it->key()) + " names blob " + id +
                                      " without a reference row");
      } else if (!st.ok()) {
        return st;
      } else if (owner != it->key()) {
        report->broken_refs.push_back("blob " + id + " is named by " + Printable(it->key()) +
                                      " but referenced by " + Printable(owner));
      }
      if (!data::BlobFiles::IsValidBlobId(id) || !FileExists(files.BlobPath(id))) {
        report->missing_blobs.push_back(id);
      }
    }
  }
  return it->status();
}

// Every reference row: its file must exist and its owner row must name it.
Status CheckRefRows(meta::MetaDb* db, const data::BlobFiles& files, FsckReport* report) {
  std::string start(1, static_cast<char>(meta::Table::kBlobRef));
  auto it = db->NewIterator(TableRange(meta::Table::kBlobRef));
  std::vector<std::string> ids;
  for (it->Seek(start); it->Valid(); it->Next()) {
    ++report->blob_refs;
    std::string id(it->key().substr(1));
    if (!data::BlobFiles::IsValidBlobId(id) || !FileExists(files.BlobPath(id))) {
      report->missing_blobs.push_back(id);
    }
    std::string owner(it->value());
    std::string record;
    Status st = db->Get(owner, &record);
    if (st.IsNotFound()) {
      report->broken_refs.push_back("blob " + id + " referenced by missing row " +
                                    Printable(owner));
      continue;
    }
    RETURN_IF_ERROR(st);
    bool malformed = false;
    // Owners of other tables (none today) are only checked for existence.
    if (!BlobIdsOfRow(owner, record, &ids, &malformed) || malformed) continue;
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      report->broken_refs.push_back("blob " + id + " referenced by " + Printable(owner) +
                                    ", which does not name it");
    }
  }
  return it->status();
}

// Blob files of one shard without a reference row: a merge of the sorted listing with the sorted
// reference rows of the shard (as the start-up sweep of object_store.cc).
Status FindOrphans(meta::MetaDb* db, const data::BlobFiles& files, int shard, FsckReport* report) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, files.ListShard(shard));
  report->blob_files += names.size();
  if (names.empty()) return Status::OK();
  std::string prefix = meta::BlobRefKey(data::BlobFiles::ShardName(shard));
  meta::IterateOptions range;
  range.upper_bound = meta::PrefixSuccessor(prefix);
  range.fill_cache = false;
  auto it = db->NewIterator(range);
  it->Seek(prefix);
  for (std::string& name : names) {
    while (it->Valid() && it->key().substr(1) < std::string_view(name)) it->Next();
    RETURN_IF_ERROR(it->status());
    if (it->Valid() && it->key().substr(1) == std::string_view(name)) continue;
    report->orphan_blobs.push_back(std::move(name));
  }
  return Status::OK();
}

}  // namespace

Result<FsckReport> CheckDataDir(const std::string& data_dir) {
  // kMetaDir of object_store.cc; opening must not create a database where there is none.
  std::string meta_dir = data_dir + "/meta";
  if (!FileExists(meta_dir + "/CURRENT")) {
    return Status::NotFound("no metadata database in " + data_dir);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<meta::MetaDb> db, meta::MetaDb::Open(meta_dir, {}));
  data::BlobFiles files(data_dir);
  FsckReport report;
  RETURN_IF_ERROR(CheckOwnerRows(db.get(), files, meta::Table::kObject, &report));
  RETURN_IF_ERROR(CheckOwnerRows(db.get(), files, meta::Table::kPart, &report));
  RETURN_IF_ERROR(CheckRefRows(db.get(), files, &report));
  // Ids found both ways are reported once.
  std::sort(report.missing_blobs.begin(), report.missing_blobs.end());
  report.missing_blobs.erase(std::unique(report.missing_blobs.begin(), report.missing_blobs.end()),
                             report.missing_blobs.end());
  for (int shard = 0; shard < data::kShardCount; ++shard) {
    RETURN_IF_ERROR(FindOrphans(db.get(), files, shard, &report));
  }
  std::error_code ec;
  std::filesystem::directory_iterator tmp(data_dir + "/" + std::string(data::kTmpDir), ec);
  for (; !ec && tmp != std::filesystem::directory_iterator(); tmp.increment(ec)) {
    ++report.tmp_files;
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Status::IOError("list tmp/ of " + data_dir + ": " + ec.message());
  }
  return report;
}

}  // namespace stocktake::store
