"""Server-side encryption (issue 6): SSE-S3 (the default), SSE-KMS with the built-in key service,
DSSE-KMS, SSE-C and bucket default encryption, driven with boto3 and the aws CLI; the blob files
on disk hold no plaintext; inventory reports show EncryptionStatus and BucketKeyStatus."""

import base64
import hashlib
import json
import os
import subprocess
import tempfile
import unittest

from botocore.exceptions import ClientError

from harness import ACCESS_KEY, SECRET_KEY, ServerTestCase, binary, error_code, raw_request
from inventory_util import duckdb, fetch_report, manifest_key_from, read_csv_report, run_now, sql_list

CHUNK = 64 * 1024
MIB = 1024 * 1024
ARN_RE = r"^arn:aws:kms:us-east-1:\d{12}:key/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


def distinctive(tag, size):
    """A body whose every 64 KiB carries a readable marker, the rest random: easy to spot on disk."""
    marker = ("<<STOCKTAKE-PLAINTEXT %s>>" % tag).encode()
    out = bytearray()
    while len(out) < size:
        out += marker + os.urandom(4096 - len(marker))
    return bytes(out[:size])


def kms(server, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
    proc = subprocess.run([binary(), "kms"] + list(args) + ["--endpoint", server.url],
                          capture_output=True, text=True, env=env, timeout=60)
    if proc.returncode != 0:
        raise AssertionError("stocktake kms failed: " + proc.stderr)
    return proc.stdout


def ssec(key, prefix=""):
    return {prefix + "SSECustomerAlgorithm": "AES256", prefix + "SSECustomerKey": key}


def md5_b64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


class SseTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="sse")
        cls.key_arn = kms(cls.server, "create-key", "--description", "test key").strip()
        cls.key_id = cls.key_arn.rsplit("/", 1)[1]
        cls.customer_key = os.urandom(32)
        # Bodies on disk must never appear in the clear (test_no_plaintext_in_blob_files).
        cls.written = []

    def put(self, key, body, **kwargs):
        self.written.append(body)
        return self.s3.put_object(Bucket="sse", Key=key, Body=body, **kwargs)

    def get(self, key, **kwargs):
        return self.s3.get_object(Bucket="sse", Key=key, **kwargs)

    def assertRanges(self, key, body, **kwargs):
        size = len(body)
        ranges = [(0, 0), (CHUNK - 5, CHUNK + 5), (CHUNK, 2 * CHUNK - 1), (1, size - 2),
                  (size - 7, size - 1), (2 * CHUNK - 1, 3 * CHUNK)]
        for first, last in ranges:
            if first >= size:
                continue
            got = self.get(key, Range="bytes=%d-%d" % (first, last), **kwargs)
            self.assertEqual(got["Body"].read(), body[first:last + 1], (first, last))
            self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
        got = self.get(key, Range="bytes=-100", **kwargs)
        self.assertEqual(got["Body"].read(), body[-100:])

    # ---- SSE-S3 --------------------------------------------------------------------------------

    def test_objects_without_headers_get_sse_s3(self):
        body = distinctive("default", 3 * CHUNK + 123)
        put = self.put("default.bin", body)
        self.assertEqual(put["ServerSideEncryption"], "AES256")
        # SSE-S3 keeps MD5 ETags, as AWS.
        self.assertEqual(put["ETag"].strip('"'), hashlib.md5(body).hexdigest())
        head = self.s3.head_object(Bucket="sse", Key="default.bin")
        self.assertEqual(head["ServerSideEncryption"], "AES256")
        self.assertNotIn("SSEKMSKeyId", head)
        got = self.get("default.bin")
        self.assertEqual(got["ServerSideEncryption"], "AES256")
        self.assertEqual(got["Body"].read(), body)
        self.assertRanges("default.bin", body)
        explicit = self.put("explicit.bin", b"aes", ServerSideEncryption="AES256")
        self.assertEqual(explicit["ServerSideEncryption"], "AES256")

    def test_empty_and_chunk_sized_objects(self):
        for size in (0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK):
            body = distinctive("size%d" % size, size)
            self.put("size/%d" % size, body)
            self.assertEqual(self.get("size/%d" % size)["Body"].read(), body, size)

    # ---- SSE-KMS and DSSE-KMS --------------------------------------------------------------------

    def test_sse_kms_with_a_key_context_and_bucket_key(self):
        body = distinctive("kms", 2 * CHUNK + 5)
        context = base64.b64encode(json.dumps({"project": "stocktake"}).encode()).decode()
        put = self.put("kms.bin", body, ServerSideEncryption="aws:kms", SSEKMSKeyId=self.key_arn,
                       SSEKMSEncryptionContext=context, BucketKeyEnabled=True)
        self.assertEqual(put["ServerSideEncryption"], "aws:kms")
        self.assertEqual(put["SSEKMSKeyId"], self.key_arn)
        self.assertTrue(put["BucketKeyEnabled"])
        self.assertEqual(json.loads(base64.b64decode(put["SSEKMSEncryptionContext"])),
                         {"project": "stocktake"})
        # ETags of SSE-KMS objects are not the MD5 of the data (AWS).
        self.assertRegex(put["ETag"], r'^"[0-9a-f]{32}"$')
        self.assertNotEqual(put["ETag"].strip('"'), hashlib.md5(body).hexdigest())
        for response in (self.s3.head_object(Bucket="sse", Key="kms.bin"), self.get("kms.bin")):
            self.assertEqual(response["ServerSideEncryption"], "aws:kms")
            self.assertEqual(response["SSEKMSKeyId"], self.key_arn)
            self.assertTrue(response["BucketKeyEnabled"])
            self.assertEqual(response["ETag"], put["ETag"])
        self.assertEqual(self.get("kms.bin")["Body"].read(), body)
        self.assertRanges("kms.bin", body)

    def test_sse_kms_key_forms_and_default_key(self):
        by_id = self.put("kms-id", b"by id", ServerSideEncryption="aws:kms", SSEKMSKeyId=self.key_id)
        self.assertEqual(by_id["SSEKMSKeyId"], self.key_arn)  # answered as the ARN
        self.assertNotIn("BucketKeyEnabled", by_id)
        default = self.put("kms-default", b"aws/s3", ServerSideEncryption="aws:kms")
        self.assertRegex(default["SSEKMSKeyId"], ARN_RE)
        self.assertNotEqual(default["SSEKMSKeyId"], self.key_arn)
        again = self.put("kms-default-2", b"aws/s3 again", ServerSideEncryption="aws:kms")
        self.assertEqual(again["SSEKMSKeyId"], default["SSEKMSKeyId"])  # one default key
        alias = self.put("kms-alias", b"alias", ServerSideEncryption="aws:kms",
                         SSEKMSKeyId="alias/aws/s3")
        self.assertEqual(alias["SSEKMSKeyId"], default["SSEKMSKeyId"])
        self.assertEqual(self.get("kms-default")["Body"].read(), b"aws/s3")
        listed = kms(self.server, "list-keys")
        self.assertIn(self.key_arn, listed)
        self.assertIn(default["SSEKMSKeyId"], listed)

    def test_dsse_kms(self):
        body = distinctive("dsse", CHUNK + 77)
        put = self.put("dsse.bin", body, ServerSideEncryption="aws:kms:dsse",
                       SSEKMSKeyId=self.key_arn, BucketKeyEnabled=True)
        self.assertEqual(put["ServerSideEncryption"], "aws:kms:dsse")
        self.assertEqual(put["SSEKMSKeyId"], self.key_arn)
        self.assertNotIn("BucketKeyEnabled", put)  # bucket keys do not serve DSSE-KMS
        head = self.s3.head_object(Bucket="sse", Key="dsse.bin")
        self.assertEqual(head["ServerSideEncryption"], "aws:kms:dsse")
        self.assertEqual(self.get("dsse.bin")["Body"].read(), body)
        self.assertRanges("dsse.bin", body)

    def test_unknown_kms_keys(self):
        for key_id in ("11111111-2222-4333-8444-555555555555",
                       "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-8444-555555555555",
                       self.key_arn.replace("us-east-1", "eu-west-1"), "not-a-key"):
            err = self.assertS3Error(
                lambda: self.s3.put_object(Bucket="sse", Key="nokey", Body=b"x",
                                           ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id),
                "KMS.NotFoundException", 400)
            self.assertEqual(err["Error"]["Message"], "Invalid keyId " + key_id)
        self.assertS3Error(lambda: self.s3.head_object(Bucket="sse", Key="nokey"), "404")

    def test_sse_header_errors(self):
        status, _, body = raw_request(self.server, "PUT", "/sse/bad", body=b"x",
                                      headers={"x-amz-server-side-encryption": "AES512"})
        self.assertEqual((status, error_code(body)[0]), (400, "InvalidArgument"))
        status, _, body = raw_request(self.server, "PUT", "/sse/bad", body=b"x", headers={
            "x-amz-server-side-encryption": "AES256",
            "x-amz-server-side-encryption-aws-kms-key-id": self.key_arn})
        self.assertEqual((status, error_code(body)[0]), (400, "InvalidArgument"))
        self.assertIn("requires HTTP header x-amz-server-side-encryption : aws:kms",
                      error_code(body)[1])
        status, _, body = raw_request(self.server, "PUT", "/sse/bad", body=b"x", headers={
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-server-side-encryption-context": base64.b64encode(b"[1, 2]").decode()})
        self.assertEqual((status, error_code(body)[0]), (400, "InvalidArgument"))

    # ---- SSE-C --------------------------------------------------------------------------------

    def test_sse_c_round_trip_and_errors(self):
        key = self.customer_key
        body = distinctive("ssec", 3 * CHUNK + 999)
        put = self.put("ssec.bin", body, **ssec(key))
        self.assertEqual(put["SSECustomerAlgorithm"], "AES256")
        self.assertEqual(put["SSECustomerKeyMD5"], md5_b64(key))
        self.assertNotIn("ServerSideEncryption", put)
        self.assertNotEqual(put["ETag"].strip('"'), hashlib.md5(body).hexdigest())
        got = self.get("ssec.bin", **ssec(key))
        self.assertEqual(got["Body"].read(), body)
        self.assertEqual(got["SSECustomerAlgorithm"], "AES256")
        self.assertEqual(got["SSECustomerKeyMD5"], md5_b64(key))
        self.assertRanges("ssec.bin", body, **ssec(key))
        head = self.s3.head_object(Bucket="sse", Key="ssec.bin", **ssec(key))
        self.assertEqual(head["SSECustomerKeyMD5"], md5_b64(key))
        self.assertEqual(head["ContentLength"], len(body))

        # Without the key: 400 InvalidRequest; with another key: 403.
        err = self.assertS3Error(lambda: self.get("ssec.bin"), "InvalidRequest", 400)
        self.assertEqual(err["Error"]["Message"],
                         "The object was stored using a form of Server Side Encryption. The "
                         "correct parameters must be provided to retrieve the object.")
        self.assertS3Error(lambda: self.s3.head_object(Bucket="sse", Key="ssec.bin"), "400", 400)
        self.assertS3Error(lambda: self.get("ssec.bin", **ssec(os.urandom(32))), "AccessDenied",
                           403)
        self.assertS3Error(
            lambda: self.s3.head_object(Bucket="sse", Key="ssec.bin", **ssec(os.urandom(32))),
            "403", 403)
        # SSE-C headers on an object that is not SSE-C.
        self.put("not-ssec", b"plain")
        self.assertS3Error(lambda: self.get("not-ssec", **ssec(key)), "InvalidRequest", 400)

    def test_sse_c_header_validation(self):
        key = os.urandom(32)
        good = {"x-amz-server-side-encryption-customer-algorithm": "AES256",
                "x-amz-server-side-encryption-customer-key": base64.b64encode(key).decode(),
                "x-amz-server-side-encryption-customer-key-MD5": md5_b64(key)}
        cases = [
            ({"x-amz-server-side-encryption-customer-key-MD5": md5_b64(b"other")}, 400,
             "InvalidArgument",
             "The calculated MD5 hash of the key did not match the hash that was provided."),
            ({"x-amz-server-side-encryption-customer-algorithm": "AES128"}, 400,
             "InvalidEncryptionAlgorithmError", None),
            ({"x-amz-server-side-encryption-customer-key": base64.b64encode(b"short").decode(),
              "x-amz-server-side-encryption-customer-key-MD5": md5_b64(b"short")}, 400,
             "InvalidArgument", "The secret key was invalid for the specified algorithm."),
            ({"x-amz-server-side-encryption": "AES256"}, 400, "InvalidArgument", None),
        ]
        for change, status, code, message in cases:
            headers = dict(good, **change)
            got_status, _, body = raw_request(self.server, "PUT", "/sse/ssec-bad", body=b"x",
                                              headers=headers)
            self.assertEqual((got_status, error_code(body)[0]), (status, code), change)
            if message:
                self.assertEqual(error_code(body)[1], message)
        headers = dict(good)
        del headers["x-amz-server-side-encryption-customer-key"]
        status, _, body = raw_request(self.server, "PUT", "/sse/ssec-bad", body=b"x",
                                      headers=headers)
        self.assertEqual(error_code(body), (
            "InvalidArgument", "Requests specifying Server Side Encryption with Customer provided "
            "keys must provide an appropriate secret key."))
        status, _, _ = raw_request(self.server, "PUT", "/sse/ssec-ok", body=b"x", headers=good)
        self.assertEqual(status, 200)

    # ---- Multipart and copy ---------------------------------------------------------------------

    def multipart(self, key, parts, create_args, part_args):
        upload = self.s3.create_multipart_upload(Bucket="sse", Key=key, **create_args)
        etags = []
        for number, data in enumerate(parts, 1):
            self.written.append(data)
            r = self.s3.upload_part(Bucket="sse", Key=key, UploadId=upload["UploadId"],
                                    PartNumber=number, Body=data, **part_args)
            etags.append({"PartNumber": number, "ETag": r["ETag"]})
            last_part = r
        done = self.s3.complete_multipart_upload(Bucket="sse", Key=key,
                                                 UploadId=upload["UploadId"],
                                                 MultipartUpload={"Parts": etags})
        return upload, last_part, done

    def test_multipart_in_every_mode(self):
        parts = [distinctive("mp-part1", 5 * MIB), distinctive("mp-part2", CHUNK * 2 + 3)]
        body = b"".join(parts)
        key = self.customer_key
        modes = {
            "mp-s3": ({}, {}, {"ServerSideEncryption": "AES256"}),
            "mp-kms": ({"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.key_arn,
                        "BucketKeyEnabled": True}, {},
                       {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.key_arn,
                        "BucketKeyEnabled": True}),
            "mp-ssec": (ssec(key), ssec(key),
                        {"SSECustomerAlgorithm": "AES256", "SSECustomerKeyMD5": md5_b64(key)}),
        }
        for name, (create_args, part_args, expected) in modes.items():
            upload, part, done = self.multipart(name, parts, create_args, part_args)
            for field, value in expected.items():
                self.assertEqual(upload.get(field), value, (name, field))
                self.assertEqual(part.get(field), value, (name, field))
            read_args = part_args
            got = self.get(name, **read_args)
            self.assertEqual(got["Body"].read(), body, name)
            self.assertEqual(got["ETag"], done["ETag"])
            for field, value in expected.items():
                self.assertEqual(got.get(field), value, (name, field))
            if "ServerSideEncryption" in expected:
                self.assertEqual(done["ServerSideEncryption"], expected["ServerSideEncryption"])
            # Across the part boundary and chunk boundaries of both parts.
            boundary = len(parts[0])
            for first, last in ((boundary - 10, boundary + 10), (boundary - CHUNK - 1,
                                                                  boundary + CHUNK + 1)):
                r = self.get(name, Range="bytes=%d-%d" % (first, last), **read_args)
                self.assertEqual(r["Body"].read(), body[first:last + 1], (name, first))

    def test_sse_c_multipart_parts_need_the_key(self):
        key = self.customer_key
        upload = self.s3.create_multipart_upload(Bucket="sse", Key="mp-ssec-bad", **ssec(key))
        uid = upload["UploadId"]
        self.assertS3Error(lambda: self.s3.upload_part(Bucket="sse", Key="mp-ssec-bad",
                                                       UploadId=uid, PartNumber=1, Body=b"x"),
                           "InvalidRequest", 400)
        self.assertS3Error(lambda: self.s3.upload_part(Bucket="sse", Key="mp-ssec-bad",
                                                       UploadId=uid, PartNumber=1, Body=b"x",
                                                       **ssec(os.urandom(32))),
                           "InvalidRequest", 400)
        self.s3.abort_multipart_upload(Bucket="sse", Key="mp-ssec-bad", UploadId=uid)

    def test_copy_between_modes(self):
        key = self.customer_key
        body = distinctive("copy-src", 2 * CHUNK + 11)
        self.put("copy/src-ssec", body, **ssec(key))
        # The source key is needed to read an SSE-C source.
        self.assertS3Error(lambda: self.s3.copy_object(
            Bucket="sse", Key="copy/dst", CopySource={"Bucket": "sse", "Key": "copy/src-ssec"}),
            "InvalidRequest", 400)
        copied = self.s3.copy_object(Bucket="sse", Key="copy/dst-kms",
                                     CopySource={"Bucket": "sse", "Key": "copy/src-ssec"},
                                     ServerSideEncryption="aws:kms", SSEKMSKeyId=self.key_arn,
                                     **ssec(key, "CopySource"))
        self.assertEqual(copied["ServerSideEncryption"], "aws:kms")
        self.assertEqual(copied["SSEKMSKeyId"], self.key_arn)
        self.assertEqual(self.get("copy/dst-kms")["Body"].read(), body)
        # Without SSE headers the copy gets the bucket's default (SSE-S3), not the source's mode.
        plain = self.s3.copy_object(Bucket="sse", Key="copy/dst-default",
                                    CopySource={"Bucket": "sse", "Key": "copy/dst-kms"})
        self.assertEqual(plain["ServerSideEncryption"], "AES256")
        self.assertEqual(plain["CopyObjectResult"]["ETag"].strip('"'),
                         hashlib.md5(body).hexdigest())
        # Into SSE-C with a new key, and in place (a key rotation).
        new_key = os.urandom(32)
        to_ssec = self.s3.copy_object(Bucket="sse", Key="copy/dst-ssec",
                                      CopySource={"Bucket": "sse", "Key": "copy/dst-default"},
                                      **ssec(new_key))
        self.assertEqual(to_ssec["SSECustomerKeyMD5"], md5_b64(new_key))
        self.assertEqual(self.get("copy/dst-ssec", **ssec(new_key))["Body"].read(), body)
        self.s3.copy_object(Bucket="sse", Key="copy/src-ssec",
                            CopySource={"Bucket": "sse", "Key": "copy/src-ssec"},
                            **ssec(key, "CopySource"), **ssec(new_key))
        self.assertEqual(self.get("copy/src-ssec", **ssec(new_key))["Body"].read(), body)
        self.assertS3Error(lambda: self.get("copy/src-ssec", **ssec(key)), "AccessDenied", 403)

    def test_upload_part_copy_from_sse_c_into_kms(self):
        key = self.customer_key
        body = distinctive("partcopy", 5 * MIB + 100)
        self.put("pc/src", body, **ssec(key))
        upload = self.s3.create_multipart_upload(Bucket="sse", Key="pc/dst",
                                                 ServerSideEncryption="aws:kms",
                                                 SSEKMSKeyId=self.key_arn)
        part = self.s3.upload_part_copy(Bucket="sse", Key="pc/dst", UploadId=upload["UploadId"],
                                        PartNumber=1,
                                        CopySource={"Bucket": "sse", "Key": "pc/src"},
                                        **ssec(key, "CopySource"))
        self.assertEqual(part["ServerSideEncryption"], "aws:kms")
        self.assertEqual(part["SSEKMSKeyId"], self.key_arn)
        self.s3.complete_multipart_upload(
            Bucket="sse", Key="pc/dst", UploadId=upload["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1,
                                        "ETag": part["CopyPartResult"]["ETag"]}]})
        got = self.get("pc/dst")
        self.assertEqual(got["ServerSideEncryption"], "aws:kms")
        self.assertEqual(got["Body"].read(), body)

    # ---- Bucket default encryption ----------------------------------------------------------------

    def test_bucket_default_encryption(self):
        s3 = self.s3
        s3.create_bucket(Bucket="sse-default")
        # Every bucket has the SSE-S3 default (AWS since 2023-01-05).
        config = s3.get_bucket_encryption(Bucket="sse-default")["ServerSideEncryptionConfiguration"]
        self.assertEqual(config["Rules"], [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": False}])
        s3.put_bucket_encryption(Bucket="sse-default", ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                              "KMSMasterKeyID": self.key_arn},
                       "BucketKeyEnabled": True}]})
        config = s3.get_bucket_encryption(Bucket="sse-default")["ServerSideEncryptionConfiguration"]
        self.assertEqual(config["Rules"][0]["ApplyServerSideEncryptionByDefault"],
                         {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": self.key_arn})
        self.assertTrue(config["Rules"][0]["BucketKeyEnabled"])
        body = distinctive("bucket-default", CHUNK + 1)
        self.written.append(body)
        put = s3.put_object(Bucket="sse-default", Key="k", Body=body)
        self.assertEqual((put["ServerSideEncryption"], put["SSEKMSKeyId"], put["BucketKeyEnabled"]),
                         ("aws:kms", self.key_arn, True))
        # Request headers override the default.
        put = s3.put_object(Bucket="sse-default", Key="k2", Body=b"x", ServerSideEncryption="AES256")
        self.assertEqual(put["ServerSideEncryption"], "AES256")
        self.assertEqual(s3.get_object(Bucket="sse-default", Key="k")["Body"].read(), body)
        # The aws CLI sees the same configuration.
        shown = self.server.aws_json("s3api", "get-bucket-encryption", "--bucket", "sse-default")
        self.assertEqual(shown["ServerSideEncryptionConfiguration"]["Rules"][0]
                         ["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "aws:kms")
        self.assertEqual(s3.delete_bucket_encryption(Bucket="sse-default")
                         ["ResponseMetadata"]["HTTPStatusCode"], 204)
        config = s3.get_bucket_encryption(Bucket="sse-default")["ServerSideEncryptionConfiguration"]
        self.assertEqual(config["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
                         "AES256")
        self.assertEqual(s3.put_object(Bucket="sse-default", Key="k3", Body=b"x")
                         ["ServerSideEncryption"], "AES256")
        # An unknown key in the default fails the writes that use it, as on AWS.
        self.server.aws("s3api", "put-bucket-encryption", "--bucket", "sse-default",
                        "--server-side-encryption-configuration",
                        '{"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": '
                        '"aws:kms:dsse", "KMSMasterKeyID": "00000000-0000-4000-8000-000000000000"}}]}')
        self.assertS3Error(lambda: s3.put_object(Bucket="sse-default", Key="k4", Body=b"x"),
                           "KMS.NotFoundException", 400)
        s3.delete_bucket_encryption(Bucket="sse-default")

    def test_bucket_encryption_errors(self):
        def put(xml):
            return raw_request(self.server, "PUT", "/sse", query="encryption", body=xml.encode())
        status, _, body = put(
            "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
            "<SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID>"
            "</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>")
        self.assertEqual((status, error_code(body)[0]), (400, "InvalidArgument"))
        status, _, body = put(
            "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
            "<SSEAlgorithm>AES128</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>"
            "</ServerSideEncryptionConfiguration>")
        self.assertEqual((status, error_code(body)[0]), (400, "MalformedXML"))

    # ---- aws CLI -------------------------------------------------------------------------------

    def test_aws_cli_sse_kms_and_sse_c(self):
        with tempfile.TemporaryDirectory() as tmp:
            source = os.path.join(tmp, "in.bin")
            body = distinctive("cli", 300 * 1024)
            self.written.append(body)
            with open(source, "wb") as f:
                f.write(body)
            key_file = os.path.join(tmp, "key.bin")
            with open(key_file, "wb") as f:
                f.write(self.customer_key)
            self.server.aws("s3", "cp", source, "s3://sse/cli/kms.bin", "--sse", "aws:kms",
                            "--sse-kms-key-id", self.key_arn)
            head = self.server.aws_json("s3api", "head-object", "--bucket", "sse", "--key",
                                        "cli/kms.bin")
            self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"]),
                             ("aws:kms", self.key_arn))
            self.server.aws("s3", "cp", source, "s3://sse/cli/ssec.bin", "--sse-c", "AES256",
                            "--sse-c-key", "fileb://" + key_file)
            out = os.path.join(tmp, "out.bin")
            self.server.aws("s3", "cp", "s3://sse/cli/ssec.bin", out, "--sse-c", "AES256",
                            "--sse-c-key", "fileb://" + key_file)
            with open(out, "rb") as f:
                self.assertEqual(f.read(), body)
            code, _, _ = self.server.aws("s3", "cp", "s3://sse/cli/ssec.bin", out, check=False)
            self.assertNotEqual(code, 0)

    # ---- At rest ---------------------------------------------------------------------------------

    def test_zz_no_plaintext_in_blob_files(self):
        """Runs last (name order): every body written by the tests above must be absent from the
        blob files, and the SSE-C key from every file of the data directory."""
        self.assertGreater(len(self.written), 10)
        needles = set()
        for body in self.written:
            if len(body) >= 64:
                needles.add(body[:48])
                needles.add(body[len(body) // 2:len(body) // 2 + 48])
        needles.add(b"<<STOCKTAKE-PLAINTEXT")
        blob_files = 0
        for root, _, files in os.walk(os.path.join(self.server.data_dir, "blobs")):
            for name in files:
                blob_files += 1
                with open(os.path.join(root, name), "rb") as f:
                    data = f.read()
                self.assertTrue(data.startswith(b"STKB"), name)
                for needle in needles:
                    self.assertNotIn(needle, data, name)
        self.assertGreater(blob_files, 10)
        secrets = [self.customer_key, base64.b64encode(self.customer_key)]
        for root, _, files in os.walk(self.server.data_dir):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    data = f.read()
                for secret in secrets:
                    self.assertNotIn(secret, data, os.path.join(root, name))


ALL_FIELDS = ["Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
              "ReplicationStatus", "EncryptionStatus", "ObjectLockRetainUntilDate",
              "ObjectLockMode", "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier",
              "BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner",
              "LifecycleExpirationDate", "ObjectLockEventHoldStatus",
              "ObjectLockEventHoldDuration", "IntelligentTieringReferenceDate"]


class SseInventoryTest(ServerTestCase):
    """EncryptionStatus and BucketKeyStatus per object in CSV and Parquet reports, and report
    objects encrypted as their configuration (or the destination's default) says."""

    # key -> (EncryptionStatus, BucketKeyStatus); None for delete markers.
    EXPECTED = {
        "a-default": ("SSE-S3", "DISABLED"),
        "b-sse-s3": ("SSE-S3", "DISABLED"),
        "c-kms": ("SSE-KMS", "DISABLED"),
        "d-kms-bucket-key": ("SSE-KMS", "ENABLED"),
        "e-dsse": ("DSSE-KMS", "DISABLED"),
        "f-ssec": ("SSE-C", "DISABLED"),
        "g-multipart-kms": ("SSE-KMS", "ENABLED"),
        "h-copy-of-ssec": ("SSE-S3", "DISABLED"),
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s3 = cls.s3
        for b in ("src", "dst", "dst-kms"):
            s3.create_bucket(Bucket=b)
        cls.key_arn = kms(cls.server, "create-key").strip()
        key = os.urandom(32)
        s3.put_object(Bucket="src", Key="a-default", Body=b"a")
        s3.put_object(Bucket="src", Key="b-sse-s3", Body=b"b", ServerSideEncryption="AES256")
        s3.put_object(Bucket="src", Key="c-kms", Body=b"c", ServerSideEncryption="aws:kms",
                      SSEKMSKeyId=cls.key_arn)
        s3.put_object(Bucket="src", Key="d-kms-bucket-key", Body=b"d",
                      ServerSideEncryption="aws:kms", SSEKMSKeyId=cls.key_arn,
                      BucketKeyEnabled=True)
        s3.put_object(Bucket="src", Key="e-dsse", Body=b"e", ServerSideEncryption="aws:kms:dsse",
                      SSEKMSKeyId=cls.key_arn)
        s3.put_object(Bucket="src", Key="f-ssec", Body=b"f", **ssec(key))
        upload = s3.create_multipart_upload(Bucket="src", Key="g-multipart-kms",
                                            ServerSideEncryption="aws:kms", BucketKeyEnabled=True)
        part = s3.upload_part(Bucket="src", Key="g-multipart-kms", UploadId=upload["UploadId"],
                              PartNumber=1, Body=b"g")
        s3.complete_multipart_upload(Bucket="src", Key="g-multipart-kms",
                                     UploadId=upload["UploadId"],
                                     MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                 "ETag": part["ETag"]}]})
        s3.copy_object(Bucket="src", Key="h-copy-of-ssec",
                       CopySource={"Bucket": "src", "Key": "f-ssec"}, **ssec(key, "CopySource"))
        s3.put_bucket_versioning(Bucket="src", VersioningConfiguration={"Status": "Enabled"})
        s3.put_object(Bucket="src", Key="i-deleted", Body=b"i")
        s3.delete_object(Bucket="src", Key="i-deleted")
        # The KMS destination encrypts what lands in it by default.
        s3.put_bucket_encryption(Bucket="dst-kms", ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                              "KMSMasterKeyID": cls.key_arn},
                       "BucketKeyEnabled": True}]})

    def put_config(self, config_id, fmt, destination="dst", encryption=None):
        dest = {"Bucket": "arn:aws:s3:::" + destination, "Format": fmt}
        if encryption is not None:
            dest["Encryption"] = encryption
        self.s3.put_bucket_inventory_configuration(
            Bucket="src", Id=config_id, InventoryConfiguration={
                "Destination": {"S3BucketDestination": dest}, "IsEnabled": True, "Id": config_id,
                "IncludedObjectVersions": "All", "Schedule": {"Frequency": "Daily"},
                "OptionalFields": ALL_FIELDS})
        _, out, _ = run_now(self.server, "src", config_id)
        return manifest_key_from(out)

    def check_rows(self, rows, key_field, encryption_field, bucket_key_field, marker_field):
        seen = {}
        for row in rows:
            key = row[key_field]
            if row[marker_field] in (True, "true"):
                self.assertEqual(key, "i-deleted")
                self.assertIn(row[encryption_field], (None, ""))
                self.assertIn(row[bucket_key_field], (None, ""))
                continue
            seen[key] = (row[encryption_field], row[bucket_key_field])
        expected = dict(self.EXPECTED, **{"i-deleted": ("SSE-S3", "DISABLED")})
        self.assertEqual(seen, expected)

    def test_csv_report(self):
        manifest_key = self.put_config("csv", "CSV", encryption={"SSES3": {}})
        manifest, paths = fetch_report(self.s3, "dst", manifest_key)
        rows = read_csv_report(manifest, paths)
        self.check_rows(rows, "Key", "EncryptionStatus", "BucketKeyStatus", "IsDeleteMarker")
        # The report objects are encrypted as the configuration asks (SSE-S3).
        for key in [f["key"] for f in manifest["files"]] + [manifest_key]:
            self.assertEqual(self.s3.head_object(Bucket="dst", Key=key)["ServerSideEncryption"],
                             "AES256")

    def test_parquet_report_with_sse_kms_report_objects(self):
        manifest_key = self.put_config("parquet", "Parquet",
                                       encryption={"SSEKMS": {"KeyId": self.key_arn}})
        manifest, paths = fetch_report(self.s3, "dst", manifest_key)
        rows = duckdb("SELECT key, is_delete_marker, encryption_status, bucket_key_status "
                      "FROM read_parquet(%s)" % sql_list(paths))
        self.check_rows(rows, "key", "encryption_status", "bucket_key_status", "is_delete_marker")
        for key in [f["key"] for f in manifest["files"]] + [manifest_key]:
            head = self.s3.head_object(Bucket="dst", Key=key)
            self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"]),
                             ("aws:kms", self.key_arn), key)
        # The data files are encrypted on disk: their bytes appear in no blob file.
        with open(paths[0], "rb") as f:
            data = f.read()
        needle = data[len(data) // 2:len(data) // 2 + 32]
        for root, _, files in os.walk(os.path.join(self.server.data_dir, "blobs")):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    self.assertNotIn(needle, f.read())

    def test_report_objects_follow_the_destination_default(self):
        manifest_key = self.put_config("to-kms-bucket", "CSV", destination="dst-kms")
        manifest, _ = fetch_report(self.s3, "dst-kms", manifest_key)
        for key in [f["key"] for f in manifest["files"]] + [manifest_key]:
            head = self.s3.head_object(Bucket="dst-kms", Key=key)
            self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"],
                              head.get("BucketKeyEnabled")), ("aws:kms", self.key_arn, True))

    def test_report_with_an_unknown_kms_key_fails_with_a_reason(self):
        self.s3.put_bucket_inventory_configuration(
            Bucket="src", Id="bad-key", InventoryConfiguration={
                "Destination": {"S3BucketDestination": {
                    "Bucket": "arn:aws:s3:::dst", "Format": "CSV",
                    "Encryption": {"SSEKMS": {"KeyId": "arn:aws:kms:us-east-1:000000000000:key/"
                                                       "00000000-0000-4000-8000-000000000000"}}}},
                "IsEnabled": True, "Id": "bad-key", "IncludedObjectVersions": "Current",
                "Schedule": {"Frequency": "Daily"}})
        code, out, err = run_now(self.server, "src", "bad-key", expect_success=False)
        self.assertNotEqual(code, 0)
        self.assertIn("KMS key", out + err)


if __name__ == "__main__":
    unittest.main()
