"""Helpers for inventory tests: configure, run now with the real CLI, fetch and read reports
with DuckDB (npm @duckdb/node-api) after downloading them (httpfs cannot be installed here)."""

import gzip
import hashlib
import json
import os
import subprocess
import tempfile

from harness import ACCESS_KEY, SECRET_KEY, binary

HERE = os.path.dirname(os.path.abspath(__file__))
READERS = os.path.join(HERE, "..", "readers")


def put_config(s3, bucket, config_id, destination_bucket, fmt="CSV", fields=(), versions="Current",
               prefix=None, filter_prefix=None, enabled=True, frequency="Daily", account_id=None,
               kms_key_id=None):
    destination = {"Bucket": "arn:aws:s3:::" + destination_bucket, "Format": fmt}
    if prefix is not None:
        destination["Prefix"] = prefix
    if account_id is not None:
        destination["AccountId"] = account_id
    if kms_key_id is not None:
        destination["Encryption"] = {"SSEKMS": {"KeyId": kms_key_id}}
    config = {"Destination": {"S3BucketDestination": destination}, "IsEnabled": enabled,
              "Id": config_id, "IncludedObjectVersions": versions,
              "Schedule": {"Frequency": frequency}}
    if fields:
        config["OptionalFields"] = list(fields)
    if filter_prefix is not None:
        config["Filter"] = {"Prefix": filter_prefix}
    s3.put_bucket_inventory_configuration(Bucket=bucket, Id=config_id,
                                          InventoryConfiguration=config)


def run_now(server, bucket, config_id, expect_success=True):
    """`stocktake inventory run --wait`: returns (returncode, stdout, stderr)."""
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
    proc = subprocess.run([binary(), "inventory", "run", "--endpoint", server.url, "--bucket", bucket,
                           "--id", config_id, "--wait", "--timeout", "300"],
                          capture_output=True, text=True, env=env, timeout=600)
    if expect_success and proc.returncode != 0:
        raise AssertionError("inventory run failed: " + proc.stdout + proc.stderr)
    return proc.returncode, proc.stdout, proc.stderr


def manifest_key_from(stdout):
    for line in stdout.splitlines():
        if line.startswith("manifest s3://"):
            # "manifest s3://DESTINATION-BUCKET/KEY": the key
            return line.split(" ", 1)[1][len("s3://"):].split("/", 1)[1]
    raise AssertionError("no manifest in: " + stdout)


def fetch_report(s3, destination_bucket, manifest_key, directory=None):
    """Downloads manifest + data files, checks manifest.checksum and every MD5checksum.
    Returns (manifest dict, [local data file paths])."""
    directory = directory or tempfile.mkdtemp(prefix="stocktake-report-")
    manifest_bytes = s3.get_object(Bucket=destination_bucket, Key=manifest_key)["Body"].read()
    checksum_key = manifest_key.rsplit("/", 1)[0] + "/manifest.checksum"
    checksum = s3.get_object(Bucket=destination_bucket, Key=checksum_key)["Body"].read()
    assert checksum == (hashlib.md5(manifest_bytes).hexdigest() + "\n").encode(), checksum
    manifest = json.loads(manifest_bytes)
    paths = []
    for i, f in enumerate(manifest["files"]):
        data = s3.get_object(Bucket=destination_bucket, Key=f["key"])["Body"].read()
        assert len(data) == f["size"], (f, len(data))
        assert hashlib.md5(data).hexdigest() == f["MD5checksum"], f
        path = os.path.join(directory, "%04d-%s" % (i, f["key"].rsplit("/", 1)[1]))
        with open(path, "wb") as out:
            out.write(data)
        paths.append(path)
    return manifest, paths


def duckdb(sql):
    proc = subprocess.run(["node", os.path.join(READERS, "duckdb_query.mjs"), sql],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError("duckdb failed: " + proc.stderr)
    return json.loads(proc.stdout)


def sql_list(paths):
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def read_csv_report(manifest, paths):
    """Reads CSV data files with DuckDB, naming columns from fileSchema (no header row)."""
    names = [n.strip() for n in manifest["fileSchema"].split(",")]
    columns = "{" + ", ".join("'%s': 'VARCHAR'" % n for n in names) + "}"
    if not paths:
        return []
    return duckdb("SELECT * FROM read_csv(%s, header=false, quote='\"', escape='\"', "
                  "columns=%s, compression='gzip', auto_detect=false, strict_mode=true, "
                  "allow_quoted_nulls=false)"
                  % (sql_list(paths), columns))


def csv_rows_python(paths):
    """The same files read with Python's csv module (a second reader for the raw bytes)."""
    import csv
    import io
    rows = []
    for p in paths:
        with gzip.open(p, "rt", encoding="utf-8", newline="") as f:
            rows.extend(list(csv.reader(io.StringIO(f.read()))))
    return rows
