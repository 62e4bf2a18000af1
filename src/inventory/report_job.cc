#include "inventory/report_job.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "common/crypto.h"
#include "inventory/fields.h"
#include "inventory/report_assembly.h"
#include "inventory/report_layout.h"
#include "io/output_stream.h"
#include "store/sse.h"

namespace stocktake::inventory {
namespace {

// The reason AWS's console gives for a delivery it was not allowed to make ([KC] in the spec).
constexpr const char* kAccessDeniedReason =
    "S3 doesn't have access to the destination bucket or KMS key. Ask the owner of the "
    "destination bucket or KMS key to grant the necessary access and then try again.";

// A data file as a store blob: durable once its writer closes it, published in place (PutObject
// names the blob), so that publication copies nothing.
class BlobDataFile final : public PendingDataFile, private io::OutputStream {
 public:
  explicit BlobDataFile(std::unique_ptr<store::BlobWriter> blob) : blob_(std::move(blob)) {}

  io::OutputStream* stream() override { return this; }
  uint64_t size() const override { return blob_->size(); }
  std::string md5_hex() const override { return blob_->md5_hex(); }
  void Abandon() override {
    if (!kept_) blob_->Abandon();
    kept_ = true;
  }
  const std::string& blob_id() const { return blob_->blob_id(); }
  // The blob now belongs to an object: Abandon() leaves it alone.
  void MarkPublished() { kept_ = true; }

 private:
  Status Write(std::string_view data) override { return blob_->Write(data); }
  Status Close() override { return blob_->Finish(); }
  uint64_t bytes_written() const override { return blob_->size(); }

