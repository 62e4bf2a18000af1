"""`stocktake report verify|cat|summary|diff|query` (issue 9) on real reports of a real server, in
the three formats, read from s3:// URLs and from local copies (an `aws s3 sync` of the destination
bucket, a flat copy, and --data-root). Expected values come from what the test itself wrote; the
encryption column, whose default belongs to the server, is checked against S3's own answer."""

import csv
import datetime
import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import ACCESS_KEY, SECRET_KEY, Server, binary
from inventory_util import manifest_key_from, put_config, run_now

DAY_MS = 86400 * 1000
FIELDS = ["Size", "LastModifiedDate", "ETag", "StorageClass", "EncryptionStatus",
          "IsMultipartUploaded"]
FORMATS = ("CSV", "Parquet", "ORC")

# key -> (size, storage class, store clock offset when written)
OBJECTS = {
    "old/400d.txt": (100, "STANDARD", -400 * DAY_MS),
    "old/40d.txt": (50, "STANDARD_IA", -40 * DAY_MS),
    "a/1.txt": (10, "STANDARD", 0),
    "a/2.txt": (20, "STANDARD", 0),
    "a/deep/3.txt": (1, "STANDARD", 0),
    "b/x y.bin": (30, "GLACIER", 0),
    "b/plus+%.txt": (40, "STANDARD_IA", 0),
    "c.txt": (5, "STANDARD", 0),
    "unicode/\u00fcber.txt": (7, "STANDARD", 0),
}
# Changes between the first and the second reports.
ADDED = "d/new.txt"
REMOVED = "c.txt"
OVERWRITTEN = "a/2.txt"


def ms(dt):
    return int(dt.timestamp() * 1000)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


def read_json(path):
    with open(path) as f:
        return json.load(f)


