"""Limits under load (issue 10).

LoadTest: 256 concurrent connections (one thread each, one shared boto3 client with a 256-slot
pool) of mixed PUT/GET/HEAD/LIST/DELETE on their own keys, over loopback, for
STOCKTAKE_LOAD_SECONDS (default 10; the issue's manual run uses 60). Every request has one right
answer (each thread owns its keys), so any other answer is a failure. Prints ops/s and the
server's peak RSS (VmHWM).

HttpLimitsTest: the serve flags --max-header-bytes, --idle-timeout and --max-connections."""

import hashlib
import os
import random
import socket
import threading
import time
import unittest
import xml.etree.ElementTree as ET

from botocore.exceptions import ClientError

from harness import Server

CONNECTIONS = 256
LOAD_SECONDS = float(os.environ.get("STOCKTAKE_LOAD_SECONDS", "10"))
SIZES = [0, 1, 100, 4096, 20_000, 65_536]


def vm_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def established_connections(port):
    """Server-side established TCP connections on `port` (IPv4 loopback), from /proc/net/tcp."""
    count = 0
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].split(":")[1], 16)
            if local_port == port and fields[3] == "01":
                count += 1
    return count


class LoadTest(unittest.TestCase):
    def setUp(self):
        self.server = Server().start()

    def tearDown(self):
        self.server.cleanup()

    def test_mixed_load_256_connections(self):
        client = self.server.client(max_pool_connections=CONNECTIONS, connect_timeout=30,
                                    read_timeout=120)
        client.create_bucket(Bucket="load")
        stop = threading.Event()
        start_barrier = threading.Barrier(CONNECTIONS + 1)
        lock = threading.Lock()
        ops = {"PUT": 0, "GET": 0, "HEAD": 0, "LIST": 0, "DELETE": 0}
        failures = []
        peak_connections = [0]

        def check(condition, what):
            if not condition:
                with lock:
                    failures.append(what)

        def worker(t):
            rng = random.Random(t)
            prefix = "w%03d/" % t
            live = {}
            done = {k: 0 for k in ops}
            start_barrier.wait()
            i = 0
            while not stop.is_set():
                try:
                    key = prefix + "k%d" % (i % 8)
                    data = rng.randbytes(rng.choice(SIZES))
                    r = client.put_object(Bucket="load", Key=key, Body=data)
                    done["PUT"] += 1
                    check(r["ETag"] == '"%s"' % hashlib.md5(data).hexdigest(), "ETag " + key)
                    live[key] = data
                    body = client.get_object(Bucket="load", Key=key)["Body"].read()
                    done["GET"] += 1
                    check(body == data, "GET bytes " + key)
                    head = client.head_object(Bucket="load", Key=key)
                    done["HEAD"] += 1
                    check(head["ContentLength"] == len(data), "HEAD size " + key)
                    listed = client.list_objects_v2(Bucket="load", Prefix=prefix)
                    done["LIST"] += 1
                    check(sorted(o["Key"] for o in listed.get("Contents", [])) == sorted(live),
                          "LIST " + prefix)
                    if i % 3 == 2:
                        victim = rng.choice(sorted(live))
                        client.delete_object(Bucket="load", Key=victim)
                        done["DELETE"] += 1
                        del live[victim]
                        try:
                            client.head_object(Bucket="load", Key=victim)
                            check(False, "HEAD after DELETE " + victim)
                        except ClientError as e:
                            check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 404,
                                  "HEAD after DELETE %s: %s" % (victim, e.response))
                        done["HEAD"] += 1
                except Exception as e:  # noqa: BLE001 - every request here must succeed
                    check(False, "%s: %r" % (key, e))
                    return
                i += 1
            with lock:
                for k, v in done.items():
                    ops[k] += v

        threads = [threading.Thread(target=worker, args=(t,), daemon=True)
                   for t in range(CONNECTIONS)]
        for t in threads:
            t.start()
        start_barrier.wait()
        started = time.time()
        while time.time() - started < LOAD_SECONDS:
            time.sleep(0.5)
            peak_connections[0] = max(peak_connections[0], established_connections(self.server.port))
        stop.set()
        for t in threads:
            t.join(300)
        elapsed = time.time() - started
        self.assertFalse(any(t.is_alive() for t in threads), "a worker hung")
        total = sum(ops.values())
        hwm_kib = vm_kib(self.server.proc.pid, "VmHWM")
        print("\n%d connections (peak established %d), %.0f s: %d ops, %.0f ops/s (%s); "
              "server peak RSS %.1f MiB" % (CONNECTIONS, peak_connections[0], elapsed, total,
                                            total / elapsed,
                                            ", ".join("%s %d" % kv for kv in ops.items()),
                                            hwm_kib / 1024.0), flush=True)
        self.assertEqual(failures, [])
        self.assertGreater(ops["PUT"], CONNECTIONS, "every connection made progress")


