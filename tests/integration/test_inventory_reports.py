"""End-to-end inventory reports: real server, real aws CLI/boto3, `stocktake inventory run`, and
reports read back by DuckDB (and Python's csv module) after download."""

import hashlib
import re
import signal
import time
import unittest
import urllib.parse

from harness import Server, ServerTestCase
from inventory_util import (csv_rows_python, fetch_report, manifest_key_from, put_config,
                            read_csv_report, run_now)

TRICKY_KEYS = [
    "plain.txt",
    "with space/and more spaces.txt",
    "plus+sign",
    "per%cent",
    "equals=sign/dt=2024-05-07-01-00/symlink.txt",
    "deep/nested/path/to/file.bin",
    "unicode/caf\u00e9/\u65e5\u672c\u8a9e/\U0001F600.txt",
    "newline\nin key",
    "quote\"and,comma",
    "folder/",
    "k" * 1024,
]


class InventoryReportTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s3 = cls.s3
        s3.create_bucket(Bucket="src")
        s3.create_bucket(Bucket="dst")
        cls.bodies = {}
        for i, key in enumerate(TRICKY_KEYS):
            body = ("body of %d " % i).encode() * (i + 1)
            s3.put_object(Bucket="src", Key=key, Body=body)
            cls.bodies[key] = body
        # Versions: overwrite one key, delete another (delete marker), after enabling versioning.
        s3.put_bucket_versioning(Bucket="src", VersioningConfiguration={"Status": "Enabled"})
        s3.put_object(Bucket="src", Key="plain.txt", Body=b"second version")
        cls.bodies["plain.txt"] = b"second version"
        s3.delete_object(Bucket="src", Key="plus+sign")
        del cls.bodies["plus+sign"]

    def test_csv_current_report_round_trips_through_duckdb(self):
        fields = ["Size", "LastModifiedDate", "ETag", "StorageClass", "IsMultipartUploaded",
                  "EncryptionStatus", "ChecksumAlgorithm"]
        put_config(self.s3, "src", "csv-current", "dst", fields=list(reversed(fields)),
                   prefix="inventory-reports")
        _, out, _ = run_now(self.server, "src", "csv-current")
        manifest_key = manifest_key_from(out)
        self.assertRegex(manifest_key,
                         r"^inventory-reports/src/csv-current/\d{4}-\d\d-\d\dT\d\d-\d\dZ/manifest\.json$")
        manifest, paths = fetch_report(self.s3, "dst", manifest_key)
        self.assertEqual(manifest["sourceBucket"], "src")
        self.assertEqual(manifest["destinationBucket"], "arn:aws:s3:::dst")
        self.assertEqual(manifest["version"], "2016-11-30")
        self.assertEqual(manifest["fileFormat"], "CSV")
        # Canonical column order whatever the order of OptionalFields (spec §4).
        self.assertEqual(manifest["fileSchema"],
                         "Bucket, Key, Size, LastModifiedDate, ETag, StorageClass, "
                         "IsMultipartUploaded, EncryptionStatus, ChecksumAlgorithm")
        folder = manifest_key.split("/")[-2]
        stamp = time.strftime("%Y-%m-%dT%H-%MZ",
                              time.gmtime(int(manifest["creationTimestamp"]) / 1000))
        self.assertEqual(folder, stamp)

        rows = read_csv_report(manifest, paths)
        decoded = {urllib.parse.unquote_plus(r["Key"]): r for r in rows}
        self.assertEqual(set(decoded), set(self.bodies))  # delete-marked key left out
        for key, body in self.bodies.items():
            row = decoded[key]
            self.assertEqual(row["Bucket"], "src")
            self.assertEqual(int(row["Size"]), len(body))
            self.assertEqual(row["ETag"], hashlib.md5(body).hexdigest())
            self.assertEqual(row["StorageClass"], "STANDARD")
            self.assertEqual(row["IsMultipartUploaded"], "false")
            self.assertEqual(row["EncryptionStatus"], "SSE-S3")  # every object is encrypted
            self.assertRegex(row["LastModifiedDate"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            head = self.s3.head_object(Bucket="src", Key=key)
            self.assertEqual(row["LastModifiedDate"][:19],
                             head["LastModified"].strftime("%Y-%m-%dT%H:%M:%S"))
        # Exact key encoding (DESIGN.md §6) and raw quoting, read by a second CSV reader.
        raw = {r[1]: r for r in csv_rows_python(paths)}
        self.assertIn("with+space/and+more+spaces.txt", raw)
        self.assertIn("equals%3Dsign/dt%3D2024-05-07-01-00/symlink.txt", raw)
        self.assertIn("per%25cent", raw)
        self.assertIn("newline%0Ain+key", raw)
        self.assertIn("unicode/caf%C3%A9/%E6%97%A5%E6%9C%AC%E8%AA%9E/%F0%9F%98%80.txt", raw)
        # Rows sorted by key (byte order of the raw keys).
        keys = [urllib.parse.unquote_plus(r[1]).encode() for r in csv_rows_python(paths)]
        self.assertEqual(keys, sorted(keys))
        # Every field quoted, LF line ends, no header.
        import gzip
        text = gzip.open(paths[0], "rt", encoding="utf-8", newline="").read()
        first = text.split("\n")[0]
        self.assertTrue(first.startswith('"src","'))
        self.assertNotIn("\r", text)

        # Hive symlink.txt lists the data files.
        prefix = manifest_key.rsplit("/", 2)[0]
        dt = time.strftime("%Y-%m-%d-%H-%M", time.gmtime(int(manifest["creationTimestamp"]) / 1000))
        symlink = self.s3.get_object(Bucket="dst", Key=prefix + "/hive/dt=%s/symlink.txt" % dt)
        self.assertEqual(symlink["Body"].read().decode(),
                         "".join("s3://dst/%s\n" % f["key"] for f in manifest["files"]))

    def test_all_versions_report(self):
        put_config(self.s3, "src", "csv-all", "dst", fields=["Size", "ETag"], versions="All")
        _, out, _ = run_now(self.server, "src", "csv-all")
        manifest, paths = fetch_report(self.s3, "dst", manifest_key_from(out))
        self.assertEqual(manifest["fileSchema"],
                         "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, ETag")
        rows = read_csv_report(manifest, paths)
        by_key = {}
        for r in rows:
            by_key.setdefault(urllib.parse.unquote_plus(r["Key"]), []).append(r)
        self.assertEqual(len(rows), len(TRICKY_KEYS) + 2)  # + new version + delete marker
        plain = by_key["plain.txt"]
        self.assertEqual([r["IsLatest"] for r in plain], ["true", "false"])  # newest first
        self.assertEqual(plain[1]["VersionId"], "")  # the null version (pre-versioning)
        self.assertTrue(plain[0]["VersionId"])
        marker, original = by_key["plus+sign"]
        self.assertEqual((marker["IsDeleteMarker"], marker["IsLatest"]), ("true", "true"))
        self.assertEqual((marker["Size"], marker["ETag"]), ("", ""))
        self.assertEqual((original["IsDeleteMarker"], original["IsLatest"]), ("false", "false"))
        versions = self.s3.list_object_versions(Bucket="src", Prefix="plain.txt")
        self.assertIn(plain[0]["VersionId"], [v["VersionId"] for v in versions["Versions"]])

    def test_filter_prefix_and_no_destination_prefix(self):
        put_config(self.s3, "src", "only-deep", "dst", fields=["Size"], filter_prefix="deep/")
        _, out, _ = run_now(self.server, "src", "only-deep")
        key = manifest_key_from(out)
        self.assertTrue(key.startswith("src/only-deep/"), key)
        manifest, paths = fetch_report(self.s3, "dst", key)
        rows = read_csv_report(manifest, paths)
        self.assertEqual([r["Key"] for r in rows], ["deep/nested/path/to/file.bin"])

    def test_newest_complete_report_like_redpanda(self):
        """A consumer that lists the config prefix with delimiter '/', keeps folders named
        YYYY-MM-DDTHH-MMZ/ and takes the newest that has manifest.checksum."""
        put_config(self.s3, "src", "consumer", "dst", fields=["Size"], prefix="c")
        _, out, _ = run_now(self.server, "src", "consumer")
        expected = manifest_key_from(out)
        listing = self.s3.list_objects_v2(Bucket="dst", Prefix="c/src/consumer/", Delimiter="/")
        folders = [p["Prefix"] for p in listing.get("CommonPrefixes", [])]
        self.assertIn("c/src/consumer/data/", folders)
        self.assertIn("c/src/consumer/hive/", folders)
        dated = sorted(f for f in folders
                       if re.fullmatch(r"c/src/consumer/\d{4}-\d\d-\d\dT\d\d-\d\dZ/", f))
        newest = None
        for folder in reversed(dated):
            names = [o["Key"] for o in self.s3.list_objects_v2(Bucket="dst", Prefix=folder)["Contents"]]
            if folder + "manifest.checksum" in names:
                newest = folder
                break
        self.assertEqual(newest + "manifest.json", expected)

    def test_failed_delivery_has_an_actionable_reason(self):
        put_config(self.s3, "src", "no-dest", "does-not-exist", fields=["Size"])
        code, out, err = run_now(self.server, "src", "no-dest", expect_success=False)
        self.assertEqual(code, 1)
        self.assertIn("The destination bucket 'does-not-exist' does not exist.", err)
        put_config(self.s3, "src", "wrong-account", "dst", account_id="999999999999")
        code, _, err = run_now(self.server, "src", "wrong-account", expect_success=False)
        self.assertEqual(code, 1)
        self.assertIn("999999999999", err)
        self.assertEqual(self.s3.list_objects_v2(Bucket="dst", Prefix="src/no-dest/")["KeyCount"],
                         0)

    def test_disabled_configuration_can_still_run_on_demand_but_not_on_schedule(self):
        put_config(self.s3, "src", "off", "dst", enabled=False)
        time.sleep(2.5)  # two scheduler ticks
        self.assertEqual(self.s3.list_objects_v2(Bucket="dst", Prefix="src/off/")["KeyCount"], 0)

    def test_new_configuration_gets_a_first_report_within_a_minute(self):
        put_config(self.s3, "src", "first", "dst", fields=["Size"])
        deadline = time.time() + 60
        while time.time() < deadline:
            keys = [o["Key"] for o in self.s3.list_objects_v2(Bucket="dst", Prefix="src/first/")
                    .get("Contents", [])]
            if any(k.endswith("manifest.checksum") for k in keys):
                break
            time.sleep(0.5)
        else:
            self.fail("no scheduled first report within a minute")


class InventoryCrashTest(unittest.TestCase):

    def test_kill_during_publication_leaves_no_manifest_and_the_run_is_redone(self):
        server = Server(env={"STOCKTAKE_FAILPOINT_PUBLISH_DELAY_MS": "1500"},
                        extra_args=["--inventory-first-run", "schedule"]).start()
        try:
            s3 = server.client()
            s3.create_bucket(Bucket="src")
            s3.create_bucket(Bucket="dst")
            for i in range(20):
                s3.put_object(Bucket="src", Key="k%02d" % i, Body=b"x" * i)
            put_config(s3, "src", "crash", "dst", fields=["Size"])
            import subprocess
            import os
            from harness import ACCESS_KEY, SECRET_KEY, binary
            env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
            subprocess.run([binary(), "inventory", "run", "--endpoint", server.url, "--bucket",
                            "src", "--id", "crash"], env=env, check=True, capture_output=True)
            deadline = time.time() + 30
            while time.time() < deadline:
                keys = [o["Key"] for o in s3.list_objects_v2(Bucket="dst").get("Contents", [])]
                if any("/data/" in k for k in keys):
                    break
                time.sleep(0.1)
            server.kill()
            # Restart without the failpoint: the interrupted run is cleaned up and redone.
            server.extra_env = {}
            server.start()
            s3 = server.client()
            deadline = time.time() + 60
            while time.time() < deadline:
                keys = [o["Key"] for o in s3.list_objects_v2(Bucket="dst").get("Contents", [])]
                if any(k.endswith("manifest.checksum") for k in keys):
                    break
                time.sleep(0.2)
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket="dst").get("Contents", [])]
            manifests = [k for k in keys if k.endswith("manifest.json")]
            self.assertEqual(len(manifests), 1, keys)
            manifest, _ = fetch_report(s3, "dst", manifests[0])
            data_keys = sorted(k for k in keys if "/data/" in k)
            # Only the redo's data files remain: the dead run's were removed.
            self.assertEqual(data_keys, sorted(f["key"] for f in manifest["files"]))
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
