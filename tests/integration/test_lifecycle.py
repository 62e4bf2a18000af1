"""Bucket lifecycle with the real aws CLI and boto3: the configuration calls (round trip as AWS
answers them, AWS's errors), the lifecycle worker expiring objects when the store clock is moved
(STOCKTAKE_FAILPOINT_STORE_CLOCK_OFFSET_MS across two runs of the server on one data dir), and
LifecycleExpirationDate in inventory reports (CSV and Parquet read by DuckDB, ORC by
Apache ORC's orc-contents)."""

import datetime
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import Server, ServerTestCase, error_code, raw_request
from test_inventory_formats import orc_tools
from inventory_util import (duckdb, fetch_report, manifest_key_from, put_config, read_csv_report,
                            run_now, sql_list)

DAY_MS = 24 * 3600 * 1000


def due_ms(start_ms, days):
    """S3's rounding: the first midnight UTC after start + days."""
    return ((start_ms + days * DAY_MS) // DAY_MS + 1) * DAY_MS


def ms(dt):
    return int(dt.timestamp() * 1000)


def iso(epoch_ms):
    return datetime.datetime.fromtimestamp(epoch_ms / 1000, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z")


def put_raw(server, bucket, xml):
    status, _, body = raw_request(server, "PUT", "/" + bucket, "lifecycle", body=xml.encode())
    return status, (error_code(body) if status >= 300 else (None, None))


def rule_xml(body):
    return "<Rule>%s</Rule>" % body


def config_xml(*rules):
    return ('<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">%s'
            "</LifecycleConfiguration>" % "".join(rules))


class LifecycleConfigurationTest(ServerTestCase):
    def setUp(self):
        self.bucket = "lc-" + self._testMethodName.replace("_", "-")[:50]
        self.s3.create_bucket(Bucket=self.bucket)

    def test_cli_round_trip(self):
        config = {"Rules": [
            {"ID": "logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
             "Expiration": {"Days": 30},
             "NoncurrentVersionExpiration": {"NoncurrentDays": 7, "NewerNoncurrentVersions": 2}},
            {"ID": "tagged", "Filter": {"And": {"Prefix": "tmp/",
                                                "Tags": [{"Key": "class", "Value": "scratch"}],
                                                "ObjectSizeGreaterThan": 1024}},
             "Status": "Disabled", "Expiration": {"Date": "2030-01-01T00:00:00+00:00"}},
            {"ID": "uploads", "Filter": {}, "Status": "Enabled",
             "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 3}},
            {"ID": "markers", "Filter": {"Prefix": ""}, "Status": "Enabled",
             "Expiration": {"ExpiredObjectDeleteMarker": True}},
        ]}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(config, f)
        try:
            self.server.aws("s3api", "put-bucket-lifecycle-configuration", "--bucket",
                            self.bucket, "--lifecycle-configuration", "file://" + f.name)
        finally:
            os.unlink(f.name)
        got = self.server.aws_json("s3api", "get-bucket-lifecycle-configuration", "--bucket",
                                   self.bucket)
        # What AWS answers: the rules as put, the Date in ISO-8601 UTC, and the default
        # transition minimum size of every bucket.
        expected = json.loads(json.dumps(config))
        expected["Rules"][1]["Expiration"]["Date"] = "2030-01-01T00:00:00.000Z"
        got.pop("TransitionDefaultMinimumObjectSize", None)
        self.assertEqual(got, expected)

        self.server.aws("s3api", "delete-bucket-lifecycle", "--bucket", self.bucket)
        code, _, err = self.server.aws("s3api", "get-bucket-lifecycle-configuration", "--bucket",
                                       self.bucket, check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("NoSuchLifecycleConfiguration", err)

    def test_boto3_round_trip_and_headers(self):
        rules = [{"Prefix": "legacy/", "Status": "Enabled", "Expiration": {"Days": 1}},
                 {"ID": "tag", "Filter": {"Tag": {"Key": "k", "Value": "v"}}, "Status": "Enabled",
                  "Expiration": {"Date": datetime.datetime(2031, 5, 1,
                                                           tzinfo=datetime.timezone.utc)}}]
        put = self.s3.put_bucket_lifecycle_configuration(
            Bucket=self.bucket, LifecycleConfiguration={"Rules": rules})
        self.assertEqual(put["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(put["TransitionDefaultMinimumObjectSize"], "all_storage_classes_128K")
        got = self.s3.get_bucket_lifecycle_configuration(Bucket=self.bucket)
        self.assertEqual(got["TransitionDefaultMinimumObjectSize"], "all_storage_classes_128K")
        first, second = got["Rules"]
        # An unnamed rule gets an ID as on AWS (base64 of a UUID).
        self.assertEqual(len(first["ID"]), 48)
        self.assertEqual(first["Prefix"], "legacy/")
        self.assertNotIn("Filter", first)
        self.assertEqual(first["Expiration"], {"Days": 1})
        self.assertEqual(second["Filter"], {"Tag": {"Key": "k", "Value": "v"}})
        self.assertEqual(second["Expiration"]["Date"],
                         datetime.datetime(2031, 5, 1, tzinfo=datetime.timezone.utc))
        # A second PUT replaces the whole configuration.
        self.s3.put_bucket_lifecycle_configuration(
            Bucket=self.bucket, LifecycleConfiguration={"Rules": rules[1:]})
        self.assertEqual(len(self.s3.get_bucket_lifecycle_configuration(
            Bucket=self.bucket)["Rules"]), 1)

    def test_missing_configuration(self):
        err = self.assertS3Error(
            lambda: self.s3.get_bucket_lifecycle_configuration(Bucket=self.bucket),
            "NoSuchLifecycleConfiguration", 404)
        self.assertEqual(err["Error"]["Message"], "The lifecycle configuration does not exist")
        # Deleting nothing is fine, as on AWS.
        deleted = self.s3.delete_bucket_lifecycle(Bucket=self.bucket)
        self.assertEqual(deleted["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertS3Error(lambda: self.s3.get_bucket_lifecycle_configuration(Bucket="lc-nobucket"),
                           "NoSuchBucket", 404)

    def test_invalid_configurations(self):
        status = "<Status>Enabled</Status>"
        prefix = "<Filter><Prefix>p/</Prefix></Filter>"
        days1 = "<Expiration><Days>1</Days></Expiration>"
        cases = [
            ("not xml", "MalformedXML", None),
            (config_xml(), "MalformedXML", None),
            (config_xml(rule_xml(prefix + "<Status>On</Status>" + days1)), "MalformedXML", None),
            (config_xml(rule_xml(status + days1)), "MalformedXML", None),
            (config_xml(rule_xml(prefix + status + "<Expiration><Days>0</Days></Expiration>")),
             "InvalidArgument", "'Days' for Expiration action must be a positive integer"),
            (config_xml(rule_xml(prefix + status +
                                 "<Expiration><Date>2030-01-01T12:00:00Z</Date></Expiration>")),
             "InvalidArgument", "'Date' must be at midnight GMT"),
            (config_xml(rule_xml(prefix + status + "<NoncurrentVersionExpiration><NoncurrentDays>"
                                 "0</NoncurrentDays></NoncurrentVersionExpiration>")),
             "InvalidArgument",
             "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"),
            (config_xml(rule_xml(prefix + status)), "InvalidRequest",
             "At least one action needs to be specified in a rule"),
            (config_xml(rule_xml("<ID>x</ID>" + prefix + status + days1),
                        rule_xml("<ID>x</ID>" + prefix + status + days1)),
             "InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule"),
            (config_xml(*[rule_xml("<ID>r%d</ID>" % i + prefix + status + days1)
                          for i in range(1001)]), "MalformedXML", None),
        ]
        for body, code, message in cases:
            with self.subTest(body=body[:120]):
                http_status, (got_code, got_message) = put_raw(self.server, self.bucket, body)
                self.assertEqual((http_status, got_code), (400, code))
                if message is not None:
                    self.assertEqual(got_message, message)
        # Nothing was stored by the refused PUTs.
        self.assertS3Error(lambda: self.s3.get_bucket_lifecycle_configuration(Bucket=self.bucket),
                           "NoSuchLifecycleConfiguration")


class LifecycleWorkerAndInventoryTest(unittest.TestCase):
    """Run 1 (real time): buckets, rules, objects, inventory reports. Run 2 (+4 days): the
    worker's first pass at start-up applies every due action."""

    PLAIN, SRC, DST = "lc-plain", "lc-versioned", "lc-reports"

    @classmethod
    def setUpClass(cls):
        cls.data_dir = tempfile.mkdtemp(prefix="stocktake-lifecycle-")
        cls.server = cls.start(offset_days=0)
        cls.write_objects(cls.server.client())
        s3 = cls.server.client()
        cls.reports = {}
        for fmt in ("CSV", "Parquet", "ORC"):
            config_id = "lc-" + fmt.lower()
            put_config(s3, cls.SRC, config_id, cls.DST, fmt=fmt,
                       fields=["LastModifiedDate", "LifecycleExpirationDate"], versions="All")
            _, out, _ = run_now(cls.server, cls.SRC, config_id)
            cls.reports[fmt] = fetch_report(s3, cls.DST, manifest_key_from(out))
        cls.server.stop()
        cls.server = cls.start(offset_days=4)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.data_dir, ignore_errors=True)
        try:
            os.unlink(cls.server.log_path)
        except OSError:
            pass

    @classmethod
    def start(cls, offset_days):
        return Server(data_dir=cls.data_dir,
                      env={"STOCKTAKE_FAILPOINT_STORE_CLOCK_OFFSET_MS":
                           str(offset_days * DAY_MS)}).start()

    @classmethod
    def write_objects(cls, s3):
        s3.create_bucket(Bucket=cls.PLAIN)
        s3.create_bucket(Bucket=cls.SRC, ObjectLockEnabledForBucket=True)
        s3.create_bucket(Bucket=cls.DST)
        s3.put_bucket_lifecycle_configuration(Bucket=cls.PLAIN, LifecycleConfiguration={"Rules": [
            {"ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled",
             "Expiration": {"Days": 1}},
            {"ID": "off", "Filter": {"Prefix": "keep/"}, "Status": "Disabled",
             "Expiration": {"Days": 1}},
            {"ID": "uploads", "Filter": {}, "Status": "Enabled",
             "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]})
        s3.put_bucket_lifecycle_configuration(Bucket=cls.SRC, LifecycleConfiguration={"Rules": [
            {"ID": "expire", "Filter": {"Prefix": "exp/"}, "Status": "Enabled",
             "Expiration": {"Days": 2}},
            {"ID": "noncurrent", "Filter": {}, "Status": "Enabled",
             "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}]})
        for key in ("tmp/a", "keep/b"):
            s3.put_object(Bucket=cls.PLAIN, Key=key, Body=b"x")
        s3.create_multipart_upload(Bucket=cls.PLAIN, Key="up/big")
        s3.put_object(Bucket=cls.SRC, Key="exp/a", Body=b"v1")
        s3.put_object(Bucket=cls.SRC, Key="exp/a", Body=b"v2")
        s3.put_object(Bucket=cls.SRC, Key="keep/c", Body=b"c")
        s3.put_object(Bucket=cls.SRC, Key="locked/d", Body=b"d1", ObjectLockLegalHoldStatus="ON")
        s3.put_object(Bucket=cls.SRC, Key="locked/d", Body=b"d2")
        cls.versions = s3.list_object_versions(Bucket=cls.SRC)["Versions"]

    def expected_dates(self):
        """(key, version id) -> LifecycleExpirationDate in epoch ms (None = empty)."""
        out = {}
        by_key = {}
        for v in self.versions:  # newest first within a key
            by_key.setdefault(v["Key"], []).append(v)
        for key, versions in by_key.items():
            for i, v in enumerate(versions):
                if i == 0:
                    date = due_ms(ms(v["LastModified"]), 2) if key.startswith("exp/") else None
                else:
                    date = due_ms(ms(versions[i - 1]["LastModified"]), 1)
                out[(key, v["VersionId"])] = date
        return out

    def test_inventory_csv(self):
        manifest, paths = self.reports["CSV"]
        self.assertIn("LifecycleExpirationDate", manifest["fileSchema"])
        rows = read_csv_report(manifest, paths)
        got = {(r["Key"], r["VersionId"]): r["LifecycleExpirationDate"] for r in rows}
        expected = {k: (iso(d) if d is not None else "") for k, d in self.expected_dates().items()}
        self.assertEqual(got, expected)

    def test_inventory_parquet(self):
        manifest, paths = self.reports["Parquet"]
        self.assertIn("optional int64 lifecycle_expiration_date (TIMESTAMP(MILLIS,true))",
                      manifest["fileSchema"])
        rows = duckdb("SELECT key, version_id, epoch_ms(lifecycle_expiration_date) AS due "
                      "FROM read_parquet(%s)" % sql_list(paths))
        got = {(r["key"], r["version_id"]): (int(r["due"]) if r["due"] is not None else None)
               for r in rows}
        self.assertEqual(got, self.expected_dates())

    def test_inventory_orc(self):
        _, paths = self.reports["ORC"]
        binary = os.path.join(orc_tools(), "orc-contents")
        if not os.path.exists(binary):
            self.skipTest("Apache ORC tools not built: run tests/setup-readers.sh")
        got = {}
        for path in paths:
            out = subprocess.run([binary, path], capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                row = json.loads(line)
                value = row.get("lifecycle_expiration_date")
                if value is not None:
                    # orc-contents prints UTC wall time, dropping trailing zeros.
                    parsed = datetime.datetime.strptime(
                        value if "." in value else value + ".0", "%Y-%m-%d %H:%M:%S.%f")
                    value = ms(parsed.replace(tzinfo=datetime.timezone.utc))
                got[(row["key"], row["version_id"])] = value
        self.assertEqual(got, self.expected_dates())

    def wait_for(self, predicate, what):
        deadline = time.time() + 60
        while time.time() < deadline:
            state = predicate()
            if state is True:
                return
            time.sleep(0.5)
        self.fail("lifecycle pass did not happen (%s): %s" % (what, state))

    def shape(self, s3, bucket):
        """key -> 'v'/'m' per version, newest first."""
        out = {}
        listing = s3.list_object_versions(Bucket=bucket)
        entries = [(v["Key"], v["LastModified"], "v") for v in listing.get("Versions", [])]
        entries += [(m["Key"], m["LastModified"], "m") for m in listing.get("DeleteMarkers", [])]
        for key, _, kind in sorted(entries, key=lambda e: (e[0], -e[1].timestamp())):
            out[key] = out.get(key, "") + kind
        return out

    def test_worker_applies_due_actions(self):
        s3 = self.server.client()
        expected_plain = {"keep/b": "v"}
        self.wait_for(lambda: self.shape(s3, self.PLAIN) == expected_plain
                      or self.shape(s3, self.PLAIN), "unversioned expiration")
        self.wait_for(lambda: not s3.list_multipart_uploads(Bucket=self.PLAIN).get("Uploads")
                      or "upload still there", "abort incomplete upload")
        # exp/a: current expired behind a delete marker, the old noncurrent version removed;
        # locked/d: the noncurrent version under legal hold stays; keep/c untouched.
        expected_src = {"exp/a": "mv", "keep/c": "v", "locked/d": "vv"}
        self.wait_for(lambda: self.shape(s3, self.SRC) == expected_src
                      or self.shape(s3, self.SRC), "versioned expiration")
        # The expired version kept behind the marker is the newer one.
        listing = s3.list_object_versions(Bucket=self.SRC, Prefix="exp/a")
        self.assertEqual(s3.get_object(Bucket=self.SRC, Key="exp/a",
                                       VersionId=listing["Versions"][0]["VersionId"])["Body"].read(),
                         b"v2")


if __name__ == "__main__":
    unittest.main()
