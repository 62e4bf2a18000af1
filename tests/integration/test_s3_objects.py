"""Object operations against the real server, with boto3 and the aws CLI: put/get/head/delete,
metadata and content headers, ranges, conditional reads, response-* overrides, DeleteObjects,
awkward keys and limits, tagging, ListObjects v1/v2 paging, and `aws s3 cp` / `sync` of 1,000
files."""

import datetime
import filecmp
import hashlib
import os
import random
import shutil
import tempfile
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

from harness import ServerTestCase
from test_s3_auth import S3Asserts, signed

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def md5_hex(data):
    return hashlib.md5(data).hexdigest()


class ObjectTest(ServerTestCase, S3Asserts):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="objects")

    def test_put_get_head_delete_boto3(self):
        data = os.urandom(123_457)
        put = self.s3.put_object(Bucket="objects", Key="basic", Body=data)
        self.assertEqual(put["ETag"], '"%s"' % md5_hex(data))
        self.assertTrue(put["ResponseMetadata"]["HTTPHeaders"]["x-amz-request-id"])
        head = self.s3.head_object(Bucket="objects", Key="basic")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(head["ETag"], put["ETag"])
        self.assertEqual(head["ContentType"], "binary/octet-stream")
        self.assertEqual(head["AcceptRanges"], "bytes")
        self.assertIsInstance(head["LastModified"], datetime.datetime)
        got = self.s3.get_object(Bucket="objects", Key="basic")
        self.assertEqual(got["Body"].read(), data)
        self.assertEqual(got["ContentLength"], len(data))
        # Overwrite replaces.
        self.s3.put_object(Bucket="objects", Key="basic", Body=b"second")
        self.assertEqual(self.s3.get_object(Bucket="objects", Key="basic")["Body"].read(),
                         b"second")
        resp = self.s3.delete_object(Bucket="objects", Key="basic")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        err = self.assertClientErrorWithMessage(
            lambda: self.s3.get_object(Bucket="objects", Key="basic"), "NoSuchKey", 404)
        self.assertEqual(err["Error"].get("Key"), "basic")
        self.assertClientError(lambda: self.s3.head_object(Bucket="objects", Key="basic"),
                               "404", 404)
        # Deleting a missing key succeeds, as on S3.
        resp = self.s3.delete_object(Bucket="objects", Key="basic")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)

    def test_empty_object(self):
        put = self.s3.put_object(Bucket="objects", Key="empty", Body=b"")
        self.assertEqual(put["ETag"], '"d41d8cd98f00b204e9800998ecf8427e"')
        got = self.s3.get_object(Bucket="objects", Key="empty")
        self.assertEqual(got["Body"].read(), b"")
        self.assertEqual(got["ContentLength"], 0)
        self.assertEqual(self.s3.head_object(Bucket="objects", Key="empty")["ContentLength"], 0)

    def test_put_get_aws_cli(self):
        tmp = tempfile.mkdtemp()
        try:
            src = os.path.join(tmp, "src.bin")
            data = os.urandom(300_000)
            with open(src, "wb") as f:
                f.write(data)
            self.server.aws("s3", "cp", src, "s3://objects/cli/src.bin")
            dst = os.path.join(tmp, "dst.bin")
            self.server.aws("s3", "cp", "s3://objects/cli/src.bin", dst)
            with open(dst, "rb") as f:
                self.assertEqual(f.read(), data)
            out = self.server.aws_json("s3api", "put-object", "--bucket", "objects", "--key",
                                       "cli/api.bin", "--body", src, "--content-type",
                                       "application/x-test", "--metadata", "color=blue")
            self.assertEqual(out["ETag"], '"%s"' % md5_hex(data))
            head = self.server.aws_json("s3api", "head-object", "--bucket", "objects", "--key",
                                        "cli/api.bin")
            self.assertEqual(head["ContentLength"], len(data))
            self.assertEqual(head["ContentType"], "application/x-test")
            self.assertEqual(head["Metadata"], {"color": "blue"})
            self.server.aws("s3api", "get-object", "--bucket", "objects", "--key", "cli/api.bin",
                            "--range", "bytes=0-99", os.path.join(tmp, "part"))
            with open(os.path.join(tmp, "part"), "rb") as f:
                self.assertEqual(f.read(), data[:100])
            _, out, _ = self.server.aws("s3", "ls", "s3://objects/cli/")
            self.assertIn("src.bin", out)
            self.assertIn("api.bin", out)
            self.server.aws("s3", "rm", "s3://objects/cli/src.bin")
            self.server.aws("s3api", "delete-object", "--bucket", "objects", "--key",
                            "cli/api.bin")
            _, out, _ = self.server.aws("s3", "ls", "s3://objects/cli/", check=False)
            self.assertNotIn("src.bin", out)
            rc, _, err = self.server.aws("s3api", "get-object", "--bucket", "objects", "--key",
                                         "cli/api.bin", os.path.join(tmp, "x"), check=False)
            self.assertNotEqual(rc, 0)
            self.assertIn("NoSuchKey", err)
        finally:
            shutil.rmtree(tmp)

    def test_metadata_and_content_headers_round_trip(self):
        expires = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        self.s3.put_object(
            Bucket="objects", Key="meta", Body=b"<p>hi</p>", ContentType="text/html; charset=utf-8",
            ContentEncoding="identity", ContentDisposition='attachment; filename="x.html"',
            ContentLanguage="fr-CA", CacheControl="max-age=60", Expires=expires,
            Metadata={"color": "Blue", "Multi-Word": "a b  c", "empty": ""},
            StorageClass="STANDARD_IA")
        for resp in [self.s3.head_object(Bucket="objects", Key="meta"),
                     self.s3.get_object(Bucket="objects", Key="meta")]:
            self.assertEqual(resp["ContentType"], "text/html; charset=utf-8")
            self.assertEqual(resp["ContentEncoding"], "identity")
            self.assertEqual(resp["ContentDisposition"], 'attachment; filename="x.html"')
            self.assertEqual(resp["ContentLanguage"], "fr-CA")
            self.assertEqual(resp["CacheControl"], "max-age=60")
            self.assertEqual(resp["Expires"], expires)
            # Metadata names are lower-cased (HTTP headers); values are kept.
            self.assertEqual(resp["Metadata"], {"color": "Blue", "multi-word": "a b  c",
                                                "empty": ""})
            self.assertEqual(resp["StorageClass"], "STANDARD_IA")
        self.assertClientErrorWithMessage(
            lambda: self.s3.put_object(Bucket="objects", Key="meta-bad", Body=b"x",
                                       StorageClass="NOT_A_CLASS"), "InvalidArgument", 400)

    def test_metadata_too_large(self):
        # 2 KB of user metadata (names + values) is the limit.
        ok = {"k": "v" * (2048 - 1)}
        self.s3.put_object(Bucket="objects", Key="meta-2k", Body=b"x", Metadata=ok)
        self.assertEqual(self.s3.head_object(Bucket="objects", Key="meta-2k")["Metadata"], ok)
        too_big = {"k": "v" * 2048}
        self.assertClientErrorWithMessage(
            lambda: self.s3.put_object(Bucket="objects", Key="meta-big", Body=b"x",
                                       Metadata=too_big), "MetadataTooLarge", 400)
        many = {"m%03d" % i: "x" * 20 for i in range(100)}
        self.assertClientErrorWithMessage(
            lambda: self.s3.put_object(Bucket="objects", Key="meta-big", Body=b"x",
                                       Metadata=many), "MetadataTooLarge", 400)
        self.assertClientError(lambda: self.s3.head_object(Bucket="objects", Key="meta-big"),
                               "404", 404)

    def test_ranges(self):
        data = bytes(range(256)) * 40  # 10240 bytes
        self.s3.put_object(Bucket="objects", Key="range", Body=data)
        cases = [("bytes=0-9", 0, 9), ("bytes=100-199", 100, 199), ("bytes=-10", 10230, 10239),
                 ("bytes=10200-", 10200, 10239), ("bytes=10000-99999", 10000, 10239),
                 ("bytes=-99999", 0, 10239), ("bytes=10239-10239", 10239, 10239)]
        for header, first, last in cases:
            got = self.s3.get_object(Bucket="objects", Key="range", Range=header)
            self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206, header)
            self.assertEqual(got["ContentRange"], "bytes %d-%d/10240" % (first, last), header)
            self.assertEqual(got["ContentLength"], last - first + 1, header)
            self.assertEqual(got["Body"].read(), data[first:last + 1], header)
        for header in ["bytes=10240-", "bytes=20000-20010"]:
            self.assertClientErrorWithMessage(
                lambda: self.s3.get_object(Bucket="objects", Key="range", Range=header),
                "InvalidRange", 416)
        # Malformed or multi-range headers are ignored: the whole object, 200.
        for header in ["bytes=5-2", "items=0-1", "bytes=0-1,3-4", "bytes=abc"]:
            got = self.s3.get_object(Bucket="objects", Key="range", Range=header)
            self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 200, header)
            self.assertEqual(got["Body"].read(), data, header)
        # Empty object: any range is unsatisfiable.
        self.s3.put_object(Bucket="objects", Key="range-empty", Body=b"")
        self.assertClientError(
            lambda: self.s3.get_object(Bucket="objects", Key="range-empty", Range="bytes=0-1"),
            "InvalidRange", 416)
        # HEAD with a range: 206 and the length of the range.
        head = self.s3.head_object(Bucket="objects", Key="range", Range="bytes=0-99")
        self.assertEqual(head["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(head["ContentLength"], 100)

    def test_conditional_get(self):
        put = self.s3.put_object(Bucket="objects", Key="cond", Body=b"conditional")
        etag = put["ETag"]
        modified = self.s3.head_object(Bucket="objects", Key="cond")["LastModified"]
        before = modified - datetime.timedelta(hours=1)
        after = modified + datetime.timedelta(hours=1)
        get = lambda **kw: self.s3.get_object(Bucket="objects", Key="cond", **kw)
        self.assertEqual(get(IfMatch=etag)["Body"].read(), b"conditional")
        self.assertEqual(get(IfMatch="*")["Body"].read(), b"conditional")
        self.assertEqual(get(IfNoneMatch='"0000"')["Body"].read(), b"conditional")
        self.assertEqual(get(IfModifiedSince=before)["Body"].read(), b"conditional")
        self.assertEqual(get(IfUnmodifiedSince=after)["Body"].read(), b"conditional")
        self.assertClientErrorWithMessage(lambda: get(IfMatch='"0000"'), "PreconditionFailed",
                                          412)
        self.assertClientErrorWithMessage(lambda: get(IfUnmodifiedSince=before),
                                          "PreconditionFailed", 412)
        err = self.assertClientError(lambda: get(IfNoneMatch=etag), "304", 304)
        self.assertEqual(err["ResponseMetadata"]["HTTPHeaders"]["etag"], etag)
        self.assertClientError(lambda: get(IfModifiedSince=after), "304", 304)
        self.assertClientError(lambda: get(IfModifiedSince=modified), "304", 304)
        # RFC 7232 precedence: If-Match true overrides If-Unmodified-Since false; If-None-Match
        # false overrides If-Modified-Since true.
        self.assertEqual(get(IfMatch=etag, IfUnmodifiedSince=before)["Body"].read(),
                         b"conditional")
        self.assertClientError(lambda: get(IfNoneMatch=etag, IfModifiedSince=before), "304", 304)
        # Same rules on HEAD.
        self.assertClientError(
            lambda: self.s3.head_object(Bucket="objects", Key="cond", IfMatch='"0000"'), "412",
            412)
        self.assertClientError(
            lambda: self.s3.head_object(Bucket="objects", Key="cond", IfNoneMatch=etag), "304",
            304)
        # Raw: the 304 carries a request id and no body.
        status, headers, body = signed(self.server, "GET", "/objects/cond",
                                       headers={"If-None-Match": etag})
        self.assertEqual(status, 304)
        self.assertEqual(body, b"")
        self.assertTrue(headers.get("x-amz-request-id"))

    def test_conditional_put(self):
        self.s3.put_object(Bucket="objects", Key="cput", Body=b"one", IfNoneMatch="*")
        self.assertClientErrorWithMessage(
            lambda: self.s3.put_object(Bucket="objects", Key="cput", Body=b"two",
                                       IfNoneMatch="*"), "PreconditionFailed", 412)
        self.assertEqual(self.s3.get_object(Bucket="objects", Key="cput")["Body"].read(), b"one")

    def test_response_overrides(self):
        self.s3.put_object(Bucket="objects", Key="override", Body=b"{}",
                           ContentType="application/json")
        got = self.s3.get_object(
            Bucket="objects", Key="override", ResponseContentType="text/plain",
            ResponseContentLanguage="de", ResponseExpires=datetime.datetime(
                2031, 1, 1, tzinfo=datetime.timezone.utc),
            ResponseCacheControl="no-cache", ResponseContentDisposition="inline",
            ResponseContentEncoding="gzip")
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["ContentLanguage"], "de")
        self.assertEqual(got["CacheControl"], "no-cache")
        self.assertEqual(got["ContentDisposition"], "inline")
        self.assertEqual(got["ContentEncoding"], "gzip")
        self.assertEqual(got["Expires"].year, 2031)
        self.assertEqual(got["Body"].read(), b"{}")
        # Only one Content-Type header (the override), not the stored one too.
        status, headers, _ = signed(self.server, "GET", "/objects/override",
                                    "response-content-type=text%2Fcsv")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "text/csv")
        self.assertEqual(self.s3.head_object(Bucket="objects", Key="override")["ContentType"],
                         "application/json")
        # CR/LF in an override would split the response (header injection): refused.
        for query in ["response-content-type=text%2Fplain%0D%0AX-Injected%3A%201",
                      "response-content-disposition=a%0Ab"]:
            response = signed(self.server, "GET", "/objects/override", query)
            self.assertRawError(response, 400, "InvalidArgument")
            self.assertNotIn("x-injected", response[1])

    def test_delete_objects(self):
        keys = ["del/%02d" % i for i in range(20)]
        for k in keys:
            self.s3.put_object(Bucket="objects", Key=k, Body=k.encode())
        resp = self.s3.delete_objects(
            Bucket="objects",
            Delete={"Objects": [{"Key": k} for k in keys[:10]] + [{"Key": "del/missing"}]})
        self.assertEqual(sorted(d["Key"] for d in resp["Deleted"]),
                         sorted(keys[:10] + ["del/missing"]))
        self.assertNotIn("Errors", resp)
        resp = self.s3.delete_objects(
            Bucket="objects", Delete={"Objects": [{"Key": k} for k in keys[10:]], "Quiet": True})
        self.assertNotIn("Deleted", resp)
        self.assertNotIn("Errors", resp)
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="objects", Prefix="del/"))
        # More than 1,000 keys is refused.
        self.assertClientErrorWithMessage(
            lambda: self.s3.delete_objects(
                Bucket="objects",
                Delete={"Objects": [{"Key": "k%d" % i} for i in range(1001)]}),
            "MalformedXML", 400)
        # aws s3 rm --recursive uses DeleteObjects.
        for k in keys:
            self.s3.put_object(Bucket="objects", Key=k, Body=b"x")
        self.server.aws("s3", "rm", "--recursive", "s3://objects/del/")
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="objects", Prefix="del/"))

    def test_awkward_keys(self):
        def full(k):  # the two longest keys are at the 1,024-byte limit already
            return k if len(k.encode()) >= 1000 else "awk/" + k

        keys = ["with space", "plus+sign", "percent%20literal", "percent%", "unicode-é-日本-🎉",
                "a/b/c/../d", "./dot", "question?mark", "hash#tag", "amp&eq=", "tilde~",
                "quote\"'", "semi;colon", "<xml>&amp;", "trailing/", "//double//slash",
                "tab\tkey", "back\\slash", "k" * 1024, "é" * 512]
        for k in keys:
            data = ("body of " + k).encode()
            self.s3.put_object(Bucket="objects", Key=full(k), Body=data)
        for k in keys:
            got = self.s3.get_object(Bucket="objects", Key=full(k))
            self.assertEqual(got["Body"].read(), ("body of " + k).encode(), k)
        listed = set()
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket="objects"):
            listed.update(o["Key"] for o in page.get("Contents", []))
        for k in keys:
            self.assertIn(full(k), listed)
        # Via the CLI as well.
        _, out, _ = self.server.aws("s3api", "list-objects-v2", "--bucket", "objects",
                                    "--prefix", "awk/unicode")
        self.assertIn("unicode-é-日本-🎉", out)
        for k in keys:
            self.s3.delete_object(Bucket="objects", Key=full(k))

    def test_key_too_long(self):
        self.s3.put_object(Bucket="objects", Key="x" * 1024, Body=b"ok")
        self.assertClientErrorWithMessage(
            lambda: self.s3.put_object(Bucket="objects", Key="x" * 1025, Body=b"no"),
            "KeyTooLongError", 400)
        # The limit is in UTF-8 bytes: 513 two-byte characters are 1026 bytes.
        self.assertClientErrorWithMessage(
            lambda: self.s3.put_object(Bucket="objects", Key="é" * 513, Body=b"no"),
            "KeyTooLongError", 400)
        self.s3.delete_object(Bucket="objects", Key="x" * 1024)

    def test_tagging(self):
        put = self.s3.put_object(Bucket="objects", Key="tagged", Body=b"t",
                                 Tagging="project=stock+take&team=s3%26co&empty=")
        head = self.s3.head_object(Bucket="objects", Key="tagged")
        self.assertEqual(head["ResponseMetadata"]["HTTPHeaders"]["x-amz-tagging-count"], "3")
        tags = self.s3.get_object_tagging(Bucket="objects", Key="tagged")["TagSet"]
        self.assertEqual({t["Key"]: t["Value"] for t in tags},
                         {"project": "stock take", "team": "s3&co", "empty": ""})
        self.assertEqual(self.s3.get_object(Bucket="objects", Key="tagged")["TagCount"], 3)
        self.s3.put_object_tagging(Bucket="objects", Key="tagged", Tagging={"TagSet": [
            {"Key": "a", "Value": "1"}, {"Key": "unicode-é", "Value": "<&>"}]})
        tags = self.s3.get_object_tagging(Bucket="objects", Key="tagged")["TagSet"]
        self.assertEqual({t["Key"]: t["Value"] for t in tags}, {"a": "1", "unicode-é": "<&>"})
        self.assertEqual(put["ETag"], self.s3.head_object(Bucket="objects", Key="tagged")["ETag"])
        resp = self.s3.delete_object_tagging(Bucket="objects", Key="tagged")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(self.s3.get_object_tagging(Bucket="objects", Key="tagged")["TagSet"], [])
        self.assertNotIn("x-amz-tagging-count",
                         self.s3.head_object(Bucket="objects",
                                             Key="tagged")["ResponseMetadata"]["HTTPHeaders"])
        # Limits: 10 tags, unique keys, key <= 128, value <= 256.
        eleven = {"TagSet": [{"Key": "k%d" % i, "Value": "v"} for i in range(11)]}
        for tagging in [eleven,
                        {"TagSet": [{"Key": "dup", "Value": "1"}, {"Key": "dup", "Value": "2"}]},
                        {"TagSet": [{"Key": "k" * 129, "Value": "v"}]},
                        {"TagSet": [{"Key": "k", "Value": "v" * 257}]}]:
            self.assertClientErrorWithMessage(
                lambda: self.s3.put_object_tagging(Bucket="objects", Key="tagged",
                                                   Tagging=tagging), "InvalidTag", 400)
        self.assertClientErrorWithMessage(
            lambda: self.s3.put_object(Bucket="objects", Key="tagged2", Body=b"x",
                                       Tagging="&".join("k%d=v" % i for i in range(11))),
            "InvalidTag", 400)
        self.assertClientErrorWithMessage(
            lambda: self.s3.get_object_tagging(Bucket="objects", Key="no-such"), "NoSuchKey", 404)
        self.assertClientErrorWithMessage(
            lambda: self.s3.put_object_tagging(Bucket="objects", Key="no-such",
                                               Tagging={"TagSet": []}), "NoSuchKey", 404)
        # Tags survive an overwrite only if sent again (a PUT replaces the object).
        self.s3.put_object(Bucket="objects", Key="tagged", Body=b"new")
        self.assertEqual(self.s3.get_object_tagging(Bucket="objects", Key="tagged")["TagSet"], [])
        # aws CLI.
        self.server.aws("s3api", "put-object-tagging", "--bucket", "objects", "--key", "tagged",
                        "--tagging", "TagSet=[{Key=cli,Value=yes}]")
        out = self.server.aws_json("s3api", "get-object-tagging", "--bucket", "objects", "--key",
                                   "tagged")
        self.assertEqual(out["TagSet"], [{"Key": "cli", "Value": "yes"}])

    def test_unknown_subresources_not_implemented(self):
        self.s3.put_object(Bucket="objects", Key="sub", Body=b"x")
        # Sub-resources no Stocktake operation serves (yet): never a crash or a wrong 200.
        for path, query in [("/objects", "website"), ("/objects", "cors"),
                            ("/objects", "notification"),
                            ("/objects", "logging"), ("/objects", "accelerate"),
                            ("/objects", "requestPayment"), ("/objects", "analytics"),
                            ("/objects", "metrics"), ("/objects/sub", "torrent"),
                            ("/objects/sub", "website"), ("/", "cors")]:
            for method in ["GET", "PUT", "DELETE"]:
                body = b"<x/>" if method == "PUT" else b""
                response = signed(self.server, method, path, query, body=body)
                self.assertRawError(response, 501, "NotImplemented")
        for fn in [lambda: self.s3.get_bucket_website(Bucket="objects"),
                   lambda: self.s3.get_bucket_cors(Bucket="objects"),
                   lambda: self.s3.put_bucket_cors(Bucket="objects", CORSConfiguration={
                       "CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]})]:
            self.assertClientErrorWithMessage(fn, "NotImplemented", 501)
        # The object is untouched by the refused PUT ?torrent etc.
        self.assertEqual(self.s3.get_object(Bucket="objects", Key="sub")["Body"].read(), b"x")
        # Unknown methods.
        self.assertRawError(signed(self.server, "POST", "/objects/sub"), 405, "MethodNotAllowed")

    def test_list_v2_prefix_delimiter_paging(self):
        self.s3.create_bucket(Bucket="listing")
        keys = sorted(["a/1", "a/2", "a/b/3", "a/b/4", "b/5", "c", "d/6", "d/7", "e/f/g/8", "z"])
        for k in keys:
            self.s3.put_object(Bucket="listing", Key=k, Body=k.encode())
        resp = self.s3.list_objects_v2(Bucket="listing")
        self.assertEqual([o["Key"] for o in resp["Contents"]], keys)
        self.assertEqual(resp["KeyCount"], len(keys))
        self.assertFalse(resp["IsTruncated"])
        o = resp["Contents"][0]
        self.assertEqual(o["Size"], 3)
        self.assertEqual(o["ETag"], '"%s"' % md5_hex(b"a/1"))
        self.assertEqual(o["StorageClass"], "STANDARD")
        self.assertNotIn("Owner", o)
        self.assertIn("Owner", self.s3.list_objects_v2(Bucket="listing",
                                                       FetchOwner=True)["Contents"][0])
        resp = self.s3.list_objects_v2(Bucket="listing", Delimiter="/")
        self.assertEqual([o["Key"] for o in resp["Contents"]], ["c", "z"])
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["a/", "b/", "d/", "e/"])
        self.assertEqual(resp["KeyCount"], 6)
        resp = self.s3.list_objects_v2(Bucket="listing", Prefix="a/", Delimiter="/")
        self.assertEqual([o["Key"] for o in resp["Contents"]], ["a/1", "a/2"])
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["a/b/"])
        resp = self.s3.list_objects_v2(Bucket="listing", Prefix="nothing")
        self.assertNotIn("Contents", resp)
        self.assertEqual(resp["KeyCount"], 0)
        resp = self.s3.list_objects_v2(Bucket="listing", StartAfter="b/5")
        self.assertEqual([o["Key"] for o in resp["Contents"]], keys[keys.index("b/5") + 1:])
        resp = self.s3.list_objects_v2(Bucket="listing", MaxKeys=0)
        self.assertEqual(resp["KeyCount"], 0)
        self.assertNotIn("Contents", resp)
        # Never a truncated page with an empty token (paginators would loop on it).
        self.assertTrue(not resp["IsTruncated"] or resp.get("NextContinuationToken"))
        resp = self.s3.list_objects(Bucket="listing", MaxKeys=0, Delimiter="/")
        self.assertTrue(not resp["IsTruncated"] or resp.get("NextMarker"))
        # More than 1,000 is capped at 1,000.
        self.assertEqual(len(self.s3.list_objects_v2(Bucket="listing", MaxKeys=5000)["Contents"]),
                         len(keys))
        # Paging with continuation tokens, with and without a delimiter.
        for delimiter, expected in [("", keys),
                                    ("/", ["a/", "b/", "c", "d/", "e/", "z"])]:
            for max_keys in [1, 2, 3, 7]:
                got, token, pages = [], None, 0
                while True:
                    kwargs = {"Bucket": "listing", "MaxKeys": max_keys, "Delimiter": delimiter}
                    if token:
                        kwargs["ContinuationToken"] = token
                    resp = self.s3.list_objects_v2(**kwargs)
                    pages += 1
                    page = ([o["Key"] for o in resp.get("Contents", [])] +
                            [p["Prefix"] for p in resp.get("CommonPrefixes", [])])
                    self.assertLessEqual(len(page), max_keys)
                    self.assertEqual(resp["KeyCount"], len(page))
                    got += page
                    if not resp["IsTruncated"]:
                        self.assertNotIn("NextContinuationToken", resp)
                        break
                    token = resp["NextContinuationToken"]
                    self.assertEqual(resp["MaxKeys"], max_keys)
                self.assertEqual(sorted(got), expected, (delimiter, max_keys))
                self.assertEqual(len(got), len(set(got)))
                self.assertLessEqual(pages, len(expected) // max_keys + 1)
        # The paginator of the aws CLI.
        out = self.server.aws_json("s3api", "list-objects-v2", "--bucket", "listing",
                                   "--page-size", "3")
        self.assertEqual([o["Key"] for o in out["Contents"]], keys)
        self.assertClientErrorWithMessage(
            lambda: self.s3.list_objects_v2(Bucket="listing", ContinuationToken="!!notbase64"),
            "InvalidArgument", 400)
        self.assertRawError(signed(self.server, "GET", "/listing", "list-type=2&max-keys=-1"),
                            400, "InvalidArgument")
        self.assertRawError(signed(self.server, "GET", "/listing", "list-type=2&max-keys=abc"),
                            400, "InvalidArgument")
        self.assertRawError(signed(self.server, "GET", "/listing", "list-type=3"), 400,
                            "InvalidArgument")
        self.assertRawError(signed(self.server, "GET", "/listing", "list-type=2&encoding-type=x"),
                            400, "InvalidArgument")

    def test_list_v1_markers(self):
        self.s3.create_bucket(Bucket="listing-v1")
        keys = ["p/%02d" % i for i in range(12)] + ["q/1", "q/2", "r"]
        for k in keys:
            self.s3.put_object(Bucket="listing-v1", Key=k, Body=b"x")
        resp = self.s3.list_objects(Bucket="listing-v1")
        self.assertEqual([o["Key"] for o in resp["Contents"]], keys)
        self.assertIn("Owner", resp["Contents"][0])
        resp = self.s3.list_objects(Bucket="listing-v1", Marker="p/05", MaxKeys=3)
        self.assertEqual([o["Key"] for o in resp["Contents"]], ["p/06", "p/07", "p/08"])
        self.assertTrue(resp["IsTruncated"])
        self.assertEqual(resp["Marker"], "p/05")
        # Paging with a delimiter uses NextMarker.
        got, marker = [], ""
        while True:
            resp = self.s3.list_objects(Bucket="listing-v1", Delimiter="/", MaxKeys=1,
                                        Marker=marker)
            got += [o["Key"] for o in resp.get("Contents", [])]
            got += [p["Prefix"] for p in resp.get("CommonPrefixes", [])]
            if not resp["IsTruncated"]:
                break
            marker = resp["NextMarker"]
        self.assertEqual(got, ["p/", "q/", "r"])
        # Without a delimiter, clients continue after the last key (no NextMarker), as AWS.
        got, marker = [], ""
        while True:
            resp = self.s3.list_objects(Bucket="listing-v1", MaxKeys=4, Marker=marker)
            page = [o["Key"] for o in resp.get("Contents", [])]
            got += page
            if not resp["IsTruncated"]:
                break
            marker = page[-1]
        self.assertEqual(got, keys)
        # boto3's and the CLI's paginators.
        pages = self.s3.get_paginator("list_objects").paginate(
            Bucket="listing-v1", PaginationConfig={"PageSize": 5})
        self.assertEqual([o["Key"] for p in pages for o in p["Contents"]], keys)
        out = self.server.aws_json("s3api", "list-objects", "--bucket", "listing-v1",
                                   "--page-size", "4")
        self.assertEqual([o["Key"] for o in out["Contents"]], keys)

    def test_list_encoding_type_url(self):
        self.s3.create_bucket(Bucket="listing-enc")
        keys = ["a b/c+d", "é/ü", "x%y", "ctl\x01char", "tab\tkey", "amp&<>"]
        for k in keys:
            self.s3.put_object(Bucket="listing-enc", Key=k, Body=b"x")
        # boto3 asks for encoding-type=url and decodes: keys come back as stored.
        self.assertEqual([o["Key"] for o in self.s3.list_objects_v2(
            Bucket="listing-enc")["Contents"]], sorted(keys))
        self.assertEqual([o["Key"] for o in self.s3.list_objects(
            Bucket="listing-enc")["Contents"]], sorted(keys))
        for query in ["list-type=2&encoding-type=url&delimiter=%2F&prefix=",
                      "encoding-type=url&delimiter=%2F&prefix="]:
            status, _, body = signed(self.server, "GET", "/listing-enc", query)
            self.assertEqual(status, 200, body)
            root = ET.fromstring(body)
            self.assertEqual(root.findtext(NS + "EncodingType"), "url")
            raw_keys = [k.text for k in root.iter(NS + "Key")]
            prefixes = [p.findtext(NS + "Prefix") for p in root.iter(NS + "CommonPrefixes")]
            self.assertEqual(sorted(urllib.parse.unquote_plus(k) for k in raw_keys),
                             sorted(k for k in keys if "/" not in k))
            for k in raw_keys:
                self.assertNotIn("\x01", k)
                self.assertNotIn("&", k)
            self.assertEqual(sorted(urllib.parse.unquote_plus(p) for p in prefixes),
                             ["a b/", "é/"])
            self.assertEqual(urllib.parse.unquote_plus(root.findtext(NS + "Delimiter")), "/")

    def test_cp_and_sync_1000_files(self):
        tmp = tempfile.mkdtemp()
        try:
            src = os.path.join(tmp, "src")
            rng = random.Random(7)
            expected = {}
            for i in range(1000):
                rel = os.path.join("d%02d" % (i % 17), "f %04d.bin" % i if i % 3 else "f%04d" % i)
                path = os.path.join(src, rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                data = rng.randbytes(rng.randrange(0, 4096))
                with open(path, "wb") as f:
                    f.write(data)
                expected[rel] = data
            self.s3.create_bucket(Bucket="sync")
            self.server.aws("s3", "sync", "--only-show-errors", src, "s3://sync/tree/")
            listed = {}
            for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket="sync"):
                for o in page.get("Contents", []):
                    listed[o["Key"]] = o
            self.assertEqual(len(listed), 1000)
            for rel, data in expected.items():
                o = listed["tree/" + rel]
                self.assertEqual(o["Size"], len(data), rel)
                self.assertEqual(o["ETag"], '"%s"' % md5_hex(data), rel)
            # A second sync uploads nothing.
            _, out, _ = self.server.aws("s3", "sync", src, "s3://sync/tree/")
            self.assertNotIn("upload:", out)
            # And back, with sync and with cp --recursive.
            for how, dst in [("sync", os.path.join(tmp, "back-sync")),
                             ("cp", os.path.join(tmp, "back-cp"))]:
                args = ["s3", how, "--only-show-errors", "s3://sync/tree/", dst]
                if how == "cp":
                    args.insert(2, "--recursive")
                self.server.aws(*args)
                for rel, data in expected.items():
                    with open(os.path.join(dst, rel), "rb") as f:
                        self.assertEqual(f.read(), data, (how, rel))
                count = sum(len(files) for _, _, files in os.walk(dst))
                self.assertEqual(count, 1000, how)
                cmp = filecmp.dircmp(src, dst)
                self.assertFalse(cmp.left_only or cmp.right_only)
            self.server.aws("s3", "rm", "--recursive", "--only-show-errors", "s3://sync/")
            self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="sync"))
            self.s3.delete_bucket(Bucket="sync")
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()
