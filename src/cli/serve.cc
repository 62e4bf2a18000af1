#include "cli/serve.h"

#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/data_dir_lock.h"
#include "cli/log_format.h"
#include "cli/root_account.h"
#include "common/exit_code.h"
#include "inventory/inventory_service.h"
#include "io/file.h"
#include "replication/replicator.h"
#include "s3/authorization.h"
#include "s3/http/http_server.h"
#include "s3/kms_policy.h"
#include "s3/ops/replication.h"
#include "s3/service.h"
#include "store/lifecycle_worker.h"
#include "store/object_store.h"

namespace stocktake::cli {
namespace {

struct ServeOptions {
  std::string data_dir = "./stocktake-data";
  std::string address = "127.0.0.1";
  uint16_t port = 9000;
  std::string region = "us-east-1";
  std::string default_object_ownership = "BucketOwnerEnforced";
  std::string log_level = "info";
  std::string log_format = "text";
  std::string inventory_daily_time = "01:00";
  std::string inventory_first_run = "immediate";
  uint64_t inventory_max_rows_per_file = 1'000'000;
  int inventory_report_threads = 0;
  s3::http::HttpServerOptions http;  // connection limits and timeouts (address, port: above)
  uint32_t lifecycle_interval_seconds = 3600;
  int max_concurrent_inventory_runs = 2;
  std::string tls_cert;
  std::string tls_key;
  uint16_t tls_port = 9443;
};

bool ParseDailyTime(const std::string& text, int* hour, int* minute) {
  if (text.size() != 5 || text[2] != ':') return false;
  try {
    *hour = std::stoi(text.substr(0, 2));
    *minute = std::stoi(text.substr(3, 2));
  } catch (...) {
    return false;
  }
  return *hour >= 0 && *hour < 24 && *minute >= 0 && *minute < 60;
}

int RunServe(const ServeOptions& options) {
  // Logs go to stderr: stdout carries only the start-up lines tools and tests read.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("stocktake"));
  if (options.log_format == "json") spdlog::set_formatter(std::make_unique<JsonLogFormatter>());
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  // Block the termination signals in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  Status st = io::CreateDirectories(options.data_dir);
  if (!st.ok()) {
    std::cerr << "stocktake: " << st.ToString() << "\n";
    return 1;
  }
  if (auto pid = DataDirLockHolder(options.data_dir)) {
    std::cerr << "stocktake: data directory " << options.data_dir
              << " is in use by another stocktake server (process " << *pid
              << "); stop it, or give this one another --data-dir\n";
    return kExitUnavailable;
  }
  store::StoreOptions store_options;
  store_options.data_dir = options.data_dir;
  // Failpoint for tests of time-dependent object state (Intelligent-Tiering access tiers): the
  // store's clock (object times, access times, report snapshots) runs ahead by this much, while
  // SigV4 and the rest of the server keep real time.
  const char* store_offset = std::getenv("STOCKTAKE_FAILPOINT_STORE_CLOCK_OFFSET_MS");
  OffsetClock store_clock(SystemClock::Default(), store_offset ? std::atoll(store_offset) : 0);
  store_options.clock = &store_clock;
  auto store = store::ObjectStore::Open(store_options);
  if (!store.ok()) {
    std::cerr << "stocktake: cannot open data directory " << options.data_dir << ": "
              << store.status().ToString() << "\n";
    return 1;
  }
  auto root = EnsureRootAccount(**store, options.data_dir);
  if (!root.ok()) {
    std::cerr << "stocktake: " << root.status().ToString() << "\n";
    return 1;
  }
  std::cout << "root account " << root->account.account_id << " (canonical id "
            << root->account.canonical_id << ")\n"
            << "root access key " << root->access_key_id << "\n";
  if (root->newly_generated_secret) {
    std::cout << "root secret key " << root->secret_key << "   (shown once; also in "
              << options.data_dir << "/root-account.json, mode 0600)\n";
  }

  inventory::InventoryServiceOptions inventory_options;
  if (!ParseDailyTime(options.inventory_daily_time, &inventory_options.daily_hour_utc,
                      &inventory_options.daily_minute_utc)) {
    std::cerr << "stocktake: --inventory-daily-time must be HH:MM (UTC)\n";
    return 1;
  }
  inventory_options.first_run_immediately = options.inventory_first_run == "immediate";
  inventory_options.job.max_rows_per_file = options.inventory_max_rows_per_file;
  inventory_options.job.threads = options.inventory_report_threads;
  inventory_options.max_concurrent_runs = options.max_concurrent_inventory_runs;
  // Reports are written as the S3 service principal, checked against the destination bucket
  // policy (spec §8); injected so that inventory/ does not depend on s3/.
  inventory_options.job.authorize_delivery = s3::AuthorizeInventoryDelivery;
  inventory_options.job.authorize_kms_key = s3::AuthorizeInventoryKmsKey;
  inventory::InventoryService inventory(store->get(), SystemClock::Default(), inventory_options);

  replication::ReplicatorOptions replication_options;
  replication_options.authorize = s3::AuthorizeReplication;
  replication::Replicator replicator(store->get(), replication_options);

  // Lifecycle actions follow the store's clock (moved by the failpoint above in tests).
  store::LifecycleWorkerOptions lifecycle_options;
  lifecycle_options.interval_ms = int64_t{options.lifecycle_interval_seconds} * 1000;
  lifecycle_options.on_error = [](const Status& error) {
    spdlog::warn("lifecycle: {}", error.ToString());
  };
  store::LifecycleWorker lifecycle(store->get(), &store_clock, lifecycle_options);

  s3::ServiceContext context;
  context.inventory = &inventory;
  context.replication = &replicator;
  context.store = store->get();
  context.clock = SystemClock::Default();
  context.options.region = options.region;
  context.options.default_object_ownership = options.default_object_ownership;
  context.root_account_id = root->account.account_id;
  s3::S3Service service(context);
  s3::http::HttpServerOptions http_options = options.http;
  http_options.address = options.address;
  http_options.port = options.port;
  auto handler = [&service](const auto& head, auto& body, auto& out) {
    service.Handle(head, body, out);
  };
  s3::http::HttpServer server(http_options, handler);
  st = server.Start();
  if (!st.ok()) {
    std::cerr << "stocktake: " << st.ToString() << "\n";
    return 1;
  }
  // With a certificate, HTTPS is served too, on its own port, by the same service.
  std::unique_ptr<s3::http::HttpServer> tls_server;
  if (!options.tls_cert.empty()) {
    s3::http::HttpServerOptions tls_options = http_options;
    tls_options.port = options.tls_port;
    tls_options.tls = s3::http::TlsOptions{options.tls_cert, options.tls_key};
    tls_server = std::make_unique<s3::http::HttpServer>(tls_options, handler);
    st = tls_server->Start();
    if (!st.ok()) {
      std::cerr << "stocktake: " << st.ToString() << "\n";
      return 1;
    }
  }
  st = inventory.Start();
  if (!st.ok()) {
    std::cerr << "stocktake: " << st.ToString() << "\n";
    return 1;
  }
  st = replicator.Start();  // picks up versions left PENDING by the last run
  if (!st.ok()) {
    std::cerr << "stocktake: " << st.ToString() << "\n";
    return 1;
  }
  lifecycle.Start();
  std::cout << "stocktake listening on http://" << options.address << ":" << server.port()
            << std::endl;
  if (tls_server) {
    std::cout << "stocktake listening on https://" << options.address << ":" << tls_server->port()
              << std::endl;
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("signal {} received: stopping", signal_number);
  service.BeginShutdown();  // /health/ready answers 503 while in-flight requests finish
  {
    // Both listeners drain at once: the grace period is not paid twice.
    std::thread tls_stop([&tls_server] {
      if (tls_server) tls_server->Stop();
    });
    server.Stop();
    tls_stop.join();
  }
  inventory.Stop();
  lifecycle.Stop();
  replicator.Stop();
  store->reset();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* serve = app.add_subcommand("serve", "Run the S3-compatible server");
  serve->add_option("--data-dir", options->data_dir, "Data directory")->capture_default_str();
  serve->add_option("--address", options->address, "Address to listen on")->capture_default_str();
  serve->add_option("--port", options->port, "Port (0 picks a free one)")->capture_default_str();
  serve->add_option("--region", options->region, "Region name")->capture_default_str();
  serve
      ->add_option("--default-object-ownership", options->default_object_ownership,
                   "Object Ownership of a new bucket whose CreateBucket names none")
      ->check(CLI::IsMember({"BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"}))
      ->capture_default_str();
  serve->add_option("--log-level", options->log_level, "trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  serve
      ->add_option("--log-format", options->log_format,
                   "text, or json: one object a line with the request's fields (status, code, "
                   "reason...)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  serve
      ->add_option("--inventory-daily-time", options->inventory_daily_time,
                   "UTC time of day of Daily (and Sunday's Weekly) inventory runs, HH:MM")
      ->capture_default_str();
  serve
      ->add_option("--inventory-first-run", options->inventory_first_run,
                   "immediate: a new configuration's first report within a minute; schedule: "
                   "wait for the scheduled time, as AWS")
      ->check(CLI::IsMember({"immediate", "schedule"}))
      ->capture_default_str();
  serve
      ->add_option("--inventory-max-rows-per-file", options->inventory_max_rows_per_file,
                   "Rows per report data file (split at the next key)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve
      ->add_option("--inventory-report-threads", options->inventory_report_threads,
                   "Threads of one report, each over its own key range (0: one per core)")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  serve
      ->add_option("--max-concurrent-inventory-runs", options->max_concurrent_inventory_runs,
                   "Inventory reports produced at once; further due or on-demand runs queue")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  CLI::Option* cert =
      serve->add_option("--tls-cert", options->tls_cert,
                        "PEM certificate chain: also serve HTTPS (on --tls-port) with it");
  CLI::Option* key =
      serve->add_option("--tls-key", options->tls_key, "PEM private key of --tls-cert");
  cert->needs(key);
  key->needs(cert);
  serve->add_option("--tls-port", options->tls_port, "HTTPS port (0 picks a free one)")
      ->capture_default_str();
  serve
      ->add_option("--lifecycle-interval", options->lifecycle_interval_seconds,
                   "Seconds between lifecycle passes (the first runs at start-up)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve
      ->add_option("--max-connections", options->http.max_connections,
                   "Connections served at once per listener; more wait to be accepted")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  serve
      ->add_option("--max-header-bytes", options->http.max_header_bytes,
                   "Largest request line + header; larger requests get 400 "
                   "RequestHeaderSectionTooLarge")
      ->check(CLI::Range(1024, 1 << 20))
      ->capture_default_str();
  serve
      ->add_option("--idle-timeout", options->http.idle_timeout_seconds,
                   "Seconds a connection has to send its next request header whole")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve
      ->add_option("--io-timeout", options->http.io_timeout_seconds,
                   "Seconds a read or write of a request may make no progress")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  // Every flag also reads STOCKTAKE_<FLAG> (--data-dir: STOCKTAKE_DATA_DIR). CLI11's precedence:
  // command line, then the --config file, then the environment, then the default.
  for (CLI::Option* option : serve->get_options()) {
    std::string name = option->get_single_name();
    if (option->get_lnames().empty() || name == "help") continue;
    std::string env = "STOCKTAKE_";
    for (char c : name) env += c == '-' ? '_' : static_cast<char>(std::toupper(c));
    option->envname(env);
  }
  serve->callback([options]() { std::exit(RunServe(*options)); });
}

}  // namespace stocktake::cli
