"""Parquet and ORC inventory reports end to end (issue 5): reports of a real server read back by
DuckDB and hyparquet (Parquet) and by Apache ORC's own tools (ORC), compared value by value with
the CSV report of the same configuration and with what S3 itself returns."""

import base64
import datetime
import json
import os
import subprocess
import unittest
import urllib.parse

from harness import ServerTestCase
from inventory_util import (READERS, duckdb, fetch_report, manifest_key_from, put_config,
                            read_csv_report, run_now, sql_list)

ALL_FIELDS = ["Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
              "ReplicationStatus", "EncryptionStatus", "ObjectLockRetainUntilDate",
              "ObjectLockMode", "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier",
              "BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner",
              "LifecycleExpirationDate", "ObjectLockEventHoldStatus",
              "ObjectLockEventHoldDuration", "IntelligentTieringReferenceDate"]
BOOLEAN = {"IsLatest", "IsDeleteMarker", "IsMultipartUploaded"}
INTEGER = {"Size"}
TIMESTAMP = {"LastModifiedDate", "ObjectLockRetainUntilDate", "LifecycleExpirationDate",
             "IntelligentTieringReferenceDate"}


def orc_tools():
    cache = os.environ.get("STOCKTAKE_CACHE", os.path.expanduser("~/.cache/stocktake"))
    return os.environ.get("ORC_TOOLS_BIN", os.path.join(cache, "orc-tools", "bin"))


def shared_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, "..", "..", "..", "shared"), "/work/shared"):
        if os.path.isdir(os.path.join(candidate, "orc-examples")):
            return candidate
    return None


def iso_ms(text):
    return int(datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
               .replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)


def normalize_csv_row(row):
    """CSV cells -> typed values (None for empty), keys decoded: the reference rows."""
    out = {}
    for name, value in row.items():
        if name == "Key":
            out[name] = urllib.parse.unquote_plus(value)
        elif value == "" and name not in ("VersionId", "Bucket"):
            out[name] = None
        elif name in BOOLEAN:
            out[name] = value == "true"
        elif name in INTEGER:
            out[name] = int(value)
        elif name in TIMESTAMP:
            out[name] = iso_ms(value)
        else:
            out[name] = value
    return out


