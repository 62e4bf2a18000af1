"""Faults below the store (issue 10): a full disk (the data dir on a small tmpfs) and failing blob
writes (short write, failing fsync; failpoint STOCKTAKE_FAILPOINT_BLOB_FAULT). The request fails
with an S3 5xx error, nothing acknowledged is lost, reads keep working, nothing half-written is
visible or left behind, and writes succeed again once the fault is gone."""

import hashlib
import os
import shutil
import subprocess
import tempfile
import unittest

from botocore.exceptions import ClientError

from harness import Server, binary

MIB = 1024 * 1024


def md5(data):
    return hashlib.md5(data).hexdigest()


def fsck(data_dir):
    proc = subprocess.run([binary(), "admin", "fsck", "--data-dir", data_dir],
                          capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr


class FaultTestCase(unittest.TestCase):
    def assert5xx(self, fn, codes=("InternalError", "ServiceUnavailable")):
        with self.assertRaises(ClientError) as ctx:
            fn()
        err = ctx.exception.response
        self.assertIn(err["Error"]["Code"], codes, err)
        self.assertGreaterEqual(err["ResponseMetadata"]["HTTPStatusCode"], 500, err)
        return err

    def assertAllReadable(self, s3, bucket, ledger):
        for key, digest in ledger.items():
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            self.assertEqual(md5(body), digest, key)

    def assertAbsent(self, s3, bucket, key):
        with self.assertRaises(ClientError) as ctx:
            s3.head_object(Bucket=bucket, Key=key)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)


