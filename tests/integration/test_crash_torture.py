"""Crash torture (issue 10): mixed load from several threads (PUT of random sizes, multipart
complete, copy, delete, versioning enable/suspend, new inventory configurations whose first
report starts at once) while the server is
SIGKILLed at a random moment; then, every round:

- offline `stocktake admin fsck` on the killed data dir: no missing blob, no broken reference
  (orphans and tmp/ files are allowed: start-up removes them);
- restart: every key reads back as the state of its last acknowledged write or of the one write
  in flight when the server died (never other bytes, never a mix); every acknowledged version id
  still reads back with its bytes;
- inventory: once the runs settle, every manifest.json has its manifest.checksum, belongs to a
  succeeded run and passes `stocktake report verify`; no run failed; no published report was
  ever replaced;
- clean stop (SIGTERM), then fsck must find the directory fully consistent (no orphan either).

Rounds: STOCKTAKE_TORTURE_ROUNDS (default 20); load per round STOCKTAKE_TORTURE_LOAD_SECONDS
(default 1.5, the kill lands at a random instant within 0.3x..1.3x of it). With
STOCKTAKE_TORTURE_KEEP set, the data dir and server log are kept for a post-mortem."""

import hashlib
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import xml.etree.ElementTree as ET

from botocore.exceptions import ClientError

from harness import ACCESS_KEY, SECRET_KEY, Server, binary, raw_request
from inventory_util import put_config

ROUNDS = int(os.environ.get("STOCKTAKE_TORTURE_ROUNDS", "20"))
LOAD_SECONDS = float(os.environ.get("STOCKTAKE_TORTURE_LOAD_SECONDS", "1.5"))
THREADS = 6
KEYS_PER_THREAD = 10
BUCKET = "torture"
REPORTS = "reports"
CONFIG_ID = "inv"
SIZES = [1, 100, 5000, 70_000, 300_000, 1_000_000]
MIB = 1024 * 1024
ABSENT = "absent"
# Older acknowledged versions re-read per round (all of the round's own are).
OLD_VERSION_SAMPLE = 40

S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def md5(data):
    return hashlib.md5(data).hexdigest()


class KeyState:
    """One key, written by one thread only, so its operations are sequential: after a crash its
    latest state is `confirmed` (after the last acknowledged write) or `pending` (the write in
    flight when the server died, which may or may not have committed)."""

    def __init__(self):
        self.confirmed = ABSENT
        self.pending = None

    def acceptable(self):
        return {self.confirmed} | ({self.pending} if self.pending is not None else set())


class Ledger:
    def __init__(self):
        self.lock = threading.Lock()
        self.keys = {}
        self.versions = []  # (round, key, version_id, md5) of acknowledged versioned writes
        self.unexpected = []  # S3 errors answered by a live server
        self.acks = 0

    def key(self, name):
        with self.lock:
            return self.keys.setdefault(name, KeyState())

    def version(self, round_index, key, response, digest):
        version_id = response.get("VersionId")
        if version_id and version_id != "null":
            with self.lock:
                self.versions.append((round_index, key, version_id, digest))


class CrashTortureTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="stocktake-torture-")
        self.data_dir = os.path.join(self.root, "data")
        os.makedirs(self.data_dir)
        # A pause before each published report object widens the window in which a kill lands
        # between the data files and the manifest.
        self.env = {"STOCKTAKE_FAILPOINT_PUBLISH_DELAY_MS": "40"}
        self.server = None
        self.verified_manifests = {}  # key -> ETag of the manifest.json last verified

    def tearDown(self):
        if self.server:
            self.server.kill()
        if os.environ.get("STOCKTAKE_TORTURE_KEEP"):
            print("kept", self.root)
            return
        shutil.rmtree(self.root, ignore_errors=True)

    def start(self):
        self.server = Server(data_dir=self.data_dir, env=self.env).start()
        return self.server.client(connect_timeout=5, read_timeout=120)

    # ---- load ----------------------------------------------------------------------------------

    def writer(self, t, round_index, ledger, stop):
        client = self.server.client(connect_timeout=5, read_timeout=60)
        rng = random.Random(round_index * 7919 + t)
        names = ["t%d/k%02d" % (t, i) for i in range(KEYS_PER_THREAD)]
        while not stop.is_set():
            name = rng.choice(names)
            state = ledger.key(name)
            roll = rng.random()
            try:
                if roll < 0.45:
                    data = rng.randbytes(rng.choice(SIZES))
                    state.pending = md5(data)
                    r = client.put_object(Bucket=BUCKET, Key=name, Body=data,
                                          Metadata={"sum": state.pending})
                    if r["ETag"] != '"%s"' % state.pending:
                        with ledger.lock:
                            ledger.unexpected.append((name, "ETag " + r["ETag"]))
                elif roll < 0.6:
                    sizes = [rng.choice(SIZES)]
                    if rng.random() < 0.25:
                        sizes.insert(0, 5 * MIB)  # parts but the last need 5 MiB
                    parts = [rng.randbytes(s) for s in sizes]
                    digest = md5(b"".join(parts))
                    up = client.create_multipart_upload(Bucket=BUCKET, Key=name,
                                                        Metadata={"sum": digest})
                    done = []
                    for n, part in enumerate(parts, 1):
                        r = client.upload_part(Bucket=BUCKET, Key=name, UploadId=up["UploadId"],
                                               PartNumber=n, Body=part)
                        done.append({"PartNumber": n, "ETag": r["ETag"]})
                    state.pending = digest
                    r = client.complete_multipart_upload(
                        Bucket=BUCKET, Key=name, UploadId=up["UploadId"],
                        MultipartUpload={"Parts": done})
                elif roll < 0.8:
                    sources = [n for n in names if n != name and ledger.key(n).confirmed != ABSENT]
                    if not sources:
                        continue
                    source = rng.choice(sources)
                    state.pending = ledger.key(source).confirmed
                    r = client.copy_object(Bucket=BUCKET, Key=name,
                                           CopySource={"Bucket": BUCKET, "Key": source})
                else:
                    state.pending = ABSENT
                    r = client.delete_object(Bucket=BUCKET, Key=name)
            except ClientError as e:
                with ledger.lock:
                    ledger.unexpected.append((name, e.response["Error"]))
                return
            except Exception:  # noqa: BLE001 - the server was killed under us
                return
            if state.pending != ABSENT:
                ledger.version(round_index, name, r, state.pending)
            state.confirmed, state.pending = state.pending, None
            with ledger.lock:
                ledger.acks += 1

    def versioning_toggler(self, round_index, stop):
        client = self.server.client(connect_timeout=5, read_timeout=60)
        rng = random.Random(round_index)
        while not stop.wait(rng.uniform(0.2, 0.6)):
            try:
                client.put_bucket_versioning(
                    Bucket=BUCKET,
                    VersioningConfiguration={"Status": rng.choice(["Enabled", "Suspended"])})
            except Exception:  # noqa: BLE001 - killed
                return

    def inventory_trigger(self, round_index, stop):
        # A new configuration every tick: runs of one configuration take one minute each (a
        # published report is never replaced), runs of different ones go at once.
        client = self.server.client()
        n = 0
        while not stop.wait(0.4):
            try:
                put_config(client, BUCKET, "%s-%d-%d" % (CONFIG_ID, round_index, n), REPORTS,
                           fields=["Size", "ETag"], versions="All")
                n += 1
            except Exception:  # noqa: BLE001 - killed
                return

    # ---- checks --------------------------------------------------------------------------------

    def fsck(self):
        proc = subprocess.run([binary(), "admin", "fsck", "--data-dir", self.data_dir],
                              capture_output=True, text=True, timeout=300)
        counts = {}
        for line in proc.stdout.splitlines():
            name, _, value = line.partition(" ")
            if value.isdigit():
                counts[name] = int(value)
        return proc.returncode, counts, proc.stdout + proc.stderr

    def check_keys(self, client, ledger):
        for name, state in sorted(ledger.keys.items()):
            try:
                r = client.get_object(Bucket=BUCKET, Key=name)
                got = md5(r["Body"].read())
                # Metadata travels with its bytes (copies keep the source's).
                self.assertEqual(r["Metadata"].get("sum"), got, name)
            except ClientError as e:
                self.assertEqual(e.response["Error"]["Code"], "NoSuchKey", name)
                got = ABSENT
            self.assertIn(got, state.acceptable(),
                          "%s: neither its acknowledged state nor the write in flight" % name)
            # The survivor is the new confirmed state; nothing is in flight any more.
            state.confirmed, state.pending = got, None

    def check_versions(self, client, ledger, round_index):
        current = [v for v in ledger.versions if v[0] == round_index]
        older = [v for v in ledger.versions if v[0] != round_index]
        sample = current + random.sample(older, min(OLD_VERSION_SAMPLE, len(older)))
        for _, name, version_id, digest in sample:
            body = client.get_object(Bucket=BUCKET, Key=name, VersionId=version_id)["Body"].read()
            self.assertEqual(md5(body), digest, "acknowledged version %s of %s" % (version_id, name))
        return len(sample)

    def config_ids(self, client):
        ids, token = [], None
        while True:
            page = client.list_bucket_inventory_configurations(
                Bucket=BUCKET, **({"ContinuationToken": token} if token else {}))
            ids += [c["Id"] for c in page.get("InventoryConfigurationList", [])]
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated"):
                return ids

    def runs(self, client):
        out = []
        for config_id in self.config_ids(client):
            status, _, body = raw_request(self.server, "GET", "/" + BUCKET,
                                          "id=%s&inventory=&runs=" % config_id)
            self.assertEqual(status, 200, body)
            for run in ET.fromstring(body).iter(S3_NS + "InventoryRun"):
                out.append({child.tag.replace(S3_NS, ""): child.text for child in run})
        return out

    def check_inventory(self, client):
        """Returns (runs, manifests, runs found unfinished at restart: the kill interrupted them)."""
        interrupted = sum(r["State"] not in ("succeeded", "failed") for r in self.runs(client))
        deadline = time.time() + 120
        while True:
            runs = self.runs(client)
            if all(r["State"] in ("succeeded", "failed") for r in runs):
                break
            self.assertLess(time.time(), deadline, "inventory runs did not settle: %s" % runs)
            time.sleep(0.3)
        failed = [r for r in runs if r["State"] == "failed"]
        self.assertEqual(failed, [], "failed inventory runs")
        published = {r["ManifestKey"] for r in runs if r.get("ManifestKey")}
        keys = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=REPORTS):
            keys.update((o["Key"], o["ETag"]) for o in page.get("Contents", []))
        manifests = {k for k in keys if k.endswith("/manifest.json")}
        checksums = {k for k in keys if k.endswith("/manifest.checksum")}
        self.assertEqual({k.rsplit("/", 1)[0] for k in manifests},
                         {k.rsplit("/", 1)[0] for k in checksums},
                         "manifest.json and manifest.checksum come together")
        self.assertLessEqual(manifests, published, "a manifest of no succeeded run")
        env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
        for key, etag in self.verified_manifests.items():
            self.assertEqual(keys.get(key), etag, "a published report was replaced: " + key)
        for key in sorted(k for k in manifests if k not in self.verified_manifests):
            proc = subprocess.run([binary(), "report", "verify", "s3://%s/%s" % (REPORTS, key),
                                   "--endpoint", self.server.url],
                                  capture_output=True, text=True, env=env, timeout=300)
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            self.assertTrue(proc.stdout.endswith("verify: OK\n"), proc.stdout)
            self.verified_manifests[key] = keys[key]
        return len(runs), len(manifests), interrupted

    # ---- the test ------------------------------------------------------------------------------

    def test_sigkill_rounds(self):
        client = self.start()
        client.create_bucket(Bucket=BUCKET)
        client.create_bucket(Bucket=REPORTS)
        put_config(client, BUCKET, CONFIG_ID, REPORTS, fields=["Size", "ETag"], versions="All")
        ledger = Ledger()
        started = time.time()
        for round_index in range(ROUNDS):
            stop = threading.Event()
            threads = [threading.Thread(target=self.writer, args=(t, round_index, ledger, stop))
                       for t in range(THREADS)]
            threads.append(threading.Thread(target=self.versioning_toggler,
                                            args=(round_index, stop)))
            threads.append(threading.Thread(target=self.inventory_trigger,
                                            args=(round_index, stop)))
            acks_before = ledger.acks
            for t in threads:
                t.start()
            time.sleep(random.uniform(0.3, 1.3) * LOAD_SECONDS)
            self.server.kill()
            stop.set()
            for t in threads:
                t.join(120)
            self.assertEqual(ledger.unexpected, [], "S3 errors from a live server")

            code, counts, out = self.fsck()
            self.assertIn(code, (0, 7), "fsck after SIGKILL: lost data\n" + out)

            client = self.start()
            self.check_keys(client, ledger)
            versions = self.check_versions(client, ledger, round_index)
            runs, manifests, interrupted = self.check_inventory(client)
            self.server.stop()

            code, clean, out = self.fsck()
            self.assertEqual(code, 0, "fsck after start-up clean-up and a clean stop\n" + out)
            print("round %2d: %3d acks, orphans after kill %d (tmp %d), %d versions re-read, "
                  "%d runs (%d resumed), %d manifests, %d blob files"
                  % (round_index, ledger.acks - acks_before, counts.get("orphan_blobs", 0),
                     counts.get("tmp_files", 0), versions, runs, interrupted, manifests,
                     clean.get("blob_files", 0)), flush=True)
            client = self.start()
        print("%d rounds in %.0f s" % (ROUNDS, time.time() - started))


if __name__ == "__main__":
    unittest.main()
