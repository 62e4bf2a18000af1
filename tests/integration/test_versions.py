"""ListObjectVersions against the real server, with boto3, raw requests and the aws CLI: versions
and delete markers of an Enabled bucket in store order (key, then newest first), null versions,
prefix and delimiter, paging by key-marker / version-id-marker, encoding-type=url, and errors."""

import hashlib
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

from harness import ServerTestCase
from test_s3_auth import S3Asserts, signed

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
BUCKET = "versions"


def raw_entries(body):
    """(tag, key, version id, is latest) of each Version / DeleteMarker, in document order."""
    out = []
    for child in ET.fromstring(body):
        tag = child.tag.replace(NS, "")
        if tag in ("Version", "DeleteMarker"):
            out.append((tag, child.findtext(NS + "Key"), child.findtext(NS + "VersionId"),
                        child.findtext(NS + "IsLatest")))
    return out


class VersionsTest(ServerTestCase, S3Asserts):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s3 = cls.s3
        s3.create_bucket(Bucket=BUCKET)
        # A null version from before versioning was enabled.
        s3.put_object(Bucket=BUCKET, Key="a", Body=b"a-null")
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        cls.expected = []  # (tag, key, version id, is latest) in the order S3 lists them
        a = [s3.put_object(Bucket=BUCKET, Key="a", Body=b"a%d" % i)["VersionId"] for i in range(3)]
        a_marker = s3.delete_object(Bucket=BUCKET, Key="a")["VersionId"]
        cls.expected += [("DeleteMarker", "a", a_marker, "true")]
        cls.expected += [("Version", "a", v, "false") for v in reversed(a)]
        cls.expected += [("Version", "a", "null", "false")]
        b = s3.put_object(Bucket=BUCKET, Key="b", Body=b"b")["VersionId"]
        cls.expected += [("Version", "b", b, "true")]
        c_marker = s3.delete_object(Bucket=BUCKET, Key="c")["VersionId"]  # marker, no object
        cls.expected += [("DeleteMarker", "c", c_marker, "true")]
        for key in ("dir/x", "dir/y"):
            v = s3.put_object(Bucket=BUCKET, Key=key, Body=b"d")["VersionId"]
            cls.expected += [("Version", key, v, "true")]
        d = [s3.put_object(Bucket=BUCKET, Key="d", Body=b"d%d" % i)["VersionId"] for i in range(2)]
        cls.expected += [("Version", "d", d[1], "true"), ("Version", "d", d[0], "false")]
        e = s3.put_object(Bucket=BUCKET, Key="e", Body=b"e")["VersionId"]
        cls.expected += [("Version", "e", e, "true")]
        cls.expected.sort(key=lambda e: e[1])  # keys in order; stable: newest first within a key

    def list_raw(self, query=""):
        status, _, body = signed(self.server, "GET", "/" + BUCKET, "versions" + query)
        self.assertEqual(status, 200, body)
        return body

    def test_interleaved_in_store_order(self):
        body = self.list_raw()
        self.assertEqual(raw_entries(body), self.expected)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, NS + "ListVersionsResult")
        self.assertEqual(root.findtext(NS + "Name"), BUCKET)
        self.assertEqual(root.findtext(NS + "IsTruncated"), "false")
        self.assertEqual(root.findtext(NS + "MaxKeys"), "1000")
        version = root.find(NS + "Version")
        self.assertEqual([c.tag.replace(NS, "") for c in version],
                         ["Key", "VersionId", "IsLatest", "LastModified", "ETag",
                          "ChecksumAlgorithm", "ChecksumType", "Size", "StorageClass", "Owner"])
        marker = root.find(NS + "DeleteMarker")
        self.assertEqual([c.tag.replace(NS, "") for c in marker],
                         ["Key", "VersionId", "IsLatest", "LastModified", "Owner"])
        self.assertTrue(marker.findtext(NS + "Owner/" + NS + "ID"))

    def test_boto3_fields(self):
        resp = self.s3.list_object_versions(Bucket=BUCKET, Prefix="a")
        versions = resp["Versions"]
        self.assertEqual([v["VersionId"] for v in versions],
                         [e[2] for e in self.expected if e[0] == "Version" and e[1] == "a"])
        self.assertEqual(versions[-1]["VersionId"], "null")
        self.assertEqual(versions[-1]["Size"], len(b"a-null"))
        self.assertEqual(versions[0]["ETag"], '"%s"' % hashlib.md5(b"a2").hexdigest())
        self.assertEqual(versions[0]["StorageClass"], "STANDARD")
        self.assertFalse(any(v["IsLatest"] for v in versions))
        self.assertEqual(len(resp["DeleteMarkers"]), 1)
        self.assertTrue(resp["DeleteMarkers"][0]["IsLatest"])
        self.assertEqual(resp["Prefix"], "a")

    def test_paging_with_markers(self):
        for page_size in (1, 2, 3, 5):
            seen, key_marker, version_marker = [], None, None
            while True:
                query = "&max-keys=%d" % page_size
                if key_marker is not None:
                    query += "&key-marker=" + urllib.parse.quote(key_marker, safe="")
                if version_marker is not None:
                    query += "&version-id-marker=" + urllib.parse.quote(version_marker, safe="")
                root = ET.fromstring(self.list_raw(query))
                entries = raw_entries(ET.tostring(root))
                self.assertLessEqual(len(entries), page_size)
                seen += entries
                if root.findtext(NS + "IsTruncated") != "true":
                    break
                key_marker = root.findtext(NS + "NextKeyMarker")
                version_marker = root.findtext(NS + "NextVersionIdMarker")
                self.assertEqual((key_marker, version_marker), entries[-1][1:3])
            self.assertEqual(seen, self.expected, page_size)

    def test_boto3_paginator(self):
        paginator = self.s3.get_paginator("list_object_versions")
        versions, markers, pages = [], [], 0
        for page in paginator.paginate(Bucket=BUCKET, PaginationConfig={"PageSize": 2}):
            pages += 1
            versions += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
            markers += [(m["Key"], m["VersionId"]) for m in page.get("DeleteMarkers", [])]
        self.assertEqual(pages, (len(self.expected) + 1) // 2)
        self.assertEqual(versions, [e[1:3] for e in self.expected if e[0] == "Version"])
        self.assertEqual(markers, [e[1:3] for e in self.expected if e[0] == "DeleteMarker"])

    def test_delimiter_and_prefix(self):
        resp = self.s3.list_object_versions(Bucket=BUCKET, Delimiter="/")
        self.assertEqual(resp["CommonPrefixes"], [{"Prefix": "dir/"}])
        self.assertFalse(any(v["Key"].startswith("dir/") for v in resp["Versions"]))
        self.assertEqual(resp["Delimiter"], "/")
        # The common prefix counts as one entry and pages like one.
        first = self.s3.list_object_versions(Bucket=BUCKET, Delimiter="/", KeyMarker="d",
                                             MaxKeys=1)
        self.assertEqual(first["CommonPrefixes"], [{"Prefix": "dir/"}])
        self.assertTrue(first["IsTruncated"])
        self.assertEqual(first["NextKeyMarker"], "dir/")
        rest = self.s3.list_object_versions(Bucket=BUCKET, Delimiter="/",
                                            KeyMarker=first["NextKeyMarker"])
        self.assertNotIn("CommonPrefixes", rest)
        self.assertEqual([v["Key"] for v in rest["Versions"]], ["e"])
        prefixed = self.s3.list_object_versions(Bucket=BUCKET, Prefix="dir/")
        self.assertEqual([v["Key"] for v in prefixed["Versions"]], ["dir/x", "dir/y"])

    def test_url_encoding(self):
        self.s3.create_bucket(Bucket="versions-encoded")
        self.s3.put_object(Bucket="versions-encoded", Key="with space/é", Body=b"x")
        status, _, body = signed(self.server, "GET", "/versions-encoded",
                                 "encoding-type=url&versions")
        self.assertEqual(status, 200, body)
        root = ET.fromstring(body)
        self.assertEqual(root.findtext(NS + "EncodingType"), "url")
        self.assertEqual(root.findtext(NS + "Version/" + NS + "Key"), "with+space/%C3%A9")
        self.assertEqual(root.findtext(NS + "Version/" + NS + "VersionId"), "null")
        # boto3 asks for url encoding and decodes.
        resp = self.s3.list_object_versions(Bucket="versions-encoded")
        self.assertEqual(resp["Versions"][0]["Key"], "with space/é")

    def test_errors(self):
        status, _, body = signed(self.server, "GET", "/" + BUCKET,
                                 "versions&version-id-marker=abc")
        self.assertEqual(status, 400, body)
        self.assertEqual(ET.fromstring(body).findtext("Code"), "InvalidArgument")
        status, _, body = signed(self.server, "GET", "/" + BUCKET, "versions&max-keys=-1")
        self.assertEqual(status, 400, body)
        status, _, body = signed(self.server, "GET", "/" + BUCKET, "versions&encoding-type=xml")
        self.assertEqual(status, 400, body)
        self.assertS3Error(lambda: self.s3.list_object_versions(Bucket="no-such-versions"),
                           "NoSuchBucket", 404)

    def test_aws_cli(self):
        out = self.server.aws_json("s3api", "list-object-versions", "--bucket", BUCKET)
        self.assertEqual([(v["Key"], v["VersionId"]) for v in out["Versions"]],
                         [e[1:3] for e in self.expected if e[0] == "Version"])
        self.assertEqual(len(out["DeleteMarkers"]), 2)
        # The CLI follows NextKeyMarker / NextVersionIdMarker across server pages.
        paged = self.server.aws_json("s3api", "list-object-versions", "--bucket", BUCKET,
                                     "--page-size", "2")
        self.assertEqual(paged["Versions"], out["Versions"])
        self.assertEqual(paged["DeleteMarkers"], out["DeleteMarkers"])


if __name__ == "__main__":
    unittest.main()
