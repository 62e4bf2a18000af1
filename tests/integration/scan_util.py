"""Helpers of the `stocktake inventory scan` integration tests (test_inventory_scan.py,
test_scan_rgw.py): the scan's environment and summary line, report layout checks."""

import datetime
import os
import re
import socket
import subprocess

SUMMARY = re.compile(r"listed (\d+) versions in ([\d.]+) s \((\d+) objects/s\), (\d+) partitions "
                     r"\((\d+) splits, (\d+) from the checkpoint\), (\d+) requests, (\d+) retries")


def clean_env(**extra):
    """The environment of a scan: no AWS settings of the machine, only what the test gives."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
    env.update(extra)
    return env


def run_scan(args, env, check=True, timeout=900):
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError("scan failed (%d): %s%s" % (proc.returncode, proc.stdout, proc.stderr))
    return proc


def summary(stdout):
    m = SUMMARY.search(stdout)
    if not m:
        raise AssertionError("no summary in: " + stdout)
    keys = ("listed", "seconds", "rate", "partitions", "splits", "reused", "requests", "retries")
    return {k: (float(v) if k == "seconds" else int(v)) for k, v in zip(keys, m.groups())}


def utf8_sorted(keys):
    return sorted(keys, key=lambda k: k.encode())


def iso_ms(text):
    return int(datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
               .replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)


def stamp(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)


def check_layout(test, s3, bucket, manifest_key, manifest, prefix, source, config_id, fmt,
                 started_ms, finished_ms):
    """Keys, manifest and symlink.txt exactly as native reports lay them out (spec §3, §6)."""
    created = int(manifest["creationTimestamp"])
    test.assertGreaterEqual(created, started_ms)
    test.assertLessEqual(created, finished_ms)
    when = stamp(created)
    root = (prefix + "/" if prefix else "") + source + "/" + config_id
    test.assertEqual(manifest_key, root + when.strftime("/%Y-%m-%dT%H-%MZ") + "/manifest.json")
    test.assertEqual(manifest["sourceBucket"], source)
    test.assertEqual(manifest["destinationBucket"], "arn:aws:s3:::" + bucket)
    test.assertEqual(manifest["version"], "2016-11-30")
    test.assertEqual(manifest["fileFormat"], fmt)
    ext = {"CSV": ".csv.gz", "Parquet": ".parquet", "ORC": ".orc"}[fmt]
    for f in manifest["files"]:
        test.assertRegex(f["key"], "^" + re.escape(root) + "/data/[0-9a-f-]{36}" + re.escape(ext))
    symlink = s3.get_object(Bucket=bucket, Key=root + when.strftime("/hive/dt=%Y-%m-%d-%H-%M")
                            + "/symlink.txt")["Body"].read().decode()
    test.assertEqual(symlink, "".join("s3://%s/%s\n" % (bucket, f["key"])
                                      for f in manifest["files"]))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