  std::unique_ptr<store::BlobWriter> blob_;
  bool kept_ = false;
};

// Smaller Parquet row groups / ORC stripes compress worse and make readers seek more.
constexpr uint64_t kMinRowGroupBytes = uint64_t{16} << 20;

constexpr const char* kCancelledReason =
    "The run was cancelled: its inventory configuration was deleted or the server is stopping.";

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
  if (!options.authorize_delivery && destination->owner_account_id != source.owner_account_id) {
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
  bool same_account =
      key->account_id == destination.owner_account_id && key->account_id == source.owner_account_id;
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

// The store as both ends of a native report: data files are blobs of the destination's
// encryption, published in place.
class StoreReportTarget final : public DataFileSink, public ReportDestination {
 public:
  StoreReportTarget(store::ObjectStore& store, const store::Bucket& destination,
                    const ReportSse& sse)
      : store_(store), destination_(destination), sse_(sse) {}

  Result<std::unique_ptr<PendingDataFile>> NewDataFile() override {
    ASSIGN_OR_RETURN(auto blob, store_.NewBlob(sse_.blob));
    return std::unique_ptr<PendingDataFile>(new BlobDataFile(std::move(blob)));
  }

  Result<bool> Exists(const std::string& key) override {
    auto object = store_.GetObject(destination_.name, key, std::nullopt);
    if (object.ok()) return !object->is_delete_marker;
    if (object.status().IsNotFound()) return false;
    return object.status();
  }

  Status PutDataFiles(std::vector<AssembledFile>& files, std::string_view content_type,
                      std::vector<std::string>* written) override {
    for (AssembledFile& f : files) {
      PublishFailpoint();
      // Created by NewDataFile above.
      auto& blob = static_cast<BlobDataFile&>(*f.file);
      store::ObjectVersion object =
          ReportObject(destination_, sse_, f.entry.key, std::string(content_type));
      object.size = f.entry.size;
      object.etag = f.entry.md5_hex;
      object.blob_id = blob.blob_id();
      RETURN_IF_ERROR(
          store_.PutObject(std::move(object)).status().WithContext("publishing a data file"));
      blob.MarkPublished();
      written->push_back(f.entry.key);
    }
    return Status::OK();
  }

  Status PutBytes(const std::string& key, std::string_view bytes,
                  std::string_view content_type) override {
    return PublishBytes(store_, ReportObject(destination_, sse_, key, std::string(content_type)),
                        bytes);
  }

  Status Delete(const std::string& key) override {
    return store_.DeleteObject(destination_.name, key, std::nullopt).status();
  }

 private:
  store::ObjectStore& store_;
  const store::Bucket& destination_;
  const ReportSse& sse_;
};

// The snapshot of the report, taken in a minute that holds no report of the configuration yet:
// when the current one does, the run waits for the next minute and snapshots then.
Result<std::vector<std::unique_ptr<store::SnapshotScan>>> SnapshotInFreeMinute(
    store::ObjectStore& store, ReportDestination& destination, const ReportJobOptions& options,
    const InventoryConfiguration& config, const store::Bucket& source,
    const ReportJobHooks& hooks) {
  std::string prefix = config.filter_prefix.value_or("");
  while (true) {
    ASSIGN_OR_RETURN(auto scans, store.NewSnapshotScans(source.name, prefix, options.Threads()));
    ReportLayout layout(config, source.name, scans.front()->snapshot_ms());
    ASSIGN_OR_RETURN(bool taken, MinuteTaken(destination, layout));
    if (!taken) return scans;
    scans.clear();  // releases the snapshot while waiting
    if (!hooks.wait_for) return Status::AlreadyExists(MinuteTakenReason(layout));
    // A duration, not an instant: the snapshot's time is the store's clock.
    if (!hooks.wait_for(NextReportMinuteMs(layout.scan_start_ms()) - layout.scan_start_ms())) {
      return Status::Aborted(kCancelledReason);
    }
  }
}

// Writes the rows of one snapshot part into its own data files. `should_stop` is polled every
// `poll_every` scanned versions (cancellation, or another part failed).
Status WritePart(store::SnapshotScan& scan, DataFileAssembler& assembler, size_t poll_every,
                 const std::function<Status()>& should_stop) {
  store::ObjectVersion version;
  Status st;
  size_t scanned = 0;
  while (st.ok() && scan.Next(&version)) {
    st = assembler.Add(version);
    if (st.ok() && ++scanned % poll_every == 0) st = should_stop();
  }
  if (st.ok()) st = scan.status();
  if (st.ok()) st = assembler.Finish(/*at_least_one_file=*/false);
  if (!st.ok()) assembler.Abandon();
  return st;
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
  ASSIGN_OR_RETURN(ReportSse sse,
                   ResolveReportEncryption(store, options, config, source, destination));
  StoreReportTarget target(store, destination, sse);

  ASSIGN_OR_RETURN(auto scans, SnapshotInFreeMinute(store, target, options, config, source, hooks));
  const int64_t snapshot_ms = scans.front()->snapshot_ms();
  run->snapshot_ms = snapshot_ms;
  ReportLayout layout(config, source.name, snapshot_ms);
  // Fail before scanning when S3 may not even write the manifest (the usual refusal).
  RETURN_IF_ERROR(AuthorizeDelivery(options, source, destination, layout.ManifestKey()));

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
  AssemblyOptions assembly{options.max_rows_per_file, options.batch_rows, options.writer};
  assembly.writer.row_group_bytes =
      std::max(options.writer.row_group_bytes / scans.size(), kMinRowGroupBytes);
  std::vector<std::unique_ptr<RowExtractor>> extractors;
  std::vector<std::unique_ptr<DataFileAssembler>> assemblers;
  for (size_t i = 0; i < scans.size(); ++i) {
    extractors.push_back(new_extractor());
    assemblers.push_back(
        std::make_unique<DataFileAssembler>(layout, extractors.back().get(), &target, assembly));
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
  std::vector<Status> part_status(scans.size());
  auto run_part = [&](size_t i) {
    part_status[i] = WritePart(*scans[i], *assemblers[i], options.batch_rows, should_stop);
    int none = -1;
    if (!part_status[i].ok()) first_failed_part.compare_exchange_strong(none, static_cast<int>(i));
  };
  {
    std::vector<std::jthread> threads;
    for (size_t i = 1; i < scans.size(); ++i) threads.emplace_back(run_part, i);
    run_part(0);
  }

  // The failure that stopped the others, not the "another part failed" they answered.
  Status st = first_failed_part >= 0 ? part_status[first_failed_part] : Status::OK();
  std::vector<AssembledFile> files;
  uint64_t rows = 0;
  for (auto& assembler : assemblers) {
    rows += assembler->rows();
    for (AssembledFile& f : assembler->TakeFiles()) files.push_back(std::move(f));
  }
  // An empty report still has one (empty) data file, so readers find its schema.
  if (st.ok() && files.empty()) {
    st = assemblers.front()->Finish(/*at_least_one_file=*/true);
    files = assemblers.front()->TakeFiles();
  }
  if (st.ok() && hooks.cancelled && hooks.cancelled()) st = Status::Aborted(kCancelledReason);
  auto abandon_all = [&files]() {
    for (AssembledFile& f : files) f.file->Abandon();
  };
  if (!st.ok()) {
    abandon_all();
    return st;
  }

  // Publication. Record every key first, so a crash part-way is cleaned up before the redo.
  Manifest manifest = BuildReportManifest(layout, schema, files);
  ReportComposition composition = std::move(assemblers.front()->composition());
  for (size_t i = 1; i < assemblers.size(); ++i) {
    composition.Merge(std::move(assemblers[i]->composition()));
  }
  std::string composition_json = composition.ToJson();
  run->publishing_keys = PublicationKeys(layout, manifest);
  for (const ManifestFile& f : manifest.files) run->bytes += f.size;
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
  Result<bool> taken = MinuteTaken(target, layout);
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
  RETURN_IF_ERROR(PublishReport(target, layout, manifest, composition_json, files));
  run->manifest_key = layout.ManifestKey();
  run->composition_json = std::move(composition_json);
  run->publishing_keys.clear();
  return Status::OK();
}

}  // namespace stocktake::inventory
