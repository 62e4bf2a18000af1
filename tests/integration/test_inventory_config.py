"""The inventory configuration API (spec §1-2, §9) with the real aws CLI, boto3 and raw XML."""

import json
import unittest

from harness import Server, ServerTestCase, error_code, raw_request
from inventory_util import put_config

NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def config_xml(config_id="report1", fmt="CSV", bucket="arn:aws:s3:::dest", frequency="Daily",
               versions="All", fields=("Size", "ETag"), extra=""):
    field_xml = "".join("<Field>%s</Field>" % f for f in fields)
    return ("<InventoryConfiguration %s><Id>%s</Id><IsEnabled>true</IsEnabled>"
            "<Destination><S3BucketDestination><Format>%s</Format><Bucket>%s</Bucket>"
            "</S3BucketDestination></Destination><Schedule><Frequency>%s</Frequency></Schedule>"
            "<IncludedObjectVersions>%s</IncludedObjectVersions>"
            "<OptionalFields>%s</OptionalFields>%s</InventoryConfiguration>"
            % (NS, config_id, fmt, bucket, frequency, versions, field_xml, extra)).encode()


class InventoryConfigApiTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="source")
        cls.s3.create_bucket(Bucket="dest")

    def put_raw(self, body, config_id="report1", bucket="source"):
        return raw_request(self.server, "PUT", "/" + bucket, "inventory=&id=" + config_id, body)

    def assertRawError(self, response, status, code, message=None):
        got_status, headers, body = response
        self.assertEqual(got_status, status, body)
        got_code, got_message = error_code(body)
        self.assertEqual(got_code, code, body)
        self.assertTrue(got_message)
        self.assertTrue(headers.get("x-amz-request-id"))
        if message is not None:
            self.assertEqual(got_message, message)

    def test_put_get_roundtrip_with_aws_cli(self):
        config = {
            "Destination": {"S3BucketDestination": {
                "AccountId": "123456789012", "Bucket": "arn:aws:s3:::dest", "Format": "Parquet",
                "Prefix": "inv", "Encryption": {"SSEKMS": {"KeyId": "arn:aws:kms:us-east-1:1:key/x"}}}},
            "IsEnabled": False, "Filter": {"Prefix": "logs/"}, "Id": "cli-config",
            "IncludedObjectVersions": "All",
            "OptionalFields": ["StorageClass", "Size", "ObjectOwner", "LifecycleExpirationDate"],
            "Schedule": {"Frequency": "Weekly"}}
        self.server.aws("s3api", "put-bucket-inventory-configuration", "--bucket", "source",
                        "--id", "cli-config", "--inventory-configuration", json.dumps(config))
        got = self.server.aws_json("s3api", "get-bucket-inventory-configuration", "--bucket",
                                   "source", "--id", "cli-config")["InventoryConfiguration"]
        expected = dict(config)
        # Canonical order of fields (spec §5.1), not the order they were sent in.
        expected["OptionalFields"] = ["Size", "StorageClass", "ObjectOwner",
                                      "LifecycleExpirationDate"]
        self.assertEqual(got, expected)

    def test_put_answers_204_and_replaces(self):
        put_config(self.s3, "source", "replace-me", "dest", fields=["Size"])
        status, _, body = self.put_raw(config_xml("replace-me", fields=("ETag",)), "replace-me")
        self.assertEqual(status, 204, body)
        got = self.s3.get_bucket_inventory_configuration(Bucket="source", Id="replace-me")
        self.assertEqual(got["InventoryConfiguration"]["OptionalFields"], ["ETag"])

    def test_get_body_bytes(self):
        self.put_raw(config_xml("bytes", fields=("Size",)), "bytes")
        status, headers, body = raw_request(self.server, "GET", "/source", "inventory=&id=bytes")
        self.assertEqual(status, 200)
        self.assertTrue(body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'))
        self.assertIn(b'<InventoryConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
                      body)
        self.assertIn(b"<OptionalFields><Field>Size</Field></OptionalFields>", body)

    def test_parse_is_order_independent(self):
        body = ("<InventoryConfiguration><OptionalFields><Field>ETag</Field></OptionalFields>"
                "<Schedule><Frequency>Weekly</Frequency></Schedule>"
                "<IncludedObjectVersions>Current</IncludedObjectVersions>"
                "<Destination><S3BucketDestination><Bucket>arn:aws:s3:::dest</Bucket>"
                "<Format>ORC</Format></S3BucketDestination></Destination>"
                "<IsEnabled>true</IsEnabled><Id>order</Id></InventoryConfiguration>").encode()
        status, _, _ = self.put_raw(body, "order")
        self.assertEqual(status, 204)
        got = self.s3.get_bucket_inventory_configuration(Bucket="source", Id="order")
        self.assertEqual(got["InventoryConfiguration"]["Destination"]["S3BucketDestination"]["Format"],
                         "ORC")

    def test_errors_of_spec_2_3(self):
        malformed = "MalformedXML"
        cases = [
            (config_xml(fmt="JSON"), malformed),
            (config_xml(frequency="Hourly"), malformed),
            (config_xml(versions="Some"), malformed),
            (config_xml(fields=("Size", "Colour")), malformed),
            (config_xml(fields=("Size", "Size")), malformed),
            (config_xml(extra="<Unknown>1</Unknown>"), malformed),
            (config_xml().replace(b"<IsEnabled>true</IsEnabled>", b""), malformed),
            (config_xml().replace(b"<Schedule><Frequency>Daily</Frequency></Schedule>", b""),
             malformed),
            (b"<InventoryConfiguration><Id>x", malformed),
            (b"", malformed),
        ]
        for body, code in cases:
            with self.subTest(body=body[:120]):
                self.assertRawError(self.put_raw(body), 400, code)
        long_id = "a" * 65
        self.assertRawError(self.put_raw(config_xml(long_id), long_id), 400, malformed)
        self.assertRawError(self.put_raw(config_xml("has%20space"), "has%20space"), 400, malformed)
        self.assertRawError(self.put_raw(config_xml("other"), "report1"), 400, "IdMismatch",
                            "Document ID does not match the specified configuration ID.")
        self.assertRawError(self.put_raw(config_xml(bucket="dest")), 400,
                            "InvalidS3DestinationBucket", "Invalid bucket ARN.")
        self.assertRawError(self.put_raw(config_xml(bucket="arn:aws:s3::123456789012:dest")), 400,
                            "InvalidS3DestinationBucket",
                            "Bucket ARN should not specify a namespace.")
        # Nothing was stored by any of the failures.
        ids = [c["Id"] for c in self.s3.list_bucket_inventory_configurations(Bucket="source")
               .get("InventoryConfigurationList", [])]
        self.assertNotIn("report1", ids)

    def test_missing_configuration_and_bucket(self):
        self.assertS3Error(lambda: self.s3.get_bucket_inventory_configuration(
            Bucket="source", Id="nope"), "NoSuchConfiguration", 404)
        self.assertS3Error(lambda: self.s3.delete_bucket_inventory_configuration(
            Bucket="source", Id="nope"), "NoSuchConfiguration", 404)
        self.assertS3Error(lambda: self.s3.get_bucket_inventory_configuration(
            Bucket="no-such-bucket", Id="x"), "NoSuchBucket", 404)
        code, _, err = self.server.aws("s3api", "get-bucket-inventory-configuration", "--bucket",
                                       "source", "--id", "nope", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("NoSuchConfiguration", err)

    def test_expected_bucket_owner(self):
        put_config(self.s3, "source", "owned", "dest")
        self.assertS3Error(lambda: self.s3.get_bucket_inventory_configuration(
            Bucket="source", Id="owned", ExpectedBucketOwner="111111111111"), "AccessDenied", 403)
        status, _, _ = raw_request(self.server, "GET", "/source", "inventory=&id=owned",
                                   sign=False)
        self.assertEqual(status, 403)

    def test_x_id_is_ignored(self):
        put_config(self.s3, "source", "xid", "dest")
        status, _, body = raw_request(self.server, "GET", "/source",
                                      "inventory=&id=xid&x-id=GetBucketInventoryConfiguration")
        self.assertEqual(status, 200, body)
        status, _, body = raw_request(self.server, "GET", "/source",
                                      "inventory=&x-id=ListBucketInventoryConfigurations")
        self.assertEqual(status, 200, body)
        self.assertIn(b"<ListInventoryConfigurationsResult", body)

    def test_delete(self):
        put_config(self.s3, "source", "gone", "dest")
        response = self.s3.delete_bucket_inventory_configuration(Bucket="source", Id="gone")
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertS3Error(lambda: self.s3.get_bucket_inventory_configuration(
            Bucket="source", Id="gone"), "NoSuchConfiguration", 404)


class InventoryConfigListingTest(ServerTestCase):

    def test_paging_250_and_limit_1000(self):
        self.s3.create_bucket(Bucket="many")
        self.s3.create_bucket(Bucket="dest")
        ids = ["cfg-%03d" % i for i in range(250)]
        for i in reversed(ids):  # sent out of order: listing is sorted by Id
            put_config(self.s3, "many", i, "dest")
        seen, token, pages = [], None, 0
        while True:
            kwargs = {"Bucket": "many"}
            if token:
                kwargs["ContinuationToken"] = token
            page = self.s3.list_bucket_inventory_configurations(**kwargs)
            pages += 1
            got = [c["Id"] for c in page.get("InventoryConfigurationList", [])]
            self.assertLessEqual(len(got), 100)
            seen.extend(got)
            if not page["IsTruncated"]:
                self.assertNotIn("NextContinuationToken", page)
                break
            token = page["NextContinuationToken"]
        self.assertEqual(seen, ids)
        self.assertEqual(pages, 3)
        # The aws CLI pages by itself.
        listed = self.server.aws_json("s3api", "list-bucket-inventory-configurations", "--bucket",
                                      "many")
        self.assertEqual(len(listed["InventoryConfigurationList"]), 100)

        for i in range(250, 1000):
            put_config(self.s3, "many", "cfg-%04d" % i, "dest")
        self.assertS3Error(lambda: put_config(self.s3, "many", "one-too-many", "dest"),
                           "TooManyConfigurations", 400)
        put_config(self.s3, "many", "cfg-000", "dest", fields=["Size"])  # replacing is fine

    def test_empty_list(self):
        self.s3.create_bucket(Bucket="empty")
        status, _, body = raw_request(self.server, "GET", "/empty", "inventory=")
        self.assertEqual(status, 200)
        self.assertIn(b"<IsTruncated>false</IsTruncated>", body)
        self.assertNotIn(b"<InventoryConfiguration>", body)


class InventoryConfigPersistenceTest(unittest.TestCase):

    def test_survives_restart_and_bucket_deletion_removes_it(self):
        server = Server().start()
        try:
            s3 = server.client()
            s3.create_bucket(Bucket="keep")
            s3.create_bucket(Bucket="dest")
            put_config(s3, "keep", "persist", "dest", fields=["Size"], enabled=False)
            server.stop()
            server.start()
            s3 = server.client()
            got = s3.get_bucket_inventory_configuration(Bucket="keep", Id="persist")
            self.assertFalse(got["InventoryConfiguration"]["IsEnabled"])
            s3.delete_bucket(Bucket="keep")
            s3.create_bucket(Bucket="keep")
            listed = s3.list_bucket_inventory_configurations(Bucket="keep")
            self.assertEqual(listed.get("InventoryConfigurationList", []), [])
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