def raw_exchange(port, data, read_timeout=30):
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as s:
        s.sendall(data)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        return out


def wait_closed(sock, limit_seconds):
    """Seconds until the server closes `sock` (reads return EOF or a reset)."""
    started = time.time()
    sock.settimeout(limit_seconds)
    try:
        while sock.recv(4096):
            pass
    except ConnectionResetError:
        pass
    except socket.timeout:
        return None
    return time.time() - started


class HttpLimitsTest(unittest.TestCase):
    IDLE_SECONDS = 2
    MAX_CONNECTIONS = 8

    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=[
            "--idle-timeout", str(cls.IDLE_SECONDS), "--max-header-bytes", "8192",
            "--max-connections", str(cls.MAX_CONNECTIONS)]).start()
        cls.s3 = cls.server.client()
        cls.s3.create_bucket(Bucket="limits")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def test_oversized_header_is_an_s3_error(self):
        request = ("GET /limits/k HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n" % ("a" * 9000)).encode()
        received = raw_exchange(self.server.port, request)
        self.assertTrue(received.startswith(b"HTTP/1.1 400"), received[:200])
        body = received.split(b"\r\n\r\n", 1)[1]
        root = ET.fromstring(body)
        self.assertEqual(root.findtext("Code"), "RequestHeaderSectionTooLarge")
        self.assertTrue(root.findtext("RequestId"))
        # Just under the limit is served (here: an unsigned request, so AccessDenied).
        request = ("GET /limits/k HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\nConnection: close\r\n\r\n"
                   % ("a" * 7000)).encode()
        self.assertTrue(raw_exchange(self.server.port, request).startswith(b"HTTP/1.1 403"))

    def test_body_beyond_the_largest_object_is_refused_before_reading(self):
        request = (b"PUT /limits/huge HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
                   % (6 * 1024 ** 3))
        received = raw_exchange(self.server.port, request)
        self.assertTrue(received.startswith(b"HTTP/1.1 400"), received[:200])
        self.assertIn(b"<Code>EntityTooLarge</Code>", received)

    def test_idle_and_trickling_clients_are_disconnected(self):
        limit = self.IDLE_SECONDS + 20  # generous: ASan build on a loaded machine
        idle = socket.create_connection(("127.0.0.1", self.server.port))
        try:
            took = wait_closed(idle, limit)
            self.assertIsNotNone(took, "idle connection kept open")
            self.assertGreaterEqual(took, self.IDLE_SECONDS - 0.5)
        finally:
            idle.close()
        # A slowloris header: one byte every 0.3 s never completes the header in time.
        trickle = socket.create_connection(("127.0.0.1", self.server.port))
        started = time.time()
        try:
            closed = False
            for byte in b"GET /limits/k HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200:
                try:
                    trickle.sendall(bytes([byte]))
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
                    break
                time.sleep(0.3)
                if time.time() - started > limit:
                    break
            if not closed:
                closed = wait_closed(trickle, 5) is not None
            self.assertTrue(closed, "trickling client kept its connection")
            self.assertLess(time.time() - started, limit)
        finally:
            trickle.close()

    def test_connections_beyond_the_limit_wait_instead_of_failing(self):
        held = [socket.create_connection(("127.0.0.1", self.server.port))
                for _ in range(self.MAX_CONNECTIONS)]
        try:
            # Every slot is taken by an idle connection: the request waits in the backlog until
            # the idle timeout frees a slot, then succeeds.
            client = self.server.client(connect_timeout=60, read_timeout=60)
            client.put_object(Bucket="limits", Key="waited", Body=b"x")
            self.assertEqual(client.get_object(Bucket="limits", Key="waited")["Body"].read(),
                             b"x")
        finally:
            for s in held:
                s.close()


if __name__ == "__main__":
    unittest.main()
