"""Inventory delivery into another account's bucket (issue 7, spec §8): S3 writes as the
service principal s3.amazonaws.com, so the destination bucket policy AWS documents lets it in,
any Deny or a mismatched condition keeps it out with AWS's console reason, and AccountId must
name the destination owner. SSE-KMS encrypted reports also need the KMS key policy of spec §8."""

import json
import os
import subprocess
import tempfile
import unittest

from accounts_util import new_account, root_account_id
from harness import ACCESS_KEY, SECRET_KEY, ServerTestCase, binary
from inventory_util import csv_rows_python, fetch_report, manifest_key_from, put_config, run_now

DENIED = ("S3 doesn't have access to the destination bucket or KMS key. Ask the owner of the "
          "destination bucket or KMS key to grant the necessary access and then try again.")


def documented_policy(destination, source, source_account):
    """The destination bucket policy of the S3 User Guide (spec §8)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "InventoryExamplePolicy",
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": ["arn:aws:s3:::%s/*" % destination],
            "Condition": {
                "ArnLike": {"aws:SourceArn": "arn:aws:s3:::%s" % source},
                "StringEquals": {"aws:SourceAccount": source_account,
                                 "s3:x-amz-acl": "bucket-owner-full-control"},
            },
        }],
    }


def kms_key_policy(key_account, source, source_account):
    """AWS's default key statement plus the statement spec §8 gives for S3 Inventory."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::%s:root" % key_account},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "Allow Amazon S3 use of the customer managed key", "Effect": "Allow",
             "Principal": {"Service": "s3.amazonaws.com"}, "Action": ["kms:GenerateDataKey"],
             "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceAccount": source_account},
                           "ArnLike": {"aws:SourceARN": "arn:aws:s3:::%s" % source}}},
        ],
    }


def kms(account, server, *args, check=True):
    """Runs `stocktake kms ARGS` as `account` (None = the root account)."""
    access_key = account["access_key"] if account else ACCESS_KEY
    secret_key = account["secret_key"] if account else SECRET_KEY
    proc = subprocess.run([binary(), "kms"] + list(args) +
                          ["--endpoint", server.url, "--access-key", access_key,
                           "--secret-key", secret_key],
                          capture_output=True, text=True, timeout=60)
    if check and proc.returncode != 0:
        raise AssertionError("stocktake kms %s failed: %s" % (" ".join(args), proc.stderr))
    return proc.returncode, proc.stdout, proc.stderr


