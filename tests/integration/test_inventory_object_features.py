"""The inventory columns of issue 6's object features, end to end: objects with known states (a
COMPLIANCE-locked version, a GOVERNANCE one under legal hold, one under an event hold, a
public-read ACL, a GLACIER object, Intelligent-Tiering objects in three access tiers, a noncurrent
version, a delete marker) are reported with every optional field in CSV, Parquet and ORC, and each
cell is checked against its expected value (spellings of spec §7 and DESIGN.md §6), read back by
DuckDB and Apache ORC's tools.

Intelligent-Tiering tiers depend on days without access, so the test moves the store's clock
(STOCKTAKE_FAILPOINT_STORE_CLOCK_OFFSET_MS) across three runs of the server on one data dir:
  day 0    every object is written;
  day 60   it-infrequent is read (its access is recorded at day 60);
  day 100  it-frequent is read, and the reports are taken (snapshot at day 100):
           it-archive idle 100 days -> ARCHIVE_INSTANT_ACCESS, it-infrequent idle 40 ->
           INFREQUENT, it-frequent idle 0 -> FREQUENT.
SigV4 keeps real time: only object times move."""

import base64
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.parse

from harness import Server
from inventory_util import (duckdb, fetch_report, manifest_key_from, put_config, read_csv_report,
                            run_now, sql_list)
from test_inventory_formats import ALL_FIELDS, orc_tools
from test_s3_auth import signed

DAY_MS = 24 * 3600 * 1000
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
SRC, DST = "features", "reports"

# CSV fileSchema name -> ORC/Parquet column name (spec §5.1).
COLUMNS = {
    "Bucket": "bucket", "Key": "key", "VersionId": "version_id", "IsLatest": "is_latest",
    "IsDeleteMarker": "is_delete_marker", "Size": "size", "LastModifiedDate": "last_modified_date",
    "ETag": "e_tag", "StorageClass": "storage_class",
    "IsMultipartUploaded": "is_multipart_uploaded",
    "ReplicationStatus": "replication_status", "EncryptionStatus": "encryption_status",
    "ObjectLockRetainUntilDate": "object_lock_retain_until_date",
    "ObjectLockMode": "object_lock_mode",
    "ObjectLockLegalHoldStatus": "object_lock_legal_hold_status",
    "ObjectLockEventHoldStatus": "object_lock_event_hold_status",
    "ObjectLockEventHoldDuration": "object_lock_event_hold_duration",
    "IntelligentTieringAccessTier": "intelligent_tiering_access_tier",
    "BucketKeyStatus": "bucket_key_status", "ChecksumAlgorithm": "checksum_algorithm",
    "ObjectAccessControlList": "object_access_control_list", "ObjectOwner": "object_owner",
    "LifecycleExpirationDate": "lifecycle_expiration_date",
    "IntelligentTieringReferenceDate": "intelligent_tiering_reference_date",
}
TIMESTAMPS = {"last_modified_date", "object_lock_retain_until_date", "lifecycle_expiration_date",
              "intelligent_tiering_reference_date"}
BOOLEANS = {"is_latest", "is_delete_marker", "is_multipart_uploaded"}


def now_ms():
    return int(time.time() * 1000)


def iso_ms(text):
    return int(datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
               .replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)


def acl_cell(grants):
    """The ObjectAccessControlList cell: base64 of the compact JSON of spec §7."""
    document = {"version": "2022-11-10", "status": "AVAILABLE", "grants": grants}
    return base64.b64encode(json.dumps(document, separators=(",", ":")).encode()).decode()


def owner_grant(owner):
    return {"permission": "FULL_CONTROL", "type": "CanonicalUser", "canonicalId": owner}


class InventoryObjectFeaturesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data_dir = tempfile.mkdtemp(prefix="stocktake-features-")
        cls.expected = {}  # (key, version id) -> {column: value} for the columns we know
        cls.day0_ms = now_ms()
        server = cls.start(0)
        try:
            cls.write_objects(server)
        finally:
            server.stop()
        server = cls.start(60)
        try:
            before = now_ms()
            server.client().get_object(Bucket=SRC, Key="it-infrequent")["Body"].read()
            cls.infrequent_access = (before + 60 * DAY_MS, now_ms() + 60 * DAY_MS)
        finally:
            server.stop()
        cls.server = cls.start(100)
        s3 = cls.server.client()
        before = now_ms()
        s3.get_object(Bucket=SRC, Key="it-frequent")["Body"].read()
        cls.frequent_access = (before + 100 * DAY_MS, now_ms() + 100 * DAY_MS)
        cls.reports = {}
        for fmt in ("CSV", "Parquet", "ORC"):
            config_id = "features-" + fmt.lower()
            put_config(s3, SRC, config_id, DST, fmt=fmt, fields=ALL_FIELDS, versions="All")
            _, out, _ = run_now(cls.server, SRC, config_id)
            cls.reports[fmt] = fetch_report(s3, DST, manifest_key_from(out))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.data_dir, ignore_errors=True)
        try:
            os.unlink(cls.server.log_path)  # shared by the three runs (harness: beside the dir)
        except OSError:
            pass

    @classmethod
    def start(cls, offset_days):
        return Server(data_dir=cls.data_dir, extra_args=("--inventory-first-run", "schedule"),
                      env={"STOCKTAKE_FAILPOINT_STORE_CLOCK_OFFSET_MS":
                           str(offset_days * DAY_MS)}).start()

    @classmethod
    def write_objects(cls, server):
        s3 = server.client()
        cls.owner = s3.list_buckets()["Owner"]["ID"]
        # Object Lock (so versioned) and ACLs enabled (ObjectWriter), for public-read.
        s3.create_bucket(Bucket=SRC, ObjectLockEnabledForBucket=True,
                         ObjectOwnership="ObjectWriter")
        s3.create_bucket(Bucket=DST)
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        cls.compliance_until = now + datetime.timedelta(days=2)
        cls.governance_until = now + datetime.timedelta(days=3)
        s3.put_object(Bucket=SRC, Key="compliance", Body=b"c", ObjectLockMode="COMPLIANCE",
                      ObjectLockRetainUntilDate=cls.compliance_until)
        s3.put_object(Bucket=SRC, Key="governance-hold", Body=b"g", ObjectLockMode="GOVERNANCE",
                      ObjectLockRetainUntilDate=cls.governance_until,
                      ObjectLockLegalHoldStatus="ON")
        # An event hold (2026): this botocore predates its headers, so a raw request.
        md5 = base64.b64encode(hashlib.md5(b"e").digest()).decode()
        status, _, body = signed(server, "PUT", "/%s/event-hold" % SRC, body=b"e", headers={
            "Content-MD5": md5, "x-amz-object-lock-mode": "GOVERNANCE",
            "x-amz-object-lock-event-hold": "ON",
            "x-amz-object-lock-event-hold-duration-days": "10"})
        assert status == 200, body
        s3.put_object(Bucket=SRC, Key="public", Body=b"p", ACL="public-read")
        s3.put_object(Bucket=SRC, Key="glacier", Body=b"cold", StorageClass="GLACIER")
        for key in ("it-archive", "it-infrequent", "it-frequent"):
            s3.put_object(Bucket=SRC, Key=key, Body=b"tiered", StorageClass="INTELLIGENT_TIERING")
        s3.put_object(Bucket=SRC, Key="versions", Body=b"old")
        s3.put_object(Bucket=SRC, Key="versions", Body=b"newer")
        s3.put_object(Bucket=SRC, Key="zz-deleted", Body=b"d")
        s3.delete_object(Bucket=SRC, Key="zz-deleted")
        cls.versions = s3.list_object_versions(Bucket=SRC)

    def expected_rows(self, fmt):
        """(key, version id) -> expected {column: value} of the columns this test pins down."""
        owner = self.owner
        snapshot_ms = int(self.reports[fmt][0]["creationTimestamp"])
        default_acl = acl_cell([owner_grant(owner)])
        rows = {}
        for v in self.versions.get("Versions", []):
            row = {
                "bucket": SRC, "key": v["Key"], "version_id": v["VersionId"],
                "is_latest": v["IsLatest"], "is_delete_marker": False, "size": v["Size"],
                "last_modified_date": int(v["LastModified"].timestamp() * 1000),
                "e_tag": v["ETag"].strip('"'), "storage_class": v["StorageClass"],
                "is_multipart_uploaded": False,
                "object_lock_mode": None, "object_lock_retain_until_date": None,
                # The bucket has Object Lock: versions without a hold say Off (DESIGN.md §6).
                "object_lock_legal_hold_status": "Off",
                "object_lock_event_hold_status": "Off", "object_lock_event_hold_duration": None,
                "intelligent_tiering_access_tier": None,
                "intelligent_tiering_reference_date": None,
                "object_access_control_list": default_acl, "object_owner": owner,
            }
            key = v["Key"]
            if key == "compliance":
                row["object_lock_mode"] = "COMPLIANCE"
                row["object_lock_retain_until_date"] = int(self.compliance_until.timestamp() * 1000)
            elif key == "governance-hold":
                row["object_lock_mode"] = "GOVERNANCE"
                row["object_lock_retain_until_date"] = int(self.governance_until.timestamp() * 1000)
                row["object_lock_legal_hold_status"] = "On"
            elif key == "event-hold":
                # While the hold is on, retained until the report's instant + 10 days.
                row["object_lock_mode"] = "GOVERNANCE"
                row["object_lock_retain_until_date"] = snapshot_ms + 10 * DAY_MS
                row["object_lock_event_hold_status"] = "On"
                row["object_lock_event_hold_duration"] = "10 Days"
            elif key == "public":
                row["object_access_control_list"] = acl_cell([
                    owner_grant(owner),
                    {"permission": "READ", "type": "Group", "uri": ALL_USERS}])
            elif key == "it-archive":
                row["intelligent_tiering_access_tier"] = "ARCHIVE_INSTANT_ACCESS"
                row["intelligent_tiering_reference_date"] = row["last_modified_date"]
            elif key == "it-infrequent":
                row["intelligent_tiering_access_tier"] = "INFREQUENT"
                row["intelligent_tiering_reference_date"] = self.infrequent_access
            elif key == "it-frequent":
                row["intelligent_tiering_access_tier"] = "FREQUENT"
                row["intelligent_tiering_reference_date"] = self.frequent_access
            rows[(key, v["VersionId"])] = row
        for m in self.versions.get("DeleteMarkers", []):
            # A delete marker has no storage class, lock, tier or ACL of its own (fields.h).
            rows[(m["Key"], m["VersionId"])] = {
                "bucket": SRC, "key": m["Key"], "version_id": m["VersionId"],
                "is_latest": m["IsLatest"], "is_delete_marker": True, "size": None,
                "e_tag": None, "storage_class": None, "object_lock_mode": None,
                "object_lock_retain_until_date": None, "object_lock_legal_hold_status": None,
                "object_lock_event_hold_status": None, "object_lock_event_hold_duration": None,
                "intelligent_tiering_access_tier": None,
                "intelligent_tiering_reference_date": None, "object_access_control_list": None,
            }
        return rows

    # ---- Readers, each normalised to {column: python value} keyed by (key, version id) ---------

    def csv_rows(self):
        out = {}
        for raw in read_csv_report(*self.reports["CSV"]):
            row = {}
            for name, value in raw.items():
                column = COLUMNS[name]
                if column == "key":
                    value = urllib.parse.unquote_plus(value)
                elif value == "" and column not in ("version_id", "bucket"):
                    value = None
                elif column in BOOLEANS:
                    value = value == "true"
                elif column == "size":
                    value = int(value)
                elif column in TIMESTAMPS:
                    value = iso_ms(value)
                row[column] = value
            out[(row["key"], row["version_id"])] = row
        return out

    def parquet_rows(self):
        _, paths = self.reports["Parquet"]
        extra = ", ".join("epoch_ms(%s) AS %s_ms" % (c, c) for c in sorted(TIMESTAMPS))
        out = {}
        for raw in duckdb("SELECT *, %s FROM read_parquet(%s)" % (extra, sql_list(paths))):
            row = {}
            for column in COLUMNS.values():
                value = raw[column]
                if column in TIMESTAMPS:
                    value = raw[column + "_ms"]
                    value = None if value is None else int(value)
                elif column == "size" and value is not None:
                    value = int(value)
                row[column] = value
            out[(row["key"], row["version_id"])] = row
        return out

    def orc_rows(self):
        _, paths = self.reports["ORC"]
        binary = os.path.join(orc_tools(), "orc-contents")
        if not os.path.exists(binary):
            self.skipTest("Apache ORC tools not built: run tests/setup-readers.sh")
        out = {}
        for path in paths:
            lines = subprocess.run([binary, path], capture_output=True, text=True,
                                   check=True).stdout.splitlines()
            for line in lines:
                raw = json.loads(line)
                row = {}
                for column in COLUMNS.values():
                    value = raw.get(column)
                    if column in TIMESTAMPS and value is not None:
                        # orc-contents prints UTC wall time, dropping trailing zeros.
                        parsed = datetime.datetime.strptime(
                            value if "." in value else value + ".0", "%Y-%m-%d %H:%M:%S.%f")
                        value = round(parsed.replace(tzinfo=datetime.timezone.utc)
                                      .timestamp() * 1000)
                    row[column] = value
                out[(row["key"], row["version_id"])] = row
        return out

    # ---- Assertions --------------------------------------------------------------------------

    def check(self, fmt, rows):
        expected = self.expected_rows(fmt)
        self.assertEqual(sorted(rows), sorted(expected), fmt)
        for ident, want in expected.items():
            got = rows[ident]
            for column, value in want.items():
                if isinstance(value, tuple):  # a time known to lie in a window
                    self.assertIsNotNone(got[column], (fmt, ident, column))
                    self.assertGreaterEqual(got[column], value[0], (fmt, ident, column))
                    self.assertLessEqual(got[column], value[1], (fmt, ident, column))
                else:
                    self.assertEqual(got[column], value, (fmt, ident, column))

    def test_csv(self):
        self.check("CSV", self.csv_rows())

    def test_parquet(self):
        self.check("Parquet", self.parquet_rows())

    def test_orc(self):
        self.check("ORC", self.orc_rows())

    def test_formats_agree_on_every_column(self):
        csv_rows = self.csv_rows()
        for fmt, rows in (("Parquet", self.parquet_rows()), ("ORC", self.orc_rows())):
            self.assertEqual(sorted(rows), sorted(csv_rows))
            # Each report is its own snapshot: a running event hold's date moves with it.
            shift = (int(self.reports[fmt][0]["creationTimestamp"]) -
                     int(self.reports["CSV"][0]["creationTimestamp"]))
            for ident, row in csv_rows.items():
                for column in COLUMNS.values():
                    want = row[column]
                    if ident[0] == "event-hold" and column == "object_lock_retain_until_date":
                        want += shift
                    self.assertEqual(rows[ident][column], want, (fmt, ident, column))

    def test_reported_tiers_follow_reads(self):
        # The day-0 object read on day 100 is FREQUENT; one never read is ARCHIVE_INSTANT_ACCESS.
        tiers = {k: r["intelligent_tiering_access_tier"] for (k, _), r in self.csv_rows().items()
                 if k.startswith("it-")}
        self.assertEqual(tiers, {"it-archive": "ARCHIVE_INSTANT_ACCESS",
                                 "it-infrequent": "INFREQUENT", "it-frequent": "FREQUENT"})
        # The S3 API agrees with the report on what it can show.
        s3 = self.server.client()
        self.assertEqual(s3.head_object(Bucket=SRC, Key="it-archive")["StorageClass"],
                         "INTELLIGENT_TIERING")
        acl = s3.get_object_acl(Bucket=SRC, Key="public")
        self.assertIn({"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
                      acl["Grants"])


if __name__ == "__main__":
    unittest.main()
