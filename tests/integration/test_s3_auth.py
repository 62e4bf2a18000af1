"""Authentication and payload integrity against the real server: SigV4 header and presigned
forms, wrong keys and secrets, anonymous access, clock skew, flexible checksums, Content-MD5,
signed aws-chunked streaming (every chunk signature verified) and botocore's unsigned-trailer
streaming.

The helpers at the top (raw signed requests, error-document checks, checksum functions) are
imported by the other test_s3_* files; import only functions from here, never TestCase classes,
or unittest would run them twice."""

import base64
import datetime
import hashlib
import hmac
import http.client
import os
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET
import zlib
from unittest import mock

import botocore.auth
import urllib3
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from harness import ACCESS_KEY, REGION, SECRET_KEY, ServerTestCase

# ---- Helpers shared by the test_s3_* files ------------------------------------------------------

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


class _Signer(S3SigV4Auth):
    """botocore's S3 SigV4 signer with a chosen x-amz-content-sha256 value (streaming modes)."""

    def __init__(self, credentials, payload_hash):
        super().__init__(credentials, "s3", REGION)
        self._payload_hash = payload_hash

    def payload(self, request):
        return self._payload_hash or super().payload(request)


def sign(server, method, path, query="", body=b"", headers=None, access_key=ACCESS_KEY,
         secret_key=SECRET_KEY, when=None, payload_hash=None):
    """Headers of a SigV4-signed request (path and query already percent-encoded).

    `when` (a datetime in UTC) signs at another time (clock skew); `payload_hash` replaces the
    SHA-256 of the body (UNSIGNED-PAYLOAD, STREAMING-...). A 'Host' in headers is signed as is."""
    url = server.url + path + ("?" + query if query else "")
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    signer = _Signer(Credentials(access_key, secret_key), payload_hash)
    if when is None:
        signer.add_auth(request)
    else:
        with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
            signer.add_auth(request)
    return dict(request.headers.items())


def send(server, method, path, query="", body=b"", headers=None, timeout=60):
    """Sends one request as given (no signing); returns (status, headers lower-cased, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        target = path + ("?" + query if query else "")
        hdrs = dict(headers or {})
        if method in ("PUT", "POST") and not any(k.lower() == "content-length" for k in hdrs):
            hdrs["Content-Length"] = str(len(body))
        conn.request(method, target, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


def signed(server, method, path, query="", body=b"", headers=None, **kwargs):
    """Signs (see sign()) and sends a request; returns (status, headers, body)."""
    hdrs = sign(server, method, path, query, body, headers, **kwargs)
    return send(server, method, path, query, body, hdrs)


def error_code(body):
    """The <Code> of an S3 error document."""
    return ET.fromstring(body).findtext("Code")


class S3Asserts:
    """Assertions on raw responses, mixed into TestCases."""

    def assertRawError(self, response, status, code):
        """An S3 XML error with the status and code, a non-empty message and request ids."""
        got_status, headers, body = response
        self.assertEqual(got_status, status, body[:500])
        self.assertTrue(headers.get("x-amz-request-id"), headers)
        self.assertIn("xml", headers.get("content-type", ""))
        root = ET.fromstring(body)
        self.assertEqual(root.tag, "Error")
        self.assertEqual(root.findtext("Code"), code, body[:500])
        self.assertTrue((root.findtext("Message") or "").strip(), body[:500])
        self.assertTrue(root.findtext("RequestId"), body[:500])
        self.assertEqual(root.findtext("RequestId"), headers["x-amz-request-id"])
        return root

    def assertClientError(self, fn, code, status):
        """A boto3 call fails with the S3 error code and status, a message and a request id."""
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as ctx:
            fn()
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        self.assertTrue(err["ResponseMetadata"]["HTTPHeaders"].get("x-amz-request-id"), err)
        self.assertTrue(err["ResponseMetadata"].get("RequestId"), err)
        return err

    def assertClientErrorWithMessage(self, fn, code, status):
        """As assertClientError, for responses with a body: the message must be non-empty."""
        err = self.assertClientError(fn, code, status)
        self.assertTrue(err["Error"].get("Message", "").strip(), err)
        return err


def crc32c(data):
    """CRC-32C (Castagnoli), reflected, as S3's x-amz-checksum-crc32c (no awscrt here)."""
    table = _crc_table(0x82F63B78, 32)
    crc = 0xFFFFFFFF
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def crc64nvme(data):
    """CRC-64/NVME, reflected, as S3's x-amz-checksum-crc64nvme."""
    table = _crc_table(0x9A6C9329AC4BC9B5, 64)
    mask = (1 << 64) - 1
    crc = mask
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ mask