class CrossAccountInventoryTest(ServerTestCase):
    server_args = ("--inventory-first-run", "schedule")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.audit = new_account(cls.server, "audit")
        cls.root_id = root_account_id(cls.server)
        cls.s3.create_bucket(Bucket="photos")
        for key in ("2026/a.jpg", "2026/b.jpg", "readme.txt"):
            cls.s3.put_object(Bucket="photos", Key=key, Body=b"x" * len(key))
        cls.audit["s3"].create_bucket(Bucket="central-audit")

    def set_destination_policy(self, document):
        if document is None:
            self.audit["s3"].delete_bucket_policy(Bucket="central-audit")
        else:
            self.audit["s3"].put_bucket_policy(Bucket="central-audit", Policy=json.dumps(document))

    def report_keys(self, config_id):
        listed = self.audit["s3"].list_objects_v2(Bucket="central-audit",
                                                  Prefix="reports/photos/%s/" % config_id)
        return [o["Key"] for o in listed.get("Contents", [])]

    def assert_denied(self, config_id, reason=DENIED):
        before = self.report_keys(config_id)
        code, _, err = run_now(self.server, "photos", config_id, expect_success=False)
        self.assertEqual(code, 1, err)
        self.assertIn(reason, err)
        # Nothing was written.
        self.assertEqual(self.report_keys(config_id), before)
        # `inventory runs` records the reason too.
        runs = subprocess.run([binary(), "inventory", "runs", "--endpoint", self.server.url,
                               "--bucket", "photos", "--id", config_id, "--access-key",
                               ACCESS_KEY, "--secret-key", SECRET_KEY],
                              capture_output=True, text=True, timeout=60)
        self.assertIn(reason, runs.stdout + runs.stderr)

    def test_denied_without_policy(self):
        put_config(self.s3, "photos", "nopolicy", "central-audit", prefix="reports")
        self.assert_denied("nopolicy")

    def test_documented_policy_delivers_and_variants_do_not(self):
        put_config(self.s3, "photos", "audit-csv", "central-audit", prefix="reports",
                   fields=["Size"], account_id=self.audit["account_id"])
        self.set_destination_policy(documented_policy("central-audit", "photos", self.root_id))
        try:
            _, out, _ = run_now(self.server, "photos", "audit-csv")
            manifest_key = manifest_key_from(out)
            self.assertTrue(manifest_key.startswith("reports/photos/audit-csv/"))
            # Report objects belong to the destination owner, who reads them.
            manifest, paths = fetch_report(self.audit["s3"], "central-audit", manifest_key)
            self.assertEqual(manifest["sourceBucket"], "photos")
            rows = sorted(csv_rows_python(paths))
            self.assertEqual(rows, [["photos", "2026/a.jpg", "10"], ["photos", "2026/b.jpg", "10"],
                                    ["photos", "readme.txt", "10"]])
            listed = self.audit["s3"].list_objects_v2(Bucket="central-audit",
                                                      Prefix="reports/photos/audit-csv/",
                                                      FetchOwner=True)
            for obj in listed["Contents"]:
                self.assertEqual(obj["Owner"]["ID"], self.audit["canonical_id"], obj["Key"])

            # aws:SourceAccount naming another account: no match, no delivery.
            self.set_destination_policy(documented_policy("central-audit", "photos",
                                                          "111122223333"))
            self.assert_denied("audit-csv")
            # aws:SourceArn naming another source bucket.
            self.set_destination_policy(documented_policy("central-audit", "videos",
                                                          self.root_id))
            self.assert_denied("audit-csv")

            # A Deny statement beats the Allow.
            document = documented_policy("central-audit", "photos", self.root_id)
            document["Statement"].append({
                "Sid": "DenyReports", "Effect": "Deny", "Principal": "*",
                "Action": "s3:PutObject", "Resource": "arn:aws:s3:::central-audit/reports/*"})
            self.set_destination_policy(document)
            self.assert_denied("audit-csv")
        finally:
            self.set_destination_policy(None)

    def test_account_id_must_name_the_destination_owner(self):
        self.set_destination_policy(documented_policy("central-audit", "photos", self.root_id))
        try:
            put_config(self.s3, "photos", "wrong-owner", "central-audit", prefix="reports",
                       account_id=self.root_id)
            code, _, err = run_now(self.server, "photos", "wrong-owner", expect_success=False)
            self.assertEqual(code, 1)
            self.assertIn(self.root_id, err)
            put_config(self.s3, "photos", "right-owner", "central-audit", prefix="reports",
                       account_id=self.audit["account_id"])
            run_now(self.server, "photos", "right-owner")
        finally:
            self.set_destination_policy(None)

    def test_sse_kms_report_needs_the_key_policy(self):
        _, out, _ = kms(self.audit, self.server, "create-key", "--description", "audit reports")
        key_arn = out.strip()
        key_id = key_arn.rsplit("/", 1)[1]
        # No policy put: AWS's default key policy, which grants the key's account only.
        _, out, _ = kms(self.audit, self.server, "get-key-policy", "--key-id", key_id)
        default = json.loads(out)
        self.assertEqual(default["Statement"][0]["Principal"]["AWS"],
                         "arn:aws:iam::%s:root" % self.audit["account_id"])
        self.assertEqual(default["Statement"][0]["Action"], "kms:*")

        self.set_destination_policy(documented_policy("central-audit", "photos", self.root_id))
        try:
            put_config(self.s3, "photos", "audit-kms", "central-audit", prefix="reports",
                       account_id=self.audit["account_id"], kms_key_id=key_arn)
            self.assert_denied("audit-kms")

            # Only the key's account (or the root account) administers the key; the source
            # account here is the root account, so use a third account to check the refusal.
            other = new_account(self.server, "other-kms")
            document = kms_key_policy(self.audit["account_id"], "photos", self.root_id)
            code, _, err = kms(other, self.server, "put-key-policy", "--key-id", key_arn,
                               "--policy", json.dumps(document), check=False)
            self.assertEqual(code, 5)  # access denied (README: exit statuses)
            self.assertIn("AccessDenied", err)
            # A malformed document is refused with KMS's error code.
            code, _, err = kms(self.audit, self.server, "put-key-policy", "--key-id", key_id,
                               "--policy", json.dumps({"Version": "2012-10-17", "Statement": [{
                                   "Effect": "Allow", "Principal": "*",
                                   "Action": "s3:GetObject", "Resource": "*"}]}), check=False)
            self.assertEqual(code, 1)
            self.assertIn("MalformedPolicyDocumentException", err)
            self.assert_denied("audit-kms")

            # The statement of spec §8, from a file as the aws CLI takes it.
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump(document, f)
            try:
                kms(self.audit, self.server, "put-key-policy", "--key-id", key_id,
                    "--policy", "file://" + f.name)
            finally:
                os.unlink(f.name)
            _, out, _ = kms(self.audit, self.server, "get-key-policy", "--key-id", key_arn)
            self.assertEqual(json.loads(out), document)

            _, out, _ = run_now(self.server, "photos", "audit-kms")
            manifest_key = manifest_key_from(out)
            for key in (manifest_key, manifest_key.rsplit("/", 1)[0] + "/manifest.checksum"):
                head = self.audit["s3"].head_object(Bucket="central-audit", Key=key)
                self.assertEqual(head["ServerSideEncryption"], "aws:kms", key)
                self.assertEqual(head["SSEKMSKeyId"], key_arn, key)
            manifest, paths = fetch_report(self.audit["s3"], "central-audit", manifest_key)
            for entry in manifest["files"]:
                head = self.audit["s3"].head_object(Bucket="central-audit", Key=entry["key"])
                self.assertEqual(head["SSEKMSKeyId"], key_arn)
            self.assertEqual(len(csv_rows_python(paths)), 3)

            # The key policy names another source account: refused again.
            kms(self.audit, self.server, "put-key-policy", "--key-id", key_id, "--policy",
                json.dumps(kms_key_policy(self.audit["account_id"], "photos", "111122223333")))
            self.assert_denied("audit-kms")
        finally:
            self.set_destination_policy(None)

    def test_same_account_needs_no_policy_but_a_deny_stops_it(self):
        self.s3.create_bucket(Bucket="own-reports")
        put_config(self.s3, "photos", "same-account", "own-reports")
        run_now(self.server, "photos", "same-account")
        self.s3.put_bucket_policy(Bucket="own-reports", Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Principal": {"Service": "s3.amazonaws.com"},
                           "Action": "s3:PutObject", "Resource": "arn:aws:s3:::own-reports/*"}]}))
        code, _, err = run_now(self.server, "photos", "same-account", expect_success=False)
        self.assertEqual(code, 1)
        self.assertIn(DENIED, err)


if __name__ == "__main__":
    unittest.main()
