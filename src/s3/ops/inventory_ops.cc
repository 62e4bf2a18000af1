// S3 Inventory configuration operations (spec §2) and Stocktake's run extension:
//   POST /{bucket}?inventory&id=ID&run   queue a report now
//   GET  /{bucket}?inventory&id=ID&runs  the runs of a configuration
#include "common/encoding.h"
#include "common/time_format.h"
#include "inventory/config_xml.h"
#include "inventory/inventory_service.h"
#include "s3/ops/op_util.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {
namespace {

constexpr size_t kMaxConfigurations = 1000;  // spec §9
constexpr size_t kListPageSize = 100;        // spec §2.2
constexpr size_t kMaxConfigurationBytes = 256 * 1024;

S3Error FromConfigError(const inventory::ConfigError& error) {
  S3ErrorCode code = S3ErrorCode::kMalformedXML;
  if (error.code == inventory::kIdMismatchCode) code = S3ErrorCode::kIdMismatch;
  if (error.code == inventory::kInvalidDestinationCode) {
    code = S3ErrorCode::kInvalidS3DestinationBucket;
  }
  return S3Error(code, std::string(error.message));
}

std::variant<std::string, S3Error> RequiredId(const S3Request& request) {
  const std::string* id = request.Query("id");
  if (id == nullptr || id->empty()) {
    return S3Error(S3ErrorCode::kInvalidArgument, "Missing required parameter: id");
  }
  return *id;
}

std::variant<inventory::InventoryConfiguration, S3Error> LoadConfig(OpContext& ctx,
                                                                    const std::string& id) {
  auto document = ctx.store().GetInventoryConfig(ctx.bucket->name, id);
  if (!document.ok()) {
    if (document.status().IsNotFound()) return S3Error(S3ErrorCode::kNoSuchConfiguration);
    return FromStatus(document.status());
  }
  auto config = inventory::DecodeInventoryConfiguration(*document);
  if (!config.ok()) return FromStatus(config.status());
  return std::move(*config);
}

void RunXml(XmlWriter& xml, const inventory::RunRecord& run) {
  xml.Open("InventoryRun");
  xml.Element("RunId", run.run_id);
  xml.Element("Id", run.config_id);
  xml.Element("Trigger", run.trigger);
  xml.Element("State", inventory::RunStateName(run.state));
  xml.Element("RequestedAt", FormatIso8601Millis(run.requested_ms));
  if (run.started_ms) xml.Element("StartedAt", FormatIso8601Millis(run.started_ms));
  if (run.finished_ms) xml.Element("FinishedAt", FormatIso8601Millis(run.finished_ms));
  if (run.snapshot_ms) xml.Element("SnapshotTime", FormatIso8601Millis(run.snapshot_ms));
  xml.Element("Rows", run.rows);
  xml.Element("Bytes", run.bytes);
  xml.Element("Files", run.files);
  if (!run.manifest_key.empty()) xml.Element("ManifestKey", run.manifest_key);
  // Stocktake's summary of the report, next to its manifest (inventory/report_composition.h).
  if (!run.composition_json.empty()) {
    xml.Element("CompositionKey",
                run.manifest_key.substr(0, run.manifest_key.rfind('/') + 1) + "composition.json");
  }
  if (!run.failure_reason.empty()) xml.Element("FailureReason", run.failure_reason);
  xml.Close();
}

S3Error InventoryUnavailable() {
  return S3Error(S3ErrorCode::kServiceUnavailable, "The inventory service is not running.");
}

}  // namespace

OpResult PutBucketInventoryConfiguration(OpContext& ctx) {
  auto id = RequiredId(ctx.request);
  if (auto* error = std::get_if<S3Error>(&id)) return *error;
  std::optional<S3Error> read_error;
  auto body = ReadAll(*ctx.request.payload, kMaxConfigurationBytes, &read_error);
  if (!body.ok()) return read_error ? *read_error : S3Error(S3ErrorCode::kMalformedXML);
  auto parsed = inventory::ParsePutInventoryConfiguration(*body, std::get<std::string>(id));
  if (!parsed.ok()) return FromConfigError(parsed.error());
  const inventory::InventoryConfiguration& config = parsed.value();

  auto existing = ctx.store().ListInventoryConfigs(ctx.bucket->name);
  if (!existing.ok()) return FromStatus(existing.status());
  bool replaces = false;
  for (const auto& [existing_id, document] : *existing) replaces |= (existing_id == config.id);
  if (!replaces && existing->size() >= kMaxConfigurations) {
    return S3Error(S3ErrorCode::kTooManyConfigurations);
  }
  Status st = ctx.store().PutInventoryConfig(ctx.bucket->name, config.id,
                                             inventory::EncodeInventoryConfiguration(config));
  if (!st.ok()) return FromStatus(st);
  if (ctx.service.inventory) ctx.service.inventory->NotifyConfigChanged();
  return S3Response::NoContent();  // 204, as recorded against AWS (spec §2.1)
}

