"""Accounts and access keys (issue 7): `stocktake admin account|key ...` against the running
server, root only; keys that work, stop working when disabled or deleted, and rotate."""

import json
import re
import unittest

from botocore.exceptions import ClientError

from accounts_util import admin, fields, new_account, root_account_id
from harness import ServerTestCase


class AccountsTest(ServerTestCase):

    def test_create_account_with_key_and_use_it(self):
        acct = new_account(self.server, "alice")
        self.assertRegex(acct["account_id"], r"^[1-9][0-9]{11}$")
        self.assertRegex(acct["canonical_id"], r"^[0-9a-f]{64}$")
        self.assertEqual(acct["name"], "alice")
        self.assertEqual(len(acct["secret_key"]), 40)
        _, out, _ = admin(self.server, "whoami", access_key=acct["access_key"],
                          secret_key=acct["secret_key"])
        self.assertEqual(fields(out)["account id"], acct["account_id"])
        acct["s3"].create_bucket(Bucket="alice-bucket")
        names = [b["Name"] for b in acct["s3"].list_buckets()["Buckets"]]
        self.assertEqual(names, ["alice-bucket"])
        self.assertNotIn("alice-bucket",
                         [b["Name"] for b in self.s3.list_buckets()["Buckets"]])

    def test_list_accounts_and_keys(self):
        acct = new_account(self.server, "bob")
        _, out, _ = admin(self.server, "account", "list")
        self.assertIn(acct["account_id"], out)
        self.assertIn(root_account_id(self.server), out)
        _, out, _ = admin(self.server, "key", "list", "--account", acct["account_id"])
        lines = out.splitlines()  # a table with headers for people
        self.assertEqual(lines[0].split(), ["ACCESS", "KEY", "ID", "ACCOUNT", "ID", "STATUS"])
        self.assertEqual(lines[2].split(), [acct["access_key"], acct["account_id"], "Active"])
        _, out, _ = admin(self.server, "key", "list", "--account", acct["account_id"], "--output",
                          "json")
        self.assertEqual(json.loads(out), [{"access_key_id": acct["access_key"],
                                            "account_id": acct["account_id"], "status": "Active"}])
        _, out, _ = admin(self.server, "account", "list", "--output", "csv")
        self.assertEqual(out.splitlines()[0], "account_id,canonical_user_id,name")
        self.assertIn("%s,%s,bob" % (acct["account_id"], acct["canonical_id"]), out)
        # Listings never show a secret.
        self.assertNotIn(acct["secret_key"], out)
        _, out, _ = admin(self.server, "key", "create", "--account", acct["account_id"])
        second = fields(out)["access key id"]
        _, out, _ = admin(self.server, "key", "list", "--account", acct["account_id"])
        self.assertEqual(sorted(re.findall(r"^STK\w+", out, re.M)),
                         sorted([acct["access_key"], second]))

    def test_disable_enable_delete_key(self):
        acct = new_account(self.server, "carol")
        acct["s3"].list_buckets()
        admin(self.server, "key", "disable", acct["access_key"])
        with self.assertRaises(ClientError) as ctx:
            acct["s3"].list_buckets()
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        _, out, _ = admin(self.server, "key", "list", "--account", acct["account_id"])
        self.assertIn("Inactive", out)
        admin(self.server, "key", "enable", acct["access_key"])
        acct["s3"].list_buckets()
        admin(self.server, "key", "delete", acct["access_key"])
        self.assertS3Error(acct["s3"].list_buckets, "InvalidAccessKeyId", 403)

    def test_rotate_key(self):
        acct = new_account(self.server, "dave")
        _, out, _ = admin(self.server, "key", "rotate", acct["access_key"])
        f = fields(out)
        new_client = self.server.client(access_key=f["access key id"],
                                        secret_key=f["secret access key"])
        new_client.list_buckets()
        with self.assertRaises(ClientError):
            acct["s3"].list_buckets()
        _, out, _ = admin(self.server, "key", "list", "--account", acct["account_id"], "--output",
                          "csv")
        self.assertIn(acct["access_key"] + "," + acct["account_id"] + ",Inactive", out)

    def test_only_root_administers(self):
        acct = new_account(self.server, "eve")
        code, _, err = admin(self.server, "account", "create", "--name", "mallory",
                             access_key=acct["access_key"], secret_key=acct["secret_key"],
                             check=False)
        self.assertEqual(code, 5)  # denied (exit statuses: README)
        self.assertIn("AccessDenied", err)
        code, _, err = admin(self.server, "key", "create", "--account", acct["account_id"],
                             access_key=acct["access_key"], secret_key=acct["secret_key"],
                             check=False)
        self.assertEqual(code, 5)  # denied (exit statuses: README)
        self.assertIn("AccessDenied", err)

    def test_delete_account(self):
        acct = new_account(self.server, "frank")
        acct["s3"].create_bucket(Bucket="frank-bucket")
        code, _, err = admin(self.server, "account", "delete", acct["account_id"], check=False)
        self.assertEqual(code, 1)
        self.assertIn("owns buckets", err)
        acct["s3"].delete_bucket(Bucket="frank-bucket")
        admin(self.server, "account", "delete", acct["account_id"])
        _, out, _ = admin(self.server, "account", "list")
        self.assertNotIn(acct["account_id"], out)
        # Its keys went with it.
        self.assertS3Error(acct["s3"].list_buckets, "InvalidAccessKeyId", 403)
        code, _, err = admin(self.server, "account", "delete", root_account_id(self.server),
                             check=False)
        self.assertEqual(code, 1)

    def test_other_accounts_bucket_is_private_by_default(self):
        acct = new_account(self.server, "grace")
        self.s3.create_bucket(Bucket="root-private")
        self.s3.put_object(Bucket="root-private", Key="k", Body=b"secret")
        self.assertS3Error(lambda: acct["s3"].get_object(Bucket="root-private", Key="k"),
                           "AccessDenied", 403)
        self.assertS3Error(lambda: acct["s3"].put_object(Bucket="root-private", Key="x", Body=b""),
                           "AccessDenied", 403)
        self.assertS3Error(lambda: acct["s3"].list_objects_v2(Bucket="root-private"),
                           "AccessDenied", 403)


if __name__ == "__main__":
    unittest.main()
