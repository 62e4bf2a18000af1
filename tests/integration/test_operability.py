"""Operational endpoints and configuration: /_health, /_metrics, --config files."""

import os
import subprocess
import tempfile
import time
import unittest
import urllib.request

from harness import ACCESS_KEY, SECRET_KEY, ServerTestCase, binary


class OperabilityTest(ServerTestCase):

    def get(self, path):
        with urllib.request.urlopen(self.server.url + path, timeout=10) as response:
            return response.status, response.read().decode()

    def test_health(self):
        self.assertEqual(self.get("/_health"), (200, "ok\n"))

    def test_metrics_count_requests_by_operation(self):
        self.s3.create_bucket(Bucket="metrics")
        self.s3.put_object(Bucket="metrics", Key="k", Body=b"x" * 1000)
        self.s3.get_object(Bucket="metrics", Key="k")["Body"].read()
        with self.assertRaises(Exception):
            self.s3.get_object(Bucket="metrics", Key="missing")
        status, text = self.get("/_metrics")
        self.assertEqual(status, 200)
        self.assertIn('stocktake_requests_total{operation="PutObject",status="2xx"} 1', text)
        self.assertIn('stocktake_requests_total{operation="GetObject",status="2xx"} 1', text)
        self.assertIn('stocktake_requests_total{operation="GetObject",status="4xx"} 1', text)
        self.assertIn("stocktake_request_duration_seconds_count", text)
        out = [l for l in text.splitlines() if l.startswith("stocktake_response_bytes_total")]
        self.assertGreaterEqual(int(out[0].split()[1]), 1000)
        # Secrets never appear in metrics.
        self.assertNotIn(SECRET_KEY, text)
        self.assertNotIn(ACCESS_KEY, text)

    def test_bucket_named_like_an_endpoint_is_impossible(self):
        # '_' is not allowed in bucket names, so /_health can never shadow a bucket.
        self.assertS3Error(lambda: self.s3.create_bucket(Bucket="_health"), "InvalidBucketName")


class ConfigFileTest(unittest.TestCase):

    def test_serve_reads_flags_from_a_toml_file(self):
        data_dir = tempfile.mkdtemp(prefix="stocktake-config-")
        config = os.path.join(data_dir, "stocktake.toml")
        with open(config, "w") as f:
            f.write('[serve]\ndata-dir = "%s/data"\nport = 0\nregion = "eu-west-3"\n' % data_dir)
        env = dict(os.environ, STOCKTAKE_ROOT_ACCESS_KEY=ACCESS_KEY,
                   STOCKTAKE_ROOT_SECRET_KEY=SECRET_KEY)
        proc = subprocess.Popen([binary(), "--config", config, "serve"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=env, text=True)
        try:
            url = None
            deadline = time.time() + 30
            while time.time() < deadline and url is None:
                line = proc.stdout.readline()
                if line.startswith("stocktake listening on "):
                    url = line.split()[-1]
            self.assertIsNotNone(url)
            self.assertTrue(os.path.isdir(os.path.join(data_dir, "data", "meta")))
            import boto3
            s3 = boto3.client("s3", endpoint_url=url, region_name="eu-west-3",
                              aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
            s3.create_bucket(Bucket="paris",
                             CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
            self.assertEqual(s3.get_bucket_location(Bucket="paris")["LocationConstraint"],
                             "eu-west-3")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            proc.stdout.close()


if __name__ == "__main__":
    unittest.main()
