"""Errors and bad input against the real server: the shape of every error (S3 XML with a
non-empty Message, Resource, RequestId, and x-amz-request-id), malformed XML, bad URIs and
authorization headers, oversized headers, truncated bodies and idle clients. Each must get its
AWS error or a closed connection, and change nothing."""

import os
import socket
import threading
import time
import unittest
import xml.etree.ElementTree as ET

import boto3
from botocore.config import Config

from harness import ACCESS_KEY, SECRET_KEY, ServerTestCase
from test_s3_auth import (S3Asserts, aws_chunked_length, aws_chunked_signed, send, sign,
                          signed)


def raw_exchange(port, data, read_timeout=30, shutdown_write=False):
    """Sends raw bytes on a fresh connection and returns everything read until the server closes
    it (or read_timeout passes). A reset by the server counts as a close."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    received = b""
    try:
        try:
            sock.sendall(data)
            if shutdown_write:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            except socket.timeout:
                received += b"<timeout>"
                break
            if not chunk:
                break
            received += chunk
    finally:
        sock.close()
    return received


def request_bytes(method, path, headers, body=b""):
    lines = ["%s %s HTTP/1.1" % (method, path)] + ["%s: %s" % kv for kv in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class ErrorTest(ServerTestCase, S3Asserts):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="errors")
        cls.s3.put_object(Bucket="errors", Key="keep", Body=b"original bytes")

    def tmp_files(self):
        return os.listdir(os.path.join(self.server.data_dir, "tmp"))

    def assertNoTmpFiles(self):
        # A refused upload leaves no temp file behind (the request is answered after cleanup;
        # poll briefly for connections closed mid-body, handled after the client saw the close).
        deadline = time.time() + 10
        while self.tmp_files() and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(self.tmp_files(), [])

    def assertKeepUnchanged(self):
        self.assertEqual(self.s3.get_object(Bucket="errors", Key="keep")["Body"].read(),
                         b"original bytes")

    def test_error_document_shape(self):
        status, headers, body = signed(self.server, "GET", "/errors/no/such%20key")
        root = self.assertRawError((status, headers, body), 404, "NoSuchKey")
        self.assertEqual(root.findtext("Key"), "no/such key")
        self.assertEqual(root.findtext("Resource"), "/errors/no/such key")
        self.assertTrue(body.startswith(b"<?xml"))
        root = self.assertRawError(signed(self.server, "GET", "/nosuchbucket", "list-type=2"),
                                   404, "NoSuchBucket")
        self.assertEqual(root.findtext("BucketName"), "nosuchbucket")
        self.assertEqual(root.findtext("Resource"), "/nosuchbucket")
        # Every request id is distinct.
        ids = {signed(self.server, "GET", "/errors/missing")[1]["x-amz-request-id"]
               for _ in range(20)}
        self.assertEqual(len(ids), 20)
        # Success responses carry one as well.
        status, headers, _ = signed(self.server, "GET", "/errors/keep")
        self.assertEqual(status, 200)
        self.assertTrue(headers["x-amz-request-id"])
        # HEAD errors: the status and the request id, no body.
        status, headers, body = signed(self.server, "HEAD", "/errors/missing")
        self.assertEqual((status, body), (404, b""))
        self.assertTrue(headers["x-amz-request-id"])

    def test_aws_cli_shows_error_messages(self):
        # The aws CLI crashes on an empty <Message>; it must print the code and message.
        rc, _, err = self.server.aws("s3api", "get-object", "--bucket", "errors", "--key",
                                     "missing", "/dev/null", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("NoSuchKey", err)
        self.assertIn("The specified key does not exist", err)
        rc, _, err = self.server.aws("s3api", "create-bucket", "--bucket", "Bad_Name",
                                     check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("InvalidBucketName", err)
        self.assertNotIn("Traceback", err)

    def test_malformed_xml_put_bucket_versioning(self):
        for body in [b"<VersioningConfiguration><Status>Enabled", b"not xml at all", b"",
                     b"<Other><Status>Enabled</Status></Other>",
                     b"<VersioningConfiguration><Status>Sometimes</Status>"
                     b"</VersioningConfiguration>"]:
            self.assertRawError(signed(self.server, "PUT", "/errors", "versioning", body=body),
                                400, "MalformedXML")
        self.assertNotIn("Status", self.s3.get_bucket_versioning(Bucket="errors"))

    def test_malformed_xml_put_object_tagging(self):
        self.s3.put_object_tagging(Bucket="errors", Key="keep",
                                   Tagging={"TagSet": [{"Key": "a", "Value": "1"}]})
        for body in [b"<Tagging><TagSet><Tag><Key>x</Key>", b"garbage", b"",
                     b"<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>",
                     b"<Tagging><TagSet><NotATag/></TagSet></Tagging>", b"<Tagging/>"]:
            self.assertRawError(signed(self.server, "PUT", "/errors/keep", "tagging", body=body),
                                400, "MalformedXML")
        self.assertEqual(self.s3.get_object_tagging(Bucket="errors", Key="keep")["TagSet"],
                         [{"Key": "a", "Value": "1"}])
        self.s3.delete_object_tagging(Bucket="errors", Key="keep")

    def test_malformed_xml_delete_objects(self):
        for body in [b"<Delete><Object><Key>keep</Key></Object>", b"{}", b"",
                     b"<Remove><Object><Key>keep</Key></Object></Remove>",
                     b"<Delete></Delete>"]:
            self.assertRawError(signed(self.server, "POST", "/errors", "delete", body=body), 400,
                                "MalformedXML")
        self.assertKeepUnchanged()

    def test_delete_objects_entry_without_key(self):
        body = b"<Delete><Object><VersionId>x</VersionId></Object></Delete>"
        self.assertRawError(signed(self.server, "POST", "/errors", "delete", body=body), 400,
                            "MalformedXML")
        self.assertKeepUnchanged()

    def test_invalid_version_id(self):
        # A version id that cannot exist is the client's error (400), not the server's (500).
        for method, query in [("GET", "versionId=garbage"), ("HEAD", "versionId=garbage"),
                              ("DELETE", "versionId=garbage"),
                              ("GET", "tagging&versionId=garbage"),
                              ("DELETE", "tagging&versionId=garbage")]:
            status, headers, body = signed(self.server, method, "/errors/keep", query)
            if method == "HEAD":
                self.assertEqual((status, body), (400, b""))
                continue
            root = self.assertRawError((status, headers, body), 400, "InvalidArgument")
            self.assertIn("version", root.findtext("Message").lower())
        resp = self.s3.delete_objects(Bucket="errors", Delete={"Objects": [
            {"Key": "keep", "VersionId": "garbage"}, {"Key": "missing"}]})
        self.assertEqual([e["Code"] for e in resp["Errors"]], ["InvalidArgument"])
        self.assertTrue(resp["Errors"][0]["Message"])
        self.assertEqual([d["Key"] for d in resp["Deleted"]], ["missing"])
        self.assertKeepUnchanged()

    def test_malformed_xml_too_large(self):
        body = b"<Tagging><TagSet>" + b" " * (2 << 20) + b"</TagSet></Tagging>"
        status, headers, resp = signed(self.server, "PUT", "/errors/keep", "tagging", body=body)
        self.assertEqual(status, 400, resp)
        self.assertIn(ET.fromstring(resp).findtext("Code"), ("MalformedXML", "EntityTooLarge"))

    def test_bad_uri(self):
        for path in ["/errors/bad%zzkey", "/errors/trunc%4", "/errors/k?a=%zz"]:
            p, _, q = path.partition("?")
            hdrs = sign(self.server, "GET", "/errors/keep")
            self.assertRawError(send(self.server, "GET", p, q, headers=hdrs), 400, "InvalidURI")

    def test_bad_authorization_headers(self):
        for auth in ["AWS4-HMAC-SHA256 garbage",
                     "AWS4-HMAC-SHA256 Credential=%s/20250101/us-east-1/s3/aws4_request" %
                     ACCESS_KEY,
                     "AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=00"]:
            hdrs = {"Authorization": auth, "x-amz-date": "20250101T000000Z",
                    "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
            status, headers, body = send(self.server, "GET", "/errors/keep", headers=hdrs)
            self.assertIn(status, (400, 403), body)
            root = self.assertRawError((status, headers, body), status,
                                       ET.fromstring(body).findtext("Code"))
            self.assertIn(root.findtext("Code"), ("AuthorizationHeaderMalformed", "AccessDenied",
                                                  "InvalidRequest", "InvalidArgument",
                                                  "SignatureDoesNotMatch"))
        # SigV2 is not supported: an error, never a crash or a 200.
        status, headers, body = send(self.server, "GET", "/errors/keep",
                                     headers={"Authorization": "AWS %s:c2lnbmF0dXJl" % ACCESS_KEY,
                                              "Date": "Thu, 01 Jan 2025 00:00:00 GMT"})
        self.assertIn(status, (400, 403, 501), body)
        self.assertTrue(ET.fromstring(body).findtext("Message"))
        # A credential scope naming another region.
        other = boto3.client("s3", endpoint_url=self.server.url, region_name="eu-west-1",
                             aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                             config=Config(s3={"addressing_style": "path"},
                                           retries={"max_attempts": 1}))
        err = self.assertClientErrorWithMessage(lambda: other.get_object(Bucket="errors",
                                                                         Key="keep"),
                                                "AuthorizationHeaderMalformed", 400)
        self.assertIn("us-east-1", err["Error"]["Message"])

    def test_oversized_header(self):
        for headers in [{"Host": "x", "X-Big": "a" * (70 * 1024)},
                        dict([("Host", "x")] + [("X-H%04d" % i, "v" * 100) for i in range(700)])]:
            data = request_bytes("GET", "/errors/keep", headers)
            received = raw_exchange(self.server.port, data)
            # An S3 error, or the connection simply closed: never a 200 or a hang.
            self.assertNotIn(b"<timeout>", received)
            if received:
                self.assertTrue(received.startswith(b"HTTP/1.1 400"), received[:200])
                self.assertIn(b"<Code>RequestHeaderSectionTooLarge</Code>", received)
        huge_target = "/errors/" + "k" * (70 * 1024)
        received = raw_exchange(self.server.port, request_bytes("GET", huge_target, {"Host": "x"}))
        self.assertNotIn(b"<timeout>", received)
        if received:
            self.assertRegex(received[:12], rb"HTTP/1.1 4\d\d")
        # The server is fine afterwards.
        self.assertKeepUnchanged()

    def test_invalid_http(self):
        for garbage in [b"\x00\x01\x02\x03\r\n\r\n", b"GET\r\n\r\n", b"HELLO WORLD\r\n\r\n",
                        b"GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                        b"PUT /errors/x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"
                        b"hello"]:
            received = raw_exchange(self.server.port, garbage)
            self.assertNotIn(b"<timeout>", received)
            self.assertNotIn(b" 200 ", received[:20])
        self.assertClientError(lambda: self.s3.head_object(Bucket="errors", Key="x"), "404", 404)
        self.assertKeepUnchanged()

    def test_truncated_body_stores_nothing(self):
        data = os.urandom(200_000)
        for key, payload_hash in [("trunc-signed", None), ("trunc-unsigned", "UNSIGNED-PAYLOAD"),
                                  ("keep", "UNSIGNED-PAYLOAD")]:
            path = "/errors/" + key
            hdrs = sign(self.server, "PUT", path, body=data, payload_hash=payload_hash,
                        headers={"Content-Length": str(len(data))})
            hdrs["Host"] = "127.0.0.1:%d" % self.server.port
            received = raw_exchange(self.server.port,
                                    request_bytes("PUT", path, hdrs, data[:120_000]),
                                    shutdown_write=True)
            # The server may answer 400 IncompleteBody or just close; never a 200.
            self.assertNotIn(b" 200 ", received[:20])
            self.assertNotIn(b"<timeout>", received)
            if key != "keep":
                self.assertClientError(lambda: self.s3.head_object(Bucket="errors", Key=key),
                                       "404", 404)
        self.assertKeepUnchanged()
        self.assertNoTmpFiles()

    def test_truncated_streaming_body_stores_nothing(self):
        data = os.urandom(100_000)
        path = "/errors/trunc-streaming"
        length = aws_chunked_length(len(data), 8192)
        hdrs = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data)),
                "Content-Length": str(length)}
        hdrs = sign(self.server, "PUT", path, headers=hdrs,
                    payload_hash="STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        body = aws_chunked_signed(hdrs, data, 8192)
        hdrs["Host"] = "127.0.0.1:%d" % self.server.port
        # Cut inside a chunk, and just before the final zero-size chunk.
        for cut in [50_000, len(body) - 90]:
            received = raw_exchange(self.server.port, request_bytes("PUT", path, hdrs, body[:cut]),
                                    shutdown_write=True)
            self.assertNotIn(b" 200 ", received[:20])
            self.assertClientError(lambda: self.s3.head_object(Bucket="errors",
                                                               Key="trunc-streaming"), "404", 404)
        # aws-chunked framing that claims fewer bytes than x-amz-decoded-content-length.
        short = aws_chunked_signed(hdrs, data[:1000], 8192)
        hdrs2 = dict(hdrs)
        hdrs2["Content-Length"] = str(len(short))
        status, _, resp = send(self.server, "PUT", path, body=short, headers=hdrs2)
        self.assertGreaterEqual(status, 400, resp)
        self.assertClientError(lambda: self.s3.head_object(Bucket="errors", Key="trunc-streaming"),
                               "404", 404)
        self.assertNoTmpFiles()

    def test_early_errors_reach_clients_that_send_bodies(self):
        # Errors found before the body is read (no bucket, key too long, metadata too large,
        # bad auth) leave the body unread. The client must still get the S3 error, not a reset
        # connection or an empty "400", and the connection after it must not be reused blindly.
        # Bodies below botocore's 1 MB Expect: 100-continue threshold are the hard case.
        bad_auth = self.server.client(secret_key="wrong")
        for size in [1000, 100_000, 600_000, 3_000_000]:
            body = os.urandom(size)
            for fn, code in [
                    (lambda: self.s3.put_object(Bucket="nope", Key="k", Body=body),
                     "NoSuchBucket"),
                    (lambda: self.s3.put_object(Bucket="errors", Key="k" * 1025, Body=body),
                     "KeyTooLongError"),
                    (lambda: self.s3.put_object(Bucket="errors", Key="k", Body=body,
                                                Metadata={"a": "x" * 3000}), "MetadataTooLarge"),
                    (lambda: bad_auth.put_object(Bucket="errors", Key="k", Body=body),
                     "SignatureDoesNotMatch")]:
                for _ in range(2):
                    err = self.assertClientError(fn, code, 404 if code == "NoSuchBucket"
                                                 else 403 if code == "SignatureDoesNotMatch"
                                                 else 400)
                    self.assertEqual(err["Error"]["Code"], code, (size, code))
        self.assertClientError(lambda: self.s3.head_object(Bucket="errors", Key="k"), "404", 404)
        # The raw exchange: Connection: close on the error, then an orderly close.
        hdrs = sign(self.server, "PUT", "/nope/k", body=b"x" * 200_000)
        status, headers, body = send(self.server, "PUT", "/nope/k", body=b"x" * 200_000,
                                     headers=hdrs)
        self.assertRawError((status, headers, body), 404, "NoSuchBucket")
        self.assertEqual(headers.get("connection"), "close")
        self.assertKeepUnchanged()

    @unittest.skipUnless(os.environ.get("STOCKTAKE_SLOW_TESTS"), "takes the 60 s idle timeout")
    def test_idle_connection_is_closed_after_idle_timeout(self):
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=200)
        started = time.time()
        try:
            self.assertEqual(sock.recv(100), b"")
        except ConnectionResetError:
            pass
        finally:
            sock.close()
        self.assertLess(time.time() - started, 150)

    def test_missing_content_length(self):
        hdrs = sign(self.server, "PUT", "/errors/no-length", payload_hash="UNSIGNED-PAYLOAD")
        hdrs["Host"] = "127.0.0.1:%d" % self.server.port
        hdrs["Connection"] = "close"
        received = raw_exchange(self.server.port, request_bytes("PUT", "/errors/no-length", hdrs),
                                read_timeout=10)
        self.assertTrue(received.startswith(b"HTTP/1.1 411"), received[:300])
        self.assertIn(b"<Code>MissingContentLength</Code>", received)
        self.assertClientError(lambda: self.s3.head_object(Bucket="errors", Key="no-length"),
                               "404", 404)

    def test_idle_and_slow_clients_do_not_block_others(self):
        idle = []
        try:
            for i in range(20):
                s = socket.create_connection(("127.0.0.1", self.server.port))
                if i % 2:
                    s.sendall(b"GET /errors/keep HTTP/1.1\r\nHo")  # half a header
                idle.append(s)
            # A client that sent its headers and only part of the body.
            hdrs = sign(self.server, "PUT", "/errors/slow", payload_hash="UNSIGNED-PAYLOAD",
                        headers={"Content-Length": "1000"})
            hdrs["Host"] = "127.0.0.1:%d" % self.server.port
            s = socket.create_connection(("127.0.0.1", self.server.port))
            s.sendall(request_bytes("PUT", "/errors/slow", hdrs, b"x" * 10))
            idle.append(s)
            started = time.time()
            errors = []

            def work(i):
                try:
                    client = self.server.client()
                    client.put_object(Bucket="errors", Key="busy-%d" % i, Body=b"b" * i)
                    got = client.get_object(Bucket="errors", Key="busy-%d" % i)["Body"].read()
                    if got != b"b" * i:
                        errors.append(i)
                except Exception as e:  # noqa: BLE001 - collected and reported below
                    errors.append(e)

            threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            self.assertEqual(errors, [])
            self.assertLess(time.time() - started, 30)
            self.assertClientError(lambda: self.s3.head_object(Bucket="errors", Key="slow"),
                                   "404", 404)
        finally:
            for s in idle:
                s.close()
        for i in range(8):
            self.s3.delete_object(Bucket="errors", Key="busy-%d" % i)


if __name__ == "__main__":
    unittest.main()
