"""Bucket life cycle against the real server: create (naming rules, LocationConstraint), head,
list (aws CLI and boto3), location, delete (BucketNotEmpty, NoSuchBucket), and virtual-hosted
style addressing."""

import socket
import unittest
import xml.etree.ElementTree as ET
from unittest import mock

import boto3
from botocore.config import Config

from harness import ACCESS_KEY, REGION, SECRET_KEY, ServerTestCase
from test_s3_auth import S3Asserts, send, signed

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def _resolve_localhost_subdomains():
    """'bucket.localhost' does not resolve here (no systemd-resolved / nss-myhostname): map every
    *.localhost name to 127.0.0.1 inside this process, as RFC 6761 says it should be."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    return mock.patch.object(socket, "getaddrinfo", getaddrinfo)


class BucketTest(ServerTestCase, S3Asserts):
    def test_create_head_list_location_delete(self):
        resp = self.s3.create_bucket(Bucket="life-cycle")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(resp["Location"], "/life-cycle")
        head = self.s3.head_bucket(Bucket="life-cycle")
        self.assertEqual(head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"], REGION)
        self.assertTrue(head["ResponseMetadata"]["HTTPHeaders"]["x-amz-request-id"])
        names = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        self.assertIn("life-cycle", names)
        self.assertEqual(names, sorted(names))
        listed = self.s3.list_buckets()
        self.assertTrue(listed["Owner"]["ID"])
        created = [b for b in listed["Buckets"] if b["Name"] == "life-cycle"][0]["CreationDate"]
        self.assertIsNotNone(created)
        # us-east-1 answers an empty LocationConstraint (boto3: None), as AWS.
        self.assertIsNone(self.s3.get_bucket_location(Bucket="life-cycle")["LocationConstraint"])
        status, _, body = signed(self.server, "GET", "/life-cycle", "location")
        self.assertEqual(status, 200)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, NS + "LocationConstraint")
        self.assertFalse(root.text)
        resp = self.s3.delete_bucket(Bucket="life-cycle")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertNotIn("life-cycle", [b["Name"] for b in self.s3.list_buckets()["Buckets"]])
        self.assertClientError(lambda: self.s3.head_bucket(Bucket="life-cycle"), "404", 404)

    def test_aws_cli_mb_ls_rb(self):
        self.server.aws("s3", "mb", "s3://cli-bucket")
        _, out, _ = self.server.aws("s3", "ls")
        self.assertIn("cli-bucket", out)
        buckets = self.server.aws_json("s3api", "list-buckets")["Buckets"]
        self.assertIn("cli-bucket", [b["Name"] for b in buckets])
        self.server.aws("s3api", "head-bucket", "--bucket", "cli-bucket")
        self.server.aws("s3", "rb", "s3://cli-bucket")
        _, out, _ = self.server.aws("s3", "ls")
        self.assertNotIn("cli-bucket", out)
        rc, _, err = self.server.aws("s3", "rb", "s3://cli-bucket", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("NoSuchBucket", err)

    def test_invalid_bucket_names(self):
        too_long = "a" * 64
        # Names botocore lets through: the server must apply AWS's rules itself.
        for name in ["ab", "Upper-Case", "under_score", "-leading", "trailing-", "a..b",
                     "dot.-dash", "dash-.dot", "192.168.1.1", "xn--punycode", "sthree-x",
                     "bucket-s3alias", "bucket--ol-s3", too_long, ".leading-dot",
                     "amzn-s3-demo-bucket"]:
            self.assertClientErrorWithMessage(lambda: self.s3.create_bucket(Bucket=name),
                                              "InvalidBucketName", 400)
        # Names botocore refuses to send; sent raw.
        for name in ["a%20b", "a%21b", "%C3%A9t%C3%A9"]:
            self.assertRawError(signed(self.server, "PUT", "/" + name), 400, "InvalidBucketName")
        names = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        self.assertFalse([n for n in names if n in ("ab", "Upper-Case", too_long)])
        # The limits themselves are fine.
        for name in ["abc", "a" * 63, "my.bucket.name", "0-9"]:
            self.s3.create_bucket(Bucket=name)
            self.s3.delete_bucket(Bucket=name)

    def test_location_constraint(self):
        # AWS refuses an explicit us-east-1: it is expressed by sending no constraint.
        self.assertClientErrorWithMessage(
            lambda: self.s3.create_bucket(
                Bucket="loc-east", CreateBucketConfiguration={"LocationConstraint": "us-east-1"}),
            "InvalidLocationConstraint", 400)
        self.assertClientErrorWithMessage(
            lambda: self.s3.create_bucket(
                Bucket="loc-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}),
            "InvalidLocationConstraint", 400)
        names = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        self.assertNotIn("loc-east", names)
        self.assertNotIn("loc-west", names)
        # An empty configuration document is the default region.
        body = (b'<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                b'</CreateBucketConfiguration>')
        status, _, resp = signed(self.server, "PUT", "/loc-empty", body=body)
        self.assertEqual(status, 200, resp)
        self.assertRawError(signed(self.server, "PUT", "/loc-bad-xml", body=b"<Create"), 400,
                            "MalformedXML")

    def test_bucket_already_owned_by_you(self):
        # us-east-1 answers 200 to your own bucket (AWS's legacy behaviour); 409
        # BucketAlreadyOwnedByYou in other regions: test_s3_conformance_regressions.py.
        self.s3.create_bucket(Bucket="owned")
        self.assertEqual(
            self.s3.create_bucket(Bucket="owned")["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.server.aws("s3", "mb", "s3://owned")
        status, _, body = signed(self.server, "PUT", "/owned")
        self.assertEqual(status, 200, body)

    def test_delete_not_empty_and_missing(self):
        self.s3.create_bucket(Bucket="full")
        self.s3.put_object(Bucket="full", Key="k", Body=b"v")
        err = self.assertClientErrorWithMessage(lambda: self.s3.delete_bucket(Bucket="full"),
                                                "BucketNotEmpty", 409)
        self.assertEqual(err["Error"].get("BucketName"), "full")
        self.s3.head_bucket(Bucket="full")
        self.s3.delete_object(Bucket="full", Key="k")
        self.s3.delete_bucket(Bucket="full")
        err = self.assertClientErrorWithMessage(lambda: self.s3.delete_bucket(Bucket="full"),
                                                "NoSuchBucket", 404)
        self.assertEqual(err["Error"].get("BucketName"), "full")
        self.assertClientErrorWithMessage(lambda: self.s3.list_objects_v2(Bucket="full"),
                                          "NoSuchBucket", 404)
        self.assertClientErrorWithMessage(lambda: self.s3.put_object(Bucket="full", Key="k"),
                                          "NoSuchBucket", 404)
        self.assertClientErrorWithMessage(
            lambda: self.s3.get_bucket_location(Bucket="full"), "NoSuchBucket", 404)
        # HEAD has no body, only the status.
        self.assertClientError(lambda: self.s3.head_bucket(Bucket="full"), "404", 404)

    def test_list_buckets_many(self):
        names = ["many-%03d" % i for i in range(30)]
        for name in names:
            self.s3.create_bucket(Bucket=name)
        listed = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        for name in names:
            self.assertIn(name, listed)
        _, out, _ = self.server.aws("s3", "ls")
        for name in names:
            self.assertIn(name, out)
        for name in names:
            self.s3.delete_bucket(Bucket=name)

    def test_virtual_hosted_style_boto3(self):
        endpoint = "http://localhost:%d" % self.server.port
        with _resolve_localhost_subdomains():
            vhost = boto3.client(
                "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY,
                aws_secret_access_key=SECRET_KEY,
                config=Config(s3={"addressing_style": "virtual"}, retries={"max_attempts": 1}))
            sent = []
            vhost.meta.events.register("before-send.s3",
                                       lambda request, **kw: sent.append(request.url))
            vhost.create_bucket(Bucket="vhost")
            self.assertTrue(sent[-1].startswith("http://vhost.localhost:%d/" % self.server.port),
                            sent[-1])
            vhost.put_object(Bucket="vhost", Key="dir/a b+c.txt", Body=b"virtual")
            self.assertEqual(vhost.get_object(Bucket="vhost", Key="dir/a b+c.txt")["Body"].read(),
                             b"virtual")
            keys = [o["Key"] for o in vhost.list_objects_v2(Bucket="vhost")["Contents"]]
            self.assertEqual(keys, ["dir/a b+c.txt"])
            vhost.head_bucket(Bucket="vhost")
            self.assertIsNone(vhost.get_bucket_location(Bucket="vhost")["LocationConstraint"])
            self.assertClientError(lambda: vhost.head_object(Bucket="vhost", Key="missing"),
                                   "404", 404)
            vhost.delete_object(Bucket="vhost", Key="dir/a b+c.txt")
            vhost.delete_bucket(Bucket="vhost")
        self.assertNotIn("vhost", [b["Name"] for b in self.s3.list_buckets()["Buckets"]])

    def test_virtual_hosted_style_raw_host_header(self):
        # Same thing with an explicit signed Host header (independent of name resolution).
        self.s3.create_bucket(Bucket="vraw")
        host = "vraw.localhost:%d" % self.server.port
        status, _, body = signed(self.server, "PUT", "/obj", body=b"raw vhost",
                                 headers={"Host": host})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.s3.get_object(Bucket="vraw", Key="obj")["Body"].read(),
                         b"raw vhost")
        status, _, body = signed(self.server, "GET", "/", "list-type=2", headers={"Host": host})
        self.assertEqual(status, 200, body)
        self.assertEqual([k.text for k in ET.fromstring(body).iter(NS + "Key")], ["obj"])
        # The bucket part of the host is case-insensitive, as DNS names are.
        status, _, body = signed(self.server, "GET", "/obj",
                                 headers={"Host": "VRAW.LOCALHOST:%d" % self.server.port})
        self.assertEqual((status, body), (200, b"raw vhost"))
        # Unknown bucket in the host name.
        self.assertRawError(signed(self.server, "GET", "/obj",
                                   headers={"Host": "nope.localhost:%d" % self.server.port}),
                            404, "NoSuchBucket")
        # Path style with a plain localhost Host still works.
        status, _, body = signed(self.server, "GET", "/vraw/obj",
                                 headers={"Host": "localhost:%d" % self.server.port})
        self.assertEqual((status, body), (200, b"raw vhost"))

    def test_anonymous_list_buckets_denied(self):
        self.assertRawError(send(self.server, "GET", "/"), 403, "AccessDenied")


if __name__ == "__main__":
    unittest.main()
