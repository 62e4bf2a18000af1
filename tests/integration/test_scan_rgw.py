"""`stocktake inventory scan` of a bucket on a real third-party store, Ceph RGW (issue 9).

A throwaway single-node Ceph with radosgw (/work/shared/tools/rgw-up.sh: Debian's pacific
packages, memstore OSD, ~30 s to start) on free ports; the test needs root and the Debian
package `radosgw` installed (skipped otherwise). Objects are written with boto3, scanned into a
Stocktake server and the rows compared with what RGW itself answers (boto3 listings, HEAD,
GetObjectAcl), for the fields RGW supports:
- versions and delete markers, sizes, ETags (multipart too), dates, storage class, owner, in CSV,
  Parquet (read by DuckDB) and ORC (read by Apache ORC's tools), All and Current;
- the HEAD / GetObjectAcl fields: Object Lock mode, retain-until date and legal hold, SSE-KMS and
  SSE-C, ACL grants (canonical users and groups).
"""

import base64
import concurrent.futures
import datetime
import functools
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import boto3
from botocore.config import Config

from harness import ACCESS_KEY, SECRET_KEY, Server, binary
from inventory_util import duckdb, fetch_report, manifest_key_from, read_csv_report, sql_list
from scan_util import (check_layout, clean_env, free_port, iso_ms, run_scan, summary,
                       utf8_sorted)

TOOLS = os.environ.get("STOCKTAKE_SHARED_TOOLS", "/work/shared/tools")


RGW_ACCESS_KEY = "RGWTESTACCESSKEY0001"
RGW_SECRET_KEY = "rgwtestsecretkey000000000000000000000001"
SSE_C = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "k" * 32}


class ScanOfCephRgwTest(unittest.TestCase):
    """A bucket on a real Ceph RGW, scanned into a Stocktake destination."""

    @classmethod
    def setUpClass(cls):
        if shutil.which("radosgw") is None or os.geteuid() != 0:
            raise unittest.SkipTest(
                "needs Debian's radosgw package and root (it starts Ceph daemons): "
                "apt-get install radosgw ceph-mon ceph-osd, or run %s once"
                % os.path.join(TOOLS, "rgw-up.sh"))
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
        cls.populate_features(rgw)

    @classmethod
    def populate_features(cls, rgw):
        """Bucket scan-feat: Object Lock, SSE and ACLs, and what HEAD / GetObjectAcl say of them."""
        rgw.create_bucket(Bucket="scan-feat", ObjectLockEnabledForBucket=True)
        until = (datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
                 + datetime.timedelta(days=2))
        put = functools.partial(rgw.put_object, Bucket="scan-feat", Body=b"feature")
        put(Key="lock/governance", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)
        put(Key="lock/compliance", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until)
        put(Key="lock/hold", ObjectLockLegalHoldStatus="ON")
        put(Key="plain")
        put(Key="sse/kms", ServerSideEncryption="aws:kms", SSEKMSKeyId="testkey-1")
        put(Key="sse/c", **SSE_C)
        put(Key="acl/public", ACL="public-read")
        put(Key="acl/alt", GrantRead="id=alt", GrantFullControl="id=tester")
        cls.features = {}
        for o in rgw.list_objects_v2(Bucket="scan-feat")["Contents"]:
            key = o["Key"]
            head = rgw.head_object(Bucket="scan-feat", Key=key, **(SSE_C if key == "sse/c" else {}))
            cls.features[key] = (head, rgw.get_object_acl(Bucket="scan-feat", Key=key))

    def scan(self, fmt, versions, fields, *more, source="scan-src"):
        env = clean_env(AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.profiles, "credentials"))
        destination = "s3://dst/" + source + "-" + fmt.lower() + "-" + versions.lower()
        args = [binary(), "inventory", "scan", "--source", "s3://" + source, "--source-endpoint",
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
                     source, "stocktake-scan", fmt, started, finished)
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


    FEATURE_FIELDS = ["EncryptionStatus", "ObjectLockRetainUntilDate", "ObjectLockMode",
                      "ObjectLockLegalHoldStatus", "ObjectAccessControlList", "ObjectOwner"]

    def test_csv_head_and_acl_fields(self):
        _, manifest, paths = self.scan("CSV", "Current", self.FEATURE_FIELDS, source="scan-feat")
        rows = {urllib.parse.unquote_plus(r["Key"]): r for r in read_csv_report(manifest, paths)}
        self.assertEqual(sorted(rows), sorted(self.features))
        for key, (head, acl) in self.features.items():
            row = rows[key]
            if "SSECustomerAlgorithm" in head:
                encryption = "SSE-C"
            else:
                encryption = {"aws:kms": "SSE-KMS", "AES256": "SSE-S3"}.get(
                    head.get("ServerSideEncryption"), "NOT-SSE")
            self.assertEqual(row["EncryptionStatus"], encryption, key)
            self.assertEqual(row["ObjectLockMode"], head.get("ObjectLockMode", ""), key)
            until = head.get("ObjectLockRetainUntilDate")
            if until:
                self.assertEqual(iso_ms(row["ObjectLockRetainUntilDate"]),
                                 int(until.timestamp() * 1000), key)
            else:
                self.assertEqual(row["ObjectLockRetainUntilDate"], "", key)
            hold = head.get("ObjectLockLegalHoldStatus") == "ON"
            self.assertEqual(row["ObjectLockLegalHoldStatus"], "On" if hold else "Off", key)
            self.assertEqual(row["ObjectOwner"], acl["Owner"]["ID"], key)
            report_acl = json.loads(base64.b64decode(row["ObjectAccessControlList"]))
            self.assertEqual(report_acl["status"], "AVAILABLE", key)
            got = sorted((g["type"], g.get("canonicalId", g.get("uri")), g["permission"])
                         for g in report_acl["grants"])
            want = sorted((g["Grantee"]["Type"], g["Grantee"].get("ID", g["Grantee"].get("URI")),
                           g["Permission"]) for g in acl["Grants"])
            self.assertEqual(got, want, key)
        # The objects were made to differ: each feature is seen at least once.
        self.assertEqual(rows["lock/governance"]["ObjectLockMode"], "GOVERNANCE")
        self.assertEqual(rows["lock/hold"]["ObjectLockLegalHoldStatus"], "On")
        self.assertEqual(rows["sse/kms"]["EncryptionStatus"], "SSE-KMS")
        self.assertEqual(rows["sse/c"]["EncryptionStatus"], "SSE-C")
        self.assertIn("AllUsers", base64.b64decode(rows["acl/public"]["ObjectAccessControlList"])
                      .decode())


if __name__ == "__main__":
    unittest.main()
