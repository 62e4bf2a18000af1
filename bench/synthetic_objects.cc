#include "synthetic_objects.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <string_view>

#include "common/crypto.h"
#include "common/encoding.h"

namespace stocktake::bench {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Top-level prefixes: sorted, and none is a prefix of another, so that Key() stays increasing.
constexpr std::array<std::string_view, 16> kTops = {
    "analytics", "archive", "backups",      "cdn-assets",  "datasets",   "exports",
    "images",    "logs",    "media",        "ml-training", "raw-events", "reports",
    "snapshots", "tmp",     "user-content", "videos"};
constexpr std::array<std::string_view, 16> kGroupPrefixes = {
    "job-", "vol-", "host-", "site-", "set-", "export-", "user-",   "host-",
    "cam-", "run-", "src-",  "team-", "db-",  "",        "tenant-", "chan-"};
constexpr int kTmpTop = 13;
constexpr int kLogsTop = 7;
constexpr int kRawEventsTop = 10;

constexpr std::array<std::string_view, 64> kWords = {
    "alpha",     "beach",     "sunset",  "invoice",  "report",     "summary",   "draft",
    "final",     "backup",    "daily",   "weekly",   "monthly",    "export",    "thumbnail",
    "preview",   "original",  "scan",    "receipt",  "contract",   "photo",     "video",
    "clip",      "frame",     "model",   "weights",  "checkpoint", "train",     "eval",
    "metrics",   "events",    "clicks",  "sessions", "orders",     "customers", "products",
    "inventory", "api",       "gateway", "worker",   "scheduler",  "ingest",    "batch",
    "stream",    "partition", "shard",   "replica",  "primary",    "secondary", "cold",
    "warm",      "hot",       "archive", "legacy",   "v2",         "v3",        "old",
    "new",       "tmp",       "копия",   "café",     "résumé",     "日本語",    "naïve",
    "x"};
constexpr std::array<std::string_view, 12> kExtensions = {
    ".jpg", ".png", ".json.gz", ".parquet", ".csv", ".log.gz",
    ".mp4", ".txt", ".pdf",     ".avro",    ".bin", ".tar.zst"};
constexpr std::array<std::string_view, 12> kContentTypes = {"image/jpeg",
                                                            "image/png",
                                                            "application/json",
                                                            "application/octet-stream",
                                                            "text/csv",
                                                            "text/plain",
                                                            "video/mp4",
                                                            "text/plain",
                                                            "application/pdf",
                                                            "application/octet-stream",
                                                            "binary/octet-stream",
                                                            "application/zstd"};

static_assert(!kWords.back().empty() && !kExtensions.back().empty() &&
              !kContentTypes.back().empty() && !kTops.back().empty());

constexpr int64_t kEpoch2021Ms = 1609459200000;  // 2021-01-01T00:00:00Z
constexpr uint64_t kDays = 1461;                 // four years of dates
constexpr uint64_t kGroupSize = 173;             // objects per innermost "directory"

void AppendPadded(std::string* out, uint64_t v, int width) {
  char buf[32];
  int n = std::snprintf(buf, sizeof(buf), "%0*llu", width, static_cast<unsigned long long>(v));
  out->append(buf, static_cast<size_t>(n));
}

void AppendDate(std::string* out, uint64_t day, int top) {
  using namespace std::chrono;
  year_month_day ymd{sys_days{year{2021} / January / 1} + days{static_cast<int>(day)}};
  uint64_t y = static_cast<unsigned>(static_cast<int>(ymd.year()));
  uint64_t m = static_cast<unsigned>(ymd.month());
  uint64_t d = static_cast<unsigned>(ymd.day());
  if (top == kLogsTop) {  // Hive-style partitions
    out->append("year=");
    AppendPadded(out, y, 4);
    out->append("/month=");
    AppendPadded(out, m, 2);
    out->append("/day=");
    AppendPadded(out, d, 2);
  } else if (top == kRawEventsTop) {
    out->append("dt=");
    AppendPadded(out, y, 4);
    out->push_back('-');
    AppendPadded(out, m, 2);
    out->push_back('-');
    AppendPadded(out, d, 2);
  } else {
    AppendPadded(out, y, 4);
    out->push_back('/');
    AppendPadded(out, m, 2);
    out->push_back('/');
    AppendPadded(out, d, 2);
  }
}

}  // namespace

