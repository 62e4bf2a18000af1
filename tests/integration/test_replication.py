"""Bucket replication to a bucket of the same server (issue 6), end to end with the real aws CLI
and boto3: the ?replication configuration calls and their errors, versions copied by the
background worker (bytes, metadata, tags, checksums, version ids; x-amz-replication-status
COMPLETED on the source, REPLICA on the copy), FAILED replication, delete markers, work left
PENDING by a crash and finished after the restart, and the inventory's ReplicationStatus column
(CSV, and Parquet read by DuckDB)."""

import json
import os
import tempfile
import time
import unittest

from harness import ServerTestCase, Server, error_code, raw_request
from inventory_util import (duckdb, fetch_report, manifest_key_from, put_config, read_csv_report,
                            run_now, sql_list)

ROLE = "arn:aws:iam::123456789012:role/replication"
MIB = 1024 * 1024


def rule(destination, rule_id="r1", priority=1, prefix="", delete_markers="Enabled",
         storage_class=None):
    dest = {"Bucket": "arn:aws:s3:::" + destination}
    if storage_class:
        dest["StorageClass"] = storage_class
    return {"ID": rule_id, "Priority": priority, "Filter": {"Prefix": prefix}, "Status": "Enabled",
            "Destination": dest, "DeleteMarkerReplication": {"Status": delete_markers}}


def config(*rules):
    return {"Role": ROLE, "Rules": list(rules)}


def make_buckets(s3, *names, versioned=True):
    for name in names:
        s3.create_bucket(Bucket=name)
        if versioned:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def wait_status(s3, bucket, key, version_id, wanted, timeout_s=30):
    """Polls HEAD until x-amz-replication-status is `wanted`; returns the last HEAD."""
    deadline = time.time() + timeout_s
    while True:
        head = s3.head_object(Bucket=bucket, Key=key, VersionId=version_id)
        if head.get("ReplicationStatus") == wanted or time.time() > deadline:
            return head
        time.sleep(0.1)


