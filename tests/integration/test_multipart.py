"""Multipart uploads against the real server: boto3's transfer manager and `aws s3 cp` with their
default checksums (CRC32 per part, COMPOSITE or FULL_OBJECT at completion, aws-chunked trailers),
the errors of UploadPart and CompleteMultipartUpload, ListParts / ListMultipartUploads paging,
abort, and UploadPartCopy with ranges."""

import base64
import hashlib
import os
import random
import shutil
import tempfile
import unittest
import xml.etree.ElementTree as ET
import zlib

from boto3.s3.transfer import TransferConfig

from harness import ServerTestCase
from test_s3_auth import S3Asserts, checksum_b64, force_trailer_checksums, signed

MIB = 1024 * 1024
NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
BUCKET = "multipart"


def random_bytes(size, seed):
    return random.Random(seed).randbytes(size)


def multipart_etag(parts):
    """S3's ETag of a multipart object: MD5 of the concatenated part MD5s, "-N"."""
    digests = b"".join(hashlib.md5(p).digest() for p in parts)
    return '"%s-%d"' % (hashlib.md5(digests).hexdigest(), len(parts))


def composite_crc32(parts):
    raw = b"".join(zlib.crc32(p).to_bytes(4, "big") for p in parts)
    return "%s-%d" % (base64.b64encode(zlib.crc32(raw).to_bytes(4, "big")).decode(), len(parts))


def split(data, size):
    return [data[i:i + size] for i in range(0, len(data), size)]


