"""One report per configuration and minute (issue 20, point 1): a second run in the minute of a
published report waits for the next minute, so no report is ever replaced or orphaned — for
native runs (a configuration's first run, then `inventory run --wait`, as the README does) and
for `inventory scan` (two scans of one configuration into one destination)."""

import datetime
import time
import unittest

from harness import Server, binary
from inventory_util import fetch_report, manifest_key_from, put_config, run_now
from scan_util import run_scan
from test_inventory_scan import destination_keys, scan_args, stocktake_env


def start_early_in_a_minute():
    """Both runs must begin in one minute for the test to mean something: skip a late start."""
    second = datetime.datetime.now(datetime.timezone.utc).second
    if second > 45:
        time.sleep(61 - second)


def folder_of(manifest_key):
    return manifest_key.rsplit("/", 2)[-2]


def next_minute(folder):
    t = datetime.datetime.strptime(folder, "%Y-%m-%dT%H-%MZ") + datetime.timedelta(minutes=1)
    return t.strftime("%Y-%m-%dT%H-%MZ")


class ReportMinutesTest(unittest.TestCase):

    def check_reports(self, s3, bucket, root, expected_manifests):
        """Every manifest under `root` verifies, and every data file belongs to exactly one."""
        keys = destination_keys(s3, bucket, root + "/")
        manifests = sorted(k for k in keys if k.endswith("/manifest.json"))
        self.assertEqual(manifests, sorted(expected_manifests))
        self.assertEqual(len([k for k in keys if k.endswith("/manifest.checksum")]),
                         len(manifests))
        self.assertEqual(len([k for k in keys if k.endswith("/symlink.txt")]), len(manifests))
        listed = []
        for key in manifests:
            manifest, _ = fetch_report(s3, bucket, key)  # checksum and every MD5 verified
            listed += [f["key"] for f in manifest["files"]]
        data = sorted(k for k in keys if "/data/" in k)
        self.assertEqual(sorted(listed), data, "a data file is orphaned or shared")

    def test_native_run_in_the_minute_of_the_first_report_takes_the_next(self):
        server = Server().start()  # first report of a new configuration at once
        try:
            s3 = server.client()
            s3.create_bucket(Bucket="photos")
            s3.create_bucket(Bucket="audit")
            for i in range(5):
                s3.put_object(Bucket="photos", Key="k%d" % i, Body=b"x" * i)
            start_early_in_a_minute()
            put_config(s3, "photos", "daily-csv", "audit", prefix="reports")
            _, stdout, _ = run_now(server, "photos", "daily-csv")
            second = manifest_key_from(stdout)
            root = "reports/photos/daily-csv"
            deadline = time.time() + 120
            manifests = []
            while time.time() < deadline:
                manifests = [k for k in destination_keys(s3, "audit", root + "/")
                             if k.endswith("/manifest.checksum")]
                if len(manifests) == 2:
                    break
                time.sleep(0.5)
            self.assertEqual(len(manifests), 2, manifests)
            first = [k.replace("manifest.checksum", "manifest.json") for k in manifests
                     if not second.endswith(k.replace("manifest.checksum", "manifest.json"))]
            self.assertEqual(len(first), 1)
            self.assertEqual(folder_of(second), next_minute(folder_of(first[0])))
            self.check_reports(s3, "audit", root, first + [second.replace("s3://audit/", "")])
        finally:
            server.cleanup()

    def test_second_scan_in_a_minute_waits_for_the_next(self):
        source = Server(extra_args=["--inventory-first-run", "schedule"]).start()
        destination = Server().start()
        try:
            src, dst = source.client(), destination.client()
            src.create_bucket(Bucket="src")
            dst.create_bucket(Bucket="dst")
            for i in range(5):
                src.put_object(Bucket="src", Key="k%d" % i, Body=b"x" * i)
            args = scan_args("s3://src", source.url, "s3://dst/scans", destination.url,
                             "--format", "CSV", "--id", "twice")
            start_early_in_a_minute()
            first = manifest_key_from(run_scan(args, stocktake_env()).stdout)
            proc = run_scan(args, stocktake_env())
            second = manifest_key_from(proc.stdout)
            self.assertIn("waiting for the next minute", proc.stderr)
            self.assertEqual(folder_of(second), next_minute(folder_of(first)))
            strip = lambda k: k.replace("s3://dst/", "")
            self.check_reports(dst, "dst", "scans/src/twice", [strip(first), strip(second)])
        finally:
            source.cleanup()
            destination.cleanup()


if __name__ == "__main__":
    unittest.main()