def iso_ms(value_ms):
    return datetime.datetime.fromtimestamp(value_ms / 1000, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (value_ms % 1000)


class ReportToolsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="stocktake-report-tools-")
        data_dir = os.path.join(cls.tmp, "data")
        os.mkdir(data_dir)
        args = ("--inventory-max-rows-per-file", "4", "--inventory-first-run", "schedule")
        # Objects written "in the past": the store's clock runs behind while they are written.
        for offset in sorted({o[2] for o in OBJECTS.values() if o[2] != 0}):
            server = Server(data_dir=data_dir, extra_args=args,
                            env={"STOCKTAKE_FAILPOINT_STORE_CLOCK_OFFSET_MS": str(offset)}).start()
            s3 = server.client()
            if offset == min(o[2] for o in OBJECTS.values()):
                s3.create_bucket(Bucket="src")
                s3.create_bucket(Bucket="dst")
            for key, (size, storage_class, when) in OBJECTS.items():
                if when == offset:
                    s3.put_object(Bucket="src", Key=key, Body=b"o" * size,
                                  StorageClass=storage_class)
            server.stop()
        cls.server = Server(data_dir=data_dir, extra_args=args).start()
        cls.s3 = cls.server.client()
        for key, (size, storage_class, when) in OBJECTS.items():
            if when == 0:
                cls.s3.put_object(Bucket="src", Key=key, Body=b"o" * size,
                                  StorageClass=storage_class)
        cls.truth = {o["Key"]: o for o in cls.s3.list_objects_v2(Bucket="src")["Contents"]}
        cls.encryption = {}
        for key in OBJECTS:
            sse = cls.s3.head_object(Bucket="src", Key=key).get("ServerSideEncryption")
            cls.encryption[key] = {"AES256": "SSE-S3", "aws:kms": "SSE-KMS",
                                   "aws:kms:dsse": "DSSE-KMS"}.get(sse, "NOT-SSE")

        # First reports, one per format, and local copies of the destination bucket.
        cls.manifests = {}
        for fmt in FORMATS:
            put_config(cls.s3, "src", "first-" + fmt.lower(), "dst", fmt=fmt, fields=FIELDS)
            _, out, _ = run_now(cls.server, "src", "first-" + fmt.lower())
            cls.manifests[fmt] = manifest_key_from(out)
        cls.sync_dir = os.path.join(cls.tmp, "sync")
        cls.server.aws("s3", "sync", "s3://dst", cls.sync_dir)

        # Changes, then second reports of other configurations (the first stay as they were).
        cls.s3.put_object(Bucket="src", Key=ADDED, Body=b"n" * 12)
        cls.s3.delete_object(Bucket="src", Key=REMOVED)
        cls.s3.put_object(Bucket="src", Key=OVERWRITTEN, Body=b"w" * 25)
        cls.new_etag = cls.s3.head_object(Bucket="src", Key=OVERWRITTEN)["ETag"].strip('"')
        cls.second = {}
        for fmt in FORMATS:
            put_config(cls.s3, "src", "second-" + fmt.lower(), "dst", fmt=fmt, fields=FIELDS)
            _, out, _ = run_now(cls.server, "src", "second-" + fmt.lower())
            cls.second[fmt] = manifest_key_from(out)

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # ---- helpers ----

    def report(self, *args, expect=0):
        env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
        proc = subprocess.run([binary(), "report"] + list(args) + ["--endpoint", self.server.url],
                              capture_output=True, text=True, env=env, timeout=600)
        if expect is not None and proc.returncode != expect:
            raise AssertionError("stocktake report %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s"
                                 % (" ".join(args), proc.returncode, expect, proc.stdout,
                                    proc.stderr))
        return proc

    def s3_url(self, fmt, second=False):
        return "s3://dst/" + (self.second if second else self.manifests)[fmt]

    def local_url(self, fmt):
        return os.path.join(self.sync_dir, self.manifests[fmt])

    def urls(self, fmt):
        return [self.s3_url(fmt), self.local_url(fmt)]

    def cat_jsonl(self, url):
        rows = [json.loads(line) for line in self.report("cat", url, "--format", "jsonl")
                .stdout.splitlines()]
        return {row["key"]: row for row in rows}

    def expected_rows(self):
        rows = {}
        for key, (size, storage_class, _) in OBJECTS.items():
            t = self.truth[key]
            rows[key] = {"bucket": "src", "key": key, "size": size,
                         "last_modified_date": iso_ms(ms(t["LastModified"])),
                         "e_tag": t["ETag"].strip('"'), "storage_class": storage_class,
                         "encryption_status": self.encryption[key],
                         "is_multipart_uploaded": False}
        return rows

    # ---- verify ----

    def test_verify_every_format_from_s3_and_local_copies(self):
        for fmt in FORMATS:
            for url in self.urls(fmt):
                with self.subTest(fmt=fmt, url=url):
                    out = self.report("verify", url).stdout
                    self.assertIn("manifest.checksum ok", out)
                    self.assertIn("\nfiles 3\n", out)
                    self.assertIn("\nrows 9\n", out)
                    self.assertEqual(out.count("\n  ok  "), 3, out)
                    self.assertTrue(out.endswith("verify: OK\n"), out)

    def test_local_layouts(self):
        manifest = read_json(self.local_url("Parquet"))
        # A flat copy: manifest, checksum and data files side by side.
        flat = os.path.join(self.tmp, "flat")
        os.makedirs(flat, exist_ok=True)
        for name in ("manifest.json", "manifest.checksum"):
            shutil.copy(os.path.join(os.path.dirname(self.local_url("Parquet")), name), flat)
        for f in manifest["files"]:
            shutil.copy(os.path.join(self.sync_dir, f["key"]), flat)
        out = self.report("verify", os.path.join(flat, "manifest.json")).stdout
        self.assertIn("\nrows 9\n", out)
        # --data-root: the manifest elsewhere, data files under the given root.
        alone = os.path.join(self.tmp, "alone")
        os.makedirs(alone, exist_ok=True)
        shutil.copy(self.local_url("Parquet"), alone)
        out = self.report("verify", os.path.join(alone, "manifest.json"), "--data-root",
                          self.sync_dir, expect=4)
        self.assertIn("\nrows 9\n", out.stdout)  # every file found and read
        self.assertIn("manifest.checksum", out.stderr)  # but no checksum next to the manifest
        # Reading commands refuse a manifest without its checksum, unless told not to verify.
        out = self.report("cat", os.path.join(alone, "manifest.json"), expect=4)
        self.assertIn("manifest.checksum: no such file", out.stderr)
        self.assertIn("--no-verify", out.stderr)
        # Nothing to find: a clear message naming the key.
        out = self.report("cat", os.path.join(alone, "manifest.json"), "--no-verify", expect=3)
        self.assertIn(manifest["files"][0]["key"], out.stderr)
        self.assertIn("--data-root", out.stderr)

    def corrupted_copy(self, fmt, name):
        root = os.path.join(self.tmp, name)
        shutil.copytree(self.sync_dir, root)
        return root, os.path.join(root, self.manifests[fmt])

    def test_verify_catches_a_corrupted_data_file(self):
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                root, url = self.corrupted_copy(fmt, "corrupt-" + fmt)
                key = read_json(url)["files"][1]["key"]
                path = os.path.join(root, key)
                data = bytearray(read_bytes(path))
                data[len(data) // 2] ^= 0xFF
                write_bytes(path, bytes(data))
                proc = self.report("verify", url, expect=4)
                self.assertIn("files[1] " + key + ": MD5 is ", proc.stderr)
                self.assertIn("verify: FAILED", proc.stderr)
                self.assertIn("BAD " + key, proc.stdout)

    def test_verify_catches_a_truncated_file_and_a_wrong_checksum(self):
        root, url = self.corrupted_copy("ORC", "truncated")
        key = read_json(url)["files"][0]["key"]
        path = os.path.join(root, key)
        data = read_bytes(path)
        write_bytes(path, data[:-10])
        with open(os.path.join(os.path.dirname(url), "manifest.checksum"), "w") as f:
            f.write("0" * 32 + "\n")
        proc = self.report("verify", url, expect=4)
        self.assertIn("manifest.checksum", proc.stderr)
        self.assertIn("size is %d bytes, manifest says %d" % (len(data) - 10, len(data)),
                      proc.stderr)
        self.assertIn("MD5 is ", proc.stderr)
        self.assertIn("ORC PostScript", proc.stderr)  # the tail is gone: it cannot be read
        self.assertIn("verify: FAILED with 4 problems; first: manifest.checksum", proc.stderr)

    def test_verify_catches_corruption_on_s3(self):
        put_config(self.s3, "src", "to-corrupt", "dst", fmt="Parquet", fields=FIELDS)
        _, out, _ = run_now(self.server, "src", "to-corrupt")
        url = "s3://dst/" + manifest_key_from(out)
        self.report("verify", url)
        manifest = json.loads(self.s3.get_object(Bucket="dst", Key=manifest_key_from(out))
                              ["Body"].read())
        key = manifest["files"][0]["key"]
        data = bytearray(self.s3.get_object(Bucket="dst", Key=key)["Body"].read())
        data[8] ^= 0x55
        self.s3.put_object(Bucket="dst", Key=key, Body=bytes(data))
        proc = self.report("verify", url, expect=4)
        self.assertIn("files[0] " + key + ": MD5 is ", proc.stderr)
        # The reading commands check as they read: no row of the corrupt file, exit 4.
        for args in (["cat"], ["summary"], ["query", "SELECT count(*) FROM inventory"]):
            proc = self.report(args[0], url, *args[1:], expect=4)
            self.assertIn(key + ": MD5 is ", proc.stderr)

    def test_reading_commands_verify_as_they_read(self):
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                root, url = self.corrupted_copy(fmt, "read-corrupt-" + fmt)
                key = read_json(url)["files"][1]["key"]
                path = os.path.join(root, key)
                data = bytearray(read_bytes(path))
                data[len(data) // 2] ^= 0x01
                write_bytes(path, bytes(data))
                for args in (["cat", "--format", "jsonl"], ["summary"],
                             ["query", "SELECT key, e_tag FROM inventory"]):
                    proc = self.report(args[0], url, *args[1:], expect=4)
                    self.assertIn(key + ": MD5 is ", proc.stderr)
                    self.assertIn("manifest.json says " + read_json(url)["files"][1]["MD5checksum"],
                                  proc.stderr)
                # --no-verify reads on (the flipped byte may or may not decode).
                proc = self.report("cat", url, "--no-verify", expect=None)
                self.assertNotIn("MD5", proc.stderr)
        # A manifest.json that does not match its manifest.checksum is not read.
        root, url = self.corrupted_copy("CSV", "read-bad-manifest")
        manifest = read_json(url)
        manifest["sourceBucket"] = "elsewhere"
        with open(url, "w") as f:
            json.dump(manifest, f)
        proc = self.report("cat", url, expect=4)
        self.assertIn("manifest.checksum does not match manifest.json", proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertIn("a/1.txt", self.report("cat", url, "--no-verify").stdout)

    def test_a_configuration_prefix_names_its_latest_complete_report(self):
        key = self.manifests["ORC"]  # reports/.../src/first-orc/2026-...Z/manifest.json
        folder = key.rsplit("/", 2)[0] + "/"
        manifest = self.s3.get_object(Bucket="dst", Key=key)["Body"].read()
        # An older complete report and a newer one still being written (no manifest.checksum):
        # the prefix names the newest complete one, as consumers pick it.
        self.s3.put_object(Bucket="dst", Key=folder + "2000-01-01T00-00Z/manifest.json",
                           Body=manifest)
        self.s3.put_object(Bucket="dst", Key=folder + "2000-01-01T00-00Z/manifest.checksum",
                           Body=(hashlib.md5(manifest).hexdigest() + "\n").encode())
        self.s3.put_object(Bucket="dst", Key=folder + "2999-01-01T00-00Z/manifest.json",
                           Body=b"{}")
        for url in ("s3://dst/" + folder, "s3://dst/" + folder.rstrip("/")):
            with self.subTest(url=url):
                out = self.report("summary", url).stdout
                self.assertIn("s3://dst/" + key, out.splitlines()[0])
                self.assertEqual(self.cat_jsonl(url), self.expected_rows())
        # A report folder names its own manifest; the local copy of the configuration's folder.
        self.report("verify", "s3://dst/" + key.rsplit("/", 1)[0] + "/")
        out = self.report("summary", os.path.join(self.sync_dir, folder)).stdout
        self.assertIn(self.local_url("ORC"), out.splitlines()[0])
        proc = self.report("summary", "s3://dst/no/such/prefix/", expect=3)
        self.assertIn("no report folder with a manifest.checksum", proc.stderr)

    # ---- cat ----

    def test_cat_jsonl_every_format_equals_the_objects(self):
        want = self.expected_rows()
        for fmt in FORMATS:
            for url in self.urls(fmt):
                with self.subTest(fmt=fmt, url=url):
                    self.assertEqual(self.cat_jsonl(url), want)

    def test_cat_csv(self):
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                out = self.report("cat", self.s3_url(fmt)).stdout
                rows = list(csv.reader(io.StringIO(out)))
                self.assertEqual(rows[0], ["bucket", "key", "size", "last_modified_date", "e_tag",
                                           "storage_class", "is_multipart_uploaded",
                                           "encryption_status"])
                got = {r[1]: r for r in rows[1:]}
                self.assertEqual(set(got), set(OBJECTS))
                for key, (size, storage_class, _) in OBJECTS.items():
                    self.assertEqual(got[key][2], str(size))
                    self.assertEqual(got[key][5], storage_class)
                    self.assertEqual(got[key][6], "false")
                no_header = self.report("cat", self.s3_url(fmt), "--no-header").stdout
                self.assertEqual(len(no_header.splitlines()), 9)

    # ---- summary ----

    def summary_sections(self, out):
        """Parses the summary: {title: {first cell: [cells...]}} plus the head key/values."""
        sections, title, head = {}, None, {}
        for line in out.splitlines():
            if not line.strip() or set(line.strip()) <= {"-", " "}:
                continue
            if title is None and not line.startswith("By") and not line.startswith("Top"):
                parts = line.split("  ")
                parts = [p.strip() for p in parts if p.strip()]
                if len(parts) == 2:
                    head[parts[0]] = parts[1]
                continue
            if line.startswith("By ") or line.startswith("Top "):
                title = line.split(" (")[0] if line.startswith("Top") else line.split(" at ")[0]
                sections[title] = {}
                continue
            cells = [c for c in line.split("  ") if c.strip()]
            sections[title][cells[0].strip()] = [c.strip() for c in cells[1:]]
        return head, sections

    def test_summary(self):
        for fmt in FORMATS:
            for url in self.urls(fmt):
                with self.subTest(fmt=fmt, url=url):
                    out = self.report("summary", url).stdout
                    head, s = self.summary_sections(out)
                    self.assertEqual(head["rows"], "9")
                    self.assertEqual(head["objects"], "9")
                    self.assertEqual(head["bytes"], "263 (263 B)")
                    self.assertEqual(head["source bucket"], "src")
                    self.assertEqual(s["By storage class"]["STANDARD"][:2], ["6", "143"])
                    self.assertEqual(s["By storage class"]["STANDARD_IA"][:2], ["2", "90"])
                    self.assertEqual(s["By storage class"]["GLACIER"][:2], ["1", "30"])
                    self.assertEqual(len(s["By storage class"]), 4)  # + the header row
                    encryption = {}
                    for key, (size, _, _) in OBJECTS.items():
                        n, b = encryption.get(self.encryption[key], (0, 0))
                        encryption[self.encryption[key]] = (n + 1, b + size)
                    for status, (n, b) in encryption.items():
                        self.assertEqual(s["By encryption status"][status][:2], [str(n), str(b)])
                    prefixes = s["Top prefixes"]
                    self.assertEqual(prefixes["old/"][:2], ["2", "150"])
                    self.assertEqual(prefixes["b/"][:2], ["2", "70"])
                    self.assertEqual(prefixes["a/"][:2], ["3", "31"])
                    self.assertEqual(prefixes["unicode/"][:2], ["1", "7"])
                    self.assertEqual(prefixes["(no prefix)"][:2], ["1", "5"])
                    self.assertEqual(list(prefixes)[1:], ["old/", "b/", "a/", "unicode/",
                                                         "(no prefix)"])
                    ages = s["By age"]
                    self.assertEqual(ages["< 1 d"][:2], ["7", "113"])
                    self.assertEqual(ages["< 7 d"][:2], ["0", "0"])
                    self.assertEqual(ages["< 30 d"][:2], ["0", "0"])
                    self.assertEqual(ages["< 90 d"][:2], ["1", "50"])
                    self.assertEqual(ages["< 365 d"][:2], ["0", "0"])
                    self.assertEqual(ages["older"][:2], ["1", "100"])
        out = self.report("summary", self.s3_url("ORC"), "--depth", "2", "--top", "2").stdout
        _, s = self.summary_sections(out)
        self.assertIn("Top prefixes (depth 2, 2 of 6)", out)
        self.assertEqual(list(s["Top prefixes"])[1:], ["old/", "b/"])
        out = self.report("summary", self.s3_url("ORC"), "--depth", "2", "--top", "10").stdout
        _, s = self.summary_sections(out)
        self.assertEqual(s["Top prefixes"]["a/deep/"][:2], ["1", "1"])
        self.assertEqual(s["Top prefixes"]["a/"][:2], ["2", "30"])

    # ---- query ----

    def test_query(self):
        for fmt in FORMATS:
            for url in self.urls(fmt):
                with self.subTest(fmt=fmt, url=url):
                    out = self.report("query", url, "SELECT count(*), sum(size) FROM inventory",
                                      "--format", "csv").stdout
                    self.assertEqual(out, "count(*),sum(size)\n9,263\n")
                    out = self.report("query", url,
                                      "SELECT key FROM inventory WHERE size > 25 ORDER BY key",
                                      "--format", "csv").stdout
                    self.assertEqual(out.splitlines(), ["key", "b/plus+%.txt", "b/x y.bin",
                                                        "old/400d.txt", "old/40d.txt"])
                    out = self.report("query", url,
                                      "SELECT storage_class, count(*) AS n, sum(size) AS bytes "
                                      "FROM inventory GROUP BY 1 ORDER BY 1",
                                      "--format", "jsonl").stdout
                    self.assertEqual([json.loads(line) for line in out.splitlines()], [
                        {"storage_class": "GLACIER", "n": 1, "bytes": 30},
                        {"storage_class": "STANDARD", "n": 6, "bytes": 143},
                        {"storage_class": "STANDARD_IA", "n": 2, "bytes": 90}])
        # Typed columns: timestamps as ISO-8601 text SQLite's date functions read, booleans 0/1.
        url = self.s3_url("Parquet")
        old = ms(self.truth["old/400d.txt"]["LastModified"])
        out = self.report("query", url,
                          "SELECT key, last_modified_date, typeof(size), is_multipart_uploaded, "
                          "julianday('%s') - julianday(last_modified_date) > 399 FROM inventory "
                          "WHERE key = 'old/400d.txt'" % iso_ms(old + 400 * DAY_MS),
                          "--format", "csv").stdout
        self.assertEqual(out.splitlines()[1], "old/400d.txt,%s,integer,0,1" % iso_ms(old))
        # The default table format.
        out = self.report("query", url, "SELECT key, size FROM inventory WHERE key LIKE 'a/%' "
                          "ORDER BY key").stdout
        self.assertEqual(out.splitlines(), ["key           size", "------------  ----",
                                            "a/1.txt         10", "a/2.txt         20",
                                            "a/deep/3.txt     1", "(3 rows)"])
        proc = self.report("query", url, "SELECT nope FROM inventory", expect=2)
        self.assertIn("no such column: nope", proc.stderr)

    # ---- diff ----

    def test_diff_after_add_delete_overwrite(self):
        for fmt in FORMATS:
            for old, new in ((self.s3_url(fmt), self.s3_url(fmt, second=True)),
                             (self.local_url(fmt), self.s3_url(fmt, second=True))):
                with self.subTest(fmt=fmt, old=old):
                    out = self.report("diff", old, new, expect=7).stdout.splitlines()
                    self.assertEqual(len(out), 4, out)
                    self.assertTrue(out[0].startswith(
                        "changed  " + OVERWRITTEN + "  size: 20 -> 25; e_tag: "), out[0])
                    self.assertIn(" -> " + self.new_etag + "; last_modified_date: ", out[0])
                    self.assertEqual(out[1].split("  ")[:2], ["removed", REMOVED])
                    self.assertIn("size=5 ", out[1])
                    self.assertTrue(out[2].startswith("added    " + ADDED + "  size=12 "), out[2])
                    self.assertEqual(out[3], "1 added, 1 removed, 1 changed, 7 unchanged")
        # JSON lines, across formats (an ORC report against a CSV one).
        out = self.report("diff", self.s3_url("ORC"), self.s3_url("CSV", second=True),
                          "--format", "jsonl", expect=7).stdout
        changes = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([(c["change"], c["key"]) for c in changes],
                         [("changed", OVERWRITTEN), ("removed", REMOVED), ("added", ADDED)])
        self.assertEqual(changes[0]["old"]["size"], 20)
        self.assertEqual(changes[0]["new"]["size"], 25)
        self.assertEqual(changes[0]["fields"], ["size", "e_tag", "last_modified_date"])
        self.assertEqual(changes[2]["new"]["size"], 12)
        # The same report twice: no differences, exit 0.
        out = self.report("diff", self.s3_url("Parquet"), self.local_url("Parquet"), "--summary")
        self.assertEqual(out.stdout, "0 added, 0 removed, 0 changed, 9 unchanged\n")


if __name__ == "__main__":
    unittest.main()
