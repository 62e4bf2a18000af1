"""HTTPS (issue 10): `serve --tls-cert/--tls-key` next to plain HTTP, checked with a CA made here
by the openssl CLI and trusted through --ca-bundle / verify=; aws:SecureTransport in bucket
policies; Stocktake's own client (`inventory scan`, `report`) over https (issue 9)."""

import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import unittest
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, SSLError

from harness import ACCESS_KEY, REGION, SECRET_KEY, Server, binary
from inventory_util import manifest_key_from
from scan_util import clean_env, run_scan


def make_ca_and_server_cert(directory):
    """A CA and a server certificate for localhost and 127.0.0.1 signed by it; returns paths."""
    def openssl(*args):
        subprocess.run(["openssl"] + list(args), cwd=directory, check=True, capture_output=True)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
            "ca.pem", "-days", "2", "-subj", "/CN=Stocktake Test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
            "server.csr", "-subj", "/CN=localhost")
    with open(os.path.join(directory, "server.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    return tuple(os.path.join(directory, name) for name in ("ca.pem", "server.pem", "server.key"))


class TlsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.pki = tempfile.mkdtemp(prefix="stocktake-tls-")
        cls.ca, cert, key = make_ca_and_server_cert(cls.pki)
        cls.server = Server(extra_args=["--tls-cert", cert, "--tls-key", key,
                                        "--tls-port", "0"]).start()
        cls.https = cls.server.https_url
        cls.s3 = cls.client(cls.https, verify=cls.ca)
        cls.plain = cls.server.client()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()
        shutil.rmtree(cls.pki, ignore_errors=True)

    @staticmethod
    def client(url, verify):
        return boto3.client(
            "s3", endpoint_url=url, region_name=REGION, aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY, verify=verify,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))

    def aws(self, *args, check=True):
        env = clean_env(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                        AWS_DEFAULT_REGION=REGION, AWS_PAGER="")
        proc = subprocess.run(["aws", "--endpoint-url", self.https, "--ca-bundle", self.ca] +
                              list(args), env=env, capture_output=True, text=True, timeout=300)
        if check and proc.returncode != 0:
            raise AssertionError("aws %s: %s" % (" ".join(args), proc.stderr))
        return proc

    def test_listeners_announced(self):
        self.assertTrue(self.server.url.startswith("http://127.0.0.1:"))
        self.assertTrue(self.https.startswith("https://127.0.0.1:"))
        self.assertNotEqual(self.server.url.rsplit(":", 1)[1], self.https.rsplit(":", 1)[1])

    def test_aws_cli_with_ca_bundle(self):
        self.aws("s3", "mb", "s3://cli-tls")
        src = os.path.join(self.pki, "hello.txt")
        with open(src, "w") as f:
            f.write("hello over TLS\n")
        self.aws("s3", "cp", src, "s3://cli-tls/dir/hello.txt")
        self.assertEqual(self.aws("s3", "cp", "s3://cli-tls/dir/hello.txt", "-").stdout,
                         "hello over TLS\n")
        config = {"Id": "tls-inv", "IsEnabled": True, "IncludedObjectVersions": "Current",
                  "Schedule": {"Frequency": "Daily"}, "OptionalFields": ["Size", "ETag"],
                  "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::cli-tls",
                                                          "Format": "CSV", "Prefix": "inv"}}}
        self.aws("s3api", "put-bucket-inventory-configuration", "--bucket", "cli-tls", "--id",
                 "tls-inv", "--inventory-configuration", json.dumps(config))
        got = json.loads(self.aws("s3api", "get-bucket-inventory-configuration", "--bucket",
                                  "cli-tls", "--id", "tls-inv", "--output", "json").stdout)
        self.assertEqual(got["InventoryConfiguration"], config)

    def test_boto3_with_verify_ca(self):
        self.s3.create_bucket(Bucket="boto-tls")
        body = os.urandom(300_000)  # several TLS records
        self.s3.put_object(Bucket="boto-tls", Key="blob", Body=body)
        self.assertEqual(self.s3.get_object(Bucket="boto-tls", Key="blob")["Body"].read(), body)
        config = {"Id": "inv", "IsEnabled": False, "IncludedObjectVersions": "All",
                  "Schedule": {"Frequency": "Weekly"},
                  "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::boto-tls",
                                                          "Format": "Parquet"}}}
        self.s3.put_bucket_inventory_configuration(Bucket="boto-tls", Id="inv",
                                                   InventoryConfiguration=config)
        got = self.s3.get_bucket_inventory_configuration(Bucket="boto-tls", Id="inv")
        self.assertEqual(got["InventoryConfiguration"], config)
        # The same data over the plain listener.
        self.assertEqual(self.plain.get_object(Bucket="boto-tls", Key="blob")["Body"].read(), body)

    def test_certificate_from_an_untrusted_ca_is_refused(self):
        untrusted = self.client(self.https, verify=True)  # the system store lacks our CA
        with self.assertRaises(SSLError):
            untrusted.list_buckets()

    def test_plain_http_to_the_tls_port_fails_cleanly(self):
        port = self.https.rsplit(":", 1)[1]
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen("http://127.0.0.1:%s/" % port, timeout=10)
        self.assertEqual(ctx.exception.code, 400)
        self.assertIn(b"HTTPS", ctx.exception.read())
        self.s3.list_buckets()  # the listener still serves

    def test_secure_transport_condition(self):
        self.s3.create_bucket(Bucket="tls-only")
        self.s3.put_object(Bucket="tls-only", Key="k", Body=b"v")
        policy = {"Version": "2012-10-17", "Statement": [{
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
            "Action": "s3:*", "Resource": ["arn:aws:s3:::tls-only", "arn:aws:s3:::tls-only/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
        self.s3.put_bucket_policy(Bucket="tls-only", Policy=json.dumps(policy))
        self.assertEqual(self.s3.get_object(Bucket="tls-only", Key="k")["Body"].read(), b"v")
        self.s3.put_object(Bucket="tls-only", Key="k2", Body=b"w")
        for call in (lambda: self.plain.get_object(Bucket="tls-only", Key="k"),
                     lambda: self.plain.put_object(Bucket="tls-only", Key="k3", Body=b"x")):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDenied")
        self.s3.delete_bucket_policy(Bucket="tls-only")  # over HTTPS: allowed

    def test_health_and_metrics_over_https(self):
        with urllib.request.urlopen(
                self.https + "/health/ready", timeout=10,
                context=__import__("ssl").create_default_context(cafile=self.ca)) as response:
            self.assertEqual(response.read(), b"ready\n")

    def stocktake(self, *args, ca=True, check=True):
        env = clean_env(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
        if ca:
            env["AWS_CA_BUNDLE"] = self.ca
        return run_scan([binary()] + list(args), env, check=check, timeout=300)

    def test_scan_and_report_over_https(self):
        self.s3.create_bucket(Bucket="scan-src")
        self.s3.create_bucket(Bucket="scan-dst")
        keys = ["a", "b/c", "d e", "ünï"]
        for key in keys:
            self.s3.put_object(Bucket="scan-src", Key=key, Body=key.encode())
        scan = ["inventory", "scan", "--source", "s3://scan-src", "--source-endpoint", self.https,
                "--destination", "s3://scan-dst/inv", "--destination-endpoint", self.https,
                "--format", "CSV", "--fields", "Size,ETag", "--progress", "never"]
        # AWS_CA_BUNDLE, as the aws CLI.
        key = manifest_key_from(self.stocktake(*scan).stdout)
        manifest = json.loads(self.s3.get_object(Bucket="scan-dst", Key=key)["Body"].read())
        self.assertEqual(manifest["sourceBucket"], "scan-src")
        url = "s3://scan-dst/" + key
        verify = self.stocktake("report", "verify", url, "--endpoint", self.https).stdout
        self.assertIn("\nrows %d\n" % len(keys), verify)
        self.assertTrue(verify.endswith("verify: OK\n"), verify)
        rows = self.stocktake("report", "cat", url, "--endpoint", self.https, "--format", "jsonl")
        self.assertEqual(sorted(json.loads(l)["key"] for l in rows.stdout.splitlines()),
                         sorted(keys))
        # --ca-bundle instead of the variable.
        self.stocktake("report", "verify", url, "--endpoint", self.https, "--ca-bundle", self.ca,
                       ca=False)
        # Without the CA the certificate is refused, and the reason says so.
        refused = self.stocktake(*scan, ca=False, check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("certificate verify failed", refused.stderr)


class RegionRedirectTest(unittest.TestCase):
    """Stocktake's client follows AWS's answer for a bucket in another region: 301
    PermanentRedirect with x-amz-bucket-region, then the request signed for that region."""

    def test_request_is_signed_again_for_the_bucket_region(self):
        scopes = []

        class FakeS3(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                scope = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/s3/",
                                  self.headers["Authorization"]).group(1)
                scopes.append(scope)
                if scope == "eu-west-3":
                    status, body = 200, b"<ListInventoryRunsResult/>"
                else:
                    status, body = 301, (b"<Error><Code>PermanentRedirect</Code><Message>The "
                                         b"bucket is in this region: eu-west-3.</Message></Error>")
                self.send_response(status)
                self.send_header("x-amz-bucket-region", "eu-west-3")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        fake = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeS3)
        threading.Thread(target=fake.serve_forever, daemon=True).start()
        try:
            env = clean_env(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
            proc = subprocess.run(
                [binary(), "inventory", "runs", "--bucket", "paris", "--id", "x", "--region",
                 "us-east-1", "--endpoint", "http://127.0.0.1:%d" % fake.server_port],
                env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(scopes, ["us-east-1", "eu-west-3"])
        finally:
            fake.shutdown()
            fake.server_close()


if __name__ == "__main__":
    unittest.main()
