#!/usr/bin/env python3
"""shard_bench: keys/s of a sharded `stocktake inventory scan` (issue 19) for N = 1, 2, 4...
shards run as separate processes at once (as the pods of an Indexed Job), against a bucket on a
Stocktake server, with N = 1 (the first of --shards) as the same-run baseline.

  1. serve   `stocktake serve` on a fresh data directory (tests/integration/harness.py);
  2. load    --objects objects through PutObject (boto3, 16 threads), keys in folders of 1,000;
  3. per N   --plan-shards N, then the N `--shard I/N` processes at once, then --merge; each
             step timed; the merged rows must equal --objects.

Prints one table row per N (plan, shards and merge seconds; keys/s of the shards step and of the
whole run; ratio to the baseline) and one JSON line. The source and the destination are the same
server, on the same machine as the shards: with more shards than cores, the server's CPU is the
limit (docs/sharded-scans.md).

  python3 bench/shard_bench.py --binary build/release/stocktake --objects 200000 --shards 1,2,4
"""

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

from harness import ACCESS_KEY, SECRET_KEY, Server  # noqa: E402


def env():
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    e.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
             AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    return e


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.environ.get("STOCKTAKE_BIN", "build/release/stocktake"))
    ap.add_argument("--objects", type=int, default=200000)
    ap.add_argument("--shards", default="1,2,4")
    ap.add_argument("--concurrency", type=int, default=8, help="listing threads per shard")
    args = ap.parse_args()
    os.environ["STOCKTAKE_BIN"] = os.path.abspath(args.binary)

    server = Server().start()
    try:
        s3 = server.client()
        s3.create_bucket(Bucket="bench-source")
        s3.create_bucket(Bucket="bench-reports")
        start = time.time()
        keys = ["photos/%04d/img-%08d.jpg" % (i // 1000, i) for i in range(args.objects)]
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda k: s3.put_object(Bucket="bench-source", Key=k, Body=b"x"), keys))
        print("loaded %d objects in %.1f s" % (args.objects, time.time() - start), flush=True)

        def scan(config_id, *more):
            return [args.binary, "inventory", "scan", "--source", "s3://bench-source",
                    "--source-endpoint", server.url, "--destination", "s3://bench-reports",
                    "--destination-endpoint", server.url, "--format", "CSV",
                    "--fields", "Size,LastModifiedDate,ETag,StorageClass", "--id", config_id,
                    "--concurrency", str(args.concurrency), "--progress", "never"] + list(more)

        def timed(argv_list):
            t = time.time()
            procs = [subprocess.Popen(a, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, env=env()) for a in argv_list]
            outs = []
            for p in procs:
                out, err = p.communicate()
                if p.returncode != 0:
                    raise SystemExit("failed: %s\n%s%s" % (" ".join(p.args), out, err))
                outs.append(out)
            return time.time() - t, outs

        results = []
        print("%6s %8s %9s %8s %12s %12s %9s" % ("shards", "plan s", "shards s", "merge s",
                                                 "shard keys/s", "run keys/s", "vs first"))
        for n in [int(x) for x in args.shards.split(",")]:
            config_id = "bench-%d" % n
            run_time = "2026-12-01T01-%02dZ" % n
            common = ["--run-time", run_time]
            plan_s, _ = timed([scan(config_id, *common, "--plan-shards", str(n))])
            shards_s, _ = timed([scan(config_id, *common, "--shard", "%d/%d" % (i, n))
                                 for i in range(n)])
            merge_s, outs = timed([scan(config_id, *common, "--merge", "--shards", str(n))])
            rows = int(outs[0].split(" rows")[0].rsplit(" ", 1)[1])
            if rows != args.objects:
                raise SystemExit("merged %d rows, want %d" % (rows, args.objects))
            r = {"shards": n, "plan_s": plan_s, "shards_s": shards_s, "merge_s": merge_s,
                 "shard_keys_per_s": args.objects / shards_s,
                 "run_keys_per_s": args.objects / (plan_s + shards_s + merge_s)}
            r["ratio"] = r["shard_keys_per_s"] / (results[0]["shard_keys_per_s"] if results
                                                  else r["shard_keys_per_s"])
            results.append(r)
            print("%6d %8.2f %9.2f %8.2f %12.0f %12.0f %8.2fx" % (
                n, plan_s, shards_s, merge_s, r["shard_keys_per_s"], r["run_keys_per_s"],
                r["ratio"]), flush=True)
        print(json.dumps({"bench": "shard_bench", "objects": args.objects, "cores": os.cpu_count(),
                          "load_avg": os.getloadavg()[0], "results": results}))
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
