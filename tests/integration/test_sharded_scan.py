"""Sharded `stocktake inventory scan` (issue 19): --plan-shards N, N `--shard I/N` processes at
once (as the pods of a Kubernetes Indexed Job run), then `--merge --shards N`, against a bucket
on a second Stocktake server.

- The merged report has the rows of an unsharded scan of the same bucket, its files in key
  order; `stocktake report verify` accepts it; nothing of the run's bookkeeping is in it.
- A shard killed with SIGKILL while uploading, then rerun: the merge refuses before the rerun,
  and after it the report holds every row once; the killed attempt's data files are deleted.
- A merge with a shard missing, or failed, names it (and the failure), exits non-zero and
  publishes nothing.
- Flags: --run-time format, one step at a time.
"""

import concurrent.futures
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.parse

from harness import ACCESS_KEY, SECRET_KEY, Server, binary
from inventory_util import fetch_report, manifest_key_from, read_csv_report
from scan_util import clean_env, run_scan, utf8_sorted

FIELDS = "Size,LastModifiedDate,ETag,StorageClass"


def canon(rows):
    """Rows (dicts of column -> value) comparable whatever their order."""
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


def stocktake_env(**extra):
    return clean_env(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, **extra)


class ShardedScanTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.source = Server().start()
        cls.destination = Server().start()
        cls.src = cls.source.client()
        cls.dst = cls.destination.client()
        try:
            cls.src.create_bucket(Bucket="src")
            cls.dst.create_bucket(Bucket="dst")
            keys = (["a/%04d" % i for i in range(700)] + ["m-%05d" % i for i in range(900)] +
                    ["z/deep/%03d/leaf" % i for i in range(300)] +
                    ["unicode/\u00fcber/%d" % i for i in range(40)] + ["spaces in key", "b"])
            cls.keys = keys
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda k: cls.src.put_object(Bucket="src", Key=k,
                                                           Body=b"x" * (len(k) % 9)), keys))
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.source.cleanup()
        cls.destination.cleanup()

    def args(self, config_id, *more):
        return [binary(), "inventory", "scan", "--source", "s3://src",
                "--source-endpoint", self.source.url, "--destination", "s3://dst/inv",
                "--destination-endpoint", self.destination.url, "--format", "CSV",
                "--fields", FIELDS, "--id", config_id, "--concurrency", "4"] + list(more)

    def scan(self, config_id, *more, env=None, check=True):
        return run_scan(self.args(config_id, *more), env or stocktake_env(), check=check)

    def shards_at_once(self, config_id, run_time, shards, indexes=None, env=None):
        procs = [subprocess.Popen(self.args(config_id, "--run-time", run_time,
                                            "--shard", "%d/%d" % (i, shards)),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=env or stocktake_env())
                 for i in (range(shards) if indexes is None else indexes)]
        for p in procs:
            out, err = p.communicate(timeout=600)
            self.assertEqual(p.returncode, 0, out + err)
            self.assertRegex(out, r"shard \d+/%d: \d+ rows" % shards)

    def rows(self, manifest_key):
        manifest, paths = fetch_report(self.dst, "dst", manifest_key)
        return manifest, read_csv_report(manifest, paths)

    def keys_under(self, prefix):
        pages = self.dst.get_paginator("list_objects_v2").paginate(Bucket="dst", Prefix=prefix)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))

    def unsharded_rows(self):
        if not hasattr(ShardedScanTest, "_unsharded"):
            out = self.scan("unsharded").stdout
            ShardedScanTest._unsharded = self.rows(manifest_key_from(out))[1]
        return ShardedScanTest._unsharded

    def record(self, config_id, run_time, shard):
        key = "inv/src/%s/%s/shards/shard-%05d.json" % (config_id, run_time, shard)
        return json.loads(self.dst.get_object(Bucket="dst", Key=key)["Body"].read())

    def test_merge_of_shards_run_at_once_equals_unsharded_scan(self):
        run_time = "2026-12-01T01-00Z"
        out = self.scan("sharded", "--run-time", run_time, "--plan-shards", "4").stdout
        self.assertIn("plan of 4 shards for run %s" % run_time, out)
        plan_key = "inv/src/sharded/%s/shards/plan.json" % run_time
        plan = json.loads(self.dst.get_object(Bucket="dst", Key=plan_key)["Body"].read())
        self.assertEqual(len(plan["ranges"]), 4)
        # Rerunning the plan step (a retried Job) keeps the plan.
        out = self.scan("sharded", "--run-time", run_time, "--plan-shards", "4").stdout
        self.assertIn("kept the plan", out)

        self.shards_at_once("sharded", run_time, 4)
        counts = [self.record("sharded", run_time, i)["rows"] for i in range(4)]
        # Sampling spreads the 1,942 keys over the shards: none is empty, none holds most.
        self.assertEqual(sum(counts), len(self.keys))
        self.assertTrue(all(0 < c < len(self.keys) / 2 for c in counts), counts)

        out = self.scan("sharded", "--run-time", run_time, "--merge", "--shards", "4").stdout
        manifest_key = manifest_key_from(out)
        self.assertEqual(manifest_key, "inv/src/sharded/%s/manifest.json" % run_time)
        manifest, rows = self.rows(manifest_key)
        self.assertEqual(canon(rows), canon(self.unsharded_rows()))
        # One file per shard, in key order: the rows as read are sorted.
        self.assertEqual(len(manifest["files"]), 4)
        self.assertEqual([urllib.parse.unquote_plus(r["Key"]) for r in rows], utf8_sorted(self.keys))
        for f in manifest["files"]:
            self.assertIn("/data/", f["key"])
        self.assertEqual(self.keys_under("inv/src/sharded/data/"),
                         sorted(f["key"] for f in manifest["files"]))

        verify = subprocess.run([binary(), "report", "verify", "s3://dst/" + manifest_key,
                                 "--endpoint", self.destination.url], capture_output=True,
                                text=True, env=stocktake_env(), timeout=300)
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
        self.assertTrue(verify.stdout.endswith("verify: OK\n"), verify.stdout)
        # The run is over: neither a shard nor the merge runs again.
        again = self.scan("sharded", "--run-time", run_time, "--shard", "1/4", check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn("already published", again.stderr)

    def test_killed_shard_rerun(self):
        run_time = "2026-12-01T02-00Z"
        self.scan("killed", "--run-time", run_time, "--plan-shards", "3")
        self.shards_at_once("killed", run_time, 3, indexes=[0, 2])
        # Shard 1, one row per data file, each upload delayed: killed half-way through them.
        slow = stocktake_env(STOCKTAKE_FAILPOINT_PUBLISH_DELAY_MS="200")
        proc = subprocess.Popen(self.args("killed", "--run-time", run_time, "--shard", "1/3",
                                          "--max-rows-per-file", "1"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=slow)
        try:
            deadline = time.time() + 120
            while time.time() < deadline:
                try:
                    state = self.record("killed", run_time, 1)["state"]
                except self.dst.exceptions.NoSuchKey:
                    state = None
                if state == "uploading":
                    break
                time.sleep(0.05)
            self.assertEqual(state, "uploading")
            time.sleep(1.5)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
        killed_files = [f["key"] for f in self.record("killed", run_time, 1)["files"]]
        uploaded = set(self.keys_under("inv/src/killed/data/")) & set(killed_files)
        self.assertTrue(uploaded, "nothing was uploaded before the kill")

        merge = self.scan("killed", "--run-time", run_time, "--merge", "--shards", "3",
                          check=False)
        self.assertEqual(merge.returncode, 1, merge.stdout + merge.stderr)
        self.assertIn("shard 1/3 has not finished (state uploading)", merge.stderr)
        self.assertEqual(self.keys_under("inv/src/killed/2026"),
                         ["inv/src/killed/%s/shards/%s" % (run_time, name) for name in
                          ("plan.json", "shard-00000.json", "shard-00001.json",
                           "shard-00002.json")])

        self.shards_at_once("killed", run_time, 3, indexes=[1])
        out = self.scan("killed", "--run-time", run_time, "--merge", "--shards", "3").stdout
        manifest, rows = self.rows(manifest_key_from(out))
        self.assertEqual(canon(rows), canon(self.unsharded_rows()))
        # The killed attempt's files are gone: the data folder holds the report's files only.
        self.assertEqual(self.keys_under("inv/src/killed/data/"),
                         sorted(f["key"] for f in manifest["files"]))

    def test_merge_with_a_shard_missing_publishes_nothing(self):
        run_time = "2026-12-01T03-00Z"
        self.scan("missing", "--run-time", run_time, "--plan-shards", "3")
        self.shards_at_once("missing", run_time, 3, indexes=[0, 1])
        merge = self.scan("missing", "--run-time", run_time, "--merge", "--shards", "3",
                          check=False)
        self.assertEqual(merge.returncode, 1)
        self.assertIn("shard 2/3 has not run", merge.stderr)
        self.assertIn("Nothing was published", merge.stderr)
        self.assertEqual(self.keys_under("inv/src/missing/hive/"), [])
        self.assertFalse([k for k in self.keys_under("inv/src/missing/" + run_time)
                          if "/shards/" not in k])
        # Shard 2 fails (its source credentials are refused): the merge gives its error.
        work = tempfile.mkdtemp(prefix="stocktake-shard-aws-")
        self.addCleanup(shutil.rmtree, work, True)
        credentials = os.path.join(work, "credentials")
        with open(credentials, "w") as f:
            f.write("[refused]\naws_access_key_id = %s\naws_secret_access_key = wrong\n"
                    % ACCESS_KEY)
        failed = self.scan("missing", "--run-time", run_time, "--shard", "2/3",
                           "--source-profile", "refused",
                           env=stocktake_env(AWS_SHARED_CREDENTIALS_FILE=credentials),
                           check=False)
        self.assertEqual(failed.returncode, 1, failed.stdout + failed.stderr)
        self.assertEqual(self.record("missing", run_time, 2)["state"], "failed")
        merge = self.scan("missing", "--run-time", run_time, "--merge", "--shards", "3",
                          check=False)
        self.assertEqual(merge.returncode, 1)
        self.assertIn("shard 2/3 failed: Access to the source bucket 'src'", merge.stderr)
        self.assertIn("is denied", merge.stderr)
        self.assertEqual(self.keys_under("inv/src/missing/hive/"), [])
        # A merge with another shard count than the plan's is refused too.
        wrong = self.scan("missing", "--run-time", run_time, "--merge", "--shards", "2",
                          check=False)
        self.assertEqual(wrong.returncode, 1)
        self.assertIn("is of 3 shards", wrong.stderr)
        # A shard before the plan: told to plan first.
        early = self.scan("missing", "--run-time", "2026-12-01T04-00Z", "--shard", "0/3",
                          check=False)
        self.assertEqual(early.returncode, 1)
        self.assertIn("run --plan-shards 3 --run-time 2026-12-01T04-00Z first", early.stderr)

    def test_flags(self):
        for more, message in (
                (["--run-time", "2026-12-01T01:00Z", "--plan-shards", "2"], "--run-time must be"),
                (["--plan-shards", "2"], "needs --run-time"),
                (["--run-time", "2026-12-01T01-00Z", "--shard", "2/2"], "I must be below N"),
                (["--run-time", "2026-12-01T01-00Z", "--shard", "x"], "--shard must be I/N"),
                (["--run-time", "2026-12-01T01-00Z", "--merge"], "--merge needs --shards"),
                (["--run-time", "2026-12-01T01-00Z", "--merge", "--shards", "2",
                  "--plan-shards", "2"], "separate steps")):
            with self.subTest(more=more):
                proc = self.scan("flags", *more, check=False)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertIn(message, proc.stderr)


if __name__ == "__main__":
    unittest.main()
