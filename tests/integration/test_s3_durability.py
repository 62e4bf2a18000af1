"""Crash durability: 8 threads PUT random bytes while the server is SIGKILLed; after a restart on
the same data directory every acknowledged PUT reads back with its bytes, nothing partial is
listed, and nothing leaks (temp files, unreferenced blobs). Three rounds on one data directory,
so later rounds also re-check what earlier crashes left."""

import hashlib
import os
import random
import shutil
import signal
import tempfile
import threading
import time
import unittest

from harness import Server

THREADS = 8
ROUNDS = 3
# Sizes from 1 byte to a few MiB: small ones stress the metadata commit, large ones the blob
# path. No empty objects: whether one has a blob file is the store's choice, and leaving them out
# lets the leak check below be exact (one blob file per listed object).
SIZES = [1, 100, 4096, 65536, 300_000, 1_100_000, 3_000_000]


class Ledger:
    """What was sent for each key, in order, and which PUTs were acknowledged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.attempts = {}  # key -> [(md5, size, acknowledged)]

    def attempt(self, key, md5, size):
        with self.lock:
            self.attempts.setdefault(key, []).append([md5, size, False])
            return len(self.attempts[key]) - 1

    def ack(self, key, index):
        with self.lock:
            self.attempts[key][index][2] = True

    def acceptable(self, key):
        """Contents a key may have after a crash: the last acknowledged PUT, or any PUT attempted
        after it (it may have committed without its answer reaching us)."""
        attempts = self.attempts.get(key, [])
        last_ack = max((i for i, a in enumerate(attempts) if a[2]), default=None)
        start = 0 if last_ack is None else last_ack
        return {a[0]: a[1] for a in attempts[start:]}, last_ack is not None


class DurabilityTest(unittest.TestCase):
    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="stocktake-durability-")
        self.server = Server(data_dir=self.data_dir).start()

    def tearDown(self):
        self.server.stop(signal.SIGKILL)
        shutil.rmtree(self.data_dir, ignore_errors=True)
        try:
            os.unlink(self.server.log_path)
        except OSError:
            pass

    def restart(self):
        self.server = Server(data_dir=self.data_dir).start()
        return self.server.client()

    def load(self, ledger, round_index, stop, counts):
        def worker(t):
            client = self.server.client(connect_timeout=5, read_timeout=60)
            rng = random.Random(round_index * 1000 + t)
            i = 0
            while not stop.is_set():
                # One in four PUTs overwrites an earlier key of this thread (any round): a crash
                # mid-overwrite must leave the old or the new bytes, never a mix.
                if i > 0 and rng.random() < 0.25:
                    key = "t%d/r%d-%05d" % (t, rng.randrange(round_index + 1),
                                            rng.randrange(max(1, i)))
                else:
                    key = "t%d/r%d-%05d" % (t, round_index, i)
                data = rng.randbytes(rng.choice(SIZES))
                md5 = hashlib.md5(data).hexdigest()
                index = ledger.attempt(key, md5, len(data))
                try:
                    resp = client.put_object(Bucket="durable", Key=key, Body=data)
                except Exception:  # noqa: BLE001 - the server was killed under us
                    return
                if resp["ETag"] != '"%s"' % md5:
                    raise AssertionError("ETag %s for %s" % (resp["ETag"], key))
                ledger.ack(key, index)
                with ledger.lock:
                    counts[t] += 1
                i += 1

        return [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(THREADS)]

    def blob_files(self):
        names = []
        for _, _, files in os.walk(os.path.join(self.data_dir, "blobs")):
            names += files
        return names

    def verify(self, client, ledger):
        listed = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket="durable"):
            for o in page.get("Contents", []):
                listed[o["Key"]] = o
        acknowledged = 0
        for key in ledger.attempts:
            acceptable, was_acked = ledger.acceptable(key)
            if was_acked:
                acknowledged += 1
                self.assertIn(key, listed, "acknowledged PUT lost")
            if key not in listed:
                continue
            o = listed[key]
            etag = o["ETag"].strip('"')
            self.assertIn(etag, acceptable, "listed object %s has bytes never sent" % key)
            self.assertEqual(o["Size"], acceptable[etag], key)
            body = client.get_object(Bucket="durable", Key=key)["Body"].read()
            self.assertEqual(hashlib.md5(body).hexdigest(), etag, "partial object %s" % key)
        for key in listed:
            self.assertIn(key, ledger.attempts, "unknown key listed")
        # Nothing leaks: temp files are cleared and every blob file belongs to a listed object.
        # Poll: clean-up may run in the background after start.
        deadline = time.time() + 20
        while time.time() < deadline:
            if (not os.listdir(os.path.join(self.data_dir, "tmp")) and
                    len(self.blob_files()) == len(listed)):
                break
            time.sleep(0.2)
        self.assertEqual(os.listdir(os.path.join(self.data_dir, "tmp")), [])
        self.assertEqual(len(self.blob_files()), len(listed), "leaked or missing blob files")
        return acknowledged, len(listed)

    def test_sigkill_during_concurrent_puts(self):
        client = self.server.client()
        client.create_bucket(Bucket="durable")
        ledger = Ledger()
        for round_index in range(ROUNDS):
            stop = threading.Event()
            counts = [0] * THREADS
            threads = self.load(ledger, round_index, stop, counts)
            for t in threads:
                t.start()
            # Let the load run until every thread has had acknowledged PUTs, then a bit more
            # at a random instant, and kill the server in the middle of it.
            deadline = time.time() + 60
            while min(counts) < 3 and time.time() < deadline:
                time.sleep(0.05)
            self.assertGreaterEqual(min(counts), 3, "load did not start")
            time.sleep(random.uniform(0.2, 1.5))
            self.server.kill()
            stop.set()
            for t in threads:
                t.join(120)
            client = self.restart()
            acknowledged, listed = self.verify(client, ledger)
            self.assertGreater(acknowledged, 0)
            print("round %d: %d keys acknowledged, %d listed" % (round_index, acknowledged,
                                                               listed))

    def test_sigterm_finishes_in_flight_puts(self):
        client = self.server.client()
        client.create_bucket(Bucket="durable")
        ledger = Ledger()
        stop = threading.Event()
        counts = [0] * THREADS
        threads = self.load(ledger, 0, stop, counts)
        for t in threads:
            t.start()
        deadline = time.time() + 60
        while min(counts) < 3 and time.time() < deadline:
            time.sleep(0.05)
        proc = self.server.proc
        self.server.stop(signal.SIGTERM)
        self.assertEqual(proc.returncode, 0, "SIGTERM is a clean exit")
        stop.set()
        for t in threads:
            t.join(120)
        client = self.restart()
        self.verify(client, ledger)


if __name__ == "__main__":
    unittest.main()