_CRC_TABLES = {}


def _crc_table(poly, bits):
    if (poly, bits) not in _CRC_TABLES:
        table = []
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ poly if c & 1 else c >> 1
            table.append(c)
        _CRC_TABLES[(poly, bits)] = table
    return _CRC_TABLES[(poly, bits)]


def checksum_b64(algorithm, data):
    """The base64 x-amz-checksum-<algorithm> value of data, computed independently."""
    if algorithm == "CRC32":
        raw = zlib.crc32(data).to_bytes(4, "big")
    elif algorithm == "CRC32C":
        raw = crc32c(data).to_bytes(4, "big")
    elif algorithm == "CRC64NVME":
        raw = crc64nvme(data).to_bytes(8, "big")
    elif algorithm == "SHA1":
        raw = hashlib.sha1(data).digest()
    elif algorithm == "SHA256":
        raw = hashlib.sha256(data).digest()
    else:
        raise ValueError(algorithm)
    return base64.b64encode(raw).decode()


def force_trailer_checksums(client):
    """Makes botocore send its https default over plain http: aws-chunked with an unsigned
    payload and the checksum in a trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER)."""

    def to_trailer(params, **kwargs):
        algorithm = params["context"].get("checksum", {}).get("request_algorithm")
        if isinstance(algorithm, dict):
            algorithm["in"] = "trailer"

    client.meta.events.register("before-call.s3.PutObject", to_trailer)
    client.meta.events.register("before-call.s3.UploadPart", to_trailer)
    return client


def _hmac(key, msg):
    return hmac.new(key, msg.encode() if isinstance(msg, str) else msg, hashlib.sha256).digest()


def signing_key(secret_key, date):
    k = _hmac(("AWS4" + secret_key).encode(), date)
    k = _hmac(k, REGION)
    k = _hmac(k, "s3")
    return _hmac(k, "aws4_request")


def aws_chunked_signed(headers, data, chunk_size, secret_key=SECRET_KEY, corrupt_chunk=None,
                       corrupt_data_chunk=None):
    """The body of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD request, following AWS's "Signature
    calculations for the Authorization header: transferring payload in multiple chunks": each
    chunk is `hex(size);chunk-signature=SIG\\r\\nDATA\\r\\n`, SIG chaining from the seed
    signature of the Authorization header, ending with a zero-size chunk.

    corrupt_chunk=i flips a hex digit of chunk i's signature; corrupt_data_chunk=i flips a byte
    of chunk i's data after signing it."""
    auth = headers["Authorization"]
    seed = auth.rsplit("Signature=", 1)[1]
    timestamp = headers["X-Amz-Date"]
    scope = "%s/%s/s3/aws4_request" % (timestamp[:8], REGION)
    key = signing_key(secret_key, timestamp[:8])
    chunks = [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]
    previous = seed
    out = []
    for i, chunk in enumerate(chunks):
        string_to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", timestamp, scope, previous,
                                    EMPTY_SHA256, hashlib.sha256(chunk).hexdigest()])
        sig = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        previous = sig
        if i == corrupt_chunk:
            sig = ("0" if sig[0] != "0" else "1") + sig[1:]
        if i == corrupt_data_chunk and chunk:
            chunk = bytes([chunk[0] ^ 0xFF]) + chunk[1:]
        out.append(b"%x;chunk-signature=%s\r\n%s\r\n" % (len(chunk), sig.encode(), chunk))
    return b"".join(out)


