"""The README walk-through, run as written (against a test server instead of `make run`)."""

import os
import re
import subprocess
import unittest

from harness import ACCESS_KEY, SECRET_KEY, Server, binary

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def walkthrough_script():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    block = re.search(r"<!-- walkthrough:start -->\s*```sh\n(.*?)```", text, re.S).group(1)
    # The test's server and keys instead of the example values; the binary under test.
    lines = [l for l in block.splitlines() if not l.startswith("export AWS_ACCESS_KEY_ID=")]
    return "\n".join(lines).replace("./build/release/stocktake", binary())


class ReadmeWalkthroughTest(unittest.TestCase):

    def test_walkthrough_runs_as_written(self):
        server = Server().start()
        try:
            script = walkthrough_script().replace("http://127.0.0.1:9000", server.url)
            env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                       AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                       AWS_PAGER="")
            proc = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=600)
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            self.assertIn("make_bucket: photos", proc.stdout)
            self.assertIn("2026/trip to the sea/README.md", proc.stdout)
            self.assertRegex(proc.stdout, r"manifest s3://audit/reports/photos/daily-csv/"
                                          r"\d{4}-\d\d-\d\dT\d\d-\d\dZ/manifest\.json")
            self.assertIn("manifest.checksum", proc.stdout)
            self.assertIn("hive/dt=", proc.stdout)
            # Two distinct reports: the configuration's first and the on-demand one, each in
            # its own minute, neither replaced.
            folders = re.findall(r"reports/photos/daily-csv/(\d{4}-\d\d-\d\dT\d\d-\d\dZ)/"
                                 r"manifest\.checksum", proc.stdout)
            self.assertEqual(len(set(folders)), 2, proc.stdout)
            self.assertEqual(len(folders), 2, proc.stdout)
            # `report summary` of the configuration's prefix found and verified the report.
            self.assertRegex(proc.stdout, r"REPORT +s3://audit/reports/photos/daily-csv/"
                                          r"\d{4}-\d\d-\d\dT\d\d-\d\dZ/manifest\.json")
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
