"""`stocktake inventory scan` (issue 9): AWS-format reports of a bucket on another S3 store,
by parallel listing.

- A bucket on a second Stocktake server: the scan's rows equal the native report of the same
  bucket, field for field (CSV, All and Current), and its Parquet report read by DuckDB equals
  them too; layout, manifest, checksum, split files, multipart delivery.
- Resumability: a scan killed with SIGKILL part-way publishes nothing; rerun with the same
  --checkpoint it keeps the finished partitions and produces the complete report.
- Retries of SlowDown answers, the progress line, failures that publish nothing, AWS profiles.
The scan of a real third-party store, Ceph RGW, is in test_scan_rgw.py.
"""

import concurrent.futures
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import boto3

from harness import ACCESS_KEY, SECRET_KEY, Server, binary
from inventory_util import (duckdb, fetch_report, manifest_key_from, put_config, read_csv_report,
                            run_now, sql_list)
from scan_util import check_layout, clean_env, iso_ms, run_scan, summary, utf8_sorted

ALL_FIELDS = ["Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
              "ReplicationStatus", "EncryptionStatus", "ObjectLockRetainUntilDate",
              "ObjectLockMode", "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier",
              "BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner",
              "LifecycleExpirationDate", "ObjectLockEventHoldStatus",
              "ObjectLockEventHoldDuration", "IntelligentTieringReferenceDate"]
LISTING_FIELDS = ["Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
                  "ObjectOwner"]


def stocktake_env(**extra):
    return clean_env(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, **extra)


def scan_args(source, source_url, destination, destination_url, *more):
    return [binary(), "inventory", "scan", "--source", source, "--source-endpoint", source_url,
            "--destination", destination, "--destination-endpoint", destination_url] + list(more)


def destination_keys(s3, bucket, prefix=""):
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


