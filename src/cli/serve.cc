#include "cli/serve.h"

#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/root_account.h"
#include "inventory/inventory_service.h"
#include "io/file.h"
#include "s3/authorization.h"
#include "s3/http/http_server.h"
#include "s3/service.h"
#include "store/object_store.h"

namespace stocktake::cli {
namespace {

struct ServeOptions {
  std::string data_dir = "./stocktake-data";
  std::string address = "127.0.0.1";
  uint16_t port = 9000;
  std::string region = "us-east-1";
  std::string log_level = "info";
  std::string inventory_daily_time = "01:00";
  std::string inventory_first_run = "immediate";
  uint64_t inventory_max_rows_per_file = 1'000'000;
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
    std::cout << "root secret key " << root->secret_key
              << "   (shown once; also in " << options.data_dir << "/root-account.json, mode 0600)\n";
  }

  inventory::InventoryServiceOptions inventory_options;
  if (!ParseDailyTime(options.inventory_daily_time, &inventory_options.daily_hour_utc,
                      &inventory_options.daily_minute_utc)) {
    std::cerr << "stocktake: --inventory-daily-time must be HH:MM (UTC)\n";
    return 1;
  }
  inventory_options.first_run_immediately = options.inventory_first_run == "immediate";
  inventory_options.job.max_rows_per_file = options.inventory_max_rows_per_file;
  // Reports are written as the S3 service principal, checked against the destination bucket
  // policy (spec §8); injected so that inventory/ does not depend on s3/.
  inventory_options.job.authorize_delivery = s3::AuthorizeInventoryDelivery;
  inventory::InventoryService inventory(store->get(), SystemClock::Default(), inventory_options);

  s3::ServiceContext context;
  context.inventory = &inventory;
  context.store = store->get();
  context.clock = SystemClock::Default();
  context.options.region = options.region;
  context.root_account_id = root->account.account_id;
  s3::S3Service service(context);
  s3::http::HttpServerOptions http_options;
  http_options.address = options.address;
  http_options.port = options.port;
  s3::http::HttpServer server(http_options, [&service](const auto& head, auto& body, auto& out) {
    service.Handle(head, body, out);
  });
  st = server.Start();
  if (!st.ok()) {
    std::cerr << "stocktake: " << st.ToString() << "\n";
    return 1;
  }
  st = inventory.Start();
  if (!st.ok()) {
    std::cerr << "stocktake: " << st.ToString() << "\n";
    return 1;
  }
  std::cout << "stocktake listening on http://" << options.address << ":" << server.port()
            << std::endl;

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("signal {} received: stopping", signal_number);
  server.Stop();
  inventory.Stop();
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
  serve->add_option("--log-level", options->log_level, "trace|debug|info|warn|error|off")
      ->capture_default_str();
  serve->add_option("--inventory-daily-time", options->inventory_daily_time,
                    "UTC time of day of Daily (and Sunday's Weekly) inventory runs, HH:MM")
      ->capture_default_str();
  serve->add_option("--inventory-first-run", options->inventory_first_run,
                    "immediate: a new configuration's first report within a minute; schedule: "
                    "wait for the scheduled time, as AWS")
      ->check(CLI::IsMember({"immediate", "schedule"}))
      ->capture_default_str();
  serve->add_option("--inventory-max-rows-per-file", options->inventory_max_rows_per_file,
                    "Rows per report data file (split at the next key)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve->callback([options]() { std::exit(RunServe(*options)); });
}

}  // namespace stocktake::cli
