#include "inventory/report_job.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "common/crypto.h"
#include "inventory/fields.h"
#include "inventory/manifest.h"
#include "inventory/report_layout.h"
#include "io/output_stream.h"
#include "store/sse.h"

namespace stocktake::inventory {
namespace {

// The reason AWS's console gives for a delivery it was not allowed to make ([KC] in the spec).
constexpr const char* kAccessDeniedReason =
    "S3 doesn't have access to the destination bucket or KMS key. Ask the owner of the "
    "destination bucket or KMS key to grant the necessary access and then try again.";

// Failpoint for crash tests: STOCKTAKE_FAILPOINT_PUBLISH_DELAY_MS pauses before each object of
// the publication, so a test can kill the server between data files and the manifest.
void PublishFailpoint() {
  static const int delay_ms = [] {
    const char* v = std::getenv("STOCKTAKE_FAILPOINT_PUBLISH_DELAY_MS");
    return v ? std::atoi(v) : 0;
  }();
  if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
}

// io::OutputStream over a store blob: Close() makes the blob durable (not yet visible).
class BlobOutputStream final : public io::OutputStream {
 public:
  explicit BlobOutputStream(store::BlobWriter* blob) : blob_(blob) {}
  Status Write(std::string_view data) override {
    bytes_ += data.size();
    return blob_->Write(data);
  }
  Status Close() override { return blob_->Finish(); }
  uint64_t bytes_written() const override { return bytes_; }

 private:
  store::BlobWriter* blob_;
  uint64_t bytes_ = 0;
};

// A finished data file, durable but not yet published.
struct PendingFile {
  std::unique_ptr<store::BlobWriter> blob;
  ManifestFile manifest_entry;
};

std::unique_ptr<format::ReportWriter> NewWriter(format::FileFormat format,
                                                const format::Schema& schema, io::OutputStream* out,
                                                const format::WriterOptions& options) {
  switch (format) {
    case format::FileFormat::kCsv:
      return format::NewCsvGzipWriter(schema, out, options);
    case format::FileFormat::kOrc:
      return format::NewOrcWriter(schema, out, options);
    case format::FileFormat::kParquet:
      return format::NewParquetWriter(schema, out, options);
  }
  return nullptr;
}

// Writes the data files of one report; each is closed at a key boundary past the row limit.
class DataFileWriter {
 public:
  DataFileWriter(store::ObjectStore& store, const ReportJobOptions& options,
                 const ReportLayout& layout, const format::Schema& schema,
                 const store::BlobEncryption& encryption)
      : store_(store),
        options_(options),
        layout_(layout),
        schema_(schema),
        encryption_(encryption) {}

  Status Open() {
    ASSIGN_OR_RETURN(blob_, store_.NewBlob(encryption_));
    blob_stream_ = std::make_unique<BlobOutputStream>(blob_.get());
    writer_ = NewWriter(layout_.format(), schema_, blob_stream_.get(), options_.writer);
    if (writer_ == nullptr) {
      return Status::FailedPrecondition(std::string("the ") +
                                        format::FileFormatName(layout_.format()) +
                                        " report format is not available in this build");
    }
    return Status::OK();
  }

  bool is_open() const { return writer_ != nullptr; }
  uint64_t rows_in_file() const { return writer_ ? writer_->rows_written() : 0; }

  Status Add(const format::RowBatch& batch) { return writer_->Add(batch); }

  Status Close(std::vector<PendingFile>* files) {
    RETURN_IF_ERROR(writer_->Finish());
    PendingFile file;
    file.manifest_entry.key = layout_.DataKey(RandomUuid());
    // The blob hashed the plaintext it stored: the manifest's size and MD5 of the object.
    file.manifest_entry.size = blob_->size();
    file.manifest_entry.md5_hex = blob_->md5_hex();
    file.blob = std::move(blob_);
    files->push_back(std::move(file));
    writer_.reset();
    blob_stream_.reset();
    return Status::OK();
  }

  void Abandon() {
    if (writer_) writer_->Abandon();
    if (blob_) blob_->Abandon();
  }