class ScanOfStocktakeTest(unittest.TestCase):
    """Source and destination are two Stocktake servers; the source also reports natively."""

    @classmethod
    def setUpClass(cls):
        cls.source = Server(extra_args=["--inventory-first-run", "schedule"]).start()
        cls.destination = Server().start()
        cls.src = cls.source.client()
        cls.dst = cls.destination.client()
        try:
            cls.populate()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def populate(cls):
        src = cls.src
        src.create_bucket(Bucket="src", ObjectOwnership="ObjectWriter")  # ACLs allowed
        for b in ("native-dst", "many", "empty"):
            src.create_bucket(Bucket=b)
        cls.dst.create_bucket(Bucket="dst")
        keys = ["a/%02d" % i for i in range(12)] + [
            "unicode/\u00fcber/\u6771\u4eac.txt", "k" * 1024, "spaces in key", "plus+percent%",
            "deep/1/2/3/4/leaf", "deep/1/x", "folder/", "z"]
        for i, key in enumerate(keys):
            src.put_object(Bucket="src", Key=key, Body=b"x" * (i * 37))
        src.put_object(Bucket="src", Key="sse/aes", Body=b"secret", ServerSideEncryption="AES256")
        src.put_object(Bucket="src", Key="acl/public", Body=b"p", ACL="public-read")
        mpu = src.create_multipart_upload(Bucket="src", Key="multi/part")
        parts = []
        for n in (1, 2):
            body = (b"%d" % n) * (5 * 1024 * 1024 if n == 1 else 10)
            etag = src.upload_part(Bucket="src", Key="multi/part", UploadId=mpu["UploadId"],
                                   PartNumber=n, Body=body)["ETag"]
            parts.append({"PartNumber": n, "ETag": etag})
        src.complete_multipart_upload(Bucket="src", Key="multi/part", UploadId=mpu["UploadId"],
                                      MultipartUpload={"Parts": parts})
        src.put_bucket_versioning(Bucket="src", VersioningConfiguration={"Status": "Enabled"})
        src.put_object(Bucket="src", Key="a/03", Body=b"new")
        src.delete_object(Bucket="src", Key="a/05")
        src.put_object(Bucket="src", Key="z-versioned", Body=b"v1")
        src.put_object(Bucket="src", Key="z-versioned", Body=b"v2")
        src.delete_object(Bucket="src", Key="z-versioned")
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: src.put_object(Bucket="many", Key="obj-%05d" % i,
                                                   Body=b"m" * (i % 7)), range(300)))
        # Native reports of the same bucket, the reference.
        cls.native = {}
        for versions, fields in (("All", ALL_FIELDS), ("Current", ALL_FIELDS)):
            config_id = "native-" + versions.lower()
            put_config(src, "src", config_id, "native-dst", fmt="CSV", fields=fields,
                       versions=versions)
            _, out, _ = run_now(cls.source, "src", config_id)
            manifest, paths = fetch_report(src, "native-dst", manifest_key_from(out))
            cls.native[versions] = (manifest, read_csv_report(manifest, paths))

    @classmethod
    def tearDownClass(cls):
        cls.source.cleanup()
        cls.destination.cleanup()

    def scan(self, source, destination, *more, env=None, check=True):
        args = scan_args(source, self.source.url, destination, self.destination.url, *more)
        return run_scan(args, env or stocktake_env(), check=check)

    def scan_report(self, config_id, versions, fmt="CSV", fields=ALL_FIELDS, prefix="inv", *more):
        started = int(time.time() * 1000)
        proc = self.scan("s3://src", "s3://dst/" + prefix, "--format", fmt, "--versions", versions,
                         "--fields", ",".join(fields), "--id", config_id, *more)
        finished = int(time.time() * 1000)
        key = manifest_key_from(proc.stdout)
        manifest, paths = fetch_report(self.dst, "dst", key)
        check_layout(self, self.dst, "dst", key, manifest, prefix, "src", config_id, fmt, started,
                     finished)
        return proc, manifest, paths

    def marker_owners(self, bucket):
        pages = self.src.get_paginator("list_object_versions").paginate(Bucket=bucket)
        return {(m["Key"], m["VersionId"]): m["Owner"]["ID"]
                for page in pages for m in page.get("DeleteMarkers", [])}

    def test_all_versions_csv_equals_native_report(self):
        proc, manifest, paths = self.scan_report("scan-all", "All", "CSV", ALL_FIELDS, "inv",
                                                 "--concurrency", "3", "--page-size", "4")
        native_manifest, native_rows = self.native["All"]
        self.assertEqual(manifest["fileSchema"], native_manifest["fileSchema"])
        rows = read_csv_report(manifest, paths)
        self.assertEqual(len(rows), len(native_rows))
        self.maxDiff = None
        owners = self.marker_owners("src")
        for got, want in zip(rows, native_rows):
            if want["IsDeleteMarker"] == "true":
                # The native report leaves the owner of a delete marker empty, while the server's
                # ListObjectVersions names one: the scan reports what the listing says.
                self.assertEqual(got.pop("ObjectOwner"),
                                 owners[(urllib.parse.unquote_plus(got["Key"]), got["VersionId"])])
                want = dict(want)
                want.pop("ObjectOwner")
            self.assertEqual(got, want)
        # The interesting rows are there: delete markers, multipart, SSE, a public ACL.
        by_key = {}
        for r in rows:
            by_key.setdefault(urllib.parse.unquote_plus(r["Key"]), []).append(r)
        self.assertEqual(by_key["z-versioned"][0]["IsDeleteMarker"], "true")
        self.assertEqual(by_key["multi/part"][0]["IsMultipartUploaded"], "true")
        self.assertEqual(by_key["sse/aes"][0]["EncryptionStatus"], "SSE-S3")
        self.assertIn("AllUsers", __import__("base64").b64decode(
            by_key["acl/public"][0]["ObjectAccessControlList"]).decode())
        stats = summary(proc.stdout)
        self.assertEqual(stats["listed"], len(rows))
        self.assertGreater(stats["partitions"], 1)

    def test_current_csv_equals_native_report(self):
        _, manifest, paths = self.scan_report("scan-current", "Current", "CSV", ALL_FIELDS, "")
        native_manifest, native_rows = self.native["Current"]
        self.assertEqual(manifest["fileSchema"], native_manifest["fileSchema"])
        self.assertEqual(read_csv_report(manifest, paths), native_rows)
        self.assertNotIn("a/05", [r["Key"] for r in native_rows])  # latest is a delete marker

    def test_parquet_in_split_files_delivered_by_multipart_upload(self):
        _, manifest, paths = self.scan_report(
            "scan-parquet", "All", "Parquet", LISTING_FIELDS, "pq", "--max-rows-per-file", "7",
            "--multipart-threshold", "1")
        self.assertGreater(len(paths), 2)
        rows = duckdb("SELECT key, version_id, is_latest, is_delete_marker, size, e_tag, "
                      "epoch_ms(last_modified_date) AS lm, storage_class, "
                      "is_multipart_uploaded, object_owner FROM read_parquet(%s)"
                      % sql_list(paths))
        reference = [r for r in self.native["All"][1]]
        self.assertEqual(len(rows), len(reference))
        for got, want in zip(rows, reference):
            self.assertEqual(got["key"], urllib.parse.unquote_plus(want["Key"]))
            self.assertEqual(got["version_id"], want["VersionId"])
            self.assertEqual(got["is_latest"], want["IsLatest"] == "true")
            self.assertEqual(got["is_delete_marker"], want["IsDeleteMarker"] == "true")
            self.assertEqual(None if got["size"] is None else int(got["size"]),
                             int(want["Size"]) if want["Size"] else None)
            self.assertEqual(got["e_tag"] or "", want["ETag"])
            self.assertEqual(int(got["lm"]), iso_ms(want["LastModifiedDate"]))
            self.assertEqual(got["storage_class"] or "", want["StorageClass"])
            if want["IsDeleteMarker"] != "true":
                self.assertEqual(got["object_owner"], want["ObjectOwner"])
        # Files cover disjoint key ranges in order; each was sent as a one-part multipart upload.
        previous = None
        for path, f in zip(paths, manifest["files"]):
            keys = [r["key"] for r in duckdb("SELECT key FROM read_parquet('%s')" % path)]
            self.assertEqual(keys, utf8_sorted(keys))
            if previous is not None:
                self.assertLess(previous.encode(), keys[0].encode())
            previous = keys[-1]
            etag = self.dst.head_object(Bucket="dst", Key=f["key"])["ETag"].strip('"')
            self.assertTrue(etag.endswith("-1"), etag)

    def test_resume_after_sigkill(self):
        work = tempfile.mkdtemp(prefix="stocktake-scan-ckpt-")
        self.addCleanup(shutil.rmtree, work, True)
        checkpoint = os.path.join(work, "scan.ckpt")
        args = scan_args("s3://many", self.source.url, "s3://dst/resumed", self.destination.url,
                         "--format", "CSV", "--versions", "Current", "--fields", "Size,ETag",
                         "--page-size", "5", "--concurrency", "2", "--checkpoint", checkpoint)
        slow = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=stocktake_env(STOCKTAKE_FAILPOINT_SCAN_PAGE_DELAY_MS="150"))
        deadline = time.time() + 120
        done = 0
        while time.time() < deadline and slow.poll() is None:
            if os.path.exists(checkpoint):
                with open(checkpoint) as f:
                    done = sum('"event":"done"' in line for line in f)
            if done >= 3:
                break
            time.sleep(0.05)
        self.assertIsNone(slow.poll(), "the scan finished before it could be killed")
        slow.send_signal(signal.SIGKILL)
        slow.communicate()
        self.assertGreaterEqual(done, 3)
        # Killed mid-way: nothing of the report is visible in the destination.
        self.assertEqual(destination_keys(self.dst, "dst", "resumed/"), [])
        with open(checkpoint) as f:
            header = json.loads(f.readline())
        self.assertEqual(header["event"], "scan")
        self.assertTrue(os.path.isdir(checkpoint + ".parts"))

        proc = run_scan(args, stocktake_env())
        stats = summary(proc.stdout)
        self.assertGreaterEqual(stats["reused"], 3)
        self.assertLess(stats["listed"], 300)  # the reused partitions were not listed again
        manifest, paths = fetch_report(self.dst, "dst", manifest_key_from(proc.stdout))
        self.assertEqual(int(manifest["creationTimestamp"]), header["scan_start_ms"])
        rows = read_csv_report(manifest, paths)
        listed = [o for page in self.src.get_paginator("list_objects_v2").paginate(Bucket="many")
                  for o in page["Contents"]]
        self.assertEqual([(r["Key"], int(r["Size"]), r["ETag"]) for r in rows],
                         [(o["Key"], o["Size"], o["ETag"].strip('"')) for o in listed])
        self.assertFalse(os.path.exists(checkpoint))
        self.assertFalse(os.path.exists(checkpoint + ".parts"))

    def test_sigint_tells_how_to_resume(self):
        work = tempfile.mkdtemp(prefix="stocktake-scan-sigint-")
        self.addCleanup(shutil.rmtree, work, True)
        checkpoint = os.path.join(work, "scan.ckpt")
        args = scan_args("s3://many", self.source.url, "s3://dst/interrupted",
                         self.destination.url, "--format", "CSV", "--page-size", "5",
                         "--concurrency", "2", "--checkpoint", checkpoint)
        slow = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=stocktake_env(STOCKTAKE_FAILPOINT_SCAN_PAGE_DELAY_MS="150"))
        deadline = time.time() + 120
        while time.time() < deadline and slow.poll() is None:
            if os.path.exists(checkpoint):
                with open(checkpoint) as f:
                    if sum('"event":"done"' in line for line in f) >= 2:
                        break
            time.sleep(0.05)
        self.assertIsNone(slow.poll(), "the scan finished before it could be interrupted")
        slow.send_signal(signal.SIGINT)  # Ctrl-C
        _, err = slow.communicate(timeout=60)
        self.assertEqual(slow.returncode, 128 + signal.SIGINT)
        self.assertIn("scan interrupted; its progress is in %s. Run the same command again"
                      % checkpoint, err)
        self.assertIn("--checkpoint %s) to resume where it stopped" % checkpoint, err)
        self.assertEqual(destination_keys(self.dst, "dst", "interrupted/"), [])
        stats = summary(run_scan(args, stocktake_env()).stdout)
        self.assertGreaterEqual(stats["reused"], 2)

    def test_kill_during_publication_leaves_no_report_and_rerun_cleans_up(self):
        work = tempfile.mkdtemp(prefix="stocktake-scan-ckpt-")
        self.addCleanup(shutil.rmtree, work, True)
        checkpoint = os.path.join(work, "scan.ckpt")
        args = scan_args("s3://many", self.source.url, "s3://dst/publish", self.destination.url,
                         "--format", "ORC", "--fields", "Size", "--max-rows-per-file", "100",
                         "--checkpoint", checkpoint)
        slow = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=stocktake_env(STOCKTAKE_FAILPOINT_PUBLISH_DELAY_MS="1500"))
        deadline = time.time() + 120
        keys = []
        while time.time() < deadline and slow.poll() is None:
            keys = destination_keys(self.dst, "dst", "publish/")
            if any("/data/" in k for k in keys):
                break
            time.sleep(0.05)
        slow.send_signal(signal.SIGKILL)
        slow.communicate()
        keys = destination_keys(self.dst, "dst", "publish/")
        orphans = [k for k in keys if "/data/" in k]
        self.assertTrue(orphans, "killed before any data file was published")
        self.assertFalse([k for k in keys if k.endswith("manifest.checksum")])

        proc = run_scan(args, stocktake_env())
        self.assertEqual(summary(proc.stdout)["listed"], 0)  # every partition was done
        key = manifest_key_from(proc.stdout)
        manifest, paths = fetch_report(self.dst, "dst", key)
        self.assertEqual(len(paths), 3)
        published = set(destination_keys(self.dst, "dst", "publish/"))
        root, when, _ = key.rsplit("/", 2)  # when: 2026-11-26T01-49Z
        dt = "dt=" + when[:10] + "-" + when[11:16]
        self.assertEqual(published, {f["key"] for f in manifest["files"]} | {
            key, key.replace("manifest.json", "manifest.checksum"),
            key.replace("manifest.json", "composition.json"),
            root + "/hive/" + dt + "/symlink.txt"})
        self.assertFalse(set(orphans) & published)

    def test_a_different_scan_cannot_continue_a_checkpoint(self):
        work = tempfile.mkdtemp(prefix="stocktake-scan-ckpt-")
        self.addCleanup(shutil.rmtree, work, True)
        checkpoint = os.path.join(work, "scan.ckpt")
        with open(checkpoint, "w") as f:
            f.write(json.dumps({"event": "scan", "version": 1, "source": "s3://many",
                                "destination": "s3://dst", "format": "ORC", "versions": "All",
                                "fields": "", "id": "x", "scan_start_ms": 1}) + "\n")
        proc = self.scan("s3://many", "s3://dst", "--format", "CSV", "--checkpoint", checkpoint,
                         check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("belongs to another scan", proc.stderr)

    def test_slowdown_answers_are_retried(self):
        proc = self.scan("s3://many", "s3://dst/retried", "--format", "CSV", "--page-size", "20",
                         env=stocktake_env(STOCKTAKE_FAILPOINT_SCAN_SLOWDOWN_EVERY="3"))
        stats = summary(proc.stdout)
        self.assertGreater(stats["retries"], 0)
        manifest, paths = fetch_report(self.dst, "dst", manifest_key_from(proc.stdout))
        self.assertEqual(len(read_csv_report(manifest, paths)), 300)

    def test_progress_line_only_when_asked_or_on_a_terminal(self):
        quiet = self.scan("s3://many", "s3://dst/quiet", "--format", "CSV")
        self.assertEqual(quiet.stderr, "")
        shown = self.scan("s3://many", "s3://dst/shown", "--format", "CSV", "--progress", "always",
                          env=stocktake_env(STOCKTAKE_FAILPOINT_SCAN_PAGE_DELAY_MS="100"))
        self.assertRegex(shown.stderr, r"scan s3://many: [\d,]+ objects, [\d,]+ rows/s, "
                                       r"\d\d:\d\d elapsed")

    def test_failed_scans_publish_nothing(self):
        missing = self.scan("s3://many", "s3://no-such-bucket", "--format", "CSV", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("The destination bucket 'no-such-bucket' does not exist", missing.stderr)
        no_source = self.scan("s3://no-such-source", "s3://dst/x", "--format", "CSV", check=False)
        self.assertEqual(no_source.returncode, 1)
        self.assertIn("source bucket 'no-such-source' does not exist", no_source.stderr)
        self.assertEqual(destination_keys(self.dst, "dst", "x/"), [])
        bad = self.scan("s3://many", "s3://dst", "--format", "XML", check=False)
        self.assertEqual(bad.returncode, 2)
        bad = self.scan("s3://many", "s3://dst", "--format", "CSV", "--fields", "Size,Colour",
                        check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("unknown field 'Colour'", bad.stderr)
        wrong = self.scan("s3://many", "s3://dst", "--format", "CSV", check=False,
                          env=clean_env(AWS_ACCESS_KEY_ID="NOPE", AWS_SECRET_ACCESS_KEY="nope"))
        self.assertEqual(wrong.returncode, 1)
        self.assertIn("denied", wrong.stderr)

    def test_credentials_and_endpoints_from_profiles(self):
        work = tempfile.mkdtemp(prefix="stocktake-scan-aws-")
        self.addCleanup(shutil.rmtree, work, True)
        credentials = os.path.join(work, "credentials")
        config = os.path.join(work, "config")
        with open(credentials, "w") as f:
            f.write("[origin]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                    "[target]\naws_access_key_id=%s\naws_secret_access_key=%s\n"
                    % (ACCESS_KEY, SECRET_KEY, ACCESS_KEY, SECRET_KEY))
        with open(config, "w") as f:
            f.write("[profile origin]\nregion = us-east-1\nendpoint_url = %s\n"
                    "[profile target]\nendpoint_url = %s\n"
                    % (self.source.url, self.destination.url))
        env = clean_env(AWS_SHARED_CREDENTIALS_FILE=credentials, AWS_CONFIG_FILE=config)
        proc = run_scan([binary(), "inventory", "scan", "--source", "s3://many",
                         "--source-profile", "origin", "--destination", "s3://dst/profiles",
                         "--destination-profile", "target", "--format", "CSV"], env)
        manifest, paths = fetch_report(self.dst, "dst", manifest_key_from(proc.stdout))
        self.assertEqual(len(read_csv_report(manifest, paths)), 300)
        none = run_scan([binary(), "inventory", "scan", "--source", "s3://many", "--destination",
                         "s3://dst", "--format", "CSV", "--profile", "absent"], env, check=False)
        self.assertEqual(none.returncode, 2)
        self.assertIn("profile 'absent'", none.stderr)

    def test_empty_bucket_has_one_empty_data_file(self):
        proc = self.scan("s3://empty", "s3://dst/empty", "--format", "Parquet", "--fields", "Size")
        manifest, paths = fetch_report(self.dst, "dst", manifest_key_from(proc.stdout))
        self.assertEqual(len(paths), 1)
        self.assertEqual(int(duckdb("SELECT count(*) AS n FROM read_parquet('%s')"
                                    % paths[0])[0]["n"]), 0)


if __name__ == "__main__":
    unittest.main()
