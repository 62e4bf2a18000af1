"""Storage classes against the real server with boto3, raw requests and the aws CLI (issue 6):
every class accepted on PUT, COPY and multipart and shown by HEAD and the listings; GLACIER and
DEEP_ARCHIVE data unreadable (InvalidObjectState) until a RestoreObject completes, x-amz-restore
on HEAD; an in-progress restore (failpoint delay) answers RestoreAlreadyInProgress."""

import datetime
import email.utils
import time
import unittest

from harness import Server, ServerTestCase
from test_s3_auth import S3Asserts, signed

CLASSES = ["STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
           "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"]


class StorageClassTest(ServerTestCase, S3Asserts):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="classes")

    def test_every_class_on_put_head_and_list(self):
        s3 = self.s3
        for sc in CLASSES:
            s3.put_object(Bucket="classes", Key="put/" + sc, Body=b"x", StorageClass=sc)
            head = s3.head_object(Bucket="classes", Key="put/" + sc)
            # AWS omits the header for STANDARD.
            self.assertEqual(head.get("StorageClass", "STANDARD"), sc)
        listed = {o["Key"]: o["StorageClass"] for o in
                  s3.list_objects_v2(Bucket="classes", Prefix="put/")["Contents"]}
        self.assertEqual(listed, {"put/" + sc: sc for sc in CLASSES})
        versions = {v["Key"]: v["StorageClass"] for v in
                    s3.list_object_versions(Bucket="classes", Prefix="put/")["Versions"]}
        self.assertEqual(versions, listed)
        out = self.server.aws_json("s3api", "list-objects", "--bucket", "classes", "--prefix",
                                   "put/GLACIER")
        self.assertEqual([o["StorageClass"] for o in out["Contents"]], ["GLACIER", "GLACIER_IR"])
        self.assertRawError(signed(self.server, "PUT", "/classes/bad", body=b"x",
                                   headers={"x-amz-storage-class": "COLD"}), 400,
                            "InvalidArgument")

    def test_copy_and_multipart_take_the_requested_class(self):
        s3 = self.s3
        s3.put_object(Bucket="classes", Key="c/src", Body=b"source", StorageClass="STANDARD_IA")
        s3.copy_object(Bucket="classes", Key="c/dst", CopySource="classes/c/src")
        self.assertNotIn("StorageClass", s3.head_object(Bucket="classes", Key="c/dst"))
        s3.copy_object(Bucket="classes", Key="c/dst", CopySource="classes/c/src",
                       StorageClass="ONEZONE_IA")
        self.assertEqual(s3.head_object(Bucket="classes", Key="c/dst")["StorageClass"],
                         "ONEZONE_IA")
        # Changing an object's class in place is a copy onto itself.
        s3.copy_object(Bucket="classes", Key="c/src", CopySource="classes/c/src",
                       StorageClass="GLACIER_IR")
        self.assertEqual(s3.head_object(Bucket="classes", Key="c/src")["StorageClass"],
                         "GLACIER_IR")
        upload = s3.create_multipart_upload(Bucket="classes", Key="c/mp",
                                            StorageClass="DEEP_ARCHIVE")
        uploads = s3.list_multipart_uploads(Bucket="classes")["Uploads"]
        self.assertIn(("c/mp", "DEEP_ARCHIVE"), [(u["Key"], u["StorageClass"]) for u in uploads])
        part = s3.upload_part(Bucket="classes", Key="c/mp", UploadId=upload["UploadId"],
                              PartNumber=1, Body=b"m" * 10)
        s3.complete_multipart_upload(Bucket="classes", Key="c/mp", UploadId=upload["UploadId"],
                                     MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                 "ETag": part["ETag"]}]})
        self.assertEqual(s3.head_object(Bucket="classes", Key="c/mp")["StorageClass"],
                         "DEEP_ARCHIVE")
        self.server.aws("s3", "cp", "s3://classes/c/dst", "s3://classes/c/cli",
                        "--storage-class", "INTELLIGENT_TIERING")
        self.assertEqual(s3.head_object(Bucket="classes", Key="c/cli")["StorageClass"],
                         "INTELLIGENT_TIERING")

    def test_archived_objects_need_a_restore(self):
        s3 = self.s3
        for sc in ("GLACIER", "DEEP_ARCHIVE"):
            key = "archive/" + sc
            s3.put_object(Bucket="classes", Key=key, Body=b"cold data", StorageClass=sc)
            err = self.assertClientError(lambda: s3.get_object(Bucket="classes", Key=key),
                                         "InvalidObjectState", 403)
            self.assertEqual(err["Error"]["Message"],
                             "The operation is not valid for the object's storage class")
            # HEAD works, without x-amz-restore before any restore.
            head = s3.head_object(Bucket="classes", Key=key)
            self.assertEqual(head["StorageClass"], sc)
            self.assertNotIn("Restore", head)
            # Copying an archived object needs a restore too.
            self.assertClientError(lambda: s3.copy_object(Bucket="classes", Key=key + "-copy",
                                                          CopySource="classes/" + key),
                                   "InvalidObjectState", 403)
            before = datetime.datetime.now(datetime.timezone.utc)
            resp = s3.restore_object(Bucket="classes", Key=key, RestoreRequest={
                "Days": 2, "GlacierJobParameters": {"Tier": "Standard"}})
            self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 202)
            head = s3.head_object(Bucket="classes", Key=key)
            self.assertTrue(head["Restore"].startswith('ongoing-request="false", expiry-date="'),
                            head["Restore"])
            expiry = email.utils.parsedate_to_datetime(head["Restore"].split('expiry-date="')[1]
                                                       .rstrip('"'))
            # Two days after completion, rounded up to the next midnight UTC.
            self.assertEqual((expiry.hour, expiry.minute, expiry.second), (0, 0, 0))
            self.assertGreater(expiry, before + datetime.timedelta(days=2))
            self.assertLessEqual(expiry, before + datetime.timedelta(days=3))
            self.assertEqual(s3.get_object(Bucket="classes", Key=key)["Body"].read(),
                             b"cold data")
            # The storage class does not change; a second restore only moves the expiry: 200.
            self.assertEqual(s3.head_object(Bucket="classes", Key=key)["StorageClass"], sc)
            resp = s3.restore_object(Bucket="classes", Key=key, RestoreRequest={"Days": 5})
            self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
            s3.copy_object(Bucket="classes", Key=key + "-copy", CopySource="classes/" + key)
            self.assertNotIn("StorageClass", s3.head_object(Bucket="classes", Key=key + "-copy"))
        # The CLI's restore-object works too.
        s3.put_object(Bucket="classes", Key="archive/cli", Body=b"z", StorageClass="GLACIER")
        self.server.aws("s3api", "restore-object", "--bucket", "classes", "--key", "archive/cli",
                        "--restore-request", '{"Days": 1}')
        self.assertEqual(s3.get_object(Bucket="classes", Key="archive/cli")["Body"].read(), b"z")

    def test_restore_errors(self):
        s3 = self.s3
        s3.put_object(Bucket="classes", Key="r/standard", Body=b"x")
        err = self.assertClientError(lambda: s3.restore_object(
            Bucket="classes", Key="r/standard", RestoreRequest={"Days": 1}),
            "InvalidObjectState", 403)
        self.assertTrue(err["Error"]["Message"])
        s3.put_object(Bucket="classes", Key="r/glacier", Body=b"x", StorageClass="GLACIER")
        self.assertRawError(signed(self.server, "POST", "/classes/r/glacier", "restore",
                                   b"<RestoreRequest><Days>0</Days></RestoreRequest>"), 400,
                            "MalformedXML")
        self.assertRawError(signed(self.server, "POST", "/classes/r/glacier", "restore",
                                   b"<RestoreRequest><Days>1</Days><GlacierJobParameters><Tier>"
                                   b"Fast</Tier></GlacierJobParameters></RestoreRequest>"), 400,
                            "MalformedXML")
        self.assertClientError(lambda: s3.restore_object(Bucket="classes", Key="r/none",
                                                         RestoreRequest={"Days": 1}),
                               "NoSuchKey", 404)


