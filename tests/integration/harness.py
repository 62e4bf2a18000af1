"""Test harness: starts the real `stocktake serve` binary on a free port with a temp data dir and
gives tests the real `aws` CLI and boto3 pointed at it."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import boto3
from botocore.config import Config

ACCESS_KEY = "STKTESTROOTKEY000001"
SECRET_KEY = "stocktake-test-secret-key-0000000000000001"
REGION = "us-east-1"


def binary():
    path = os.environ.get("STOCKTAKE_BIN")
    if not path:
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(here, "..", "..", "build", "debug", "stocktake")
    return os.path.abspath(path)


class Server:
    """One `stocktake serve` process. Restartable on the same data dir (crash tests)."""

    def __init__(self, data_dir=None, extra_args=(), env=None):
        self.owns_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="stocktake-test-")
        self.extra_args = list(extra_args)
        self.extra_env = env or {}
        self.proc = None
        self.url = None
        self.log_path = os.path.join(self.data_dir, "..", os.path.basename(self.data_dir) + ".log")

    def start(self, port=0):
        env = dict(os.environ)
        env.update({"STOCKTAKE_ROOT_ACCESS_KEY": ACCESS_KEY, "STOCKTAKE_ROOT_SECRET_KEY": SECRET_KEY})
        env.update(self.extra_env)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [binary(), "serve", "--data-dir", self.data_dir, "--port", str(port)] + self.extra_args,
            stdout=subprocess.PIPE, stderr=self.log, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline().decode()
            if not line:
                raise RuntimeError("server exited: see " + self.log_path)
            if line.startswith("stocktake listening on "):
                self.url = line.split()[-1]
                self.port = int(self.url.rsplit(":", 1)[1])
                if "--tls-cert" in self.extra_args:  # the HTTPS listener's line follows
                    self.https_url = self.proc.stdout.readline().decode().split()[-1]
                return self
        raise RuntimeError("server did not start")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        if self.proc:
            self.log.close()
        self.proc = None

    def kill(self):
        self.stop(signal.SIGKILL)

    def cleanup(self):
        self.stop()
        if self.owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            try:
                os.unlink(self.log_path)
            except OSError:
                pass

    def client(self, access_key=ACCESS_KEY, secret_key=SECRET_KEY, **config):
        return boto3.client(
            "s3", endpoint_url=self.url, region_name=REGION, aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, **config))

    def aws(self, *args, check=True, input=None):
        """Runs the real aws CLI; returns (returncode, stdout, stderr)."""
        env = dict(os.environ)
        env.update({"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                    "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": "/dev/null",
                    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PAGER": ""})
        proc = subprocess.run(["aws", "--endpoint-url", self.url] + list(args), env=env,
                              capture_output=True, input=input, timeout=600)
        if check and proc.returncode != 0:
            raise AssertionError("aws %s failed (%d): %s" % (" ".join(args), proc.returncode,
                                                            proc.stderr.decode(errors="replace")))
        return proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")

    def aws_json(self, *args):
        return json.loads(self.aws(*args, "--output", "json")[1] or "null")


class ServerTestCase(unittest.TestCase):
    """A server per test class."""

    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=cls.server_args).start()
        cls.s3 = cls.server.client()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def assertS3Error(self, fn, code, status=None):
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as ctx:
            fn()
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        if status is not None:
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status)
        return err


def raw_request(server, method, path, query="", body=b"", headers=None, sign=True):
    """A SigV4-signed request built by botocore, sent with urllib3: for bodies boto3 would refuse
    to send (invalid XML, bad enums). Returns (status, headers, body bytes)."""
    import urllib3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    url = server.url + path + ("?" + query if query else "")
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    if sign:
        request.headers["x-amz-content-sha256"] = __import__("hashlib").sha256(body).hexdigest()
        SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION).add_auth(request)
    http = urllib3.PoolManager()
    response = http.request(method, url, body=body, headers=dict(request.headers.items()),
                            retries=False)
    return response.status, response.headers, response.data


def error_code(body):
    import xml.etree.ElementTree as ET
    root = ET.fromstring(body)
    return root.findtext("Code"), root.findtext("Message")
