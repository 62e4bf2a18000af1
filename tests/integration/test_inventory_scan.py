"""`stocktake inventory scan` (issue 9): AWS-format reports of a bucket on another S3 store,
by parallel listing.

- A bucket on a second Stocktake server: the scan's rows equal the native report of the same
  bucket, field for field (CSV, All and Current), and its Parquet report read by DuckDB equals
  them too; layout, manifest, checksum, split files, multipart delivery.
- Resumability: a scan killed with SIGKILL part-way publishes nothing; rerun with the same
  --checkpoint it keeps the finished partitions and produces the complete report.
- Retries of SlowDown answers, the progress line, failures that publish nothing, AWS profiles.
- A real third-party store: Ceph RGW (/work/shared/tools/rgw-up.sh), scanned in CSV, Parquet and
  ORC, read back with DuckDB (CSV, Parquet) and Apache ORC's tools (ORC), compared with boto3's
  listing of RGW.
"""

import concurrent.futures
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import boto3
from botocore.config import Config

from harness import ACCESS_KEY, SECRET_KEY, Server, binary
from inventory_util import (duckdb, fetch_report, manifest_key_from, put_config, read_csv_report,
                            run_now, sql_list)

ALL_FIELDS = ["Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
              "ReplicationStatus", "EncryptionStatus", "ObjectLockRetainUntilDate",
              "ObjectLockMode", "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier",
              "BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner",
              "LifecycleExpirationDate", "ObjectLockEventHoldStatus",
              "ObjectLockEventHoldDuration", "IntelligentTieringReferenceDate"]
LISTING_FIELDS = ["Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
                  "ObjectOwner"]
TOOLS = os.environ.get("STOCKTAKE_SHARED_TOOLS", "/work/shared/tools")
SUMMARY = re.compile(r"listed (\d+) versions in ([\d.]+) s \((\d+) objects/s\), (\d+) partitions "
                     r"\((\d+) splits, (\d+) from the checkpoint\), (\d+) requests, (\d+) retries")


