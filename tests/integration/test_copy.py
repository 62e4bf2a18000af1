"""CopyObject against the real server, with boto3 and the aws CLI: COPY and REPLACE metadata and
tagging directives, copying onto itself, x-amz-copy-source-if-* preconditions, copies of multipart
objects and of older versions, source errors, and the x-amz-copy-source header forms."""

import datetime
import hashlib
import random
import unittest
import xml.etree.ElementTree as ET

from harness import ServerTestCase
from test_s3_auth import S3Asserts, checksum_b64, signed

MIB = 1024 * 1024
NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
BUCKET = "copies"


def quoted_md5(data):
    return '"%s"' % hashlib.md5(data).hexdigest()


class CopyTest(ServerTestCase, S3Asserts):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket=BUCKET)

    def put_source(self, key, body=b"source bytes", **kwargs):
        return self.s3.put_object(Bucket=BUCKET, Key=key, Body=body, **kwargs)

    def test_copy_keeps_metadata_and_tags_by_default(self):
        self.put_source("src/default", ContentType="text/csv", CacheControl="max-age=60",
                        Metadata={"origin": "sensor-7"}, Tagging="k1=v1&k2=v2",
                        StorageClass="STANDARD_IA")
        resp = self.s3.copy_object(Bucket=BUCKET, Key="dst/default",
                                   CopySource={"Bucket": BUCKET, "Key": "src/default"})
        self.assertEqual(resp["CopyObjectResult"]["ETag"], quoted_md5(b"source bytes"))
        self.assertIsInstance(resp["CopyObjectResult"]["LastModified"], datetime.datetime)
        self.assertNotIn("VersionId", resp)
        self.assertNotIn("CopySourceVersionId", resp)
        head = self.s3.head_object(Bucket=BUCKET, Key="dst/default")
        self.assertEqual(head["ContentType"], "text/csv")
        self.assertEqual(head["CacheControl"], "max-age=60")
        self.assertEqual(head["Metadata"], {"origin": "sensor-7"})
        # The storage class is not copied: STANDARD unless the request names one.
        self.assertNotIn("StorageClass", head)
        tags = self.s3.get_object_tagging(Bucket=BUCKET, Key="dst/default")["TagSet"]
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags),
                         [("k1", "v1"), ("k2", "v2")])
        got = self.s3.get_object(Bucket=BUCKET, Key="dst/default")["Body"].read()
        self.assertEqual(got, b"source bytes")

    def test_replace_directives(self):
        self.put_source("src/replace", ContentType="text/csv", Metadata={"old": "1"},
                        Tagging="old=tag")
        self.s3.copy_object(Bucket=BUCKET, Key="dst/replace",
                            CopySource={"Bucket": BUCKET, "Key": "src/replace"},
                            MetadataDirective="REPLACE", ContentType="application/json",
                            Metadata={"new": "2"}, TaggingDirective="REPLACE",
                            Tagging="new=tag", StorageClass="GLACIER_IR")
        head = self.s3.head_object(Bucket=BUCKET, Key="dst/replace")
        self.assertEqual(head["ContentType"], "application/json")
        self.assertEqual(head["Metadata"], {"new": "2"})
        self.assertEqual(head["StorageClass"], "GLACIER_IR")
        tags = self.s3.get_object_tagging(Bucket=BUCKET, Key="dst/replace")["TagSet"]
        self.assertEqual(tags, [{"Key": "new", "Value": "tag"}])
        # Metadata replaced, tags copied.
        self.s3.copy_object(Bucket=BUCKET, Key="dst/replace2",
                            CopySource={"Bucket": BUCKET, "Key": "src/replace"},
                            MetadataDirective="REPLACE")
        head = self.s3.head_object(Bucket=BUCKET, Key="dst/replace2")
        self.assertEqual(head["Metadata"], {})
        self.assertEqual(head["ContentType"], "binary/octet-stream")
        tags = self.s3.get_object_tagging(Bucket=BUCKET, Key="dst/replace2")["TagSet"]
        self.assertEqual(tags, [{"Key": "old", "Value": "tag"}])

    def test_unknown_directive_is_invalid_argument(self):
        self.put_source("src/directive")
        status, _, body = signed(self.server, "PUT", "/%s/dst/directive" % BUCKET, "", b"",
                                 {"x-amz-copy-source": "%s/src/directive" % BUCKET,
                                  "x-amz-metadata-directive": "MERGE"})
        self.assertEqual(status, 400, body)
        self.assertEqual(ET.fromstring(body).findtext("Code"), "InvalidArgument")

    def test_copy_onto_itself(self):
        self.put_source("self", Metadata={"a": "1"})
        err = self.assertS3Error(lambda: self.s3.copy_object(
            Bucket=BUCKET, Key="self", CopySource={"Bucket": BUCKET, "Key": "self"}),
            "InvalidRequest", 400)
        self.assertIn("copy an object to itself", err["Error"]["Message"])
        # Changing the metadata (or the storage class) makes it legal: the common way to edit
        # metadata in place.
        self.s3.copy_object(Bucket=BUCKET, Key="self", CopySource={"Bucket": BUCKET, "Key": "self"},
                            MetadataDirective="REPLACE", Metadata={"a": "2"})
        self.assertEqual(self.s3.head_object(Bucket=BUCKET, Key="self")["Metadata"], {"a": "2"})
        self.s3.copy_object(Bucket=BUCKET, Key="self", CopySource={"Bucket": BUCKET, "Key": "self"},
                            StorageClass="STANDARD_IA")
        head = self.s3.head_object(Bucket=BUCKET, Key="self")
        self.assertEqual(head["StorageClass"], "STANDARD_IA")
        self.assertEqual(head["Metadata"], {"a": "2"})

    def test_conditional_copy(self):
        put = self.put_source("src/cond")
        etag = put["ETag"]
        src = {"Bucket": BUCKET, "Key": "src/cond"}
        past = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
        future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
        failing = [dict(CopySourceIfMatch='"0123456789abcdef0123456789abcdef"'),
                   dict(CopySourceIfNoneMatch=etag),
                   dict(CopySourceIfModifiedSince=future),
                   dict(CopySourceIfUnmodifiedSince=past)]
        for condition in failing:
            self.assertS3Error(lambda: self.s3.copy_object(Bucket=BUCKET, Key="dst/cond",
                                                           CopySource=src, **condition),
                               "PreconditionFailed", 412)
        self.assertS3Error(lambda: self.s3.head_object(Bucket=BUCKET, Key="dst/cond"), "404", 404)
        holding = [dict(CopySourceIfMatch=etag),
                   dict(CopySourceIfNoneMatch='"0123456789abcdef0123456789abcdef"'),
                   dict(CopySourceIfModifiedSince=past),
                   dict(CopySourceIfUnmodifiedSince=future),
                   # A true If-Match outweighs a false If-Unmodified-Since.
                   dict(CopySourceIfMatch=etag, CopySourceIfUnmodifiedSince=past)]
        for condition in holding:
            resp = self.s3.copy_object(Bucket=BUCKET, Key="dst/cond", CopySource=src, **condition)
            self.assertEqual(resp["CopyObjectResult"]["ETag"], etag)

    def test_copy_of_multipart_object_is_single_part(self):
        upload_id = self.s3.create_multipart_upload(Bucket=BUCKET, Key="src/mp",
                                                    ChecksumAlgorithm="CRC32")["UploadId"]
        parts = [random.Random(1).randbytes(5 * MIB), b"the last part"]
        listed = []
        for i, body in enumerate(parts, 1):
            r = self.s3.upload_part(Bucket=BUCKET, Key="src/mp", UploadId=upload_id, PartNumber=i,
                                    Body=body, ChecksumAlgorithm="CRC32")
            listed.append({"PartNumber": i, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
        self.s3.complete_multipart_upload(Bucket=BUCKET, Key="src/mp", UploadId=upload_id,
                                          MultipartUpload={"Parts": listed})
        data = b"".join(parts)
        resp = self.s3.copy_object(Bucket=BUCKET, Key="dst/mp",
                                   CopySource={"Bucket": BUCKET, "Key": "src/mp"})
        self.assertEqual(resp["CopyObjectResult"]["ETag"], quoted_md5(data))
        self.assertEqual(resp["CopyObjectResult"]["ChecksumCRC32"], checksum_b64("CRC32", data))
        head = self.s3.head_object(Bucket=BUCKET, Key="dst/mp", ChecksumMode="ENABLED")
        self.assertNotIn("PartsCount", head)
        self.assertEqual(head["ChecksumCRC32"], checksum_b64("CRC32", data))
        self.assertEqual(head["ChecksumType"], "FULL_OBJECT")
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="dst/mp")["Body"].read(), data)

    def test_copy_with_another_checksum_algorithm(self):
        self.put_source("src/algo", b"checksummed")
        resp = self.s3.copy_object(Bucket=BUCKET, Key="dst/algo", ChecksumAlgorithm="SHA256",
                                   CopySource={"Bucket": BUCKET, "Key": "src/algo"})
        self.assertEqual(resp["CopyObjectResult"]["ChecksumSHA256"],
                         checksum_b64("SHA256", b"checksummed"))

    def test_copy_between_buckets_and_versions(self):
        self.s3.create_bucket(Bucket="copies-versioned")
        self.s3.put_bucket_versioning(Bucket="copies-versioned",
                                      VersioningConfiguration={"Status": "Enabled"})
        v1 = self.s3.put_object(Bucket="copies-versioned", Key="doc", Body=b"one")["VersionId"]
        v2 = self.s3.put_object(Bucket="copies-versioned", Key="doc", Body=b"two")["VersionId"]
        resp = self.s3.copy_object(Bucket=BUCKET, Key="dst/old",
                                   CopySource={"Bucket": "copies-versioned", "Key": "doc",
                                               "VersionId": v1})
        self.assertEqual(resp["CopySourceVersionId"], v1)
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="dst/old")["Body"].read(), b"one")
        resp = self.s3.copy_object(Bucket=BUCKET, Key="dst/latest",
                                   CopySource={"Bucket": "copies-versioned", "Key": "doc"})
        self.assertEqual(resp["CopySourceVersionId"], v2)
        # Restoring an older version onto the same key is a legal self-copy and a new version.
        resp = self.s3.copy_object(Bucket="copies-versioned", Key="doc",
                                   CopySource={"Bucket": "copies-versioned", "Key": "doc",
                                               "VersionId": v1})
        self.assertNotIn(resp["VersionId"], (v1, v2, "null"))
        got = self.s3.get_object(Bucket="copies-versioned", Key="doc")["Body"].read()
        self.assertEqual(got, b"one")
        # A delete marker cannot be copied, by version id or as the latest version.
        marker = self.s3.delete_object(Bucket="copies-versioned", Key="doc")["VersionId"]
        self.assertS3Error(lambda: self.s3.copy_object(
            Bucket=BUCKET, Key="dst/marker",
            CopySource={"Bucket": "copies-versioned", "Key": "doc", "VersionId": marker}),
            "InvalidRequest", 400)
        self.assertS3Error(lambda: self.s3.copy_object(
            Bucket=BUCKET, Key="dst/marker", CopySource={"Bucket": "copies-versioned",
                                                         "Key": "doc"}),
            "NoSuchKey", 404)
        other = self.s3.put_object(Bucket="copies-versioned", Key="other", Body=b"x")["VersionId"]
        self.assertS3Error(lambda: self.s3.copy_object(
            Bucket=BUCKET, Key="dst/marker",
            CopySource={"Bucket": "copies-versioned", "Key": "doc", "VersionId": other}),
            "NoSuchVersion", 404)

    def test_source_errors(self):
        self.assertS3Error(lambda: self.s3.copy_object(
            Bucket=BUCKET, Key="dst/x", CopySource={"Bucket": BUCKET, "Key": "missing"}),
            "NoSuchKey", 404)
        self.assertS3Error(lambda: self.s3.copy_object(
            Bucket=BUCKET, Key="dst/x", CopySource={"Bucket": "no-such-bucket-9", "Key": "k"}),
            "NoSuchBucket", 404)
        for header in ("just-a-bucket", "/%s/" % BUCKET, "/"):
            status, _, body = signed(self.server, "PUT", "/%s/dst/x" % BUCKET, "", b"",
                                     {"x-amz-copy-source": header})
            self.assertEqual(status, 400, (header, body))
            self.assertEqual(ET.fromstring(body).findtext("Code"), "InvalidArgument")

    def test_copy_source_header_forms(self):
        key = "src/odd key+plus?&.txt"
        self.put_source(key, b"odd")
        encoded = "src/odd%20key%2Bplus%3F%26.txt"
        for header in ("%s/%s" % (BUCKET, encoded), "/%s/%s" % (BUCKET, encoded)):
            status, headers, body = signed(self.server, "PUT", "/%s/dst/odd" % BUCKET, "", b"",
                                           {"x-amz-copy-source": header})
            self.assertEqual(status, 200, body)
            root = ET.fromstring(body)
            self.assertEqual(root.tag, NS + "CopyObjectResult")
            self.assertEqual([child.tag for child in root][:2], [NS + "ETag", NS + "LastModified"])
            self.assertEqual(root.findtext(NS + "ETag"), quoted_md5(b"odd"))
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="dst/odd")["Body"].read(), b"odd")

    def test_aws_cli_copy(self):
        self.put_source("src/cli", b"copied by the aws CLI", Metadata={"m": "v"})
        self.server.aws("s3", "cp", "s3://%s/src/cli" % BUCKET, "s3://%s/dst/cli" % BUCKET)
        head = self.s3.head_object(Bucket=BUCKET, Key="dst/cli")
        self.assertEqual(head["ETag"], quoted_md5(b"copied by the aws CLI"))
        self.assertEqual(head["Metadata"], {"m": "v"})
        out = self.server.aws_json("s3api", "copy-object", "--bucket", BUCKET, "--key",
                                   "dst/cli2", "--copy-source", "%s/src/cli" % BUCKET)
        self.assertEqual(out["CopyObjectResult"]["ETag"], quoted_md5(b"copied by the aws CLI"))


if __name__ == "__main__":
    unittest.main()
