"""Operational endpoints and configuration: /health/live, /health/ready, /metrics (and their
/_health, /_metrics aliases), --config files, --version, concurrent inventory runs."""

import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

from harness import ACCESS_KEY, SECRET_KEY, ServerTestCase, binary, raw_request
from inventory_util import put_config, run_now

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:  # Debian's python3-prometheus-client, when python3 is not Debian's own
    sys.path.append("/usr/lib/python3/dist-packages")
    from prometheus_client.parser import text_string_to_metric_families


def scrape(text):
    """{sample name: {frozen labels: value}} through the reference Prometheus parser."""
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[frozenset(sample.labels.items())] = sample.value
    return samples


class OperabilityTest(ServerTestCase):

    def get(self, path):
        with urllib.request.urlopen(self.server.url + path, timeout=10) as response:
            return response.status, response.read().decode()

    def test_health(self):
        self.assertEqual(self.get("/health/live"), (200, "ok\n"))
        self.assertEqual(self.get("/health/ready"), (200, "ready\n"))
        self.assertEqual(self.get("/_health"), (200, "ok\n"))

    def test_signed_requests_for_buckets_named_like_the_endpoints_reach_s3(self):
        self.s3.create_bucket(Bucket="health")
        self.s3.put_object(Bucket="health", Key="live", Body=b"object bytes")
        self.assertEqual(self.s3.get_object(Bucket="health", Key="live")["Body"].read(),
                         b"object bytes")
        self.assertEqual(self.get("/health/live"), (200, "ok\n"))  # unsigned: the endpoint

    def test_metrics_parse_with_the_prometheus_parser(self):
        self.s3.create_bucket(Bucket="scraped")
        self.s3.put_object(Bucket="scraped", Key="k", Body=b"x" * 10)
        put_config(self.s3, "scraped", "nightly", "scraped", fields=["Size"])
        run_now(self.server, "scraped", "nightly")
        status, text = self.get("/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(text.count("# TYPE stocktake_inventory_runs gauge"), 1)
        m = scrape(text)
        self.assertGreaterEqual(
            m["stocktake_requests_total"][frozenset({("operation", "PutObject"),
                                                     ("status", "2xx")})], 1)
        self.assertIn("stocktake_request_duration_seconds_bucket", m)
        self.assertGreaterEqual(m["stocktake_request_duration_seconds_count"][frozenset()], 3)
        self.assertIn(frozenset({("state", "queued")}), m["stocktake_inventory_runs"])
        self.assertIn(frozenset({("state", "running")}), m["stocktake_inventory_runs"])
        finished = m["stocktake_inventory_runs_finished_total"]
        self.assertGreaterEqual(finished[frozenset({("state", "succeeded")})], 1)
        self.assertIn(frozenset({("state", "failed")}), finished)
        self.assertGreaterEqual(m["stocktake_inventory_rows_written_total"][frozenset()], 1)
        self.assertGreater(m["stocktake_inventory_bytes_written_total"][frozenset()], 0)
        self.assertGreaterEqual(m["stocktake_inventory_run_duration_seconds_count"][frozenset()],
                                1)
        buckets = m["stocktake_inventory_run_duration_seconds_bucket"]
        self.assertEqual(buckets[frozenset({("le", "+Inf")})],
                         m["stocktake_inventory_run_duration_seconds_count"][frozenset()])
        last = m["stocktake_inventory_last_success_timestamp_seconds"][
            frozenset({("bucket", "scraped"), ("configuration", "nightly")})]
        self.assertLessEqual(abs(last - time.time()), 600)
        self.assertEqual(self.get("/_metrics")[0], 200)

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


class ConcurrentInventoryRunsTest(ServerTestCase):
    # A first report only on request, and one report at a time.
    server_args = ("--inventory-first-run", "schedule", "--max-concurrent-inventory-runs", "1")

    def test_runs_beyond_the_limit_queue_and_all_succeed(self):
        self.s3.create_bucket(Bucket="many")
        for i in range(50):
            self.s3.put_object(Bucket="many", Key="k%03d" % i, Body=b"x")
        ids = ["c%d" % i for i in range(4)]
        for config_id in ids:
            put_config(self.s3, "many", config_id, "many", fmt="Parquet", fields=["Size"])
        threads = [threading.Thread(target=run_now, args=(self.server, "many", c)) for c in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        spans = []
        for config_id in ids:
            status, _, body = raw_request(self.server, "GET", "/many",
                                          query="inventory=&id=%s&runs=" % config_id)
            self.assertEqual(status, 200, body)
            runs = [r for r in ET.fromstring(body).iter() if r.tag.endswith("InventoryRun")]
            self.assertEqual(len(runs), 1)
            text = {c.tag.split("}")[-1]: c.text for c in runs[0]}
            self.assertEqual(text["State"], "succeeded")
            spans.append((text["StartedAt"], text["FinishedAt"]))
        spans.sort()
        for (_, finished), (started, _) in zip(spans, spans[1:]):
            self.assertLessEqual(finished, started)  # never two at once


class VersionTest(unittest.TestCase):

    def test_version(self):
        out = subprocess.run([binary(), "--version"], capture_output=True, text=True, check=True)
        self.assertRegex(out.stdout, r"^stocktake \d+\.\d+\.\d+")


class ConfigFileTest(unittest.TestCase):

    def test_serve_reads_flags_from_the_environment(self):
        env = dict(os.environ, STOCKTAKE_MAX_CONCURRENT_INVENTORY_RUNS="0")
        proc = subprocess.run([binary(), "serve", "--port", "0"], capture_output=True, text=True,
                              env=env, timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("max-concurrent-inventory-runs", proc.stderr)

    def test_serve_reads_flags_from_a_toml_file(self):
        data_dir = tempfile.mkdtemp(prefix="stocktake-config-")
        config = os.path.join(data_dir, "stocktake.toml")
        with open(config, "w") as f:
            f.write('[serve]\ndata-dir = "%s/data"\nport = 0\nregion = "eu-west-3"\n' % data_dir)
        # The file beats the environment (STOCKTAKE_REGION), which fills in what the file lacks.
        env = dict(os.environ, STOCKTAKE_ROOT_ACCESS_KEY=ACCESS_KEY,
                   STOCKTAKE_ROOT_SECRET_KEY=SECRET_KEY, STOCKTAKE_REGION="ap-south-1")
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