class InventoryFormatsTest(ServerTestCase):
    server_args = ("--inventory-max-rows-per-file", "7", "--inventory-first-run", "schedule")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s3 = cls.s3
        for b in ("src", "dst", "empty"):
            s3.create_bucket(Bucket=b)
        keys = ["a/%02d" % i for i in range(12)] + [
            "unicode/\u00fcber/\u6771\u4eac.txt", "k" * 1024, "spaces in key", "plus+percent%"]
        for i, key in enumerate(keys):
            s3.put_object(Bucket="src", Key=key, Body=b"x" * (i * 37))
        s3.put_bucket_versioning(Bucket="src", VersioningConfiguration={"Status": "Enabled"})
        s3.put_object(Bucket="src", Key="a/03", Body=b"new")
        s3.delete_object(Bucket="src", Key="a/05")
        s3.put_object(Bucket="src", Key="z-versioned", Body=b"v1")
        s3.put_object(Bucket="src", Key="z-versioned", Body=b"v2")
        cls.reports = {}
        for fmt in ("CSV", "Parquet", "ORC"):
            config_id = "all-" + fmt.lower()
            put_config(s3, "src", config_id, "dst", fmt=fmt, fields=ALL_FIELDS, versions="All")
            _, out, _ = run_now(cls.server, "src", config_id)
            cls.reports[fmt] = fetch_report(s3, "dst", manifest_key_from(out))
        cls.reference = [normalize_csv_row(r) for r in read_csv_report(*cls.reports["CSV"])]

    def test_reference_matches_s3(self):
        versions = self.s3.list_object_versions(Bucket="src")
        truth = {(v["Key"], v["VersionId"]): v for v in versions.get("Versions", [])}
        markers = {(m["Key"], m["VersionId"]) for m in versions.get("DeleteMarkers", [])}
        self.assertEqual(len(self.reference), len(truth) + len(markers))
        owner = self.s3.list_buckets()["Owner"]["ID"]
        for row in self.reference:
            vid = row["VersionId"] or "null"
            if row["IsDeleteMarker"]:
                self.assertIn((row["Key"], vid), markers)
                self.assertIsNone(row["Size"])
                continue
            v = truth[(row["Key"], vid)]
            self.assertEqual(row["Size"], v["Size"])
            self.assertEqual(row["ETag"], v["ETag"].strip('"'))
            self.assertEqual(row["IsLatest"], v["IsLatest"])
            self.assertEqual(row["LastModifiedDate"], int(v["LastModified"].timestamp() * 1000))
            self.assertEqual(row["ObjectOwner"], owner)
            acl = json.loads(base64.b64decode(row["ObjectAccessControlList"]))
            self.assertEqual(acl["status"], "AVAILABLE")
            self.assertEqual(acl["grants"][0]["canonicalId"], owner)
            self.assertEqual(row["EncryptionStatus"], "SSE-S3")  # AWS's default since 2023

    def test_manifests_and_multi_file_layout(self):
        for fmt, ext in (("Parquet", ".parquet"), ("ORC", ".orc")):
            manifest, paths = self.reports[fmt]
            self.assertEqual(manifest["fileFormat"], fmt)
            self.assertGreater(len(paths), 1)  # split every 7 rows
            for f in manifest["files"]:
                self.assertTrue(f["key"].endswith(ext), f)
        self.assertTrue(self.reports["Parquet"][0]["fileSchema"].startswith(
            "message s3.inventory {  required binary bucket (STRING);  required binary key "
            "(STRING);  optional binary version_id (STRING);  optional boolean is_latest;"))
        self.assertIn("optional int64 last_modified_date (TIMESTAMP(MILLIS,true));",
                      self.reports["Parquet"][0]["fileSchema"])
        self.assertTrue(self.reports["ORC"][0]["fileSchema"].startswith(
            "struct<bucket:string,key:string,version_id:string,is_latest:boolean,"
            "is_delete_marker:boolean,size:bigint,last_modified_date:timestamp,"))

    def parquet_rows_duckdb(self, paths):
        return duckdb("SELECT *, epoch_ms(last_modified_date) AS lm_ms FROM read_parquet(%s)"
                      % sql_list(paths))

    def test_parquet_with_duckdb(self):
        manifest, paths = self.reports["Parquet"]
        rows = self.parquet_rows_duckdb(paths)
        self.assertEqual(len(rows), len(self.reference))
        for got, want in zip(rows, self.reference):
            self.assertEqual(got["bucket"], "src")
            self.assertEqual(got["key"], want["Key"])
            self.assertEqual(got["version_id"], want["VersionId"])
            self.assertEqual(got["is_latest"], want["IsLatest"])
            self.assertEqual(got["is_delete_marker"], want["IsDeleteMarker"])
            self.assertEqual(None if got["size"] is None else int(got["size"]), want["Size"])
            self.assertEqual(got["lm_ms"] and int(got["lm_ms"]), want["LastModifiedDate"])
            self.assertEqual(got["e_tag"], want["ETag"])
            self.assertEqual(got["storage_class"], want["StorageClass"])
            self.assertEqual(got["encryption_status"], want["EncryptionStatus"])
            self.assertEqual(got["checksum_algorithm"], want["ChecksumAlgorithm"])
            self.assertEqual(got["object_access_control_list"], want["ObjectAccessControlList"])
            self.assertEqual(got["object_owner"], want["ObjectOwner"])
            self.assertEqual(got["replication_status"], want["ReplicationStatus"])
        schema = {r["name"]: r for r in duckdb("SELECT name, type, logical_type, repetition_type "
                                                "FROM parquet_schema(%s)" % sql_list(paths[:1]))}
        self.assertEqual(schema["key"]["repetition_type"], "REQUIRED")
        self.assertEqual(schema["size"]["repetition_type"], "OPTIONAL")
        self.assertIn("TimestampType", schema["last_modified_date"]["logical_type"])
        self.assertIn("isAdjustedToUTC=1", schema["last_modified_date"]["logical_type"])
        types = duckdb("DESCRIBE SELECT * FROM read_parquet(%s)" % sql_list(paths[:1]))
        self.assertEqual({t["column_name"]: t["column_type"] for t in types}["last_modified_date"],
                         "TIMESTAMP WITH TIME ZONE")
        # Statistics: per file, key min/max are its first and last keys; files are disjoint.
        previous_max = None
        for path in paths:
            stats = duckdb("SELECT stats_min_value, stats_max_value, stats_null_count FROM "
                           "parquet_metadata('%s') WHERE path_in_schema = 'key'" % path)
            keys = [r["key"] for r in duckdb("SELECT key FROM read_parquet('%s')" % path)]
            self.assertEqual(stats[0]["stats_min_value"], min(keys, key=lambda k: k.encode()))
            self.assertEqual(stats[0]["stats_max_value"], max(keys, key=lambda k: k.encode()))
            self.assertEqual(int(stats[0]["stats_null_count"]), 0)
            if previous_max is not None:
                self.assertLess(previous_max.encode(), keys[0].encode())
            previous_max = keys[-1]

    def test_parquet_with_hyparquet(self):
        _, paths = self.reports["Parquet"]
        rows = []
        for path in paths:
            proc = subprocess.run(["node", os.path.join(READERS, "hyparquet_read.mjs"), path],
                                  capture_output=True, text=True, check=True)
            result = json.loads(proc.stdout)
            schema = {c["name"]: c for c in result["schema"]}
            self.assertEqual(schema["key"]["repetition"], "REQUIRED")
            self.assertEqual(schema["last_modified_date"]["type"], "INT64")
            self.assertEqual(schema["e_tag"]["logical"], "STRING")
            rows.extend(result["rows"])
        self.assertEqual(len(rows), len(self.reference))
        for got, want in zip(rows, self.reference):
            self.assertEqual(got["key"], want["Key"])
            self.assertEqual(got["version_id"], want["VersionId"])
            self.assertEqual(got["is_delete_marker"], want["IsDeleteMarker"])
            self.assertEqual(None if got["size"] is None else int(got["size"]), want["Size"])
            lm = got["last_modified_date"]
            if isinstance(lm, str):
                lm = iso_ms(lm if lm.endswith("Z") else lm + "Z")
            self.assertEqual(lm, want["LastModifiedDate"])
            self.assertEqual(got["e_tag"], want["ETag"])
            self.assertEqual(got["object_owner"], want["ObjectOwner"])

    def orc(self, tool, path):
        binary = os.path.join(orc_tools(), tool)
        if not os.path.exists(binary):
            self.skipTest("Apache ORC tools not built: run tests/setup-readers.sh")
        return subprocess.run([binary, path], capture_output=True, text=True, check=True).stdout

    def test_orc_with_apache_orc_tools(self):
        manifest, paths = self.reports["ORC"]
        rows = []
        for path in paths:
            rows.extend(json.loads(line) for line in self.orc("orc-contents", path).splitlines())
            metadata = json.loads(self.orc("orc-metadata", path))
            self.assertEqual(metadata["compression"], "zlib")
            self.assertEqual(metadata["format"], "0.12")
            self.assertEqual(metadata["type"], manifest["fileSchema"])
            statistics = self.orc("orc-statistics", path)
            self.assertIn("Column 2", statistics)
        self.assertEqual(len(rows), len(self.reference))
        for got, want in zip(rows, self.reference):
            self.assertEqual(got["key"], want["Key"])
            self.assertEqual(got["version_id"], want["VersionId"])
            self.assertEqual(got["is_latest"], want["IsLatest"])
            self.assertEqual(got["is_delete_marker"], want["IsDeleteMarker"])
            self.assertEqual(got["size"], want["Size"])
            self.assertEqual(got["e_tag"], want["ETag"])
            self.assertEqual(got["object_owner"], want["ObjectOwner"])
            lm = got["last_modified_date"]
            if want["LastModifiedDate"] is None:
                self.assertIsNone(lm)
            else:
                # orc-contents prints UTC wall time, dropping trailing zeros of the fraction.
                parsed = datetime.datetime.strptime(lm if "." in lm else lm + ".0",
                                                    "%Y-%m-%d %H:%M:%S.%f")
                got_ms = round(parsed.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
                self.assertEqual(got_ms, want["LastModifiedDate"])

    def test_empty_bucket_reports(self):
        for fmt in ("Parquet", "ORC", "CSV"):
            config_id = "empty-" + fmt.lower()
            put_config(self.s3, "empty", config_id, "dst", fmt=fmt, fields=["Size"])
            _, out, _ = run_now(self.server, "empty", config_id)
            manifest, paths = fetch_report(self.s3, "dst", manifest_key_from(out))
            self.assertEqual(len(paths), 1)
            if fmt == "Parquet":
                self.assertEqual(int(duckdb("SELECT count(*) AS n FROM read_parquet('%s')"
                                            % paths[0])[0]["n"]), 0)
            elif fmt == "ORC":
                self.assertEqual(self.orc("orc-contents", paths[0]), "")
            else:
                self.assertEqual(read_csv_report(manifest, paths), [])


class OrcReferenceFilesTest(unittest.TestCase):
    """The ORC reader our tests use decodes Apache ORC's sample files to their expected rows."""

    def test_orc_examples(self):
        shared = shared_dir()
        binary = os.path.join(orc_tools(), "orc-contents")
        if shared is None or not os.path.exists(binary):
            self.skipTest("shared/orc-examples or the ORC tools are not available")
        examples = os.path.join(shared, "orc-examples")
        for name in sorted(os.listdir(examples)):
            if not name.endswith(".orc"):
                continue
            with self.subTest(name=name):
                got = subprocess.run([binary, os.path.join(examples, name)], capture_output=True,
                                     text=True, check=True).stdout.splitlines()
                with open(os.path.join(examples, name[:-4] + ".jsonl")) as f:
                    want = f.read().splitlines()
                self.assertEqual([json.loads(x) for x in got], [json.loads(x) for x in want])


if __name__ == "__main__":
    unittest.main()
