"""Bucket policies and Block Public Access (issue 7): cross-account access only through a
policy, explicit Deny over the owner, anonymous public reads, RestrictPublicBuckets,
BlockPublicPolicy, MalformedPolicy messages, the policy APIs through the aws CLI, and
s3:InventoryAccessibleOptionalFields limiting PutBucketInventoryConfiguration."""

import json
import unittest
import urllib.error
import urllib.request

from accounts_util import new_account, root_account_id
from harness import ServerTestCase, error_code


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class BucketPolicyTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = new_account(cls.server, "other")
        cls.root_id = root_account_id(cls.server)

    def make_bucket(self, name, objects=("a.txt", "public/b.txt", "protected/c.txt")):
        self.s3.create_bucket(Bucket=name)
        for key in objects:
            self.s3.put_object(Bucket=name, Key=key, Body=b"data of " + key.encode())

    def anonymous_get(self, bucket, key):
        try:
            with urllib.request.urlopen("%s/%s/%s" % (self.server.url, bucket, key)) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def test_cross_account_denied_without_policy_allowed_with_one(self):
        self.make_bucket("xacct")
        s3b = self.other["s3"]
        self.assertS3Error(lambda: s3b.get_object(Bucket="xacct", Key="a.txt"), "AccessDenied", 403)
        self.s3.put_bucket_policy(Bucket="xacct", Policy=policy(
            {"Sid": "ReadObjects", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::%s:root" % self.other["account_id"]},
             "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::xacct/*"},
            {"Sid": "ListPublicPrefix", "Effect": "Allow",
             "Principal": {"AWS": self.other["account_id"]},
             "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::xacct",
             "Condition": {"StringLike": {"s3:prefix": "public/*"}}}))
        self.assertEqual(s3b.get_object(Bucket="xacct", Key="a.txt")["Body"].read(),
                         b"data of a.txt")
        # Reads only: writes and deletes stay the owner's.
        self.assertS3Error(lambda: s3b.put_object(Bucket="xacct", Key="new", Body=b"x"),
                           "AccessDenied", 403)
        self.assertS3Error(lambda: s3b.delete_object(Bucket="xacct", Key="a.txt"),
                           "AccessDenied", 403)
        # s3:prefix condition: listing under public/ only.
        keys = [o["Key"] for o in s3b.list_objects_v2(Bucket="xacct", Prefix="public/")["Contents"]]
        self.assertEqual(keys, ["public/b.txt"])
        self.assertS3Error(lambda: s3b.list_objects_v2(Bucket="xacct"), "AccessDenied", 403)
        # Policy calls themselves are not granted.
        self.assertS3Error(lambda: s3b.get_bucket_policy(Bucket="xacct"), "AccessDenied", 403)
        self.s3.delete_bucket_policy(Bucket="xacct")
        self.assertS3Error(lambda: s3b.get_object(Bucket="xacct", Key="a.txt"), "AccessDenied", 403)

    def test_write_grant_with_acl_condition(self):
        self.make_bucket("dropbox", objects=())
        # ACLs on (the default BucketOwnerEnforced refuses x-amz-acl here; see report).
        self.s3.put_bucket_ownership_controls(Bucket="dropbox", OwnershipControls={
            "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
        self.s3.put_bucket_policy(Bucket="dropbox", Policy=policy(
            {"Effect": "Allow", "Principal": {"AWS": self.other["account_id"]},
             "Action": "s3:PutObject", "Resource": "arn:aws:s3:::dropbox/*",
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}))
        s3b = self.other["s3"]
        self.assertS3Error(lambda: s3b.put_object(Bucket="dropbox", Key="f", Body=b"1"),
                           "AccessDenied", 403)
        s3b.put_object(Bucket="dropbox", Key="f", Body=b"1", ACL="bucket-owner-full-control")
        self.assertEqual(self.s3.get_object(Bucket="dropbox", Key="f")["Body"].read(), b"1")

    def test_explicit_deny_beats_owner(self):
        self.make_bucket("guarded")
        self.s3.put_bucket_policy(Bucket="guarded", Policy=policy(
            {"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*",
             "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::guarded/protected/*"},
            {"Sid": "NoPlainHttpWrites", "Effect": "Deny", "Principal": "*",
             "Action": "s3:PutObject", "Resource": "arn:aws:s3:::guarded/tls-only/*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))
        self.assertS3Error(lambda: self.s3.delete_object(Bucket="guarded", Key="protected/c.txt"),
                           "AccessDenied", 403)
        self.assertS3Error(lambda: self.s3.put_object(Bucket="guarded", Key="tls-only/x", Body=b""),
                           "AccessDenied", 403)
        self.s3.delete_object(Bucket="guarded", Key="a.txt")  # not covered by the Deny
        # The owner can always repair the policy, whatever it denies.
        self.s3.put_bucket_policy(Bucket="guarded", Policy=policy(
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": ["arn:aws:s3:::guarded", "arn:aws:s3:::guarded/*"]}))
        self.assertS3Error(lambda: self.s3.list_objects_v2(Bucket="guarded"), "AccessDenied", 403)
        self.s3.get_bucket_policy(Bucket="guarded")
        self.s3.delete_bucket_policy(Bucket="guarded")
        self.s3.delete_object(Bucket="guarded", Key="protected/c.txt")

    def test_delete_objects_authorizes_each_key(self):
        def outcome(result):
            return (sorted(d["Key"] for d in result.get("Deleted", [])),
                    sorted((e["Key"], e["Code"]) for e in result.get("Errors", [])))

        keys = ("a.txt", "protected/c.txt", "protected/d.txt", "open/e.txt")
        self.make_bucket("multidel", objects=keys)
        self.s3.put_bucket_policy(Bucket="multidel", Policy=policy(
            {"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*",
             "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::multidel/protected/*"},
            {"Sid": "OtherDeletesOpen", "Effect": "Allow",
             "Principal": {"AWS": self.other["account_id"]},
             "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::multidel/open/*"}))
        objects = {"Objects": [{"Key": k} for k in keys]}
        # Another account: only the key its Allow covers; the rest AccessDenied, in a 200.
        self.assertEqual(outcome(self.other["s3"].delete_objects(Bucket="multidel",
                                                                 Delete=objects)),
                         (["open/e.txt"], [("a.txt", "AccessDenied"),
                                           ("protected/c.txt", "AccessDenied"),
                                           ("protected/d.txt", "AccessDenied")]))
        # The owner: everything but the denied prefix.
        self.assertEqual(outcome(self.s3.delete_objects(Bucket="multidel", Delete=objects)),
                         (["a.txt", "open/e.txt"], [("protected/c.txt", "AccessDenied"),
                                                    ("protected/d.txt", "AccessDenied")]))
        remaining = [o["Key"] for o in self.s3.list_objects_v2(Bucket="multidel")["Contents"]]
        self.assertEqual(remaining, ["protected/c.txt", "protected/d.txt"])
        # Quiet mode still lists the errors. A permanent delete (VersionId) needs
        # s3:DeleteObjectVersion, which the Deny does not name.
        self.assertEqual(outcome(self.s3.delete_objects(Bucket="multidel", Delete={
            "Quiet": True, "Objects": [{"Key": "protected/c.txt"},
                                       {"Key": "protected/d.txt", "VersionId": "null"}]})),
                         ([], [("protected/c.txt", "AccessDenied")]))
        # The aws CLI's recursive rm (DeleteObjects) reports the refused key and fails.
        rc, out, err = self.server.aws("s3", "rm", "s3://multidel/", "--recursive", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("AccessDenied", out + err)
        self.s3.head_object(Bucket="multidel", Key="protected/c.txt")

    def test_source_ip_condition(self):
        self.make_bucket("byip", objects=("k",))
        self.s3.put_bucket_policy(Bucket="byip", Policy=policy(
            {"Effect": "Allow", "Principal": {"AWS": self.other["account_id"]},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::byip/*",
             "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}))
        self.assertS3Error(lambda: self.other["s3"].get_object(Bucket="byip", Key="k"),
                           "AccessDenied", 403)
        self.s3.put_bucket_policy(Bucket="byip", Policy=policy(
            {"Effect": "Allow", "Principal": {"AWS": self.other["account_id"]},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::byip/*",
             "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}}))
        self.other["s3"].get_object(Bucket="byip", Key="k")

    def test_existing_object_tag_condition(self):
        self.s3.create_bucket(Bucket="tagged")
        self.s3.put_object(Bucket="tagged", Key="open", Body=b"o", Tagging="share=yes")
        self.s3.put_object(Bucket="tagged", Key="closed", Body=b"c", Tagging="share=no")
        self.s3.put_bucket_policy(Bucket="tagged", Policy=policy(
            {"Effect": "Allow", "Principal": {"AWS": self.other["account_id"]},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::tagged/*",
             "Condition": {"StringEquals": {"s3:ExistingObjectTag/share": "yes"}}}))
        self.other["s3"].get_object(Bucket="tagged", Key="open")
        self.assertS3Error(lambda: self.other["s3"].get_object(Bucket="tagged", Key="closed"),
                           "AccessDenied", 403)

    def test_anonymous_public_read_and_restrict_public_buckets(self):
        self.make_bucket("website")
        status, _ = self.anonymous_get("website", "public/b.txt")
        self.assertEqual(status, 403)
        self.server.aws("s3api", "put-bucket-policy", "--bucket", "website", "--policy", policy(
            {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::website/public/*"}))
        status, body = self.anonymous_get("website", "public/b.txt")
        self.assertEqual((status, body), (200, b"data of public/b.txt"))
        status, body = self.anonymous_get("website", "a.txt")
        self.assertEqual(status, 403)
        self.assertEqual(error_code(body)[0], "AccessDenied")
        # Another account gets in through "*" too.
        self.other["s3"].get_object(Bucket="website", Key="public/b.txt")
        status = self.server.aws_json("s3api", "get-bucket-policy-status", "--bucket", "website")
        self.assertEqual(status, {"PolicyStatus": {"IsPublic": True}})
        got = self.server.aws_json("s3api", "get-bucket-policy", "--bucket", "website")
        self.assertEqual(json.loads(got["Policy"])["Statement"][0]["Sid"], "PublicRead")

        self.server.aws("s3api", "put-public-access-block", "--bucket", "website",
                        "--public-access-block-configuration",
                        "BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,"
                        "RestrictPublicBuckets=true")
        pab = self.server.aws_json("s3api", "get-public-access-block", "--bucket", "website")
        self.assertTrue(pab["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"])
        self.assertFalse(pab["PublicAccessBlockConfiguration"]["BlockPublicPolicy"])
        status, _ = self.anonymous_get("website", "public/b.txt")
        self.assertEqual(status, 403)
        self.assertS3Error(lambda: self.other["s3"].get_object(Bucket="website",
                                                               Key="public/b.txt"),
                           "AccessDenied", 403)
        self.s3.get_object(Bucket="website", Key="public/b.txt")  # the owner is not restricted
        self.server.aws("s3api", "delete-public-access-block", "--bucket", "website")
        self.assertS3Error(lambda: self.s3.get_public_access_block(Bucket="website"),
                           "NoSuchPublicAccessBlockConfiguration", 404)
        status, _ = self.anonymous_get("website", "public/b.txt")
        self.assertEqual(status, 200)

    def test_anonymous_cannot_list_buckets_or_create(self):
        for method, path in (("GET", "/"), ("PUT", "/anon-bucket")):
            request = urllib.request.Request(self.server.url + path, method=method)
            with self.assertRaises(urllib.error.HTTPError) as ctx:
                urllib.request.urlopen(request)
            self.assertEqual(ctx.exception.code, 403)

    def test_block_public_policy(self):
        self.make_bucket("locked", objects=())
        self.s3.put_public_access_block(Bucket="locked", PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
        public = policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                         "Resource": "arn:aws:s3:::locked/*"})
        self.assertS3Error(lambda: self.s3.put_bucket_policy(Bucket="locked", Policy=public),
                           "AccessDenied", 403)
        # A policy pinned to one account is not public: accepted.
        self.s3.put_bucket_policy(Bucket="locked", Policy=policy(
            {"Effect": "Allow", "Principal": {"AWS": self.other["account_id"]},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::locked/*"}))
        self.assertEqual(self.s3.get_bucket_policy_status(Bucket="locked")["PolicyStatus"],
                         {"IsPublic": False})

    def test_policy_api_errors(self):
        self.make_bucket("apis", objects=())
        err = self.assertS3Error(lambda: self.s3.get_bucket_policy(Bucket="apis"),
                                 "NoSuchBucketPolicy", 404)
        self.assertEqual(err["Error"]["Message"], "The bucket policy does not exist")
        self.assertS3Error(lambda: self.s3.get_bucket_policy_status(Bucket="apis"),
                           "NoSuchBucketPolicy", 404)
        self.assertS3Error(lambda: self.s3.get_public_access_block(Bucket="apis"),
                           "NoSuchPublicAccessBlockConfiguration", 404)
        cases = [
            ("not json", "Policies must be valid JSON and the first byte must be '{'"),
            ('{"Statement": [', "This policy contains invalid Json"),
            ('{"Version": "2012-10-17"}', "Missing required field Statement"),
            (policy({"Effect": "Maybe", "Principal": "*", "Action": "s3:GetObject",
                     "Resource": "arn:aws:s3:::apis/*"}), "Invalid effect: Maybe"),
            (policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                     "Resource": "arn:aws:s3:::other-bucket/*"}), "Policy has invalid resource"),
            (policy({"Effect": "Allow", "Principal": "*", "Action": "s3:FlyAway",
                     "Resource": "arn:aws:s3:::apis/*"}), "Policy has invalid action"),
            (policy({"Effect": "Allow", "Principal": {"AWS": "999999999999"},
                     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::apis/*"}),
             "Invalid principal in policy"),
            (policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                     "Resource": "arn:aws:s3:::apis/*",
                     "Condition": {"StringEqualz": {"s3:prefix": "x"}}}),
             "Invalid Condition type : StringEqualz"),
        ]
        for document, message in cases:
            with self.subTest(message=message):
                err = self.assertS3Error(
                    lambda: self.s3.put_bucket_policy(Bucket="apis", Policy=document),
                    "MalformedPolicy", 400)
                self.assertEqual(err["Error"]["Message"], message)
        code, _, stderr = self.server.aws("s3api", "put-bucket-policy", "--bucket", "apis",
                                          "--policy", '{"Version": "2012-10-17"}', check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("MalformedPolicy", stderr)

    def test_inventory_accessible_optional_fields(self):
        self.make_bucket("inv-limited", objects=())
        self.s3.put_bucket_policy(Bucket="inv-limited", Policy=policy(
            {"Sid": "LimitFields", "Effect": "Allow",
             "Principal": {"AWS": self.other["account_id"]},
             "Action": "s3:PutInventoryConfiguration", "Resource": "arn:aws:s3:::inv-limited",
             "Condition": {"ForAllValues:StringEquals": {
                 "s3:InventoryAccessibleOptionalFields": ["Size", "ETag", "LastModifiedDate"]}}}))

        def put(config_id, fields):
            self.other["s3"].put_bucket_inventory_configuration(
                Bucket="inv-limited", Id=config_id, InventoryConfiguration={
                    "Id": config_id, "IsEnabled": False, "IncludedObjectVersions": "Current",
                    "Schedule": {"Frequency": "Daily"}, "OptionalFields": list(fields),
                    "Destination": {"S3BucketDestination": {
                        "Bucket": "arn:aws:s3:::inv-limited", "Format": "CSV"}}})

        put("allowed", ["Size", "ETag"])
        self.assertS3Error(lambda: put("forbidden", ["Size", "StorageClass"]), "AccessDenied", 403)
        # The owner is not limited, and sees what the other account configured.
        got = self.s3.get_bucket_inventory_configuration(Bucket="inv-limited", Id="allowed")
        self.assertEqual(sorted(got["InventoryConfiguration"]["OptionalFields"]), ["ETag", "Size"])
        self.s3.put_bucket_inventory_configuration(
            Bucket="inv-limited", Id="owner", InventoryConfiguration={
                "Id": "owner", "IsEnabled": False, "IncludedObjectVersions": "Current",
                "Schedule": {"Frequency": "Daily"}, "OptionalFields": ["StorageClass"],
                "Destination": {"S3BucketDestination": {
                    "Bucket": "arn:aws:s3:::inv-limited", "Format": "CSV"}}})
        # Reading configurations was not granted.
        self.assertS3Error(lambda: self.other["s3"].list_bucket_inventory_configurations(
            Bucket="inv-limited"), "AccessDenied", 403)


if __name__ == "__main__":
    unittest.main()