class BlobFaultTest(FaultTestCase):
    """The failpoint names a control file; its content switches the fault on a running server."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="stocktake-fault-")
        self.data_dir = os.path.join(self.root, "data")
        os.makedirs(self.data_dir)
        self.control = os.path.join(self.root, "fault")
        self.server = Server(data_dir=self.data_dir,
                             env={"STOCKTAKE_FAILPOINT_BLOB_FAULT": self.control}).start()
        self.s3 = self.server.client()

    def tearDown(self):
        self.server.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def set_fault(self, fault):
        if fault is None:
            os.unlink(self.control)
        else:
            with open(self.control, "w") as f:
                f.write(fault + "\n")

    def test_short_write_and_failing_fsync(self):
        s3 = self.s3
        s3.create_bucket(Bucket="faults")
        ledger = {}
        for i, size in enumerate([10, 300_000, 2 * MIB]):
            data = os.urandom(size)
            s3.put_object(Bucket="faults", Key="ok-%d" % i, Body=data)
            ledger["ok-%d" % i] = md5(data)
        upload = s3.create_multipart_upload(Bucket="faults", Key="mp")["UploadId"]
        part1 = os.urandom(5 * MIB)
        etag1 = s3.upload_part(Bucket="faults", Key="mp", UploadId=upload, PartNumber=1,
                               Body=part1)["ETag"]

        for fault in ("write", "fsync"):
            with self.subTest(fault=fault):
                self.set_fault(fault)
                for size in (1, 200_000, 3 * MIB):
                    key = "bad-%s-%d" % (fault, size)
                    err = self.assert5xx(lambda: s3.put_object(Bucket="faults", Key=key,
                                                               Body=os.urandom(size)),
                                         codes=("InternalError",))
                    self.assertTrue(err["Error"].get("Message"), err)
                    self.assertAbsent(s3, "faults", key)
                # An overwrite that fails leaves the old bytes.
                self.assert5xx(lambda: s3.put_object(Bucket="faults", Key="ok-1", Body=b"new"),
                               codes=("InternalError",))
                # Parts and copies write blobs too.
                self.assert5xx(lambda: s3.upload_part(Bucket="faults", Key="mp", UploadId=upload,
                                                      PartNumber=2, Body=b"tail"),
                               codes=("InternalError",))
                self.assert5xx(lambda: s3.copy_object(Bucket="faults", Key="copy",
                                                      CopySource={"Bucket": "faults",
                                                                  "Key": "ok-2"}),
                               codes=("InternalError",))
                self.assertAbsent(s3, "faults", "copy")
                # Reads and listings keep working.
                self.assertAllReadable(s3, "faults", ledger)
                listed = [o["Key"] for o in
                          s3.list_objects_v2(Bucket="faults").get("Contents", [])]
                self.assertEqual(sorted(listed), sorted(ledger))
                self.assertEqual(os.listdir(os.path.join(self.data_dir, "tmp")), [],
                                 "a failed write left its temp file")
                self.set_fault(None)

        # Healthy again: writes succeed, the upload completes with its surviving part.
        data = os.urandom(100_000)
        s3.put_object(Bucket="faults", Key="after", Body=data)
        ledger["after"] = md5(data)
        part2 = b"tail"
        etag2 = s3.upload_part(Bucket="faults", Key="mp", UploadId=upload, PartNumber=2,
                               Body=part2)["ETag"]
        s3.complete_multipart_upload(Bucket="faults", Key="mp", UploadId=upload,
                                     MultipartUpload={"Parts": [
                                         {"PartNumber": 1, "ETag": etag1},
                                         {"PartNumber": 2, "ETag": etag2}]})
        ledger["mp"] = md5(part1 + part2)
        self.assertAllReadable(s3, "faults", ledger)
        # Nothing leaked: after a clean stop metadata and blob files agree exactly.
        self.server.stop()
        code, out = fsck(self.data_dir)
        self.assertEqual(code, 0, out)
        self.assertIn("blob_files %d\n" % (len(ledger) - 1 + 2), out)  # mp has two part blobs


class FullDiskTest(FaultTestCase):
    """The data dir on a 64 MiB tmpfs (needs root or CAP_SYS_ADMIN to mount)."""

    SIZE_MIB = 64

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="stocktake-full-")
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm" % self.SIZE_MIB, "tmpfs",
                               self.root], capture_output=True, text=True)
        if proc.returncode != 0:
            shutil.rmtree(self.root, ignore_errors=True)
            self.skipTest("cannot mount a tmpfs (needs root/CAP_SYS_ADMIN): " +
                          proc.stderr.strip())
        self.data_dir = os.path.join(self.root, "data")
        os.makedirs(self.data_dir)
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.kill()
        subprocess.run(["umount", "-l", self.root], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def fill(self, s3, ledger, prefix):
        """PUTs 1 MiB objects until one fails; returns the failure's S3 error."""
        for i in range(4 * self.SIZE_MIB):
            key = "%s-%04d" % (prefix, i)
            data = os.urandom(MIB)
            try:
                s3.put_object(Bucket="full", Key=key, Body=data)
            except ClientError as e:
                self.assertGreaterEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 500,
                                        e.response)
                self.assertIn(e.response["Error"]["Code"],
                              ("InternalError", "ServiceUnavailable"), e.response)
                self.assertAbsent(s3, "full", key)
                return e.response
            ledger[key] = md5(data)
        self.fail("the disk never filled up")

    def test_full_disk_fails_writes_then_recovers(self):
        self.server = Server(data_dir=self.data_dir).start()
        s3 = self.server.client()
        s3.create_bucket(Bucket="full")
        ledger = {}
        first = self.fill(s3, ledger, "a")
        self.assertGreater(len(ledger), 10, "the disk filled up too early")
        # More failures are clean too (small writes may still fit: both outcomes are fine).
        self.assert5xx(lambda: s3.put_object(Bucket="full", Key="big", Body=os.urandom(4 * MIB)))
        self.assertAbsent(s3, "full", "big")
        # Tiny writes until the last pages are gone too: metadata (RocksDB's WAL) then fails as
        # well, which must not wedge the store once space returns.
        for i in range(3000):
            try:
                s3.put_object(Bucket="full", Key="tiny-%04d" % i, Body=b"t%d" % i)
            except ClientError as e:
                self.assertGreaterEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 500)
                break
            ledger["tiny-%04d" % i] = md5(b"t%d" % i)
        # Reads keep being served.
        self.assertAllReadable(s3, "full", ledger)
        listed = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket="full"):
            listed += [o["Key"] for o in page.get("Contents", [])]
        self.assertEqual(sorted(listed), sorted(ledger))
        # Space returns: deleting half the objects makes writes succeed again.
        for key in sorted(ledger)[::2]:
            s3.delete_object(Bucket="full", Key=key)
            del ledger[key]
        for i in range(5):
            data = os.urandom(MIB)
            s3.put_object(Bucket="full", Key="b-%d" % i, Body=data)
            ledger["b-%d" % i] = md5(data)
        self.assertAllReadable(s3, "full", ledger)
        # Fill again, then restart on the full disk: everything acknowledged is still there.
        second = self.fill(s3, ledger, "c")
        self.server.stop()
        code, out = fsck(self.data_dir)
        self.assertIn(code, (0, 7), out)  # 7: only crash leftovers
        self.server = Server(data_dir=self.data_dir).start()
        s3 = self.server.client()
        self.assertAllReadable(s3, "full", ledger)
        print("%d objects acknowledged; full-disk errors: %s, %s"
              % (len(ledger), first["Error"]["Code"], second["Error"]["Code"]))


if __name__ == "__main__":
    unittest.main()