SyntheticObjects::SyntheticObjects(uint64_t objects, std::string bucket,
                                   std::string owner_account_id)
    : objects_(objects), bucket_(std::move(bucket)), owner_(std::move(owner_account_id)) {}

void SyntheticObjects::Key(uint64_t i, std::string* out) const {
  out->clear();
  // Each component is non-decreasing in i and encoded with a fixed width (or depends only on
  // the components before it), so keys increase with i.
  int top = static_cast<int>(static_cast<unsigned __int128>(i) * kTops.size() / objects_);
  out->append(kTops[top]);
  out->push_back('/');
  if (top == kTmpTop) {  // short keys: "tmp/upload-0000123456"
    out->append("upload-");
    AppendPadded(out, i, 10);
    return;
  }
  uint64_t day = static_cast<uint64_t>(static_cast<unsigned __int128>(i) * kDays / objects_);
  AppendDate(out, day, top);
  out->push_back('/');
  uint64_t group = i / kGroupSize;
  out->append(kGroupPrefixes[top]);
  AppendPadded(out, group, 8);
  // Extra directories, the same for a whole group: 25 % one, 5 % two, 1 % a long path.
  uint64_t hg = Mix(group ^ 0x5157);
  uint64_t p = hg % 100;
  int extra = p < 25 ? 1 : p < 30 ? 2 : p < 31 ? 5 : 0;
  for (int e = 0; e < extra; ++e) {
    out->push_back('/');
    uint64_t hw = Mix(hg + static_cast<uint64_t>(e));
    out->append(kWords[hw % kWords.size()]);
    if (extra == 5) {  // long, generated-looking directory names
      out->push_back('-');
      out->append(kWords[(hw >> 8) % kWords.size()]);
      out->push_back('-');
      AppendPadded(out, (hw >> 16) % 100000000, 8);
    }
  }
  out->push_back('/');
  // File name: position in the group (fixed width) then 1-3 words and an extension.
  AppendPadded(out, i % kGroupSize, 3);
  out->push_back('-');
  uint64_t h = Mix(i ^ 0xF11E);
  int words = 1 + static_cast<int>(h % 3);
  char sep = (h >> 2) % 20 == 0 ? ' ' : (h >> 2) % 2 == 0 ? '-' : '_';
  for (int w = 0; w < words; ++w) {
    if (w > 0) out->push_back(sep);
    out->append(kWords[(h >> (8 + 6 * w)) % kWords.size()]);
  }
  out->append(kExtensions[(h >> 40) % kExtensions.size()]);
}

SyntheticObjects::Kind SyntheticObjects::KindOf(uint64_t i) const {
  uint64_t p = Mix(i ^ 0xBE75) % 1000;
  return p < 20 ? Kind::kDeleted : p < 80 ? Kind::kVersioned : Kind::kSingle;
}

