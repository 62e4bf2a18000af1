// The report commands on local reports built here with Stocktake's writers and manifest code:
// diff (file order by first key, the in-memory fallback for unsorted reports and its limit,
// versioned against current reports), verify (schema and checksum problems), summary and query.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/exit_code.h"
#include "inventory/manifest.h"
#include "report/diff.h"
#include "report/query.h"
#include "report/summary.h"
#include "report/testing/test_util.h"
#include "report/verify.h"

namespace stocktake::report {
namespace {

namespace fs = std::filesystem;
using format::FileFormat;
using inventory::FieldId;
using testing::Bool;
using testing::Int;
using testing::Null;
using testing::SampleRow;
using testing::Str;

constexpr int64_t kCreated = 1700000000000;
constexpr int64_t kDay = 86'400'000;

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("stocktake-report-commands-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes a report `name` (one data file per element of `files`) and returns its manifest path.
  std::string WriteReport(const std::string& name, FileFormat file_format,
                          const std::vector<FieldId>& fields,
                          const std::vector<std::vector<SampleRow>>& files) {
    format::Schema schema = inventory::BuildSchema(fields);
    inventory::Manifest manifest;
    manifest.source_bucket = "src";
    manifest.destination_bucket_arn = "arn:aws:s3:::dst";
    manifest.creation_timestamp_ms = kCreated;
    manifest.file_format = file_format;
    manifest.file_schema = format::FileSchemaString(file_format, schema);
    for (size_t i = 0; i < files.size(); ++i) {
      std::string bytes = testing::WriteFile(file_format, schema, files[i]);
      std::string key =
          name + "/data/f" + std::to_string(i) + "." + format::FileExtension(file_format);
      fs::create_directories((dir_ / key).parent_path());
      std::ofstream(dir_ / key, std::ios::binary) << bytes;
      manifest.files.push_back({key, bytes.size(), HexLower(Md5(bytes))});
    }
    fs::path folder = dir_ / name / "2023-11-14T22-13Z";
    fs::create_directories(folder);
    std::string json = inventory::BuildManifestJson(manifest);
    std::ofstream(folder / "manifest.json", std::ios::binary) << json;
    std::ofstream(folder / "manifest.checksum", std::ios::binary)
        << inventory::BuildManifestChecksum(json);
    return (folder / "manifest.json").string();
  }

  fs::path dir_;
};

const std::vector<FieldId> kFields = {FieldId::kBucket, FieldId::kKey,
                                      FieldId::kSize,   FieldId::kLastModifiedDate,
                                      FieldId::kETag,   FieldId::kStorageClass};

SampleRow Object(const std::string& key, int64_t size, const std::string& etag,
                 const std::string& storage_class = "STANDARD", int64_t modified = kCreated) {
  return {Str("src"), Str(key), Int(size), Int(modified), Str(etag), Str(storage_class)};
}

struct Output {
  int status;
  std::string out, err;
};

Output Diff(const std::string& old_url, const std::string& new_url, uint64_t limit = 1000,
            bool jsonl = false) {
  DiffOptions options;
  options.old_url = old_url;
  options.new_url = new_url;
  options.max_rows_in_memory = limit;
  options.jsonl = jsonl;
  std::ostringstream out, err;
  int status = RunDiff(options, &out, &err);
  return {status, out.str(), err.str()};
}

TEST_F(CommandsTest, DiffOrdersFilesByTheirFirstKey) {
  // files[] lists the later key range first: the merge must still see keys in order.
  std::string old_url = WriteReport(
      "old", FileFormat::kParquet, kFields,
      {{Object("m", 1, "e1"), Object("n", 2, "e2")}, {Object("a", 3, "e3"), Object("b", 4, "e4")}});
  std::string new_url = WriteReport("new", FileFormat::kOrc, kFields,
                                    {{Object("a", 3, "e3"), Object("b", 5, "e5")},
                                     {Object("c", 6, "e6"), Object("n", 2, "e2", "GLACIER")}});
  Output d = Diff(old_url, new_url);
  EXPECT_EQ(d.status, kExitDifferences) << d.err;
  EXPECT_EQ(d.out,
            "changed  b  size: 4 -> 5; e_tag: e4 -> e5\n"
            "added    c  size=6 e_tag=e6 last_modified_date=2023-11-14T22:13:20.000Z "
            "storage_class=STANDARD\n"
            "removed  m  size=1 e_tag=e1 last_modified_date=2023-11-14T22:13:20.000Z "
            "storage_class=STANDARD\n"
            "changed  n  storage_class: STANDARD -> GLACIER\n"
            "1 added, 1 removed, 2 changed, 1 unchanged\n");
  Output same = Diff(new_url, new_url);
  EXPECT_EQ(same.status, 0);
  EXPECT_EQ(same.out, "0 added, 0 removed, 0 changed, 4 unchanged\n");
}

TEST_F(CommandsTest, DiffFallsBackToMemoryForUnsortedReports) {
  std::string old_url =
      WriteReport("old", FileFormat::kCsv, kFields,
                  {{Object("z", 1, "e1"), Object("a", 2, "e2")}, {Object("m", 3, "e3")}});
  std::string new_url =
      WriteReport("new", FileFormat::kCsv, kFields,
                  {{Object("m", 4, "e4"), Object("b", 5, "e5")}, {Object("z", 1, "e1")}});
  Output d = Diff(old_url, new_url);
  EXPECT_EQ(d.status, kExitDifferences) << d.err;
  EXPECT_EQ(d.out,
            "removed  a  size=2 e_tag=e2 last_modified_date=2023-11-14T22:13:20.000Z "
            "storage_class=STANDARD\n"
            "added    b  size=5 e_tag=e5 last_modified_date=2023-11-14T22:13:20.000Z "
            "storage_class=STANDARD\n"
            "changed  m  size: 3 -> 4; e_tag: e3 -> e4\n"
            "1 added, 1 removed, 1 changed, 1 unchanged (reports not sorted by key: compared in "
            "memory)\n");
  Output limited = Diff(old_url, new_url, /*limit=*/2);
  EXPECT_EQ(limited.status, kExitFailure);
  EXPECT_NE(limited.err.find("more than 2 rows; raise --max-rows-in-memory"), std::string::npos)
      << limited.err;
}

TEST_F(CommandsTest, DiffOfVersionedReports) {
  std::vector<FieldId> fields = {FieldId::kBucket,         FieldId::kKey,
                                 FieldId::kVersionId,      FieldId::kIsLatest,
                                 FieldId::kIsDeleteMarker, FieldId::kSize};
  auto row = [](const std::string& key, const std::string& version, bool latest, bool marker,
                int64_t size) {
    return SampleRow{Str("src"),   Str(key),     Str(version),
                     Bool(latest), Bool(marker), marker ? Null() : Int(size)};
  };
  std::string old_url =
      WriteReport("old", FileFormat::kParquet, fields,
                  {{row("a", "v1", true, false, 1), row("b", "", true, false, 2)}});
  // Overwrite a (new version v2, v1 now noncurrent), delete b (a delete marker on top).
  std::string new_url =
      WriteReport("new", FileFormat::kParquet, fields,
                  {{row("a", "v2", true, false, 3), row("a", "v1", false, false, 1),
                    row("b", "m1", true, true, 0), row("b", "", false, false, 2)}});
  Output d = Diff(old_url, new_url, 1000, /*jsonl=*/true);
  EXPECT_EQ(d.status, kExitDifferences) << d.err;
  EXPECT_EQ(
      d.out,
      "{\"change\": \"added\", \"key\": \"a\", \"version_id\": \"v2\", \"new\": {\"size\": 3, "
      "\"is_latest\": true, \"is_delete_marker\": false}}\n"
      "{\"change\": \"changed\", \"key\": \"a\", \"version_id\": \"v1\", \"old\": {\"size\": "
      "1, \"is_latest\": true, \"is_delete_marker\": false}, \"new\": {\"size\": 1, "
      "\"is_latest\": false, \"is_delete_marker\": false}, \"fields\": [\"is_latest\"]}\n"
      "{\"change\": \"added\", \"key\": \"b\", \"version_id\": \"m1\", \"new\": {\"size\": "
      "null, \"is_latest\": true, \"is_delete_marker\": true}}\n"
      "{\"change\": \"changed\", \"key\": \"b\", \"version_id\": \"\", \"old\": {\"size\": 2, "
      "\"is_latest\": true, \"is_delete_marker\": false}, \"new\": {\"size\": 2, "
      "\"is_latest\": false, \"is_delete_marker\": false}, \"fields\": [\"is_latest\"]}\n");
  // Against a Current report (no VersionId): the versioned side keeps its current objects.
  std::string current_url =
      WriteReport("current", FileFormat::kOrc, {FieldId::kBucket, FieldId::kKey, FieldId::kSize},
                  {{{Str("src"), Str("a"), Int(3)}}});
  Output c = Diff(current_url, new_url);
  EXPECT_EQ(c.status, 0) << c.out << c.err;
  EXPECT_EQ(c.out, "0 added, 0 removed, 0 changed, 1 unchanged\n");
}

TEST_F(CommandsTest, VerifyReportsEveryProblem) {
  std::string url =
      WriteReport("r", FileFormat::kOrc, kFields, {{Object("a", 1, "e1")}, {Object("b", 2, "e2")}});
  VerifyOptions options;
  options.url = url;
  std::ostringstream out, err;
  EXPECT_EQ(RunVerify(options, &out, &err), 0) << err.str();
  EXPECT_NE(out.str().find("\nrows 2\nverify: OK\n"), std::string::npos) << out.str();
  // A data file with another schema (ETag missing), and a missing data file.
  std::string other = testing::WriteFile(
      FileFormat::kOrc,
      inventory::BuildSchema(std::vector<FieldId>{FieldId::kBucket, FieldId::kKey}),
      {{Str("src"), Str("b")}});
  std::ofstream(dir_ / "r/data/f1.orc", std::ios::binary) << other;
  std::ifstream in(url);
  std::stringstream json;
  json << in.rdbuf();
  auto manifest = inventory::ParseManifestJson(json.str());
  ASSERT_TRUE(manifest.ok());
  manifest->files[1].size = other.size();
  manifest->files[1].md5_hex = HexLower(Md5(other));
  manifest->files.push_back({"r/data/missing.orc", 10, std::string(32, '0')});
  std::string new_json = inventory::BuildManifestJson(*manifest);
  std::ofstream(url, std::ios::binary) << new_json;
  std::ofstream(fs::path(url).parent_path() / "manifest.checksum", std::ios::binary)
      << inventory::BuildManifestChecksum(new_json);
  std::ostringstream out2, err2;
  EXPECT_EQ(RunVerify(options, &out2, &err2), kExitVerifyFailed);
  EXPECT_NE(err2.str().find("files[1] r/data/f1.orc: "), std::string::npos) << err2.str();
  EXPECT_NE(err2.str().find("schema differs from the manifest's fileSchema: the file has 2 "
                            "columns, fileSchema declares 6"),
            std::string::npos)
      << err2.str();
  EXPECT_NE(err2.str().find("files[2] r/data/missing.orc: data file r/data/missing.orc not found"),
            std::string::npos)
      << err2.str();
  EXPECT_NE(err2.str().find("verify: FAILED with 2 problems; first: files[1]"), std::string::npos)
      << err2.str();
}

TEST_F(CommandsTest, VerifyWithABadFileSchemaStillChecksTheFiles) {
  std::string url = WriteReport("r", FileFormat::kCsv, kFields, {{Object("a", 1, "e1")}});
  std::ifstream in(url);
  std::stringstream json;
  json << in.rdbuf();
  auto manifest = inventory::ParseManifestJson(json.str());
  ASSERT_TRUE(manifest.ok());
  manifest->file_schema = "Bucket, Size";  // no Key
  std::string new_json = inventory::BuildManifestJson(*manifest);
  std::ofstream(url, std::ios::binary) << new_json;
  std::ofstream(fs::path(url).parent_path() / "manifest.checksum", std::ios::binary)
      << inventory::BuildManifestChecksum(new_json);
  VerifyOptions options;
  options.url = url;
  std::ostringstream out, err;
  EXPECT_EQ(RunVerify(options, &out, &err), kExitVerifyFailed);
  EXPECT_NE(err.str().find("fileSchema: fileSchema has no Key column"), std::string::npos)
      << err.str();
  EXPECT_NE(out.str().find("manifest.checksum ok"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("  ok  r/data/f0.csv.gz"), std::string::npos) << out.str();
}

TEST_F(CommandsTest, SummaryAndQuery) {
  std::string url = WriteReport("r", FileFormat::kParquet, kFields,
                                {{Object("a/x", 100, "e", "STANDARD", kCreated - 2 * kDay),
                                  Object("a/y", 50, "e", "GLACIER", kCreated - 400 * kDay)},
                                 {Object("b", 7, "e", "STANDARD", kCreated - 10 * kDay),
                                  {Str("src"), Str("c/d/e"), Null(), Null(), Null(), Null()}}});
  SummaryOptions summary;
  summary.url = url;
  std::ostringstream out, err;
  ASSERT_EQ(RunSummary(summary, &out, &err), 0) << err.str();
  std::string text = out.str();
  EXPECT_NE(text.find("objects        4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("bytes          157 (157 B)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("STANDARD             2    107  107 B\n"), std::string::npos) << text;
  EXPECT_NE(text.find("(none)               1      0    0 B\n"), std::string::npos) << text;
  EXPECT_NE(text.find("a/                 2    150  150 B\n"), std::string::npos) << text;
  EXPECT_NE(text.find("(no prefix)        1      7    7 B\n"), std::string::npos) << text;
  EXPECT_NE(text.find("< 7 d          1    100  100 B\n"), std::string::npos) << text;
  EXPECT_NE(text.find("< 30 d         1      7    7 B\n"), std::string::npos) << text;
  EXPECT_NE(text.find("older          1     50   50 B\n"), std::string::npos) << text;

  QueryOptions query;
  query.url = url;
  query.format = OutputFormat::kCsv;
  query.sql =
      "SELECT count(*) AS n FROM inventory WHERE size IS NULL; "
      "SELECT key, storage_class FROM inventory WHERE last_modified_date < "
      "'2023-11-10' ORDER BY key";
  std::ostringstream qout, qerr;
  ASSERT_EQ(RunQuery(query, &qout, &qerr), 0) << qerr.str();
  EXPECT_EQ(qout.str(), "n\n1\nkey,storage_class\na/y,GLACIER\nb,STANDARD\n");
  query.sql = "SELECT * FROM inventory WHERE";
  std::ostringstream bout, berr;
  EXPECT_EQ(RunQuery(query, &bout, &berr), kExitUsage);
  EXPECT_NE(berr.str().find("incomplete input"), std::string::npos) << berr.str();
}

}  // namespace
}  // namespace stocktake::report
