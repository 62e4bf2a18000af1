#include "cli/inventory_cmd.h"

#include <chrono>
#include <iostream>
#include <pugixml.hpp>
#include <thread>

#include "cli/client_flags.h"
#include "cli/scan_cmd.h"
#include "common/exit_code.h"

namespace stocktake::cli {
namespace {

struct RunOptions {
  ClientFlags client;
  std::string bucket;
  std::string id;
  bool wait = false;
  int timeout_seconds = 3600;
  report::ListOutput output = report::ListOutput::kTable;
};

struct RunView {
  std::string run_id, state, trigger, requested, started, finished, snapshot, manifest, reason;
  std::string rows, bytes, files;
};

RunView ReadRun(pugi::xml_node node) {
  RunView r;
  r.run_id = node.child_value("RunId");
  r.state = node.child_value("State");
  r.trigger = node.child_value("Trigger");
  r.requested = node.child_value("RequestedAt");
  r.started = node.child_value("StartedAt");
  r.finished = node.child_value("FinishedAt");
  r.snapshot = node.child_value("SnapshotTime");
  r.manifest = node.child_value("ManifestKey");
  r.reason = node.child_value("FailureReason");
  r.rows = node.child_value("Rows");
  r.bytes = node.child_value("Bytes");
  r.files = node.child_value("Files");
  return r;
}

// Sends `call` and parses its 200 answer; exits with the server's error otherwise.
pugi::xml_document SendOrExit(s3::S3Client& client, const s3::S3Call& call) {
  auto response = client.Send(call);
  if (!response.ok()) {
    std::cerr << "stocktake: " << response.status().message() << "\n";
    std::exit(ExitCodeFor(response.status()));
  }
  if (response->status != 200) {
    std::cerr << "stocktake: " << s3::S3Client::ErrorSummary(*response) << "\n";
    std::exit(ExitCodeForHttpStatus(response->status));
  }
  pugi::xml_document doc;
  doc.load_buffer(response->body.data(), response->body.size());
  return doc;
}

// Fetches the runs of a configuration; exits with the server's error on failure.
std::vector<RunView> FetchRuns(s3::S3Client& client, const std::string& bucket,
                               const std::string& id) {
  s3::S3Call call;
  call.bucket = bucket;
  call.query = {{"inventory", ""}, {"id", id}, {"runs", ""}};
  pugi::xml_document doc = SendOrExit(client, call);
  std::vector<RunView> runs;
  for (pugi::xml_node n : doc.child("ListInventoryRunsResult").children("InventoryRun")) {
    runs.push_back(ReadRun(n));
  }
  return runs;
}

// The destination bucket of a configuration (its Destination Bucket ARN, arn:aws:s3:::NAME).
std::string DestinationBucket(s3::S3Client& client, const std::string& bucket,
                              const std::string& id) {
  s3::S3Call call;
  call.bucket = bucket;
  call.query = {{"inventory", ""}, {"id", id}};
  pugi::xml_document doc = SendOrExit(client, call);
  std::string arn = doc.child("InventoryConfiguration")
                        .child("Destination")
                        .child("S3BucketDestination")
                        .child_value("Bucket");
  return arn.substr(arn.rfind(':') + 1);
}

int Run(const RunOptions& options) {
  auto client = options.client.Connect();
  s3::S3Call call;
  call.method = "POST";
  call.bucket = options.bucket;
  call.query = {{"inventory", ""}, {"id", options.id}, {"run", ""}};
  auto response = client->Send(call);
  if (!response.ok()) {
    std::cerr << "stocktake: " << response.status().message() << "\n";
    return ExitCodeFor(response.status());
  }
  if (response->status / 100 != 2) {
    std::cerr << "stocktake: " << s3::S3Client::ErrorSummary(*response) << "\n";
    return ExitCodeForHttpStatus(response->status);
  }
  pugi::xml_document doc;
  doc.load_buffer(response->body.data(), response->body.size());
  std::string run_id = doc.child("InventoryRunResult").child("InventoryRun").child_value("RunId");
  std::cout << "run " << run_id << " queued\n";
  if (!options.wait) return kExitOk;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const RunView& r : FetchRuns(*client, options.bucket, options.id)) {
      if (r.run_id != run_id) continue;
      if (r.state == "succeeded") {
        // The form `stocktake report` and `aws s3 cp` take.
        std::cout << "run " << run_id << " succeeded: " << r.rows << " rows, " << r.files
                  << " files, " << r.bytes << " bytes\nmanifest s3://"
                  << DestinationBucket(*client, options.bucket, options.id) << "/" << r.manifest
                  << "\n";
        return kExitOk;
      }
      if (r.state == "failed") {
        std::cerr << "run " << run_id << " failed: " << r.reason << "\n";
        return kExitFailure;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::cerr << "stocktake: timed out waiting for run " << run_id << "\n";
  return kExitFailure;
}

int Runs(const RunOptions& options) {
  auto client = options.client.Connect();
  using Kind = report::ListField::Kind;
  report::Listing listing({{"run_id"},
                           {"trigger"},
                           {"state"},
                           {"started"},
                           {"finished"},
                           {"snapshot"},
                           {"rows", Kind::kCount},
                           {"files", Kind::kCount},
                           {"bytes", Kind::kBytes},
                           {"manifest"},
                           {"failure_reason"}});
  std::string destination;  // fetched for the first manifest
  for (const RunView& r : FetchRuns(*client, options.bucket, options.id)) {
    std::string manifest;
    if (!r.manifest.empty()) {
      if (destination.empty()) destination = DestinationBucket(*client, options.bucket, options.id);
      manifest = "s3://" + destination + "/" + r.manifest;
    }
    listing.Add({r.run_id, r.trigger, r.state, r.started, r.finished, r.snapshot, r.rows, r.files,
                 r.bytes, manifest, r.reason});
  }
  listing.Write(options.output, &std::cout);
  return kExitOk;
}

}  // namespace

void AddInventoryCommand(CLI::App& app) {
  CLI::App* inventory = app.add_subcommand("inventory", "S3 Inventory reports");
  inventory->require_subcommand(1);

  auto run_options = std::make_shared<RunOptions>();
  CLI::App* run = inventory->add_subcommand("run", "Produce a report for a configuration now");
  run_options->client.AddTo(run);
  run->add_option("--bucket", run_options->bucket, "Source bucket")->required();
  run->add_option("--id", run_options->id, "Inventory configuration id")->required();
  run->add_flag("--wait", run_options->wait,
                "Wait for the run to finish; print the manifest's s3:// URL");
  run->add_option("--timeout", run_options->timeout_seconds, "Seconds to wait")
      ->capture_default_str();
  run->callback([run_options]() { std::exit(Run(*run_options)); });

  auto runs_options = std::make_shared<RunOptions>();
  CLI::App* runs = inventory->add_subcommand("runs", "Show the runs of a configuration");
  runs_options->client.AddTo(runs);
  runs->add_option("--bucket", runs_options->bucket, "Source bucket")->required();
  runs->add_option("--id", runs_options->id, "Inventory configuration id")->required();
  AddOutputOption(runs, &runs_options->output);
  runs->callback([runs_options]() { std::exit(Runs(*runs_options)); });

  AddInventoryScanCommand(inventory);
}

}  // namespace stocktake::cli