size_t SyntheticObjects::AppendVersions(uint64_t i, std::vector<store::ObjectVersion>* out) const {
  uint64_t h = Mix(i ^ 0xBE75);
  Kind kind = KindOf(i);
  size_t data_versions = kind == Kind::kSingle      ? 1
                         : kind == Kind::kVersioned ? 2 + (h >> 12) % 3
                                                    : 1 + (h >> 12) % 2;
  size_t total = data_versions + (kind == Kind::kDeleted ? 1 : 0);
  uint64_t day = static_cast<uint64_t>(static_cast<unsigned __int128>(i) * kDays / objects_);
  int64_t newest_ms = kEpoch2021Ms + static_cast<int64_t>(day) * 86'400'000 +
                      static_cast<int64_t>(Mix(i) % 86'400'000);
  std::string key;
  Key(i, &key);
  uint64_t ext = (Mix(i ^ 0xF11E) >> 40) % kExtensions.size();
  for (size_t v = 0; v < total; ++v) {
    uint64_t hv = Mix(i * 8 + v + 1);
    store::ObjectVersion o;
    o.bucket = bucket_;
    o.key = key;
    // Single-version objects: 30 % keep the null version (written before versioning was on).
    bool null_version = kind == Kind::kSingle && h % 10 < 3;
    o.version_id = null_version ? "" : "v";  // non-empty: the store assigns a fresh id
    o.last_modified_ms = newest_ms - static_cast<int64_t>((total - 1 - v) * 3'600'000 * 7);
    o.owner_account_id = owner_;
    if (kind == Kind::kDeleted && v + 1 == total) {
      o.is_delete_marker = true;
      o.storage_class.clear();
      out->push_back(std::move(o));
      continue;
    }
    int bits = static_cast<int>(hv % 35);  // log-spread sizes: 0 B .. 16 GiB
    o.size = bits == 0
                 ? 0
                 : ((hv >> 8) & ((uint64_t{1} << (bits - 1)) - 1)) | (uint64_t{1} << (bits - 1));
    static constexpr char kHex[] = "0123456789abcdef";
    o.etag.resize(32);
    uint64_t e1 = Mix(hv ^ 1), e2 = Mix(hv ^ 2);
    for (int c = 0; c < 16; ++c) {
      o.etag[c] = kHex[(e1 >> (4 * c)) & 15];
      o.etag[16 + c] = kHex[(e2 >> (4 * c)) & 15];
    }
    if (o.size > (16ull << 20) && hv % 4 == 0) {  // multipart uploads of big objects
      o.is_multipart = true;
      o.part_count = static_cast<uint32_t>(o.size / (8ull << 20) + 1);
      o.etag += "-" + std::to_string(o.part_count);
    }
    uint64_t sc = (hv >> 20) % 100;
    o.storage_class = sc < 82   ? "STANDARD"
                      : sc < 92 ? "STANDARD_IA"
                      : sc < 95 ? "GLACIER_IR"
                      : sc < 97 ? "GLACIER"
                      : sc < 99 ? "INTELLIGENT_TIERING"
                                : "DEEP_ARCHIVE";
    o.content_type = kContentTypes[ext];
    if ((hv >> 30) % 2 == 0) {
      o.checksum_algorithm = "CRC32";
      o.checksum_value = "AAAAAA==";
      static constexpr char kB64[] =
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      for (int c = 0; c < 6; ++c) o.checksum_value[c] = kB64[(hv >> (32 + 6 * c)) % 64];
      o.checksum_type = "FULL_OBJECT";
    }
    out->push_back(std::move(o));
  }
  return total;
}

Status CreateBenchAccount(store::ObjectStore* store, const BenchAccount& account) {
  RETURN_IF_ERROR(
      store->PutAccount({account.account_id, HexLower(RandomBytes(32)), account.display_name}));
  RETURN_IF_ERROR(
      store->PutAccessKey({account.access_key, account.secret_key, account.account_id, true}));
  store::Bucket bucket;
  bucket.name = account.source_bucket;
  bucket.owner_account_id = account.account_id;
  bucket.region = "us-east-1";
  bucket.versioning = store::Versioning::kEnabled;
  RETURN_IF_ERROR(store->CreateBucket(bucket));
  bucket.name = account.report_bucket;
  bucket.versioning = store::Versioning::kUnversioned;
  return store->CreateBucket(bucket);
}

Status BulkLoad(store::ObjectStore* store, const SyntheticObjects& objects,
                const VisitVersions& visit) {
  std::vector<store::ObjectVersion> batch;
  batch.reserve(kBulkLoadBatchVersions + 8);
  for (uint64_t i = 0; i < objects.objects(); ++i) {
    size_t first = batch.size();
    size_t n = objects.AppendVersions(i, &batch);
    if (visit) RETURN_IF_ERROR(visit(i, std::span(batch).subspan(first, n)));
    if (batch.size() >= kBulkLoadBatchVersions) {
      RETURN_IF_ERROR(store::BulkLoadForBenchmark(*store, batch));
      batch.clear();
    }
  }
  return store::BulkLoadForBenchmark(*store, batch);
}

}  // namespace stocktake::bench
