"""Every command as its users expect (issue 20): the real binary against a real server, as a user
or a script would run it — paths that chain from `inventory run` into `report`, `--output
table|csv|json`, the documented exit statuses, mistakes told with their fix, AWS field names in
`report query`, and an All-versions summary that separates current objects, noncurrent versions
and delete markers."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import ACCESS_KEY, SECRET_KEY, Server, binary
from inventory_util import put_config

# The exit statuses of README.md "Exit statuses" (src/common/exit_code.h).
EXIT_USAGE, EXIT_NOT_FOUND, EXIT_VERIFY_FAILED, EXIT_DENIED, EXIT_UNAVAILABLE = 2, 3, 4, 5, 6


def run(*args, env=None, expect=0, timeout=300):
    full_env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
    full_env.update(env or {})
    proc = subprocess.run([binary()] + list(args), capture_output=True, text=True, env=full_env,
                          timeout=timeout)
    if expect is not None and proc.returncode != expect:
        raise AssertionError("stocktake %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s"
                             % (" ".join(args), proc.returncode, expect, proc.stdout,
                                proc.stderr))
    return proc


class CliTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=("--inventory-first-run", "schedule")).start()
        cls.endpoint = ("--endpoint", cls.server.url)
        s3 = cls.server.client()
        s3.create_bucket(Bucket="photos")
        s3.create_bucket(Bucket="audit")
        s3.put_bucket_versioning(Bucket="photos", VersioningConfiguration={"Status": "Enabled"})
        s3.put_object(Bucket="photos", Key="a.jpg", Body=b"1" * 100)
        s3.put_object(Bucket="photos", Key="a.jpg", Body=b"2" * 200)  # a.jpg v1: noncurrent
        s3.put_object(Bucket="photos", Key="b.jpg", Body=b"3" * 30)
        s3.delete_object(Bucket="photos", Key="b.jpg")  # b.jpg: noncurrent + delete marker
        s3.put_object(Bucket="photos", Key="c/d.jpg", Body=b"4" * 4000, StorageClass="GLACIER")
        put_config(s3, "photos", "all-csv", "audit", fmt="CSV", versions="All", prefix="reports",
                   fields=["Size", "ETag", "StorageClass"])
        cls.run_out = run("inventory", "run", "--bucket", "photos", "--id", "all-csv", "--wait",
                          *cls.endpoint).stdout
        cls.manifest_url = [line.split(" ", 1)[1] for line in cls.run_out.splitlines()
                            if line.startswith("manifest ")][0]
        cls.etags = {v["Key"] + "@" + v["VersionId"]: v["ETag"].strip('"')
                     for v in s3.list_object_versions(Bucket="photos")["Versions"]}

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def report(self, *args, expect=0):
        return run("report", *args, *self.endpoint, expect=expect)

    # ---- paths chain ----

    def test_run_prints_the_url_report_takes_and_a_prefix_names_the_latest_report(self):
        self.assertRegex(self.manifest_url, r"^s3://audit/reports/photos/all-csv/"
                                            r"\d{4}-\d\d-\d\dT\d\d-\d\dZ/manifest\.json$")
        self.assertTrue(self.report("verify", self.manifest_url).stdout.endswith("verify: OK\n"))
        for prefix in ("s3://audit/reports/photos/all-csv/", "s3://audit/reports/photos/all-csv"):
            out = self.report("summary", prefix, "--output", "json").stdout
            self.assertEqual(json.loads(out)["report"], self.manifest_url)
        runs = json.loads(run("inventory", "runs", "--bucket", "photos", "--id", "all-csv",
                              "--output", "json", *self.endpoint).stdout)
        self.assertEqual(runs[0]["manifest"], self.manifest_url)

    # ---- --output ----

    def test_output_table_csv_json(self):
        args = ("inventory", "runs", "--bucket", "photos", "--id", "all-csv") + self.endpoint
        table = run(*args).stdout.splitlines()
        self.assertEqual(table[0].split()[:4], ["RUN", "ID", "TRIGGER", "STATE"])
        self.assertRegex(table[2], r" \d+ B ")  # sizes for people
        rows = list(csv.DictReader(io.StringIO(run(*args, "--output", "csv").stdout)))
        self.assertEqual(rows[0]["state"], "succeeded")
        self.assertEqual(rows[0]["rows"], "5")  # 4 versions and a delete marker
        runs = json.loads(run(*args, "--output", "json").stdout)
        self.assertEqual((runs[0]["state"], runs[0]["rows"]), ("succeeded", 5))
        self.assertIsInstance(runs[0]["files"], int)
        self.assertIsInstance(runs[0]["bytes"], int)
        proc = run(*args, "--output", "xml", expect=EXIT_USAGE)
        self.assertIn("--output", proc.stderr)

        verify = json.loads(self.report("verify", self.manifest_url, "--output", "json").stdout)
        self.assertTrue(verify["ok"])
        self.assertEqual((verify["rows"], verify["problems"]), (5, []))
        self.assertEqual({f["status"] for f in verify["files"]}, {"ok"})
        out = self.report("verify", self.manifest_url, "--output", "csv").stdout
        self.assertEqual(out.splitlines()[0], "key,size,rows,status")

        arn = run("kms", "create-key", "--description", "cli test", *self.endpoint).stdout.strip()
        keys = json.loads(run("kms", "list-keys", "--output", "json", *self.endpoint).stdout)
        self.assertIn({"arn": arn, "description": "cli test"},
                      [{"arn": k["arn"], "description": k["description"]} for k in keys])
        self.assertIn("ARN", run("kms", "list-keys", *self.endpoint).stdout.splitlines()[0])
        accounts = json.loads(run("admin", "account", "list", "--output", "json",
                                  *self.endpoint).stdout)
        self.assertEqual(len(accounts), 1)
        self.assertEqual(set(accounts[0]), {"account_id", "canonical_user_id", "name"})

    # ---- All-versions summary, AWS names in query ----

    def test_summary_of_an_all_versions_report(self):
        out = self.report("summary", self.manifest_url).stdout
        self.assertRegex(out, r"current objects\s+2 \(4\.1 KiB\)\n")
        self.assertRegex(out, r"noncurrent versions\s+2 \(130 B\)\n")
        self.assertRegex(out, r"delete markers\s+1\n")
        totals = {t["name"]: t for t in json.loads(
            self.report("summary", self.manifest_url, "--output", "json").stdout)["total"]}
        self.assertEqual(totals["current objects"], {"name": "current objects", "objects": 2,
                                                     "bytes": 4200})
        self.assertEqual(totals["noncurrent versions"]["objects"], 2)
        self.assertEqual(totals["delete markers"]["objects"], 1)
        rows = list(csv.DictReader(io.StringIO(
            self.report("summary", self.manifest_url, "--output", "csv").stdout)))
        self.assertIn({"section": "by_storage_class", "name": "GLACIER", "objects": "1",
                       "bytes": "4000"}, rows)

    def test_query_takes_aws_names_and_help_lists_the_columns(self):
        snake = self.report("query", self.manifest_url,
                            "SELECT key, version_id, e_tag, storage_class, is_latest FROM inventory "
                            "WHERE is_delete_marker = 0 ORDER BY key, version_id",
                            "--format", "csv").stdout
        aws = self.report("query", self.manifest_url,
                          "SELECT Key, VersionId, ETag, StorageClass, IsLatest FROM inventory "
                          "WHERE IsDeleteMarker = 0 ORDER BY Key, VersionId",
                          "--format", "csv").stdout
        self.assertEqual(snake.splitlines()[1:], aws.splitlines()[1:])
        etags = {r["key"] + "@" + r["version_id"]: r["e_tag"]
                 for r in csv.DictReader(io.StringIO(snake))}
        self.assertEqual(etags, self.etags)
        # SELECT * keeps the report's own column names only.
        star = self.report("query", self.manifest_url, "SELECT * FROM inventory LIMIT 1",
                           "--format", "csv").stdout
        self.assertNotIn("ETag", star.splitlines()[0])
        help_text = run("report", "query", "--help").stdout
        self.assertIn("e_tag (ETag)  TEXT", help_text)
        self.assertIn("last_modified_date (LastModifiedDate)  TEXT, ISO-8601 UTC", help_text)

    # ---- exit statuses ----

    def test_exit_statuses(self):
        proc = self.report("cat", "s3://audit/no/such/manifest.json", expect=EXIT_NOT_FOUND)
        self.assertIn("no such object", proc.stderr)
        proc = run("report", "cat", self.manifest_url, *self.endpoint,
                   env={"AWS_SECRET_ACCESS_KEY": "wrong"}, expect=EXIT_DENIED)
        proc = run("report", "cat", self.manifest_url, "--endpoint", "http://127.0.0.1:1",
                   expect=EXIT_UNAVAILABLE)
        self.assertIn("cannot connect", proc.stderr)
        proc = run("inventory", "runs", "--bucket", "photos", "--id", "nope", *self.endpoint,
                   expect=EXIT_NOT_FOUND)
        proc = run("report", "cat", expect=EXIT_USAGE)
        self.assertIn("manifest is required", proc.stderr)

    # ---- mistakes told ----

    def test_unknown_commands_are_named_with_the_closest(self):
        proc = run("servee", expect=EXIT_USAGE)
        self.assertIn("unknown command 'servee' for 'stocktake'; did you mean 'serve'?",
                      proc.stderr)
        proc = run("report", "sumary", self.manifest_url, expect=EXIT_USAGE)
        self.assertIn("unknown command 'sumary' for 'stocktake report'; did you mean 'summary'?",
                      proc.stderr)

    def test_serve_mistakes_are_errors_with_the_fix(self):
        work = tempfile.mkdtemp(prefix="stocktake-cli-")
        self.addCleanup(shutil.rmtree, work, True)
        proc = run("serve", "--log-level", "verbose", expect=EXIT_USAGE)
        self.assertIn("--log-level: verbose not in {trace,debug,info,warn,error,critical,off}",
                      proc.stderr)
        config = os.path.join(work, "stocktake.toml")
        with open(config, "w") as f:
            f.write('[serve]\nport = 0\ndata-dri = "%s"\n' % work)
        proc = run("--config", config, "serve", expect=EXIT_USAGE)
        self.assertIn("serve.data-dri", proc.stderr)
        self.assertIn("without the leading --", proc.stderr)
        proc = run("serve", "--config", config, expect=EXIT_USAGE)
        self.assertIn("--config goes before the subcommand: stocktake --config FILE serve",
                      proc.stderr)
        # A second server on the data directory of a running one.
        proc = run("serve", "--data-dir", self.server.data_dir, "--port", "0",
                   env={"STOCKTAKE_ROOT_ACCESS_KEY": ACCESS_KEY,
                        "STOCKTAKE_ROOT_SECRET_KEY": SECRET_KEY}, expect=EXIT_UNAVAILABLE)
        self.assertIn("data directory %s is in use by another stocktake server (process %d)"
                      % (self.server.data_dir, self.server.proc.pid), proc.stderr)
        self.assertNotIn("LOCK", proc.stderr)

    def test_fsck_tells_a_running_server_and_a_missing_directory_from_lost_data(self):
        proc = run("admin", "fsck", "--data-dir", self.server.data_dir, expect=EXIT_UNAVAILABLE)
        self.assertIn("in use by a running server (process %d)" % self.server.proc.pid,
                      proc.stderr)
        self.assertNotIn("lost", proc.stdout + proc.stderr)
        proc = run("admin", "fsck", "--data-dir", "/nonexistent/stocktake-data",
                   expect=EXIT_NOT_FOUND)
        self.assertIn("no such directory /nonexistent/stocktake-data", proc.stderr)


    # ---- logs ----

    def test_request_logs_carry_the_error_code_and_the_reason_for_403(self):
        server = Server(extra_args=("--log-format", "json")).start()
        self.addCleanup(server.cleanup)
        s3 = server.client()
        s3.create_bucket(Bucket="private")
        s3.put_object(Bucket="private", Key="k", Body=b"x")
        out = run("admin", "account", "create", "--name", "other", "--with-key", "--endpoint",
                  server.url).stdout
        fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        other_key, other_secret = (fields["access key id"].strip(),
                                   fields["secret access key"].split()[0])
        attempts = [
            (server.client(access_key="STKNOSUCHKEY00000000"), "InvalidAccessKeyId",
             "unknown or disabled access key"),
            (server.client(secret_key="not-the-secret-0000000000000000000000000"),
             "SignatureDoesNotMatch", "bad signature (wrong secret key?)"),
            (server.client(access_key=other_key, secret_key=other_secret), "AccessDenied",
             "denied by policy or ACL: s3:GetObject on arn:aws:s3:::private/k"),
        ]
        for client, _, _ in attempts:
            with self.assertRaises(Exception):
                client.get_object(Bucket="private", Key="k")
        server.stop()
        with open(server.log_path) as f:
            log = f.read()
        records = [json.loads(line) for line in log.splitlines()]  # every line is JSON
        failed = [r for r in records if r.get("status") == 403]
        for _, code, reason in attempts:
            self.assertIn((code, reason), [(r.get("code"), r.get("reason")) for r in failed])
        self.assertTrue(all({"time", "level", "msg", "op", "us"} <= set(r) for r in failed))
        for secret in (SECRET_KEY, other_secret, "not-the-secret"):
            self.assertNotIn(secret, log)
        # The text format carries the same fields.
        self.assertRaises(Exception, self.server.client().head_bucket, Bucket="no-such-bucket")
        # The server logs a request after answering it: give the line a moment to land.
        pattern = r"bucket=no-such-bucket status=404 op=HeadBucket us=\d+ code=NoSuchBucket"
        deadline = time.time() + 10
        while True:
            with open(self.server.log_path) as f:
                text = f.read()
            if re.search(pattern, text) or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertRegex(text, pattern)

    # ---- completion and man page ----

    def test_completion_and_man_page_from_the_help_text(self):
        script = run("completion", "bash").stdout

        def complete(*words):
            proc = subprocess.run(
                ["bash", "-c", script + '\nCOMP_WORDS=(%s); COMP_CWORD=%d; _stocktake; '
                 'echo "${COMPREPLY[@]}"' % (" ".join(words), len(words) - 1)],
                capture_output=True, text=True, timeout=60)
            self.assertEqual(proc.stderr, "")
            return proc.stdout.split()

        self.assertEqual(complete("stocktake", "rep"), ["report"])
        self.assertEqual(complete("stocktake", "report", "s"), ["summary"])
        self.assertEqual(complete("stocktake", "report", "summary", "--out"), ["--output"])
        self.assertEqual(complete("stocktake", "--config", "x.toml", "inventory", "ru"),
                         ["run", "runs"])
        self.assertIn("complete -c stocktake", run("completion", "fish").stdout)
        self.assertTrue(run("completion", "zsh").stdout.startswith("#compdef stocktake\n"))
        run("completion", "powershell", expect=EXIT_USAGE)
        # `cmake --install` puts the generated page where man finds it.
        build_dir = os.path.dirname(binary())
        prefix = tempfile.mkdtemp(prefix="stocktake-install-")
        self.addCleanup(shutil.rmtree, prefix, True)
        subprocess.run(["cmake", "--install", build_dir, "--prefix", prefix], check=True,
                       capture_output=True, timeout=600)
        for path in ("bin/stocktake", "share/bash-completion/completions/stocktake",
                     "share/zsh/site-functions/_stocktake",
                     "share/fish/vendor_completions.d/stocktake.fish"):
            self.assertTrue(os.path.exists(os.path.join(prefix, path)), path)
        page = subprocess.run(["man", "stocktake"], capture_output=True, text=True, timeout=60,
                              env=dict(os.environ, MANPATH=os.path.join(prefix, "share", "man"),
                                       MANWIDTH="200")).stdout
        page = re.sub(".\x08", "", page)  # overstrike bold and underline
        self.assertIn("stocktake report summary", page)
        self.assertIn("--output", page)
        self.assertIn("EXIT STATUS", page)
        self.assertIn("verification failed", page)

if __name__ == "__main__":
    unittest.main()
