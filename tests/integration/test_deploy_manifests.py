"""deploy/ (issue 19): the Kubernetes manifests of a sharded scan parse, agree with each other,
and name only flags `stocktake inventory scan --help` lists; the container image is Debian."""

import os
import re
import subprocess
import unittest

import yaml

from harness import binary

DEPLOY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy")
KUBERNETES = os.path.join(DEPLOY, "kubernetes")


def load(name):
    with open(os.path.join(KUBERNETES, name)) as f:
        return [d for d in yaml.safe_load_all(f) if d]


class DeployManifestsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        help_text = subprocess.run([binary(), "inventory", "scan", "--help"], capture_output=True,
                                   text=True, check=True, timeout=60).stdout
        cls.flags = set(re.findall(r"(--[a-z][a-z-]*)", help_text))
        cls.config = {d["metadata"]["name"]: d for d in load("config.yaml")}
        cls.jobs = {name: load(name)[0] for name in
                    ("plan-job.yaml", "shards-job.yaml", "merge-job.yaml")}

    def container(self, name):
        return self.jobs[name]["spec"]["template"]["spec"]["containers"][0]

    def test_every_file_parses_as_kubernetes_objects(self):
        for name in sorted(os.listdir(KUBERNETES)):
            with self.subTest(name=name):
                for doc in load(name):
                    self.assertIn("apiVersion", doc)
                    self.assertIn("kind", doc)
                    self.assertIn("name", doc["metadata"])

    def test_jobs_name_existing_flags_and_defined_variables(self):
        env = set(self.config["stocktake-scan"]["data"]) | {"JOB_COMPLETION_INDEX"}
        for name, job in self.jobs.items():
            with self.subTest(job=name):
                self.assertEqual(job["kind"], "Job")
                c = self.container(name)
                args = c["args"]
                self.assertEqual(args[:2], ["inventory", "scan"])
                for a in args:
                    if a.startswith("--"):
                        self.assertIn(a, self.flags)
                    for var in re.findall(r"\$\((\w+)\)", a):
                        self.assertIn(var, env)
                refs = {next(iter(r)): r[next(iter(r))]["name"] for r in c["envFrom"]}
                self.assertIn(refs["configMapRef"], self.config)
                self.assertIn(refs["secretRef"], self.config)
                self.assertEqual(self.config[refs["secretRef"]]["kind"], "Secret")
                for volume in job["spec"]["template"]["spec"].get("volumes", []):
                    if "configMap" in volume:
                        self.assertIn(volume["configMap"]["name"], self.config)

    def test_one_shard_count_and_an_indexed_job(self):
        def after(args, flag):
            return args[args.index(flag) + 1]
        plan = after(self.container("plan-job.yaml")["args"], "--plan-shards")
        merge = after(self.container("merge-job.yaml")["args"], "--shards")
        shards = self.jobs["shards-job.yaml"]["spec"]
        shard_arg = after(self.container("shards-job.yaml")["args"], "--shard")
        self.assertEqual(shard_arg, "$(JOB_COMPLETION_INDEX)/" + plan)
        self.assertEqual(shards["completionMode"], "Indexed")
        self.assertEqual(str(shards["completions"]), plan)
        self.assertEqual(merge, plan)
        self.assertLessEqual(shards["parallelism"], shards["completions"])
        self.assertGreater(shards["backoffLimit"], 0)
        run_times = {after(self.container(n)["args"], "--run-time") for n in self.jobs}
        self.assertEqual(run_times, {"$(RUN_TIME)"})

    def test_containerfile_is_debian_with_the_release_binary(self):
        with open(os.path.join(DEPLOY, "Containerfile")) as f:
            text = f.read()
        self.assertEqual(re.findall(r"^FROM (\S+)", text, re.M)[-1], "debian:bookworm-slim")
        self.assertIn("-DCMAKE_BUILD_TYPE=Release", text)
        self.assertIn('ENTRYPOINT ["/usr/local/bin/stocktake"]', text)


if __name__ == "__main__":
    unittest.main()
