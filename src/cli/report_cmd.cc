#include "cli/report_cmd.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "cli/client_flags.h"
#include "common/exit_code.h"
#include "report/cat.h"
#include "report/diff.h"
#include "report/query.h"
#include "report/summary.h"
#include "report/verify.h"

namespace stocktake::cli {
namespace {

constexpr char kLocationHelp[] =
    "Reports are named by s3://BUCKET/KEY/manifest.json (fetched from --endpoint) or by a local "
    "manifest.json, whose data files are found under --data-root, else under the nearest parent "
    "directory that holds files[].key (the layout of `aws s3 sync s3://BUCKET DIR`), else next "
    "to the manifest. A folder (s3://BUCKET/PREFIX/ or a directory) names the manifest.json in "
    "it, else its newest complete report: s3://audit/reports/photos/daily-csv/ is the latest "
    "report of configuration daily-csv of bucket photos. cat, summary, query and diff check "
    "manifest.checksum and each data file's size and MD5 as they read (exit 4 on a mismatch; "
    "--no-verify skips the checks).";

// Flags every report subcommand takes.
struct CommonFlags {
  ClientFlags client;
  std::string data_root;
  bool no_verify = false;

  void AddTo(CLI::App* command) {
    client.AddTo(command);
    command->add_option("--data-root", data_root,
                        "Local reports: the directory files[].key are relative to");
  }
  void AddVerifyFlagTo(CLI::App* command) {
    command->add_flag("--no-verify", no_verify,
                      "Read without checking manifest.checksum and the data files' MD5");
  }
  report::ReportOptions Options() const {
    report::ReportOptions options;
    options.client = s3::ResolveClientOptions(client.endpoint, client.access_key, client.secret_key,
                                              client.region, client.ca_bundle);
    options.data_root = data_root;
    options.verify = !no_verify;
    return options;
  }
};

report::OutputFormat FormatOrExit(const std::string& name) {
  auto format = report::ParseOutputFormat(name);
  if (!format) {
    std::cerr << "stocktake report: unknown --format " << name << "\n";
    std::exit(kExitUsage);
  }
  return *format;
}

}  // namespace

void AddReportCommand(CLI::App& app) {
  CLI::App* report = app.add_subcommand("report", "Read, check and query delivered reports");
  report->footer(kLocationHelp);
  report->require_subcommand(1);

  struct VerifyArgs : CommonFlags {
    std::string url;
    report::ListOutput output = report::ListOutput::kTable;
  };
  auto verify_args = std::make_shared<VerifyArgs>();
  CLI::App* verify = report->add_subcommand(
      "verify", "Check manifest.checksum, every file's size and MD5, the schema, the rows");
  verify->add_option("manifest", verify_args->url, "manifest.json URL or path")->required();
  verify_args->AddTo(verify);
  AddOutputOption(verify, &verify_args->output);
  verify->callback([verify_args]() {
    report::VerifyOptions options{verify_args->url, verify_args->Options(), verify_args->output};
    std::exit(report::RunVerify(options, &std::cout, &std::cerr));
  });

  struct CatArgs : CommonFlags {
    std::string url;
    std::string format = "csv";
    bool no_header = false;
  };
  auto cat_args = std::make_shared<CatArgs>();
  CLI::App* cat = report->add_subcommand("cat", "Print every row (keys decoded)");
  cat->add_option("manifest", cat_args->url, "manifest.json URL or path")->required();
  cat->add_option("--format", cat_args->format, "csv or jsonl")->capture_default_str();
  cat->add_flag("--no-header", cat_args->no_header, "CSV: no header line");
  cat_args->AddTo(cat);
  cat_args->AddVerifyFlagTo(cat);
  cat->callback([cat_args]() {
    report::CatOptions options;
    options.url = cat_args->url;
    options.report = cat_args->Options();
    options.format = FormatOrExit(cat_args->format);
    if (options.format == report::OutputFormat::kTable) {
      std::cerr << "stocktake report cat: --format is csv or jsonl\n";
      std::exit(kExitUsage);
    }
    options.header = !cat_args->no_header;
    std::exit(report::RunCat(options, &std::cout, &std::cerr));
  });

  struct SummaryArgs : CommonFlags {
    std::string url;
    int depth = 1;
    int top = 10;
    report::ListOutput output = report::ListOutput::kTable;
  };
  auto summary_args = std::make_shared<SummaryArgs>();
  CLI::App* summary = report->add_subcommand(
      "summary", "Objects and bytes by storage class, encryption, prefix and age");
  summary->add_option("manifest", summary_args->url, "manifest.json URL or path")->required();
  summary->add_option("--depth", summary_args->depth, "Path segments in a prefix")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  summary->add_option("--top", summary_args->top, "Prefixes to show")
      ->check(CLI::Range(0, 1'000'000))
      ->capture_default_str();
  summary_args->AddTo(summary);
  AddOutputOption(summary, &summary_args->output);
  summary_args->AddVerifyFlagTo(summary);
  summary->callback([summary_args]() {
    report::SummaryOptions options;
    options.url = summary_args->url;
    options.report = summary_args->Options();
    options.depth = summary_args->depth;
    options.top = summary_args->top;
    options.output = summary_args->output;
    std::exit(report::RunSummary(options, &std::cout, &std::cerr));
  });

  struct DiffArgs : CommonFlags {
    std::string old_url, new_url;
    std::string format = "text";
    bool summary_only = false;
    uint64_t max_rows = 10'000'000;
  };
  auto diff_args = std::make_shared<DiffArgs>();
  CLI::App* diff = report->add_subcommand(
      "diff", "Objects added, removed and changed between two reports (exit 7 if any)");
  diff->add_option("old", diff_args->old_url, "Older manifest.json URL or path")->required();
  diff->add_option("new", diff_args->new_url, "Newer manifest.json URL or path")->required();
  diff->add_option("--format", diff_args->format, "text or jsonl")
      ->check(CLI::IsMember({"text", "jsonl"}))
      ->capture_default_str();
  diff->add_flag("--summary", diff_args->summary_only, "Print only the counts");
  diff->add_option("--max-rows-in-memory", diff_args->max_rows,
                   "Limit for reports not sorted by key (compared in memory)")
      ->capture_default_str();
  diff_args->AddTo(diff);
  diff_args->AddVerifyFlagTo(diff);
  diff->callback([diff_args]() {
    report::DiffOptions options;
    options.old_url = diff_args->old_url;
    options.new_url = diff_args->new_url;
    options.report = diff_args->Options();
    options.jsonl = diff_args->format == "jsonl";
    options.summary_only = diff_args->summary_only;
    options.max_rows_in_memory = diff_args->max_rows;
    std::exit(report::RunDiff(options, &std::cout, &std::cerr));
  });

  struct QueryArgs : CommonFlags {
    std::string url, sql;
    std::string format = "table";
  };
  auto query_args = std::make_shared<QueryArgs>();
  CLI::App* query =
      report->add_subcommand("query", "SQL (SQLite) over the rows: SELECT ... FROM inventory");
  query->add_option("manifest", query_args->url, "manifest.json URL or path")->required();
  query->add_option("sql", query_args->sql, "SQL; the report is the table `inventory`")->required();
  query->add_option("--format", query_args->format, "table, csv or jsonl")->capture_default_str();
  query_args->AddTo(query);
  query->footer(report::QueryColumnsHelp());
  query_args->AddVerifyFlagTo(query);
  query->callback([query_args]() {
    report::QueryOptions options;
    options.url = query_args->url;
    options.sql = query_args->sql;
    options.report = query_args->Options();
    options.format = FormatOrExit(query_args->format);
    std::exit(report::RunQuery(options, &std::cout, &std::cerr));
  });
}

}  // namespace stocktake::cli