 private:
  store::ObjectStore& store_;
  const ReportJobOptions& options_;
  const ReportLayout& layout_;
  const format::Schema& schema_;
  const store::BlobEncryption& encryption_;
  std::unique_ptr<store::BlobWriter> blob_;
  std::unique_ptr<BlobOutputStream> blob_stream_;
  std::unique_ptr<format::ReportWriter> writer_;
};

// Smaller Parquet row groups / ORC stripes compress worse and make readers seek more.
constexpr uint64_t kMinRowGroupBytes = uint64_t{16} << 20;

constexpr const char* kCancelledReason =
    "The run was cancelled: its inventory configuration was deleted or the server is stopping.";

// What one part of the snapshot (one thread) produced: finished data files, in key order.
struct PartOutput {
  std::vector<PendingFile> files;
  uint64_t rows = 0;
  Status status;
};

// Writes the rows of one snapshot part into its own data files. `should_stop` is polled between
// batches (cancellation, or another part failed).
void WritePart(store::SnapshotScan& scan, RowExtractor& extractor, DataFileWriter& file,
               const ReportJobOptions& options, const std::function<Status()>& should_stop,
               PartOutput* out) {
  format::RowBatch batch(extractor.schema().size());
  store::ObjectVersion version;
  std::string last_key;
  auto flush_batch = [&]() -> Status {
    if (batch.num_rows() == 0) return Status::OK();
    Status st = file.Add(batch);
    batch.Clear();
    return st;
  };
  Status st;
  while (st.ok() && scan.Next(&version)) {
    extractor.Observe(version);
    if (!extractor.Includes(version)) continue;
    // Split only between keys, so that each key's versions stay in one file.
    if (file.is_open() && version.key != last_key &&
        file.rows_in_file() + batch.num_rows() >= options.max_rows_per_file) {
      st = flush_batch();
      if (st.ok()) st = file.Close(&out->files);
    }
    if (st.ok() && !file.is_open()) st = file.Open();
    if (!st.ok()) break;
    extractor.Append(version, &batch);
    last_key.assign(version.key);
    ++out->rows;
    if (batch.num_rows() >= options.batch_rows) {
      st = flush_batch();
      if (st.ok()) st = should_stop();
    }
  }
  if (st.ok()) st = scan.status();
  if (st.ok() && file.is_open()) {
    st = flush_batch();
    if (st.ok()) st = file.Close(&out->files);
  }
  if (!st.ok() && file.is_open()) file.Abandon();
  out->status = std::move(st);
}

// Whether a report of the configuration already holds the minute of `layout`: published
// reports are never replaced (report_layout.h).
Result<bool> MinuteTaken(store::ObjectStore& store, const ReportLayout& layout) {
  for (const std::string& key : layout.ReportMinuteKeys()) {
    auto object = store.GetObject(layout.destination_bucket(), key, std::nullopt);
    if (object.ok() && !object->is_delete_marker) return true;
    if (!object.ok() && !object.status().IsNotFound()) return object.status();
  }
  return false;
}

std::string MinuteTakenReason(const ReportLayout& layout) {
  return "A report of this configuration was already published in s3://" +
         layout.destination_bucket() + "/" + layout.DatedFolderPrefix() +
         "; a published report is never replaced.";
}

// The snapshot of the report, taken in a minute that holds no report of the configuration yet:
// when the current one does, the run waits for the next minute and snapshots then.
Result<std::vector<std::unique_ptr<store::SnapshotScan>>> SnapshotInFreeMinute(
    store::ObjectStore& store, const ReportJobOptions& options,
    const InventoryConfiguration& config, const store::Bucket& source,
    const ReportJobHooks& hooks) {
  std::string prefix = config.filter_prefix.value_or("");
  while (true) {
    ASSIGN_OR_RETURN(auto scans, store.NewSnapshotScans(source.name, prefix, options.Threads()));
    ReportLayout layout(config, source.name, scans.front()->snapshot_ms());
    ASSIGN_OR_RETURN(bool taken, MinuteTaken(store, layout));
    if (!taken) return scans;
    scans.clear();  // releases the snapshot while waiting
    if (!hooks.wait_until) return Status::AlreadyExists(MinuteTakenReason(layout));
    if (!hooks.wait_until(NextReportMinuteMs(layout.scan_start_ms()))) {
      return Status::Aborted(kCancelledReason);
    }
  }
}

Result<store::Bucket> CheckDestination(store::ObjectStore& store, const ReportJobOptions& options,
                                       const InventoryConfiguration& config,
                                       const store::Bucket& source) {
  std::string name = config.destination.BucketName();
  auto destination = store.GetBucket(name);
  if (!destination.ok()) {
    if (destination.status().IsNotFound()) {
      return Status::NotFound("The destination bucket '" + name + "' does not exist.");
    }
    return destination.status();
  }
  if (config.destination.account_id &&
      *config.destination.account_id != destination->owner_account_id) {
    return Status::PermissionDenied("The destination bucket '" + name +
                                    "' is not owned by account " + *config.destination.account_id +
                                    " (the AccountId of the configuration).");
  }
  // Without a policy check (unit tests, tools), S3 delivers only into the source owner's buckets.
  if (!options.authorize_delivery &&
      destination->owner_account_id != source.owner_account_id) {
    return Status::PermissionDenied(kAccessDeniedReason);
  }
  return destination;
}

// S3 writes every report object as the service principal: each key must be allowed by the
// destination's policy (a policy may scope the grant to a prefix), or the run fails with the
// reason AWS's console gives.
Status AuthorizeDelivery(const ReportJobOptions& options, const store::Bucket& source,
                         const store::Bucket& destination, std::string_view key) {
  if (!options.authorize_delivery) return Status::OK();
  if (!options.authorize_delivery(source, destination, key).ok()) {
    return Status::PermissionDenied(kAccessDeniedReason);
  }
  return Status::OK();
}

// How report objects are encrypted: as the configuration's <Encryption> says, else with the
// destination bucket's default encryption (what S3 applies to an object written without SSE
// headers; SSE-S3 unless configured otherwise).
struct ReportSse {
  store::BlobEncryption blob;
  bool bucket_key_enabled = false;
};

Result<ReportSse> ResolveReportEncryption(store::ObjectStore& store,
                                          const ReportJobOptions& options,
                                          const InventoryConfiguration& config,
                                          const store::Bucket& source,
                                          const store::Bucket& destination) {
  ReportSse out;
  std::string key_id;
  switch (config.destination.encryption) {
    case ReportEncryption::kSseS3:
      out.blob.mode = std::string(store::kSseS3);
      break;
    case ReportEncryption::kSseKms:
      out.blob.mode = std::string(store::kSseKms);
      key_id = config.destination.kms_key_id;
      break;
    case ReportEncryption::kNone: {
      store::BucketEncryption defaults = store::DefaultEncryptionOf(destination);
      out.blob.mode = defaults.mode;
      key_id = defaults.kms_key_id;
      out.bucket_key_enabled = defaults.bucket_key_enabled && defaults.mode == store::kSseKms;
      break;
    }
  }
  if (out.blob.mode == store::kSseS3) return out;
  Result<store::KmsKey> key =
      key_id.empty() || key_id == "alias/aws/s3"
          ? store.DefaultKmsKey(destination.owner_account_id, destination.region)
          : store.GetKmsKey(key_id);
  if (!key.ok()) {
    if (key.status().IsNotFound()) {
      return Status::NotFound("The KMS key '" + key_id +
                              "' to encrypt the report with does not exist.");
    }
    return key.status();
  }
  // Any other key use (another account's key, or a report crossing accounts) needs the key
  // policy to let S3 in, as on AWS.
  bool same_account = key->account_id == destination.owner_account_id &&
                      key->account_id == source.owner_account_id;
  if (!same_account &&
      (!options.authorize_kms_key || !options.authorize_kms_key(source, *key).ok())) {
    return Status::PermissionDenied(kAccessDeniedReason);
  }
  out.blob.kms_key_id = key->arn;
  return out;
}

store::ObjectVersion ReportObject(const store::Bucket& destination, const ReportSse& sse,
                                  std::string key, std::string content_type) {
  store::ObjectVersion v;
  v.bucket = destination.name;
  v.key = std::move(key);
  v.owner_account_id = destination.owner_account_id;  // bucket-owner-full-control
  v.content_type = std::move(content_type);
  // The blobs were written with sse.blob; the store checks the two agree.
  v.encryption = sse.blob.mode;
  v.kms_key_id = sse.blob.kms_key_id;
  v.bucket_key_enabled = sse.bucket_key_enabled;
  return v;
}

Status PublishBytes(store::ObjectStore& store, store::ObjectVersion version,
                    std::string_view bytes) {
  PublishFailpoint();
  store::BlobEncryption encryption;
  encryption.mode = version.encryption;
  encryption.kms_key_id = version.kms_key_id;
  ASSIGN_OR_RETURN(auto blob, store.NewBlob(encryption));
  Status st = blob->Write(bytes);
  if (st.ok()) st = blob->Finish();
  if (!st.ok()) {
    blob->Abandon();
    return st;
  }
  version.size = blob->size();
  version.etag = blob->md5_hex();
  version.blob_id = blob->blob_id();
  auto put = store.PutObject(std::move(version));
  if (!put.ok()) blob->Abandon();
  return put.status();
}

}  // namespace

int ReportJobOptions::Threads() const {
  if (threads > 0) return threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

Status RunReport(store::ObjectStore& store, const ReportJobOptions& options,
                 const InventoryConfiguration& config, const store::Bucket& source, RunRecord* run,
                 const ReportJobHooks& hooks) {
  ASSIGN_OR_RETURN(store::Bucket destination, CheckDestination(store, options, config, source));

  ASSIGN_OR_RETURN(auto scans, SnapshotInFreeMinute(store, options, config, source, hooks));
  const int64_t snapshot_ms = scans.front()->snapshot_ms();
  run->snapshot_ms = snapshot_ms;
  ReportLayout layout(config, source.name, snapshot_ms);
  // Fail before scanning when S3 may not even write the manifest (the usual refusal).
  RETURN_IF_ERROR(AuthorizeDelivery(options, source, destination, layout.ManifestKey()));
  ASSIGN_OR_RETURN(ReportSse sse,
                   ResolveReportEncryption(store, options, config, source, destination));

  // LifecycleExpirationDate evaluates the source bucket's rules as they are at the run.
  ASSIGN_OR_RETURN(std::vector<store::LifecycleRule> lifecycle_rules,
                   store::LifecycleRulesOf(source));
  // One extractor per part: extractors keep scratch state and a cache of canonical ids.
  auto new_extractor = [&]() {
    auto canonical_ids = std::make_shared<std::map<std::string, std::string, std::less<>>>();
    ExtractContext context;
    context.source_bucket = source.name;
    context.bucket_object_lock_enabled = source.object_lock_enabled;
    // Tiers are evaluated at the snapshot instant, like every other cell of the report.
    context.now_ms = snapshot_ms;
    context.append_acl_grants = AppendAclGrantsJson;
    context.lifecycle_rules = lifecycle_rules;
    context.canonical_id_for_account = [&store, canonical_ids](std::string_view account_id) {
      auto it = canonical_ids->find(account_id);
      if (it == canonical_ids->end()) {
        auto account = store.GetAccount(account_id);
        it = canonical_ids
                 ->emplace(std::string(account_id),
                           account.ok() ? account->canonical_id : std::string())
                 .first;
      }
      return std::string_view(it->second);
    };
    return std::make_unique<RowExtractor>(config, std::move(context));
  };
  // Parts buffer row groups (stripes) at once: together they keep to the configured budget.
  ReportJobOptions part_options = options;
  part_options.writer.row_group_bytes =
      std::max(options.writer.row_group_bytes / scans.size(), kMinRowGroupBytes);
  std::vector<std::unique_ptr<RowExtractor>> extractors;
  std::vector<std::unique_ptr<DataFileWriter>> writers;
  for (size_t i = 0; i < scans.size(); ++i) {
    extractors.push_back(new_extractor());
    writers.push_back(std::make_unique<DataFileWriter>(store, part_options, layout,
                                                       extractors.back()->schema(), sse.blob));
  }
  const format::Schema& schema = extractors.front()->schema();

  // Each part on its own thread (the first on this one); the first failure stops the others.
  std::atomic<int> first_failed_part = -1;
  auto should_stop = [&]() -> Status {
    if (first_failed_part.load(std::memory_order_relaxed) >= 0) {
      return Status::Aborted("another part of the report failed");
    }
    if (hooks.cancelled && hooks.cancelled()) return Status::Aborted(kCancelledReason);
    return Status::OK();
  };
  std::vector<PartOutput> parts(scans.size());
  auto run_part = [&](size_t i) {
    WritePart(*scans[i], *extractors[i], *writers[i], options, should_stop, &parts[i]);
    int none = -1;
    if (!parts[i].status.ok()) first_failed_part.compare_exchange_strong(none, static_cast<int>(i));
  };
  {
    std::vector<std::jthread> threads;
    for (size_t i = 1; i < scans.size(); ++i) threads.emplace_back(run_part, i);
    run_part(0);
  }

  std::vector<PendingFile> files;
  uint64_t rows = 0;
  // The failure that stopped the others, not the "another part failed" they answered.
  Status st = first_failed_part >= 0 ? parts[first_failed_part].status : Status::OK();
  for (PartOutput& part : parts) {
    rows += part.rows;
    for (PendingFile& f : part.files) files.push_back(std::move(f));
  }
  // An empty report still has one (empty) data file, so readers find its schema.
  if (st.ok() && files.empty()) {
    st = writers.front()->Open();
    if (st.ok()) st = writers.front()->Close(&files);
  }
  if (st.ok() && hooks.cancelled && hooks.cancelled()) st = Status::Aborted(kCancelledReason);
  auto abandon_all = [&files]() {
    for (PendingFile& f : files) f.blob->Abandon();
  };
  if (!st.ok()) {
    abandon_all();
    return st;
  }

  // Publication. Record every key first, so a crash part-way is cleaned up before the redo.
  Manifest manifest;
  manifest.source_bucket = source.name;
  manifest.destination_bucket_arn = layout.destination_bucket_arn();
  manifest.creation_timestamp_ms = layout.scan_start_ms();
  manifest.file_format = layout.format();
  manifest.file_schema = format::FileSchemaString(layout.format(), schema);
  run->publishing_keys.clear();
  for (const PendingFile& f : files) {
    manifest.files.push_back(f.manifest_entry);
    run->publishing_keys.push_back(f.manifest_entry.key);
    run->bytes += f.manifest_entry.size;
  }
  run->publishing_keys.push_back(layout.SymlinkKey());
  run->publishing_keys.push_back(layout.ManifestKey());
  run->publishing_keys.push_back(layout.ManifestChecksumKey());
  run->rows = rows;
  run->files = files.size();
  for (const std::string& key : run->publishing_keys) {
    st = AuthorizeDelivery(options, source, destination, key);
    if (!st.ok()) {
      abandon_all();
      return st;
    }
  }
  // Someone else (a remote scan) may have published into this minute while the run was writing.
  Result<bool> taken = MinuteTaken(store, layout);
  if (!taken.ok() || *taken) {
    abandon_all();
    return taken.ok() ? Status::AlreadyExists(MinuteTakenReason(layout)) : taken.status();
  }
  if (hooks.persist) {
    st = hooks.persist(*run);
    if (!st.ok()) {
      abandon_all();
      return st;
    }
  }
  for (size_t i = 0; i < files.size(); ++i) {
    PendingFile& f = files[i];
    PublishFailpoint();
    store::ObjectVersion object =
        ReportObject(destination, sse, f.manifest_entry.key,
                     layout.format() == format::FileFormat::kCsv ? "application/gzip"
                                                                 : "application/octet-stream");
    object.size = f.manifest_entry.size;
    object.etag = f.manifest_entry.md5_hex;
    object.blob_id = f.blob->blob_id();
    auto put = store.PutObject(std::move(object));
    if (!put.ok()) {
      for (size_t j = i; j < files.size(); ++j) files[j].blob->Abandon();
      return put.status().WithContext("publishing a data file");
    }
  }
  std::string manifest_json = BuildManifestJson(manifest);
  RETURN_IF_ERROR(PublishBytes(store,
                               ReportObject(destination, sse, layout.SymlinkKey(), "text/plain"),
                               BuildSymlinkTxt(layout.destination_bucket(), manifest.files)));
  RETURN_IF_ERROR(
      PublishBytes(store, ReportObject(destination, sse, layout.ManifestKey(), "application/json"),
                   manifest_json));
  RETURN_IF_ERROR(PublishBytes(
      store, ReportObject(destination, sse, layout.ManifestChecksumKey(), "text/plain"),
      BuildManifestChecksum(manifest_json)));
  run->manifest_key = layout.ManifestKey();
  run->publishing_keys.clear();
  return Status::OK();
}

}  // namespace stocktake::inventory