class MultipartTest(ServerTestCase, S3Asserts):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket=BUCKET)
        cls.tmp = tempfile.mkdtemp(prefix="stocktake-mp-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    def write_file(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def read_file(self, path):
        with open(path, "rb") as f:
            return f.read()

    def start(self, key, **kwargs):
        return self.s3.create_multipart_upload(Bucket=BUCKET, Key=key, **kwargs)["UploadId"]

    def put_part(self, key, upload_id, number, body, **kwargs):
        return self.s3.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=number,
                                   Body=body, **kwargs)

    def complete(self, key, upload_id, parts, **kwargs):
        return self.s3.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id,
                                                 MultipartUpload={"Parts": parts}, **kwargs)

    # ---- clients' own multipart paths ---------------------------------------------------------

    def test_boto3_upload_file_64mib_default_config_with_trailers(self):
        # Over https botocore sends part checksums as aws-chunked trailers; force that over http.
        client = force_trailer_checksums(self.server.client())
        sent = []

        def record(request, **kwargs):
            values = [request.headers.get(h) for h in ("x-amz-trailer", "Content-Encoding")]
            sent.append(tuple(v.decode() if isinstance(v, bytes) else v for v in values))

        client.meta.events.register("before-send.s3.UploadPart", record)
        data = random_bytes(64 * MIB, 1)
        src = self.write_file("upload-64", data)
        client.upload_file(src, BUCKET, "big/upload-64")  # default TransferConfig: 8 MiB parts
        self.assertEqual(sent, [("x-amz-checksum-crc32", "aws-chunked")] * 8)
        parts = split(data, 8 * MIB)
        head = client.head_object(Bucket=BUCKET, Key="big/upload-64", ChecksumMode="ENABLED")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(head["ETag"], multipart_etag(parts))
        self.assertEqual(head["ChecksumCRC32"], composite_crc32(parts))
        self.assertEqual(head["ChecksumType"], "COMPOSITE")
        dst = os.path.join(self.tmp, "download-64")
        client.download_file(BUCKET, "big/upload-64", dst)
        self.assertEqual(hashlib.sha256(self.read_file(dst)).digest(),
                         hashlib.sha256(data).digest())
        # A part-spanning range reads across blob boundaries.
        got = client.get_object(Bucket=BUCKET, Key="big/upload-64",
                                Range="bytes=%d-%d" % (8 * MIB - 10, 8 * MIB + 9))
        self.assertEqual(got["Body"].read(), data[8 * MIB - 10:8 * MIB + 10])

    def test_boto3_upload_file_full_object_checksum(self):
        data = random_bytes(20 * MIB + 123, 2)
        src = self.write_file("upload-full", data)
        whole = checksum_b64("CRC32", data)
        self.s3.upload_file(src, BUCKET, "full-object", ExtraArgs={"ChecksumCRC32": whole})
        head = self.s3.head_object(Bucket=BUCKET, Key="full-object", ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumCRC32"], whole)
        self.assertEqual(head["ChecksumType"], "FULL_OBJECT")
        self.assertEqual(head["ETag"], multipart_etag(split(data, 8 * MIB)))
        got = self.s3.get_object(Bucket=BUCKET, Key="full-object")["Body"].read()
        self.assertEqual(got, data)

    def test_boto3_upload_with_small_parts_and_sha1(self):
        config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
        data = random_bytes(11 * MIB, 3)
        src = self.write_file("upload-sha1", data)
        self.s3.upload_file(src, BUCKET, "sha1", Config=config,
                            ExtraArgs={"ChecksumAlgorithm": "SHA1"})
        head = self.s3.head_object(Bucket=BUCKET, Key="sha1", ChecksumMode="ENABLED")
        parts = split(data, 5 * MIB)
        self.assertEqual(head["ETag"], multipart_etag(parts))
        raw = b"".join(hashlib.sha1(p).digest() for p in parts)
        self.assertEqual(head["ChecksumSHA1"],
                         "%s-3" % base64.b64encode(hashlib.sha1(raw).digest()).decode())
        self.assertEqual(head["PartsCount"], 3)

    def test_aws_cli_cp_20mib(self):
        data = random_bytes(20 * MIB, 4)
        src = self.write_file("cli-20", data)
        self.server.aws("s3", "cp", src, "s3://%s/cli/twenty" % BUCKET)
        head = self.s3.head_object(Bucket=BUCKET, Key="cli/twenty")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(head["ETag"], multipart_etag(split(data, 8 * MIB)))
        dst = os.path.join(self.tmp, "cli-20-back")
        self.server.aws("s3", "cp", "s3://%s/cli/twenty" % BUCKET, dst)
        self.assertEqual(self.read_file(dst), data)

    # ---- the low-level API --------------------------------------------------------------------

    def test_create_upload_complete_response(self):
        key = "api/object with spaces"
        upload_id = self.start(key, ContentType="text/plain", Metadata={"colour": "blue"},
                               Tagging="team=inventory", StorageClass="STANDARD_IA")
        first = random_bytes(5 * MIB, 5)
        last = b"tail"
        p1 = self.put_part(key, upload_id, 1, first)
        self.assertEqual(p1["ETag"], '"%s"' % hashlib.md5(first).hexdigest())
        p2 = self.put_part(key, upload_id, 2, last)
        done = self.complete(key, upload_id, [{"PartNumber": 1, "ETag": p1["ETag"]},
                                              {"PartNumber": 2, "ETag": p2["ETag"]}])
        self.assertEqual(done["ETag"], multipart_etag([first, last]))
        self.assertEqual(done["Bucket"], BUCKET)
        self.assertEqual(done["Key"], key)
        self.assertTrue(done["Location"].endswith("/%s/api/object%%20with%%20spaces" % BUCKET),
                        done["Location"])
        self.assertEqual(self.s3.head_object(Bucket=BUCKET, Key=key)["PartsCount"], 2)
        got = self.s3.get_object(Bucket=BUCKET, Key=key)
        self.assertEqual(got["Body"].read(), first + last)
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["Metadata"], {"colour": "blue"})
        self.assertEqual(got["StorageClass"], "STANDARD_IA")
        self.assertEqual(got["TagCount"], 1)
        # The upload is gone once completed.
        self.assertS3Error(lambda: self.s3.list_parts(Bucket=BUCKET, Key=key, UploadId=upload_id),
                           "NoSuchUpload", 404)

    def test_create_response_echoes_checksum_algorithm_and_type(self):
        resp = self.s3.create_multipart_upload(Bucket=BUCKET, Key="echo",
                                               ChecksumAlgorithm="SHA256")
        self.assertEqual(resp["ChecksumAlgorithm"], "SHA256")
        self.assertEqual(resp["ResponseMetadata"]["HTTPHeaders"]["x-amz-checksum-type"],
                         "COMPOSITE")
        self.s3.abort_multipart_upload(Bucket=BUCKET, Key="echo", UploadId=resp["UploadId"])
        self.assertS3Error(lambda: self.s3.create_multipart_upload(
            Bucket=BUCKET, Key="echo", ChecksumAlgorithm="SHA1", ChecksumType="FULL_OBJECT"),
            "InvalidRequest", 400)

    def test_sha256_composite_checksum(self):
        upload_id = self.start("sha", ChecksumAlgorithm="SHA256")
        parts = [random_bytes(5 * MIB, 6), b"end"]
        listed = []
        for i, body in enumerate(parts, 1):
            r = self.put_part("sha", upload_id, i, body, ChecksumAlgorithm="SHA256")
            self.assertEqual(r["ChecksumSHA256"], checksum_b64("SHA256", body))
            listed.append({"PartNumber": i, "ETag": r["ETag"],
                           "ChecksumSHA256": r["ChecksumSHA256"]})
        done = self.complete("sha", upload_id, listed)
        raw = b"".join(hashlib.sha256(p).digest() for p in parts)
        expected = "%s-2" % base64.b64encode(hashlib.sha256(raw).digest()).decode()
        self.assertEqual(done["ChecksumSHA256"], expected)
        head = self.s3.head_object(Bucket=BUCKET, Key="sha", ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumSHA256"], expected)

    def test_part_checksum_of_another_algorithm_is_rejected(self):
        upload_id = self.start("mismatch", ChecksumAlgorithm="SHA256")
        err = self.assertS3Error(lambda: self.put_part("mismatch", upload_id, 1, b"x",
                                                       ChecksumAlgorithm="CRC32"),
                                 "InvalidRequest", 400)
        self.assertIn("Checksum Type mismatch", err["Error"]["Message"])
        self.s3.abort_multipart_upload(Bucket=BUCKET, Key="mismatch", UploadId=upload_id)

    def test_part_without_checksum_gets_the_upload_algorithm(self):
        client = self.server.client(request_checksum_calculation="when_required")
        upload_id = client.create_multipart_upload(Bucket=BUCKET, Key="nocrc",
                                                   ChecksumAlgorithm="CRC32C")["UploadId"]
        body = random_bytes(1000, 7)
        part = client.upload_part(Bucket=BUCKET, Key="nocrc", UploadId=upload_id, PartNumber=1,
                                  Body=body)
        self.assertEqual(part["ChecksumCRC32C"], checksum_b64("CRC32C", body))
        listed = client.list_parts(Bucket=BUCKET, Key="nocrc", UploadId=upload_id)
        self.assertEqual(listed["Parts"][0]["ChecksumCRC32C"], checksum_b64("CRC32C", body))
        client.abort_multipart_upload(Bucket=BUCKET, Key="nocrc", UploadId=upload_id)

    def test_upload_without_algorithm_gets_crc64nvme_full_object(self):
        client = self.server.client(request_checksum_calculation="when_required")
        upload_id = client.create_multipart_upload(Bucket=BUCKET, Key="default")["UploadId"]
        parts = [random_bytes(5 * MIB, 8), b"last part"]
        etags = [client.upload_part(Bucket=BUCKET, Key="default", UploadId=upload_id,
                                    PartNumber=i, Body=p)["ETag"] for i, p in enumerate(parts, 1)]
        client.complete_multipart_upload(
            Bucket=BUCKET, Key="default", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": i, "ETag": e}
                                       for i, e in enumerate(etags, 1)]})
        head = client.head_object(Bucket=BUCKET, Key="default", ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumCRC64NVME"], checksum_b64("CRC64NVME", b"".join(parts)))
        self.assertEqual(head["ChecksumType"], "FULL_OBJECT")

    def test_complete_with_wrong_full_object_checksum_is_bad_digest(self):
        upload_id = self.start("bad-full", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
        r = self.put_part("bad-full", upload_id, 1, b"data", ChecksumAlgorithm="CRC32")
        self.assertS3Error(lambda: self.complete(
            "bad-full", upload_id, [{"PartNumber": 1, "ETag": r["ETag"]}],
            ChecksumCRC32=checksum_b64("CRC32", b"other"), ChecksumType="FULL_OBJECT"),
            "BadDigest", 400)
        done = self.complete("bad-full", upload_id, [{"PartNumber": 1, "ETag": r["ETag"]}],
                             ChecksumCRC32=checksum_b64("CRC32", b"data"),
                             ChecksumType="FULL_OBJECT")
        self.assertEqual(done["ChecksumCRC32"], checksum_b64("CRC32", b"data"))

    def test_replacing_a_part_keeps_the_last_upload(self):
        upload_id = self.start("replace")
        self.put_part("replace", upload_id, 1, b"first version")
        second = self.put_part("replace", upload_id, 1, b"second")
        parts = self.s3.list_parts(Bucket=BUCKET, Key="replace", UploadId=upload_id)["Parts"]
        self.assertEqual(len(parts), 1)
        self.assertEqual(parts[0]["ETag"], second["ETag"])
        self.complete("replace", upload_id, [{"PartNumber": 1, "ETag": second["ETag"]}])
        got = self.s3.get_object(Bucket=BUCKET, Key="replace")["Body"].read()
        self.assertEqual(got, b"second")

    def test_versioned_bucket_complete_returns_version_id(self):
        self.s3.create_bucket(Bucket="multipart-versioned")
        self.s3.put_bucket_versioning(Bucket="multipart-versioned",
                                      VersioningConfiguration={"Status": "Enabled"})
        upload_id = self.s3.create_multipart_upload(Bucket="multipart-versioned",
                                                    Key="v")["UploadId"]
        part = self.s3.upload_part(Bucket="multipart-versioned", Key="v", UploadId=upload_id,
                                   PartNumber=1, Body=b"v1")
        done = self.s3.complete_multipart_upload(
            Bucket="multipart-versioned", Key="v", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        self.assertTrue(done["VersionId"])
        self.assertNotEqual(done["VersionId"], "null")
        head = self.s3.head_object(Bucket="multipart-versioned", Key="v")
        self.assertEqual(head["VersionId"], done["VersionId"])

    # ---- errors -------------------------------------------------------------------------------

    def test_invalid_part(self):
        upload_id = self.start("err/invalid-part")
        p1 = self.put_part("err/invalid-part", upload_id, 1, random_bytes(5 * MIB, 9))
        wrong_etag = '"%s"' % hashlib.md5(b"nope").hexdigest()
        self.assertS3Error(lambda: self.complete("err/invalid-part", upload_id,
                                                 [{"PartNumber": 1, "ETag": wrong_etag}]),
                           "InvalidPart", 400)
        self.assertS3Error(lambda: self.complete("err/invalid-part", upload_id,
                                                 [{"PartNumber": 1, "ETag": p1["ETag"]},
                                                  {"PartNumber": 2, "ETag": p1["ETag"]}]),
                           "InvalidPart", 400)
        # Unquoted ETags name the same part; the upload survives failed attempts.
        self.complete("err/invalid-part", upload_id,
                      [{"PartNumber": 1, "ETag": p1["ETag"].strip('"')}])

    def test_invalid_part_order(self):
        upload_id = self.start("err/order")
        p1 = self.put_part("err/order", upload_id, 1, random_bytes(5 * MIB, 10))
        p2 = self.put_part("err/order", upload_id, 2, b"two")
        self.assertS3Error(lambda: self.complete("err/order", upload_id,
                                                 [{"PartNumber": 2, "ETag": p2["ETag"]},
                                                  {"PartNumber": 1, "ETag": p1["ETag"]}]),
                           "InvalidPartOrder", 400)
        self.assertS3Error(lambda: self.complete("err/order", upload_id,
                                                 [{"PartNumber": 1, "ETag": p1["ETag"]},
                                                  {"PartNumber": 1, "ETag": p1["ETag"]}]),
                           "InvalidPartOrder", 400)
        self.s3.abort_multipart_upload(Bucket=BUCKET, Key="err/order", UploadId=upload_id)

    def test_entity_too_small(self):
        upload_id = self.start("err/small")
        p1 = self.put_part("err/small", upload_id, 1, b"a" * (5 * MIB - 1))
        p2 = self.put_part("err/small", upload_id, 2, b"b")
        self.assertS3Error(lambda: self.complete("err/small", upload_id,
                                                 [{"PartNumber": 1, "ETag": p1["ETag"]},
                                                  {"PartNumber": 2, "ETag": p2["ETag"]}]),
                           "EntityTooSmall", 400)
        # A single small part is the last part: allowed.
        self.complete("err/small", upload_id, [{"PartNumber": 2, "ETag": p2["ETag"]}])
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="err/small")["Body"].read(), b"b")

    def test_no_such_upload(self):
        bogus = "0000000000000099NotAnUploadId000"
        self.assertS3Error(lambda: self.put_part("err/none", bogus, 1, b"x"), "NoSuchUpload", 404)
        self.assertS3Error(lambda: self.complete("err/none", bogus,
                                                 [{"PartNumber": 1, "ETag": '"x"'}]),
                           "NoSuchUpload", 404)
        self.assertS3Error(lambda: self.s3.abort_multipart_upload(Bucket=BUCKET, Key="err/none",
                                                                  UploadId=bogus),
                           "NoSuchUpload", 404)
        self.assertS3Error(lambda: self.s3.list_parts(Bucket=BUCKET, Key="err/none",
                                                      UploadId=bogus),
                           "NoSuchUpload", 404)
        # An upload id is only valid for its own key.
        upload_id = self.start("err/owner")
        self.assertS3Error(lambda: self.put_part("err/other", upload_id, 1, b"x"),
                           "NoSuchUpload", 404)
        self.s3.abort_multipart_upload(Bucket=BUCKET, Key="err/owner", UploadId=upload_id)

    def test_part_number_out_of_range(self):
        upload_id = self.start("err/number")
        for number in (0, 10001):
            err = self.assertS3Error(lambda: self.put_part("err/number", upload_id, number, b"x"),
                                     "InvalidArgument", 400)
            self.assertEqual(err["Error"]["Message"],
                             "Part number must be an integer between 1 and 10000, inclusive")
        self.s3.abort_multipart_upload(Bucket=BUCKET, Key="err/number", UploadId=upload_id)

    def test_malformed_complete_document(self):
        upload_id = self.start("err/xml")
        path = "/%s/err/xml" % BUCKET
        for body in (b"<CompleteMultipartUpload></CompleteMultipartUpload>", b"not xml",
                     b"<CompleteMultipartUpload><Part><PartNumber>x</PartNumber>"
                     b"<ETag>y</ETag></Part></CompleteMultipartUpload>"):
            status, _, data = signed(self.server, "POST", path, "uploadId=" + upload_id, body)
            self.assertEqual(status, 400, data)
            self.assertEqual(ET.fromstring(data).findtext("Code"), "MalformedXML")
        self.s3.abort_multipart_upload(Bucket=BUCKET, Key="err/xml", UploadId=upload_id)

    # ---- listing and abort --------------------------------------------------------------------

    def test_list_parts_paging(self):
        upload_id = self.start("list/parts", ChecksumAlgorithm="CRC32")
        bodies = {n: ("part %d" % n).encode() * n for n in (1, 2, 3, 5)}
        for n, body in bodies.items():
            self.put_part("list/parts", upload_id, n, body, ChecksumAlgorithm="CRC32")
        page = self.s3.list_parts(Bucket=BUCKET, Key="list/parts", UploadId=upload_id, MaxParts=2)
        self.assertTrue(page["IsTruncated"])
        self.assertEqual([p["PartNumber"] for p in page["Parts"]], [1, 2])
        self.assertEqual(page["NextPartNumberMarker"], 2)
        self.assertEqual(page["MaxParts"], 2)
        self.assertEqual(page["Parts"][1]["Size"], len(bodies[2]))
        self.assertEqual(page["Parts"][1]["ETag"], '"%s"' % hashlib.md5(bodies[2]).hexdigest())
        self.assertEqual(page["Parts"][1]["ChecksumCRC32"], checksum_b64("CRC32", bodies[2]))
        self.assertTrue(page["Initiator"]["ID"])
        self.assertEqual(page["Owner"]["ID"], page["Initiator"]["ID"])
        self.assertEqual(page["StorageClass"], "STANDARD")
        self.assertEqual(page["ChecksumAlgorithm"], "CRC32")
        rest = self.s3.list_parts(Bucket=BUCKET, Key="list/parts", UploadId=upload_id,
                                  PartNumberMarker=2)
        self.assertFalse(rest["IsTruncated"])
        self.assertEqual([p["PartNumber"] for p in rest["Parts"]], [3, 5])
        self.assertEqual(rest["PartNumberMarker"], 2)
        # The aws CLI pages through all parts.
        listed = self.server.aws_json("s3api", "list-parts", "--bucket", BUCKET, "--key",
                                      "list/parts", "--upload-id", upload_id, "--page-size", "1")
        self.assertEqual([p["PartNumber"] for p in listed["Parts"]], [1, 2, 3, 5])
        self.s3.abort_multipart_upload(Bucket=BUCKET, Key="list/parts", UploadId=upload_id)

    def test_list_multipart_uploads(self):
        self.s3.create_bucket(Bucket="multipart-listing")
        b = "multipart-listing"
        ids = {}
        for key in ("a", "b", "b", "dir/x", "dir/y", "z"):
            ids.setdefault(key, []).append(
                self.s3.create_multipart_upload(Bucket=b, Key=key)["UploadId"])
        everything = self.s3.list_multipart_uploads(Bucket=b)
        self.assertFalse(everything["IsTruncated"])
        self.assertEqual([(u["Key"], u["UploadId"]) for u in everything["Uploads"]],
                         [(k, i) for k in ("a", "b", "dir/x", "dir/y", "z") for i in ids[k]])
        upload = everything["Uploads"][0]
        self.assertEqual(upload["StorageClass"], "STANDARD")
        self.assertTrue(upload["Initiator"]["ID"])
        self.assertTrue(upload["Owner"]["ID"])
        self.assertIn("Initiated", upload)

        # Paging with both markers, two at a time, splits the two uploads of "b".
        seen, key_marker, id_marker = [], "", ""
        while True:
            page = self.s3.list_multipart_uploads(Bucket=b, MaxUploads=2, KeyMarker=key_marker,
                                                  UploadIdMarker=id_marker)
            seen += [(u["Key"], u["UploadId"]) for u in page.get("Uploads", [])]
            if not page["IsTruncated"]:
                break
            key_marker, id_marker = page["NextKeyMarker"], page["NextUploadIdMarker"]
        self.assertEqual(seen, [(u["Key"], u["UploadId"]) for u in everything["Uploads"]])

        rolled = self.s3.list_multipart_uploads(Bucket=b, Delimiter="/")
        self.assertEqual([u["Key"] for u in rolled["Uploads"]], ["a", "b", "b", "z"])
        self.assertEqual(rolled["CommonPrefixes"], [{"Prefix": "dir/"}])
        prefixed = self.s3.list_multipart_uploads(Bucket=b, Prefix="dir/")
        self.assertEqual([u["Key"] for u in prefixed["Uploads"]], ["dir/x", "dir/y"])
        cli = self.server.aws_json("s3api", "list-multipart-uploads", "--bucket", b)
        self.assertEqual(len(cli["Uploads"]), 6)

        for key, upload_ids in ids.items():
            for upload_id in upload_ids:
                self.s3.abort_multipart_upload(Bucket=b, Key=key, UploadId=upload_id)
        self.assertNotIn("Uploads", self.s3.list_multipart_uploads(Bucket=b))
        self.s3.delete_bucket(Bucket=b)

    def test_abort(self):
        upload_id = self.start("abort/me")
        self.put_part("abort/me", upload_id, 1, b"bytes that will be discarded")
        resp = self.s3.abort_multipart_upload(Bucket=BUCKET, Key="abort/me", UploadId=upload_id)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertS3Error(lambda: self.s3.list_parts(Bucket=BUCKET, Key="abort/me",
                                                      UploadId=upload_id),
                           "NoSuchUpload", 404)
        uploads = self.s3.list_multipart_uploads(Bucket=BUCKET, Prefix="abort/")
        self.assertNotIn("Uploads", uploads)
        self.assertS3Error(lambda: self.s3.head_object(Bucket=BUCKET, Key="abort/me"), "404", 404)

    # ---- UploadPartCopy -----------------------------------------------------------------------

    def test_upload_part_copy_with_ranges(self):
        source = random_bytes(12 * MIB + 7, 11)
        self.s3.put_object(Bucket=BUCKET, Key="copy/source", Body=source)
        upload_id = self.start("copy/target", ChecksumAlgorithm="CRC32")
        cut = 5 * MIB
        r1 = self.s3.upload_part_copy(Bucket=BUCKET, Key="copy/target", UploadId=upload_id,
                                      PartNumber=1, CopySource="%s/copy/source" % BUCKET,
                                      CopySourceRange="bytes=0-%d" % (cut - 1))
        self.assertEqual(r1["CopyPartResult"]["ETag"],
                         '"%s"' % hashlib.md5(source[:cut]).hexdigest())
        self.assertIn("LastModified", r1["CopyPartResult"])
        self.assertEqual(r1["CopyPartResult"]["ChecksumCRC32"], checksum_b64("CRC32", source[:cut]))
        # A leading slash and URL-encoding are accepted in x-amz-copy-source (raw request: boto3
        # would encode the '%' again).
        status, _, body = signed(
            self.server, "PUT", "/%s/copy/target" % BUCKET,
            "partNumber=2&uploadId=" + upload_id, b"",
            {"x-amz-copy-source": "/%s/copy%%2Fsource" % BUCKET,
             "x-amz-copy-source-range": "bytes=%d-%d" % (cut, len(source) - 1)})
        self.assertEqual(status, 200, body)
        result = ET.fromstring(body)
        self.assertEqual(result.tag, NS + "CopyPartResult")
        r2 = {"CopyPartResult": {"ETag": result.findtext(NS + "ETag"),
                                 "ChecksumCRC32": result.findtext(NS + "ChecksumCRC32")}}
        self.assertEqual(r2["CopyPartResult"]["ChecksumCRC32"], checksum_b64("CRC32", source[cut:]))
        self.complete("copy/target", upload_id, [
            {"PartNumber": 1, "ETag": r1["CopyPartResult"]["ETag"],
             "ChecksumCRC32": r1["CopyPartResult"]["ChecksumCRC32"]},
            {"PartNumber": 2, "ETag": r2["CopyPartResult"]["ETag"],
             "ChecksumCRC32": r2["CopyPartResult"]["ChecksumCRC32"]}])
        got = self.s3.get_object(Bucket=BUCKET, Key="copy/target")["Body"].read()
        self.assertEqual(got, source)
        self.assertEqual(self.s3.head_object(Bucket=BUCKET, Key="copy/target")["ETag"],
                         multipart_etag([source[:cut], source[cut:]]))

    def test_upload_part_copy_errors(self):
        self.s3.put_object(Bucket=BUCKET, Key="copy/small", Body=b"0123456789")
        upload_id = self.start("copy/errors")

        def copy(**kwargs):
            args = dict(Bucket=BUCKET, Key="copy/errors", UploadId=upload_id, PartNumber=1,
                        CopySource="%s/copy/small" % BUCKET)
            args.update(kwargs)
            return self.s3.upload_part_copy(**args)

        err = self.assertS3Error(lambda: copy(CopySourceRange="bytes=5-10"), "InvalidArgument",
                                 400)
        self.assertIn("10", err["Error"]["Message"])
        self.assertS3Error(lambda: copy(CopySourceRange="bytes=7-3"), "InvalidArgument", 400)
        self.assertS3Error(lambda: copy(CopySourceIfMatch='"0000"'), "PreconditionFailed", 412)
        self.assertS3Error(lambda: copy(CopySource="%s/copy/missing" % BUCKET), "NoSuchKey", 404)
        self.assertS3Error(lambda: copy(CopySource="no-such-bucket-here/x"), "NoSuchBucket", 404)
        self.assertS3Error(lambda: copy(UploadId="0000000000000099NotAnUploadId000"),
                           "NoSuchUpload", 404)
        r = copy(CopySourceRange="bytes=2-4")
        self.assertEqual(r["CopyPartResult"]["ETag"], '"%s"' % hashlib.md5(b"234").hexdigest())
        self.complete("copy/errors", upload_id,
                      [{"PartNumber": 1, "ETag": r["CopyPartResult"]["ETag"]}])
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="copy/errors")["Body"].read(),
                         b"234")


if __name__ == "__main__":
    unittest.main()