def aws_chunked_length(data_length, chunk_size):
    """Content-Length of the aws-chunked encoding of data_length bytes (64-hex signatures)."""
    total = 0
    sizes = [chunk_size] * (data_length // chunk_size)
    if data_length % chunk_size:
        sizes.append(data_length % chunk_size)
    for size in sizes + [0]:
        total += len("%x" % size) + len(";chunk-signature=") + 64 + 2 + size + 2
    return total


def streaming_put(server, bucket, key, data, chunk_size=64 * 1024, **corrupt):
    """PUT with STREAMING-AWS4-HMAC-SHA256-PAYLOAD; returns (status, headers, body)."""
    path = "/%s/%s" % (bucket, urllib.parse.quote(key))
    length = aws_chunked_length(len(data), chunk_size)
    headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data)),
               "Content-Length": str(length)}
    headers = sign(server, "PUT", path, headers=headers,
                   payload_hash="STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
    body = aws_chunked_signed(headers, data, chunk_size, **corrupt)
    assert len(body) == length
    return send(server, "PUT", path, body=body, headers=headers)


# ---- Tests ---------------------------------------------------------------------------------------


class AuthTest(ServerTestCase, S3Asserts):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="auth")
        cls.s3.put_object(Bucket="auth", Key="hello.txt", Body=b"hello, world\n")
        # boto3 presigns with SigV2 unless told otherwise (see test_presigned_sigv2_default).
        cls.presigner = cls.server.client(signature_version="s3v4")

    def test_wrong_secret_is_signature_does_not_match(self):
        bad = self.server.client(secret_key="not-the-secret")
        self.assertClientErrorWithMessage(lambda: bad.list_buckets(), "SignatureDoesNotMatch",
                                          403)
        self.assertClientErrorWithMessage(lambda: bad.get_object(Bucket="auth", Key="hello.txt"),
                                          "SignatureDoesNotMatch", 403)
        self.assertRawError(signed(self.server, "GET", "/auth/hello.txt", secret_key="wrong"),
                            403, "SignatureDoesNotMatch")

    def test_unknown_key_is_invalid_access_key_id(self):
        bad = self.server.client(access_key="AKIDOESNOTEXIST00000")
        self.assertClientErrorWithMessage(lambda: bad.list_buckets(), "InvalidAccessKeyId", 403)
        self.assertRawError(
            signed(self.server, "PUT", "/auth/x", body=b"x", access_key="AKIDOESNOTEXIST00000"),
            403, "InvalidAccessKeyId")
        self.assertClientError(lambda: self.s3.head_object(Bucket="auth", Key="x"), "404", 404)

    def test_anonymous_is_access_denied(self):
        for method, path in [("GET", "/auth/hello.txt"), ("GET", "/auth"), ("GET", "/"),
                             ("PUT", "/auth/anon"), ("DELETE", "/auth/hello.txt")]:
            self.assertRawError(send(self.server, method, path), 403, "AccessDenied")
        status, headers, body = send(self.server, "HEAD", "/auth/hello.txt")
        self.assertEqual(status, 403)
        self.assertTrue(headers.get("x-amz-request-id"))
        self.assertEqual(self.s3.get_object(Bucket="auth", Key="hello.txt")["Body"].read(),
                         b"hello, world\n")

    def test_presigned_get_with_plain_http_client(self):
        url = self.presigner.generate_presigned_url(
            "get_object", Params={"Bucket": "auth", "Key": "hello.txt"}, ExpiresIn=600)
        self.assertIn("X-Amz-Signature=", url)
        http_pool = urllib3.PoolManager()
        resp = http_pool.request("GET", url)
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.data, b"hello, world\n")
        self.assertTrue(resp.headers.get("x-amz-request-id"))
        # response-* overrides are part of the signed query.
        url = self.presigner.generate_presigned_url(
            "get_object", Params={"Bucket": "auth", "Key": "hello.txt",
                                  "ResponseContentType": "text/plain",
                                  "ResponseContentDisposition": "attachment; filename=h.txt"},
            ExpiresIn=600)
        resp = http_pool.request("GET", url)
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.headers["Content-Type"], "text/plain")
        self.assertEqual(resp.headers["Content-Disposition"], "attachment; filename=h.txt")

    # boto3's generate_presigned_url and `aws s3 presign` (aws CLI v1) produce SigV2 query URLs
    # (AWSAccessKeyId, Signature, Expires) by default, also for endpoints other than AWS.
    def test_presigned_sigv2_default_of_boto3_and_cli(self):
        url = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": "auth", "Key": "hello.txt"}, ExpiresIn=600)
        self.assertIn("Signature=", url)
        _, cli_url, _ = self.server.aws("s3", "presign", "s3://auth/hello.txt")
        for u in [url, cli_url.strip()]:
            resp = urllib3.PoolManager().request("GET", u)
            self.assertEqual(resp.status, 200, resp.data)
            self.assertEqual(resp.data, b"hello, world\n")
        tampered = url.replace("hello.txt", "hello.txt2")
        resp = urllib3.PoolManager().request("GET", tampered)
        self.assertEqual(resp.status, 403)
        self.assertIn(b"SignatureDoesNotMatch", resp.data)

    def test_presigned_put(self):
        url = self.presigner.generate_presigned_url(
            "put_object", Params={"Bucket": "auth", "Key": "presigned-put"}, ExpiresIn=600)
        resp = urllib3.PoolManager().request("PUT", url, body=b"via presigned PUT")
        self.assertEqual(resp.status, 200, resp.data)
        self.assertEqual(self.s3.get_object(Bucket="auth", Key="presigned-put")["Body"].read(),
                         b"via presigned PUT")

    def test_presigned_expired_is_access_denied(self):
        url = self.presigner.generate_presigned_url(
            "get_object", Params={"Bucket": "auth", "Key": "hello.txt"}, ExpiresIn=1)
        time.sleep(2.1)
        resp = urllib3.PoolManager().request("GET", url)
        self.assertRawError((resp.status, {k.lower(): v for k, v in resp.headers.items()},
                             resp.data), 403, "AccessDenied")

    def test_presigned_tampered_is_signature_does_not_match(self):
        url = self.presigner.generate_presigned_url(
            "get_object", Params={"Bucket": "auth", "Key": "hello.txt"}, ExpiresIn=600)
        pool = urllib3.PoolManager()
        for tampered in [url.replace("X-Amz-Expires=600", "X-Amz-Expires=601"),
                         url.replace("/auth/hello.txt", "/auth/other.txt"),
                         url[:-1] + ("0" if url[-1] != "0" else "1")]:
            self.assertNotEqual(tampered, url)
            resp = pool.request("GET", tampered)
            self.assertRawError((resp.status, {k.lower(): v for k, v in resp.headers.items()},
                                 resp.data), 403, "SignatureDoesNotMatch")

    def test_presigned_longer_than_seven_days_is_rejected(self):
        url = self.presigner.generate_presigned_url(
            "get_object", Params={"Bucket": "auth", "Key": "hello.txt"}, ExpiresIn=604801)
        resp = urllib3.PoolManager().request("GET", url)
        self.assertEqual(resp.status, 400, resp.data)
        self.assertEqual(error_code(resp.data), "AuthorizationQueryParametersError")

    def test_clock_skew_is_request_time_too_skewed(self):
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        for offset in (-20, 20):
            when = now + datetime.timedelta(minutes=offset)
            self.assertRawError(signed(self.server, "GET", "/auth/hello.txt", when=when), 403,
                                "RequestTimeTooSkewed")
        # 5 minutes off is within S3's 15-minute window.
        status, _, body = signed(self.server, "GET", "/auth/hello.txt",
                                 when=now - datetime.timedelta(minutes=5))
        self.assertEqual(status, 200)
        self.assertEqual(body, b"hello, world\n")

    def test_unsigned_payload(self):
        status, _, body = signed(self.server, "PUT", "/auth/unsigned", body=b"unsigned body",
                                 payload_hash="UNSIGNED-PAYLOAD")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.s3.get_object(Bucket="auth", Key="unsigned")["Body"].read(),
                         b"unsigned body")

    def test_signed_payload_hash_mismatch(self):
        hdrs = sign(self.server, "PUT", "/auth/mismatch", body=b"original")
        self.assertRawError(send(self.server, "PUT", "/auth/mismatch", body=b"tampered",
                                 headers=hdrs), 400, "XAmzContentSHA256Mismatch")
        self.assertClientError(lambda: self.s3.head_object(Bucket="auth", Key="mismatch"),
                               "404", 404)

    def test_flexible_checksums_round_trip(self):
        data = os.urandom(100_000) + b"checksum"
        for algorithm in ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"]:
            key = "sum-" + algorithm
            expected = checksum_b64(algorithm, data)
            if algorithm in ("CRC32", "SHA1", "SHA256"):
                # botocore computes these itself (CRC32C and CRC64NVME need awscrt).
                put = self.s3.put_object(Bucket="auth", Key=key, Body=data,
                                         ChecksumAlgorithm=algorithm)
            else:
                put = self.s3.put_object(Bucket="auth", Key=key, Body=data,
                                         **{"Checksum" + algorithm: expected})
            self.assertEqual(put["Checksum" + algorithm], expected)
            head = self.s3.head_object(Bucket="auth", Key=key, ChecksumMode="ENABLED")
            self.assertEqual(head["Checksum" + algorithm], expected, algorithm)
            self.assertEqual(head["ChecksumType"], "FULL_OBJECT")
            got = self.s3.get_object(Bucket="auth", Key=key, ChecksumMode="ENABLED")
            self.assertEqual(got["Checksum" + algorithm], expected)
            self.assertEqual(got["Body"].read(), data)
            # Without checksum mode, no checksum header.
            head = self.s3.head_object(Bucket="auth", Key=key)
            self.assertNotIn("Checksum" + algorithm, head)

    def test_checksum_known_vectors(self):
        # Check the Python checksum helpers against the published check values.
        self.assertEqual(crc32c(b"123456789"), 0xE3069283)
        self.assertEqual(crc64nvme(b"123456789"), 0xAE8B14860A799888)

    def test_default_checksum_is_crc64nvme(self):
        data = b"no checksum asked for"
        status, _, body = signed(self.server, "PUT", "/auth/default-sum", body=data)
        self.assertEqual(status, 200, body)
        head = self.s3.head_object(Bucket="auth", Key="default-sum", ChecksumMode="ENABLED")
        self.assertEqual(head.get("ChecksumCRC64NVME"), checksum_b64("CRC64NVME", data))

    def test_wrong_checksum_is_bad_digest(self):
        for algorithm in ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"]:
            key = "bad-sum-" + algorithm
            wrong = checksum_b64(algorithm, b"something else")
            err = self.assertClientErrorWithMessage(
                lambda: self.s3.put_object(Bucket="auth", Key=key, Body=b"payload",
                                           **{"Checksum" + algorithm: wrong}),
                "BadDigest", 400)
            self.assertIn(algorithm, err["Error"]["Message"])
            self.assertClientError(lambda: self.s3.head_object(Bucket="auth", Key=key), "404",
                                   404)
        # A value that is not valid base64 of the right size.
        self.assertRawError(signed(self.server, "PUT", "/auth/bad-sum", body=b"x",
                                   headers={"x-amz-checksum-crc32": "not-base64!"}),
                            400, "InvalidRequest")

    def test_wrong_content_md5_is_bad_digest(self):
        wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
        self.assertClientErrorWithMessage(
            lambda: self.s3.put_object(Bucket="auth", Key="md5", Body=b"payload",
                                       ContentMD5=wrong), "BadDigest", 400)
        self.assertClientError(lambda: self.s3.head_object(Bucket="auth", Key="md5"), "404", 404)
        self.assertRawError(signed(self.server, "PUT", "/auth/md5", body=b"payload",
                                   headers={"Content-MD5": "bm90LW1kNQ=="}),
                            400, "InvalidDigest")
        right = base64.b64encode(hashlib.md5(b"payload").digest()).decode()
        put = self.s3.put_object(Bucket="auth", Key="md5", Body=b"payload", ContentMD5=right)
        self.assertEqual(put["ETag"], '"%s"' % hashlib.md5(b"payload").hexdigest())

    def test_streaming_signed_chunks(self):
        data = os.urandom(200_000)
        status, headers, body = streaming_put(self.server, "auth", "streamed", data)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["etag"], '"%s"' % hashlib.md5(data).hexdigest())
        got = self.s3.get_object(Bucket="auth", Key="streamed")
        self.assertEqual(got["Body"].read(), data)
        self.assertEqual(got["ContentLength"], len(data))
        self.assertNotIn("ContentEncoding", got)  # aws-chunked is framing, not stored
        # Empty payload: just the final chunk.
        status, _, body = streaming_put(self.server, "auth", "streamed-empty", b"")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.s3.get_object(Bucket="auth", Key="streamed-empty")["Body"].read(),
                         b"")

    def test_streaming_corrupted_chunk_signature_is_rejected(self):
        data = os.urandom(150_000)
        for corrupt in [{"corrupt_chunk": 0}, {"corrupt_chunk": 2}, {"corrupt_chunk": 3},
                        {"corrupt_data_chunk": 1}]:
            key = "streamed-bad-%s-%d" % tuple(corrupt.items())[0]
            response = streaming_put(self.server, "auth", key, data, **corrupt)
            self.assertRawError(response, 403, "SignatureDoesNotMatch")
            self.assertClientError(lambda: self.s3.head_object(Bucket="auth", Key=key), "404",
                                   404)
        # A bad chunk must not replace an existing object either.
        self.s3.put_object(Bucket="auth", Key="streamed-keep", Body=b"keep me")
        self.assertRawError(streaming_put(self.server, "auth", "streamed-keep", data,
                                          corrupt_chunk=1), 403, "SignatureDoesNotMatch")
        self.assertEqual(self.s3.get_object(Bucket="auth", Key="streamed-keep")["Body"].read(),
                         b"keep me")

    def test_streaming_signed_with_wrong_secret(self):
        path = "/auth/streamed-wrong-secret"
        headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": "5",
                   "Content-Length": str(aws_chunked_length(5, 1024))}
        headers = sign(self.server, "PUT", path, headers=headers, secret_key="wrong",
                       payload_hash="STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        body = aws_chunked_signed(headers, b"hello", 1024, secret_key="wrong")
        self.assertRawError(send(self.server, "PUT", path, body=body, headers=headers), 403,
                            "SignatureDoesNotMatch")

    def test_botocore_unsigned_payload_trailer(self):
        client = force_trailer_checksums(self.server.client())
        sent = []
        client.meta.events.register(
            "before-send.s3.PutObject",
            lambda request, **kw: sent.append(dict(request.headers.items())))
        data = os.urandom(300_000)
        for algorithm in [None, "CRC32", "SHA1", "SHA256"]:
            key = "trailer-%s" % algorithm
            kwargs = {"ChecksumAlgorithm": algorithm} if algorithm else {}
            put = client.put_object(Bucket="auth", Key=key, Body=data, **kwargs)
            algorithm = algorithm or "CRC32"  # botocore's default
            headers = {k.lower(): v.decode() if isinstance(v, bytes) else v
                       for k, v in sent[-1].items()}
            self.assertEqual(headers["x-amz-content-sha256"], "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
            self.assertEqual(headers["x-amz-trailer"], "x-amz-checksum-" + algorithm.lower())
            self.assertEqual(put["ETag"], '"%s"' % hashlib.md5(data).hexdigest())
            head = self.s3.head_object(Bucket="auth", Key=key, ChecksumMode="ENABLED")
            self.assertEqual(head["Checksum" + algorithm], checksum_b64(algorithm, data))
            self.assertEqual(self.s3.get_object(Bucket="auth", Key=key)["Body"].read(), data)

    def test_unsigned_trailer_with_wrong_checksum_is_rejected(self):
        path = "/auth/trailer-wrong"
        data = b"trailer payload"
        wrong = checksum_b64("CRC32", b"other")
        body = (b"%x\r\n%s\r\n0\r\nx-amz-checksum-crc32:%s\r\n\r\n"
                % (len(data), data, wrong.encode()))
        headers = {"Content-Encoding": "aws-chunked",
                   "x-amz-decoded-content-length": str(len(data)),
                   "x-amz-trailer": "x-amz-checksum-crc32", "Content-Length": str(len(body))}
        headers = sign(self.server, "PUT", path, headers=headers,
                       payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        status, _, resp_body = send(self.server, "PUT", path, body=body, headers=headers)
        self.assertEqual(status, 400, resp_body)
        self.assertIn(error_code(resp_body), ("BadDigest", "InvalidRequest"))
        self.assertClientError(lambda: self.s3.head_object(Bucket="auth", Key="trailer-wrong"),
                               "404", 404)
        # The same request with the right trailer is accepted.
        right = checksum_b64("CRC32", data)
        body = body.replace(wrong.encode(), right.encode())
        status, _, resp_body = send(self.server, "PUT", path, body=body, headers=headers)
        self.assertEqual(status, 200, resp_body)
        head = self.s3.head_object(Bucket="auth", Key="trailer-wrong", ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumCRC32"], right)

    def test_undeclared_trailer_is_rejected(self):
        # A checksum trailer without x-amz-trailer must not be silently ignored.
        path = "/auth/trailer-undeclared"
        data = b"trailer payload"
        wrong = checksum_b64("CRC32", b"other")
        body = (b"%x\r\n%s\r\n0\r\nx-amz-checksum-crc32:%s\r\n\r\n"
                % (len(data), data, wrong.encode()))
        headers = {"Content-Encoding": "aws-chunked",
                   "x-amz-decoded-content-length": str(len(data)),
                   "Content-Length": str(len(body))}
        headers = sign(self.server, "PUT", path, headers=headers,
                       payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        self.assertRawError(send(self.server, "PUT", path, body=body, headers=headers), 400,
                            "InvalidRequest")
        self.assertClientError(
            lambda: self.s3.head_object(Bucket="auth", Key="trailer-undeclared"), "404", 404)

    def test_secrets_never_logged(self):
        self.s3.list_buckets()
        url = self.presigner.generate_presigned_url(
            "get_object", Params={"Bucket": "auth", "Key": "hello.txt"}, ExpiresIn=600)
        urllib3.PoolManager().request("GET", url)
        signature = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["X-Amz-Signature"][0]
        with open(self.server.log_path, "rb") as f:
            log = f.read()
        self.assertNotIn(SECRET_KEY.encode(), log)
        self.assertNotIn(signature.encode(), log)


if __name__ == "__main__":
    unittest.main()