OpResult GetBucketInventoryConfiguration(OpContext& ctx) {
  auto id = RequiredId(ctx.request);
  if (auto* error = std::get_if<S3Error>(&id)) return *error;
  auto config = LoadConfig(ctx, std::get<std::string>(id));
  if (auto* error = std::get_if<S3Error>(&config)) return *error;
  return S3Response::Xml(inventory::SerializeInventoryConfigurationXml(
      std::get<inventory::InventoryConfiguration>(config), true));
}

OpResult ListBucketInventoryConfigurations(OpContext& ctx) {
  std::string after;
  const std::string* token = ctx.request.Query("continuation-token");
  if (token != nullptr) {
    auto decoded = Base64Decode(*token);
    if (!decoded || decoded->empty()) {
      return S3Error(S3ErrorCode::kInvalidArgument, "The continuation token provided is incorrect");
    }
    after = *decoded;
  }
  auto all = ctx.store().ListInventoryConfigs(ctx.bucket->name);  // sorted by id
  if (!all.ok()) return FromStatus(all.status());
  inventory::ListInventoryConfigurationsPage page;
  if (token != nullptr) page.continuation_token = *token;
  for (const auto& [id, document] : *all) {
    if (!after.empty() && id <= after) continue;
    if (page.configurations.size() == kListPageSize) {
      page.is_truncated = true;
      page.next_continuation_token = Base64Encode(page.configurations.back().id);
      break;
    }
    auto config = inventory::DecodeInventoryConfiguration(document);
    if (!config.ok()) return FromStatus(config.status());
    page.configurations.push_back(std::move(*config));
  }
  return S3Response::Xml(inventory::SerializeListInventoryConfigurationsXml(page));
}

OpResult DeleteBucketInventoryConfiguration(OpContext& ctx) {
  auto id = RequiredId(ctx.request);
  if (auto* error = std::get_if<S3Error>(&id)) return *error;
  auto config = LoadConfig(ctx, std::get<std::string>(id));
  if (auto* error = std::get_if<S3Error>(&config)) return *error;
  Status st = ctx.store().DeleteInventoryConfig(ctx.bucket->name, std::get<std::string>(id));
  if (!st.ok()) return FromStatus(st);
  if (ctx.service.inventory) ctx.service.inventory->NotifyConfigChanged();
  return S3Response::NoContent();
}

OpResult RunBucketInventory(OpContext& ctx) {
  auto id = RequiredId(ctx.request);
  if (auto* error = std::get_if<S3Error>(&id)) return *error;
  auto config = LoadConfig(ctx, std::get<std::string>(id));
  if (auto* error = std::get_if<S3Error>(&config)) return *error;
  if (!ctx.service.inventory) return InventoryUnavailable();
  auto run =
      ctx.service.inventory->RequestRun(ctx.bucket->name, std::get<std::string>(id), "on-demand");
  if (!run.ok()) return FromStatus(run.status());
  XmlWriter xml("InventoryRunResult");
  RunXml(xml, *run);
  return S3Response::Xml(xml.Finish(), 202);
}

OpResult ListBucketInventoryRuns(OpContext& ctx) {
  auto id = RequiredId(ctx.request);
  if (auto* error = std::get_if<S3Error>(&id)) return *error;
  auto config = LoadConfig(ctx, std::get<std::string>(id));
  if (auto* error = std::get_if<S3Error>(&config)) return *error;
  if (!ctx.service.inventory) return InventoryUnavailable();
  auto runs = ctx.service.inventory->ListRuns(ctx.bucket->name, std::get<std::string>(id));
  if (!runs.ok()) return FromStatus(runs.status());
  XmlWriter xml("ListInventoryRunsResult");
  for (const auto& run : *runs) RunXml(xml, run);
  return S3Response::Xml(xml.Finish());
}

}  // namespace stocktake::s3
