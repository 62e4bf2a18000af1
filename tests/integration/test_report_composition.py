"""composition.json (the groundwork of issue 18): every report publishes what its rows are made
of next to its manifest, computed while it was written. Checked against boto3's view of the
bucket, for a native run (also named by the runs listing) and for `inventory scan`."""

import collections
import json
import unittest
import xml.etree.ElementTree as ET

from harness import Server, raw_request
from inventory_util import manifest_key_from, put_config, run_now
from scan_util import run_scan
from test_inventory_scan import scan_args, stocktake_env

S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def expected_composition(s3, bucket):
    """The composition an All-versions report of `bucket` must show, from ListObjectVersions."""
    versions, markers = [], 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        versions += page.get("Versions", [])
        markers += len(page.get("DeleteMarkers", []))
    tally = lambda vs: {"objects": len(vs), "bytes": sum(v["Size"] for v in vs)}
    classes = collections.defaultdict(list)
    prefixes = collections.defaultdict(list)
    for v in versions:
        classes[v.get("StorageClass", "STANDARD")].append(v)
        if "/" in v["Key"]:
            prefixes[v["Key"].split("/", 1)[0] + "/"].append(v)
    return {
        "current": tally([v for v in versions if v["IsLatest"]]),
        "noncurrent": tally([v for v in versions if not v["IsLatest"]]),
        "deleteMarkers": markers,
        "storageClasses": sorted([dict(tally(vs), storageClass=c) for c, vs in classes.items()],
                                 key=lambda e: e["storageClass"]),
        "topPrefixes": sorted([dict(tally(vs), prefix=p) for p, vs in prefixes.items()],
                              key=lambda e: (-e["bytes"], e["prefix"])),
        "keysWithoutPrefix": tally([v for v in versions if "/" not in v["Key"]]),
    }


def comparable(doc):
    keys = ("current", "noncurrent", "deleteMarkers", "storageClasses", "topPrefixes",
            "keysWithoutPrefix")
    out = {k: doc[k] for k in keys}
    out["topPrefixes"] = sorted(out["topPrefixes"], key=lambda e: (-e["bytes"], e["prefix"]))
    return out


class ReportCompositionTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=["--inventory-first-run", "schedule"]).start()
        s3 = cls.s3 = cls.server.client()
        s3.create_bucket(Bucket="media")
        s3.create_bucket(Bucket="audit")
        s3.put_bucket_versioning(Bucket="media", VersioningConfiguration={"Status": "Enabled"})
        for i in range(12):
            s3.put_object(Bucket="media", Key="photos/%02d.jpg" % i, Body=b"p" * (3000 + i))
        for i in range(3):
            s3.put_object(Bucket="media", Key="video/%d.mp4" % i, Body=b"v" * 200_000)
        s3.put_object(Bucket="media", Key="archive/old.tar", Body=b"a" * 5000,
                      StorageClass="GLACIER")
        s3.put_object(Bucket="media", Key="photos/00.jpg", Body=b"new")  # a noncurrent version
        s3.delete_object(Bucket="media", Key="video/0.mp4")  # a delete marker
        s3.put_object(Bucket="media", Key="README", Body=b"r" * 10)

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def read_json(self, bucket, key, s3=None):
        return json.loads((s3 or self.s3).get_object(Bucket=bucket, Key=key)["Body"].read())

    def test_native_run_publishes_its_composition(self):
        put_config(self.s3, "media", "all", "audit", versions="All", fields=["Size"])
        _, stdout, _ = run_now(self.server, "media", "all")
        manifest_key = manifest_key_from(stdout).replace("s3://audit/", "")
        folder = manifest_key.rsplit("/", 1)[0]
        doc = self.read_json("audit", folder + "/composition.json")
        self.assertEqual(comparable(doc), expected_composition(self.s3, "media"))
        self.assertEqual(sum(e["objects"] for e in doc["sizes"]),
                         doc["current"]["objects"] + doc["noncurrent"]["objects"])
        self.assertEqual(doc["ages"][0]["objects"], sum(e["objects"] for e in doc["ages"]))
        manifest = self.read_json("audit", manifest_key)
        self.assertEqual(doc["snapshotTime"][:16].replace(":", "-"),
                         folder.rsplit("/", 1)[1][:16])
        self.assertTrue(manifest["files"])
        # The runs listing names it.
        status, _, body = raw_request(self.server, "GET", "/media", "id=all&inventory=&runs=")
        self.assertEqual(status, 200, body)
        run = next(ET.fromstring(body).iter(S3_NS + "InventoryRun"))
        self.assertEqual(run.find(S3_NS + "CompositionKey").text, folder + "/composition.json")

    def test_scan_publishes_the_same_composition(self):
        destination = Server().start()
        try:
            dst = destination.client()
            dst.create_bucket(Bucket="dst")
            args = scan_args("s3://media", self.server.url, "s3://dst", destination.url,
                             "--format", "CSV", "--versions", "All", "--id", "scan")
            manifest_key = manifest_key_from(run_scan(args, stocktake_env()).stdout)
            manifest_key = manifest_key.replace("s3://dst/", "")
            doc = self.read_json("dst", manifest_key.rsplit("/", 1)[0] + "/composition.json",
                                 s3=dst)
            self.assertEqual(comparable(doc), expected_composition(self.s3, "media"))
        finally:
            destination.cleanup()


if __name__ == "__main__":
    unittest.main()