class RestoreInProgressTest(unittest.TestCase, S3Asserts):
    """With STOCKTAKE_FAILPOINT_RESTORE_DELAY_MS, a restore stays in progress for a while."""

    def test_ongoing_restore(self):
        server = Server(env={"STOCKTAKE_FAILPOINT_RESTORE_DELAY_MS": "2500"}).start()
        try:
            s3 = server.client()
            s3.create_bucket(Bucket="slow")
            s3.put_object(Bucket="slow", Key="k", Body=b"later", StorageClass="DEEP_ARCHIVE")
            resp = s3.restore_object(Bucket="slow", Key="k", RestoreRequest={"Days": 1})
            self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 202)
            self.assertEqual(s3.head_object(Bucket="slow", Key="k")["Restore"],
                             'ongoing-request="true"')
            self.assertClientError(lambda: s3.get_object(Bucket="slow", Key="k"),
                                   "InvalidObjectState", 403)
            err = self.assertClientError(lambda: s3.restore_object(
                Bucket="slow", Key="k", RestoreRequest={"Days": 1}),
                "RestoreAlreadyInProgress", 409)
            self.assertEqual(err["Error"]["Message"], "Object restore is already in progress")
            time.sleep(3)
            self.assertIn('ongoing-request="false"', s3.head_object(Bucket="slow", Key="k")
                          ["Restore"])
            self.assertEqual(s3.get_object(Bucket="slow", Key="k")["Body"].read(), b"later")
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