class ReplicationTest(ServerTestCase):

    def assertReplicated(self, src, dst, key, version_id):
        head = wait_status(self.s3, src, key, version_id, "COMPLETED")
        self.assertEqual(head.get("ReplicationStatus"), "COMPLETED")
        replica = self.s3.head_object(Bucket=dst, Key=key, VersionId=version_id)
        self.assertEqual(replica["ReplicationStatus"], "REPLICA")
        self.assertEqual(replica["VersionId"], version_id)
        self.assertEqual(replica["ETag"], head["ETag"])
        self.assertEqual(replica["Metadata"], head["Metadata"])
        self.assertEqual(replica["ContentType"], head["ContentType"])
        self.assertEqual(replica["LastModified"], head["LastModified"])
        source_bytes = self.s3.get_object(Bucket=src, Key=key, VersionId=version_id)["Body"].read()
        replica_get = self.s3.get_object(Bucket=dst, Key=key, VersionId=version_id)
        self.assertEqual(replica_get["Body"].read(), source_bytes)
        self.assertEqual(replica_get["ReplicationStatus"], "REPLICA")
        tags = self.s3.get_object_tagging(Bucket=src, Key=key, VersionId=version_id)["TagSet"]
        replica_tags = self.s3.get_object_tagging(Bucket=dst, Key=key,
                                                  VersionId=version_id)["TagSet"]
        self.assertEqual(replica_tags, tags)
        return replica

    def test_configuration_round_trip_with_cli(self):
        make_buckets(self.s3, "cfg-src", "cfg-dst")
        document = config(
            {"ID": "tagged", "Priority": 2, "Status": "Enabled",
             "Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "k", "Value": "v"}]}},
             "Destination": {"Bucket": "arn:aws:s3:::cfg-dst", "StorageClass": "STANDARD_IA"},
             "DeleteMarkerReplication": {"Status": "Disabled"}},
            rule("cfg-dst", rule_id="all", priority=1, prefix=""))
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(document, f)
        try:
            self.server.aws("s3api", "put-bucket-replication", "--bucket", "cfg-src",
                            "--replication-configuration", "file://" + f.name)
        finally:
            os.unlink(f.name)
        got = self.server.aws_json("s3api", "get-bucket-replication", "--bucket", "cfg-src")
        self.assertEqual(got["ReplicationConfiguration"], document)
        self.assertEqual(self.s3.get_bucket_replication(Bucket="cfg-src")
                         ["ReplicationConfiguration"], document)

        # A rule without an ID gets one.
        self.s3.put_bucket_replication(Bucket="cfg-src", ReplicationConfiguration={
            "Role": ROLE, "Rules": [{"Prefix": "", "Status": "Enabled",
                                     "Destination": {"Bucket": "arn:aws:s3:::cfg-dst"}}]})
        rules = self.s3.get_bucket_replication(Bucket="cfg-src")["ReplicationConfiguration"]["Rules"]
        self.assertEqual(len(rules), 1)
        self.assertTrue(rules[0]["ID"])
        self.assertEqual(rules[0]["Prefix"], "")

        self.server.aws("s3api", "delete-bucket-replication", "--bucket", "cfg-src")
        rc, _, err = self.server.aws("s3api", "get-bucket-replication", "--bucket", "cfg-src",
                                     check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("ReplicationConfigurationNotFoundError", err)
        self.assertS3Error(lambda: self.s3.get_bucket_replication(Bucket="cfg-src"),
                           "ReplicationConfigurationNotFoundError", 404)
        # Deleting again is fine, as S3.
        self.s3.delete_bucket_replication(Bucket="cfg-src")

    def test_versioning_cannot_be_suspended_under_replication(self):
        make_buckets(self.s3, "ver-src", "ver-dst")
        self.s3.put_bucket_replication(Bucket="ver-src",
                                       ReplicationConfiguration=config(rule("ver-dst")))
        self.assertS3Error(
            lambda: self.s3.put_bucket_versioning(Bucket="ver-src",
                                                  VersioningConfiguration={"Status": "Suspended"}),
            "InvalidBucketState", 409)
        self.s3.delete_bucket_replication(Bucket="ver-src")
        self.s3.put_bucket_versioning(Bucket="ver-src",
                                      VersioningConfiguration={"Status": "Suspended"})

    def test_configuration_errors(self):
        make_buckets(self.s3, "err-src", "err-dst")
        make_buckets(self.s3, "err-plain", versioned=False)
        self.assertS3Error(lambda: self.s3.get_bucket_replication(Bucket="err-src"),
                           "ReplicationConfigurationNotFoundError", 404)
        err = self.assertS3Error(
            lambda: self.s3.put_bucket_replication(Bucket="err-plain",
                                                   ReplicationConfiguration=config(
                                                       rule("err-dst"))),
            "InvalidRequest", 400)
        self.assertEqual(err["Error"]["Message"],
                         "Versioning must be 'Enabled' on the bucket to apply a replication "
                         "configuration")
        self.assertS3Error(
            lambda: self.s3.put_bucket_replication(Bucket="err-src",
                                                   ReplicationConfiguration=config(
                                                       rule("err-missing"))),
            "InvalidRequest", 400)
        err = self.assertS3Error(
            lambda: self.s3.put_bucket_replication(Bucket="err-src",
                                                   ReplicationConfiguration=config(
                                                       rule("err-plain"))),
            "InvalidRequest", 400)
        self.assertIn("versioning", err["Error"]["Message"])
        self.assertS3Error(
            lambda: self.s3.put_bucket_replication(Bucket="err-src",
                                                   ReplicationConfiguration=config(
                                                       rule("err-src"))),
            "InvalidRequest", 400)
        # V2 rules (with a Filter) need DeleteMarkerReplication.
        incomplete = rule("err-dst")
        del incomplete["DeleteMarkerReplication"]
        self.assertS3Error(
            lambda: self.s3.put_bucket_replication(Bucket="err-src",
                                                   ReplicationConfiguration=config(incomplete)),
            "InvalidRequest", 400)
        bad_arn = rule("err-dst")
        bad_arn["Destination"]["Bucket"] = "err-dst"
        self.assertS3Error(
            lambda: self.s3.put_bucket_replication(Bucket="err-src",
                                                   ReplicationConfiguration=config(bad_arn)),
            "InvalidArgument", 400)
        self.assertS3Error(
            lambda: self.s3.put_bucket_replication(Bucket="err-nobucket",
                                                   ReplicationConfiguration=config(
                                                       rule("err-dst"))),
            "NoSuchBucket", 404)
        status, _, body = raw_request(self.server, "PUT", "/err-src", "replication",
                                      body=b"<ReplicationConfiguration><Rule>")
        self.assertEqual((status, error_code(body)[0]), (400, "MalformedXML"))
        # Nothing was stored by the refused calls.
        self.assertS3Error(lambda: self.s3.get_bucket_replication(Bucket="err-src"),
                           "ReplicationConfigurationNotFoundError", 404)

    def test_new_versions_are_replicated(self):
        s3 = self.s3
        make_buckets(s3, "rep-src", "rep-dst")
        s3.put_bucket_replication(Bucket="rep-src", ReplicationConfiguration=config(
            rule("rep-dst", prefix="a/", storage_class="STANDARD_IA")))
        put = s3.put_object(Bucket="rep-src", Key="a/plain.txt", Body=b"hello replication",
                            ContentType="text/plain", Metadata={"colour": "blue"},
                            Tagging="k=v&team=data", ChecksumAlgorithm="SHA256")
        replica = self.assertReplicated("rep-src", "rep-dst", "a/plain.txt", put["VersionId"])
        self.assertEqual(replica["StorageClass"], "STANDARD_IA")
        source_sum = s3.head_object(Bucket="rep-src", Key="a/plain.txt",
                                    ChecksumMode="ENABLED")["ChecksumSHA256"]
        replica_sum = s3.head_object(Bucket="rep-dst", Key="a/plain.txt",
                                     ChecksumMode="ENABLED")["ChecksumSHA256"]
        self.assertEqual(replica_sum, source_sum)

        copy = s3.copy_object(Bucket="rep-src", Key="a/copy.txt",
                              CopySource={"Bucket": "rep-src", "Key": "a/plain.txt"})
        self.assertReplicated("rep-src", "rep-dst", "a/copy.txt", copy["VersionId"])

        upload = s3.create_multipart_upload(Bucket="rep-src", Key="a/big.bin",
                                            Metadata={"kind": "multipart"})
        parts = []
        for number, data in ((1, b"x" * (5 * MIB)), (2, b"tail")):
            part = s3.upload_part(Bucket="rep-src", Key="a/big.bin", PartNumber=number,
                                  UploadId=upload["UploadId"], Body=data)
            parts.append({"PartNumber": number, "ETag": part["ETag"]})
        done = s3.complete_multipart_upload(Bucket="rep-src", Key="a/big.bin",
                                            UploadId=upload["UploadId"],
                                            MultipartUpload={"Parts": parts})
        replica = self.assertReplicated("rep-src", "rep-dst", "a/big.bin", done["VersionId"])
        self.assertTrue(replica["ETag"].endswith('-2"'))
        self.assertEqual(replica.get("PartsCount"), 2)

        # A second version of the key is replicated under its own id; the replica is latest.
        second = s3.put_object(Bucket="rep-src", Key="a/plain.txt", Body=b"second")
        self.assertReplicated("rep-src", "rep-dst", "a/plain.txt", second["VersionId"])
        latest = s3.get_object(Bucket="rep-dst", Key="a/plain.txt")
        self.assertEqual(latest["VersionId"], second["VersionId"])
        self.assertEqual(latest["Body"].read(), b"second")

        # Outside the rule's prefix: no status, no copy.
        other = s3.put_object(Bucket="rep-src", Key="b/other.txt", Body=b"local")
        time.sleep(1)
        self.assertNotIn("ReplicationStatus",
                         s3.head_object(Bucket="rep-src", Key="b/other.txt",
                                        VersionId=other["VersionId"]))
        self.assertS3Error(lambda: s3.head_object(Bucket="rep-dst", Key="b/other.txt"), "404")
        # Replicas are not replicated further, and writing to the destination is independent.
        own = s3.put_object(Bucket="rep-dst", Key="a/own.txt", Body=b"own")
        self.assertNotIn("ReplicationStatus",
                         s3.head_object(Bucket="rep-dst", Key="a/own.txt",
                                        VersionId=own["VersionId"]))

    def test_failed_when_destination_is_gone_or_unversioned(self):
        s3 = self.s3
        make_buckets(s3, "fail-src", "fail-dst", "fail-src2", "fail-dst2")
        s3.put_bucket_replication(Bucket="fail-src",
                                  ReplicationConfiguration=config(rule("fail-dst")))
        s3.delete_bucket(Bucket="fail-dst")
        put = s3.put_object(Bucket="fail-src", Key="k", Body=b"data")
        head = wait_status(s3, "fail-src", "k", put["VersionId"], "FAILED")
        self.assertEqual(head.get("ReplicationStatus"), "FAILED")

        s3.put_bucket_replication(Bucket="fail-src2",
                                  ReplicationConfiguration=config(rule("fail-dst2")))
        s3.put_bucket_versioning(Bucket="fail-dst2",
                                 VersioningConfiguration={"Status": "Suspended"})
        put = s3.put_object(Bucket="fail-src2", Key="k", Body=b"data")
        head = wait_status(s3, "fail-src2", "k", put["VersionId"], "FAILED")
        self.assertEqual(head.get("ReplicationStatus"), "FAILED")
        self.assertEqual(s3.list_object_versions(Bucket="fail-dst2").get("Versions", []), [])

    def test_delete_markers(self):
        s3 = self.s3
        make_buckets(s3, "dm-src", "dm-dst")
        s3.put_bucket_replication(Bucket="dm-src", ReplicationConfiguration=config(
            rule("dm-dst", rule_id="keep", priority=2, prefix="keep/", delete_markers="Enabled"),
            rule("dm-dst", rule_id="rest", priority=1, prefix="", delete_markers="Disabled")))
        versions = {}
        for key in ("keep/x", "drop/y"):
            versions[key] = s3.put_object(Bucket="dm-src", Key=key, Body=key.encode())["VersionId"]
            self.assertReplicated("dm-src", "dm-dst", key, versions[key])

        marker = s3.delete_object(Bucket="dm-src", Key="keep/x")
        self.assertTrue(marker["DeleteMarker"])
        deadline = time.time() + 30
        markers = []
        while time.time() < deadline and not markers:
            markers = s3.list_object_versions(Bucket="dm-dst",
                                              Prefix="keep/").get("DeleteMarkers", [])
            time.sleep(0.1)
        self.assertEqual([m["VersionId"] for m in markers], [marker["VersionId"]])
        self.assertTrue(markers[0]["IsLatest"])
        self.assertS3Error(lambda: s3.get_object(Bucket="dm-dst", Key="keep/x"), "NoSuchKey")

        # DeleteMarkerReplication Disabled: the destination keeps showing the object.
        s3.delete_object(Bucket="dm-src", Key="drop/y")
        time.sleep(1.5)
        self.assertEqual(s3.get_object(Bucket="dm-dst", Key="drop/y")["Body"].read(), b"drop/y")
        # A permanent delete of a version is never replicated (as S3).
        s3.delete_object(Bucket="dm-src", Key="drop/y", VersionId=versions["drop/y"])
        time.sleep(1)
        self.assertEqual(s3.head_object(Bucket="dm-dst", Key="drop/y",
                                        VersionId=versions["drop/y"])["ReplicationStatus"],
                         "REPLICA")

    def test_inventory_reports_replication_status(self):
        s3 = self.s3
        make_buckets(s3, "inv-src", "inv-dst", "inv-gone")
        make_buckets(s3, "inv-reports", versioned=False)
        s3.put_bucket_replication(Bucket="inv-src", ReplicationConfiguration=config(
            rule("inv-dst", rule_id="ok", priority=1, prefix="ok/"),
            rule("inv-gone", rule_id="bad", priority=2, prefix="bad/")))
        s3.delete_bucket(Bucket="inv-gone")
        ok = s3.put_object(Bucket="inv-src", Key="ok/1", Body=b"1")
        bad = s3.put_object(Bucket="inv-src", Key="bad/2", Body=b"2")
        s3.put_object(Bucket="inv-src", Key="none/3", Body=b"3")
        wait_status(s3, "inv-src", "ok/1", ok["VersionId"], "COMPLETED")
        wait_status(s3, "inv-src", "bad/2", bad["VersionId"], "FAILED")
        expected = {"ok/1": "COMPLETED", "bad/2": "FAILED", "none/3": ""}

        put_config(s3, "inv-src", "csv", "inv-reports", fmt="CSV", fields=["ReplicationStatus"])
        manifest, paths = fetch_report(s3, "inv-reports",
                                       manifest_key_from(run_now(self.server, "inv-src", "csv")[1]))
        rows = read_csv_report(manifest, paths)
        self.assertEqual({r["Key"]: r["ReplicationStatus"] or "" for r in rows}, expected)

        put_config(s3, "inv-src", "pq", "inv-reports", fmt="Parquet",
                   fields=["ReplicationStatus"])
        manifest, paths = fetch_report(s3, "inv-reports",
                                       manifest_key_from(run_now(self.server, "inv-src", "pq")[1]))
        rows = duckdb("SELECT key, replication_status FROM read_parquet(%s)" % sql_list(paths))
        self.assertEqual({r["key"]: r["replication_status"] or "" for r in rows}, expected)

        put_config(s3, "inv-dst", "dst", "inv-reports", fmt="CSV", fields=["ReplicationStatus"])
        manifest, paths = fetch_report(s3, "inv-reports",
                                       manifest_key_from(run_now(self.server, "inv-dst", "dst")[1]))
        rows = read_csv_report(manifest, paths)
        self.assertEqual({r["Key"]: r["ReplicationStatus"] for r in rows}, {"ok/1": "REPLICA"})


class ReplicationRestartTest(unittest.TestCase):
    """Work PENDING when the server dies is finished by the next start (the status in the version
    record is the queue)."""

    def test_pending_work_survives_a_crash(self):
        # The failpoint holds every queued version for 10 minutes: nothing is copied before the
        # kill.
        server = Server(env={"STOCKTAKE_FAILPOINT_REPLICATION_DELAY_MS": "600000"}).start()
        try:
            s3 = server.client()
            make_buckets(s3, "rs-src", "rs-dst")
            make_buckets(s3, "rs-reports", versioned=False)
            s3.put_bucket_replication(Bucket="rs-src",
                                      ReplicationConfiguration=config(rule("rs-dst")))
            versions = {key: s3.put_object(Bucket="rs-src", Key=key, Body=key.encode())["VersionId"]
                        for key in ("p/1", "p/2", "p/3")}
            s3.put_object(Bucket="rs-src", Key="gone", Body=b"x")
            marker = s3.delete_object(Bucket="rs-src", Key="gone")["VersionId"]
            for key, version_id in versions.items():
                head = s3.head_object(Bucket="rs-src", Key=key, VersionId=version_id)
                self.assertEqual(head["ReplicationStatus"], "PENDING")
            put_config(s3, "rs-src", "csv", "rs-reports", fmt="CSV", fields=["ReplicationStatus"])
            manifest, paths = fetch_report(
                s3, "rs-reports", manifest_key_from(run_now(server, "rs-src", "csv")[1]))
            statuses = {r["Key"]: r["ReplicationStatus"] for r in read_csv_report(manifest, paths)}
            self.assertEqual(statuses, {"p/1": "PENDING", "p/2": "PENDING", "p/3": "PENDING"})
            self.assertEqual(s3.list_object_versions(Bucket="rs-dst").get("Versions", []), [])

            server.kill()
            server.extra_env = {}
            server.start()
            s3 = server.client()
            for key, version_id in versions.items():
                head = wait_status(s3, "rs-src", key, version_id, "COMPLETED")
                self.assertEqual(head.get("ReplicationStatus"), "COMPLETED")
                replica = s3.get_object(Bucket="rs-dst", Key=key, VersionId=version_id)
                self.assertEqual(replica["Body"].read(), key.encode())
                self.assertEqual(replica["ReplicationStatus"], "REPLICA")
            deadline = time.time() + 30
            markers = []
            while time.time() < deadline and not markers:
                markers = s3.list_object_versions(Bucket="rs-dst").get("DeleteMarkers", [])
                time.sleep(0.1)
            self.assertEqual([m["VersionId"] for m in markers], [marker])
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