def clean_env(**extra):
    """The environment of a scan: no AWS settings of the machine, only what the test gives."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
    env.update(extra)
    return env


def stocktake_env(**extra):
    return clean_env(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, **extra)


def scan_args(source, source_url, destination, destination_url, *more):
    return [binary(), "inventory", "scan", "--source", source, "--source-endpoint", source_url,
            "--destination", destination, "--destination-endpoint", destination_url] + list(more)


def run_scan(args, env, check=True, timeout=900):
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError("scan failed (%d): %s%s" % (proc.returncode, proc.stdout, proc.stderr))
    return proc


def summary(stdout):
    m = SUMMARY.search(stdout)
    if not m:
        raise AssertionError("no summary in: " + stdout)
    keys = ("listed", "seconds", "rate", "partitions", "splits", "reused", "requests", "retries")
    return {k: (float(v) if k == "seconds" else int(v)) for k, v in zip(keys, m.groups())}


def utf8_sorted(keys):
    return sorted(keys, key=lambda k: k.encode())


def iso_ms(text):
    return int(datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
               .replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)


def stamp(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)


def check_layout(test, s3, bucket, manifest_key, manifest, prefix, source, config_id, fmt,
                 started_ms, finished_ms):
    """Keys, manifest and symlink.txt exactly as native reports lay them out (spec §3, §6)."""
    created = int(manifest["creationTimestamp"])
    test.assertGreaterEqual(created, started_ms)
    test.assertLessEqual(created, finished_ms)
    when = stamp(created)
    root = (prefix + "/" if prefix else "") + source + "/" + config_id
    test.assertEqual(manifest_key, root + when.strftime("/%Y-%m-%dT%H-%MZ") + "/manifest.json")
    test.assertEqual(manifest["sourceBucket"], source)
    test.assertEqual(manifest["destinationBucket"], "arn:aws:s3:::" + bucket)
    test.assertEqual(manifest["version"], "2016-11-30")
    test.assertEqual(manifest["fileFormat"], fmt)
    ext = {"CSV": ".csv.gz", "Parquet": ".parquet", "ORC": ".orc"}[fmt]
    for f in manifest["files"]:
        test.assertRegex(f["key"], "^" + re.escape(root) + "/data/[0-9a-f-]{36}" + re.escape(ext))
    symlink = s3.get_object(Bucket=bucket, Key=root + when.strftime("/hive/dt=%Y-%m-%d-%H-%M")
                            + "/symlink.txt")["Body"].read().decode()
    test.assertEqual(symlink, "".join("s3://%s/%s\n" % (bucket, f["key"])
                                      for f in manifest["files"]))


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

    def test_kill_during_publication_leaves_no_report_and_rerun_cleans_up(self):
        work = tempfile.mkdtemp(prefix="stocktake-scan-ckpt-")
        self.addCleanup(shutil.rmtree, work, True)
        checkpoint = os.path.join(work, "scan.ckpt")
        args = scan_args("s3://many", self.source.url, "s3://dst/publish", self.destination.url,
                         "--format", "ORC", "--fields", "Size", "--max-rows-per-file", "100",
                         "--checkpoint", checkpoint)
        slow = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=stocktake_env(STOCKTAKE_FAILPOINT_SCAN_PUBLISH_DELAY_MS="1500"))
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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


RGW_ACCESS_KEY = "RGWTESTACCESSKEY0001"
RGW_SECRET_KEY = "rgwtestsecretkey000000000000000000000001"


class ScanOfCephRgwTest(unittest.TestCase):
    """A bucket on a real Ceph RGW, scanned into a Stocktake destination."""

    @classmethod
    def setUpClass(cls):
        cls.rgw_dir = "/var/tmp/stocktake-scan-rgw-%d" % os.getpid()
        port = free_port()
        env = dict(os.environ, RGW_PORT=str(port), MON_PORT=str(free_port()),
                   MON_PORT2=str(free_port()))
        try:
            up = subprocess.run([os.path.join(TOOLS, "rgw-up.sh"), cls.rgw_dir], env=env,
                                capture_output=True, text=True, timeout=900)
            failed = up.returncode != 0
            reason = (up.stderr or up.stdout)[-1500:]
        except (OSError, subprocess.TimeoutExpired) as e:
            failed, reason = True, str(e)
        if failed:
            cls.stop_rgw()
            raise unittest.SkipTest("rgw-up.sh could not start a Ceph RGW: " + reason)
        cls.rgw_url = "http://127.0.0.1:%d" % port
        try:
            cls.populate()
            cls.destination = Server().start()
        except BaseException:
            cls.stop_rgw()
            raise
        cls.dst = cls.destination.client()
        cls.dst.create_bucket(Bucket="dst")
        cls.profiles = tempfile.mkdtemp(prefix="stocktake-scan-rgw-aws-")
        with open(os.path.join(cls.profiles, "credentials"), "w") as f:
            f.write("[rgw]\naws_access_key_id=%s\naws_secret_access_key=%s\n"
                    "[stocktake]\naws_access_key_id=%s\naws_secret_access_key=%s\n"
                    % (RGW_ACCESS_KEY, RGW_SECRET_KEY, ACCESS_KEY, SECRET_KEY))

    @classmethod
    def stop_rgw(cls):
        subprocess.run([os.path.join(TOOLS, "rgw-down.sh"), cls.rgw_dir], capture_output=True,
                       timeout=300)

    @classmethod
    def tearDownClass(cls):
        cls.destination.cleanup()
        shutil.rmtree(cls.profiles, ignore_errors=True)
        cls.stop_rgw()

    @classmethod
    def populate(cls):
        rgw = boto3.client("s3", endpoint_url=cls.rgw_url, region_name="us-east-1",
                           aws_access_key_id=RGW_ACCESS_KEY, aws_secret_access_key=RGW_SECRET_KEY,
                           config=Config(s3={"addressing_style": "path"},
                                         retries={"max_attempts": 5}, max_pool_connections=16))
        cls.rgw = rgw
        rgw.create_bucket(Bucket="scan-src")
        rgw.put_bucket_versioning(Bucket="scan-src",
                                  VersioningConfiguration={"Status": "Enabled"})
        keys = ["logs/2024/%02d/app-%03d.log" % (m, i) for m in (1, 2, 3) for i in range(40)]
        keys += ["data/part=%d/file-%02d.parquet" % (p, i) for p in range(4) for i in range(15)]
        keys += ["unicode/\u00fc\u00f1\u00ed/\u6771\u4eac-%d.txt" % i for i in range(10)]
        keys += ["odd/a b+c %%41 %d.txt" % i for i in range(10)]
        keys += ["top-%03d" % i for i in range(60)]
        keys += ["deep/" + "/".join("d%d" % j for j in range(12)) + "/leaf", "folder/",
                 "x" * 300, "empty"]  # RGW: osd max object name len 460
        bodies = {k: (b"" if k in ("folder/", "empty") else k.encode()[:50] * (1 + i % 4))
                  for i, k in enumerate(keys)}
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda k: rgw.put_object(Bucket="scan-src", Key=k, Body=bodies[k]),
                          keys))
        # Versions and delete markers.
        for k in keys[:20]:
            rgw.put_object(Bucket="scan-src", Key=k, Body=b"second version")
        for k in keys[20:35] + keys[-25:-20]:
            rgw.delete_object(Bucket="scan-src", Key=k)
        rgw.put_object(Bucket="scan-src", Key="resurrected", Body=b"1")
        rgw.delete_object(Bucket="scan-src", Key="resurrected")
        rgw.put_object(Bucket="scan-src", Key="resurrected", Body=b"2")
        # A multipart object ("-2" ETag).
        mpu = rgw.create_multipart_upload(Bucket="scan-src", Key="multi/big")
        parts = []
        for n, body in ((1, b"a" * (5 * 1024 * 1024)), (2, b"b" * 1000)):
            etag = rgw.upload_part(Bucket="scan-src", Key="multi/big", UploadId=mpu["UploadId"],
                                   PartNumber=n, Body=body)["ETag"]
            parts.append({"PartNumber": n, "ETag": etag})
        rgw.complete_multipart_upload(Bucket="scan-src", Key="multi/big",
                                      UploadId=mpu["UploadId"], MultipartUpload={"Parts": parts})
        # The truth: boto3's own listing of RGW.
        versions = []
        for page in rgw.get_paginator("list_object_versions").paginate(Bucket="scan-src"):
            for v in page.get("Versions", []):
                versions.append({"key": v["Key"], "version_id": v["VersionId"],
                                 "is_latest": v["IsLatest"], "is_delete_marker": False,
                                 "size": v["Size"], "e_tag": v["ETag"].strip('"'),
                                 "lm": int(v["LastModified"].timestamp() * 1000),
                                 "storage_class": v["StorageClass"],
                                 "owner": v["Owner"]["ID"]})
            for m in page.get("DeleteMarkers", []):
                versions.append({"key": m["Key"], "version_id": m["VersionId"],
                                 "is_latest": m["IsLatest"], "is_delete_marker": True,
                                 "size": None, "e_tag": None,
                                 "lm": int(m["LastModified"].timestamp() * 1000),
                                 "storage_class": None, "owner": m["Owner"]["ID"]})
        cls.truth = {(v["key"], v["version_id"]): v for v in versions}
        cls.current = [o for page in rgw.get_paginator("list_objects_v2").paginate(
            Bucket="scan-src") for o in page.get("Contents", [])]

    def scan(self, fmt, versions, fields, *more):
        env = clean_env(AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.profiles, "credentials"))
        destination = "s3://dst/" + fmt.lower() + "-" + versions.lower()
        args = [binary(), "inventory", "scan", "--source", "s3://scan-src", "--source-endpoint",
                self.rgw_url, "--source-profile", "rgw", "--destination", destination,
                "--destination-endpoint", self.destination.url, "--destination-profile",
                "stocktake", "--format", fmt, "--versions", versions, "--fields",
                ",".join(fields)] + list(more)
        started = int(time.time() * 1000)
        proc = run_scan(args, env)
        finished = int(time.time() * 1000)
        key = manifest_key_from(proc.stdout)
        manifest, paths = fetch_report(self.dst, "dst", key)
        check_layout(self, self.dst, "dst", key, manifest, destination[len("s3://dst/"):],
                     "scan-src", "stocktake-scan", fmt, started, finished)
        return proc, manifest, paths

    def check_all_versions(self, rows):
        """Rows (dicts in report column names, typed) against boto3's listing of RGW."""
        self.assertEqual(len(rows), len(self.truth))
        keys = [r["key"] for r in rows]
        self.assertEqual(keys, utf8_sorted(keys))
        for i, r in enumerate(rows):
            want = self.truth[(r["key"], r["version_id"] or "null")]
            self.assertEqual(r["is_latest"], want["is_latest"], r)
            self.assertEqual(r["is_delete_marker"], want["is_delete_marker"], r)
            self.assertEqual(r["size"], want["size"], r)
            self.assertEqual(r["e_tag"], want["e_tag"], r)
            self.assertEqual(r["lm"], want["lm"], r)
            self.assertEqual(r["storage_class"], want["storage_class"], r)
            self.assertEqual(r["object_owner"], want["owner"], r)
            if not want["is_delete_marker"]:
                self.assertEqual(r["is_multipart_uploaded"], r["key"] == "multi/big", r)
                self.assertEqual(r["encryption_status"], "NOT-SSE", r)
            if i > 0 and rows[i - 1]["key"] == r["key"]:
                self.assertGreaterEqual(rows[i - 1]["lm"], r["lm"])  # newest version first
        self.assertIn(True, [r["is_delete_marker"] for r in rows])

    FIELDS = ["Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
              "EncryptionStatus", "ObjectOwner"]

    def test_csv_all_versions(self):
        proc, manifest, paths = self.scan("CSV", "All", self.FIELDS, "--page-size", "50",
                                          "--concurrency", "4")
        rows = []
        for r in read_csv_report(manifest, paths):
            rows.append({"key": urllib.parse.unquote_plus(r["Key"]), "version_id": r["VersionId"],
                         "is_latest": r["IsLatest"] == "true",
                         "is_delete_marker": r["IsDeleteMarker"] == "true",
                         "size": int(r["Size"]) if r["Size"] else None,
                         "e_tag": r["ETag"] or None, "lm": iso_ms(r["LastModifiedDate"]),
                         "storage_class": r["StorageClass"] or None,
                         "is_multipart_uploaded": r["IsMultipartUploaded"] == "true",
                         "encryption_status": r["EncryptionStatus"],
                         "object_owner": r["ObjectOwner"]})
        self.check_all_versions(rows)
        stats = summary(proc.stdout)
        print("\nRGW scan, CSV All, %d versions: %.2f s listing, %d objects/s, %d partitions, "
              "%d splits, %d requests" % (stats["listed"], stats["seconds"], stats["rate"],
                                          stats["partitions"], stats["splits"],
                                          stats["requests"]))

    def test_parquet_all_versions(self):
        _, manifest, paths = self.scan("Parquet", "All", self.FIELDS, "--max-rows-per-file",
                                       "150")
        self.assertGreater(len(paths), 1)
        rows = duckdb("SELECT key, version_id, is_latest, is_delete_marker, size, e_tag, "
                      "epoch_ms(last_modified_date) AS lm, storage_class, is_multipart_uploaded, "
                      "encryption_status, object_owner FROM read_parquet(%s)" % sql_list(paths))
        for r in rows:
            r["size"] = None if r["size"] is None else int(r["size"])
            r["lm"] = int(r["lm"])
        self.check_all_versions(rows)

    def test_orc_all_versions(self):
        _, manifest, paths = self.scan("ORC", "All", self.FIELDS)
        cache = os.environ.get("STOCKTAKE_CACHE", os.path.expanduser("~/.cache/stocktake"))
        contents = os.path.join(os.environ.get("ORC_TOOLS_BIN", os.path.join(cache, "orc-tools",
                                                                             "bin")),
                                "orc-contents")
        if not os.path.exists(contents):
            self.skipTest("Apache ORC tools not built: run tests/setup-readers.sh")
        self.assertTrue(manifest["fileSchema"].startswith("struct<bucket:string,key:string,"))
        rows = []
        for path in paths:
            out = subprocess.run([contents, path], capture_output=True, text=True,
                                 check=True).stdout
            for line in out.splitlines():
                r = json.loads(line)
                lm = r["last_modified_date"]
                parsed = datetime.datetime.strptime(lm if "." in lm else lm + ".0",
                                                    "%Y-%m-%d %H:%M:%S.%f")
                r["lm"] = round(parsed.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
                rows.append(r)
        self.check_all_versions(rows)

    def test_csv_current_versions(self):
        _, manifest, paths = self.scan("CSV", "Current", ["Size", "ETag", "LastModifiedDate"],
                                       "--page-size", "25")
        rows = read_csv_report(manifest, paths)
        self.assertEqual([(urllib.parse.unquote_plus(r["Key"]), int(r["Size"]), r["ETag"],
                           iso_ms(r["LastModifiedDate"])) for r in rows],
                         [(o["Key"], o["Size"], o["ETag"].strip('"'),
                           int(o["LastModified"].timestamp() * 1000)) for o in self.current])


if __name__ == "__main__":
    unittest.main()
