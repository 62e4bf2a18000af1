"""Object Lock against the real server with boto3, raw requests and the aws CLI (issue 6): bucket
configuration and default retention, PUT lock headers, retention and legal hold, GOVERNANCE
bypass, COMPLIANCE that can only be extended, deletes of locked versions, HEAD/GET headers, and
AWS's error codes and messages."""

import base64
import datetime
import hashlib
import json
import unittest
import xml.etree.ElementTree as ET
import zlib

from harness import ServerTestCase
from test_s3_auth import S3Asserts, signed

UTC = datetime.timezone.utc


def in_days(days):
    return datetime.datetime.now(UTC) + datetime.timedelta(days=days)


def lock_config(mode=None, days=None, years=None):
    config = {"ObjectLockEnabled": "Enabled"}
    if mode:
        retention = {"Mode": mode}
        if days is not None:
            retention["Days"] = days
        if years is not None:
            retention["Years"] = years
        config["Rule"] = {"DefaultRetention": retention}
    return config


class ObjectLockTest(ServerTestCase, S3Asserts):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="locked", ObjectLockEnabledForBucket=True)
        cls.s3.create_bucket(Bucket="plain")
        cls.s3.put_object(Bucket="plain", Key="k", Body=b"plain")

    # ---- Bucket configuration ------------------------------------------------------------------

    def test_bucket_created_with_lock_is_versioned_and_reports_enabled(self):
        self.assertEqual(self.s3.get_bucket_versioning(Bucket="locked")["Status"], "Enabled")
        got = self.s3.get_object_lock_configuration(Bucket="locked")["ObjectLockConfiguration"]
        self.assertEqual(got["ObjectLockEnabled"], "Enabled")
        # Versioning of a lock bucket cannot be suspended.
        err = self.assertClientError(lambda: self.s3.put_bucket_versioning(
            Bucket="locked", VersioningConfiguration={"Status": "Suspended"}),
            "InvalidBucketState", 409)
        self.assertEqual(err["Error"]["Message"], "An Object Lock configuration is present on this "
                         "bucket, so the versioning state cannot be changed.")

    def test_configuration_not_found_without_lock(self):
        err = self.assertClientError(
            lambda: self.s3.get_object_lock_configuration(Bucket="plain"),
            "ObjectLockConfigurationNotFoundError", 404)
        self.assertEqual(err["Error"]["Message"],
                         "Object Lock configuration does not exist for this bucket")

    def test_default_retention_round_trip_and_applied_to_new_versions(self):
        s3 = self.s3
        s3.create_bucket(Bucket="defaults", ObjectLockEnabledForBucket=True)
        s3.put_object_lock_configuration(Bucket="defaults",
                                         ObjectLockConfiguration=lock_config("GOVERNANCE", days=2))
        got = s3.get_object_lock_configuration(Bucket="defaults")["ObjectLockConfiguration"]
        self.assertEqual(got, lock_config("GOVERNANCE", days=2))
        before = datetime.datetime.now(UTC)
        vid = s3.put_object(Bucket="defaults", Key="d", Body=b"x")["VersionId"]
        head = s3.head_object(Bucket="defaults", Key="d", VersionId=vid)
        self.assertEqual(head["ObjectLockMode"], "GOVERNANCE")
        until = head["ObjectLockRetainUntilDate"]
        self.assertLess(abs((until - before - datetime.timedelta(days=2)).total_seconds()), 60)
        self.assertNotIn("ObjectLockLegalHoldStatus", head)
        # Explicit headers win over the default.
        explicit = in_days(5).replace(microsecond=0)
        vid2 = s3.put_object(Bucket="defaults", Key="d", Body=b"y", ObjectLockMode="COMPLIANCE",
                             ObjectLockRetainUntilDate=explicit)["VersionId"]
        retention = s3.get_object_retention(Bucket="defaults", Key="d",
                                            VersionId=vid2)["Retention"]
        self.assertEqual(retention, {"Mode": "COMPLIANCE", "RetainUntilDate": explicit})
        # Years, with the CLI.
        self.server.aws("s3api", "put-object-lock-configuration", "--bucket", "defaults",
                        "--object-lock-configuration",
                        json.dumps(lock_config("COMPLIANCE", years=1)))
        out = self.server.aws_json("s3api", "get-object-lock-configuration", "--bucket", "defaults")
        self.assertEqual(out["ObjectLockConfiguration"], lock_config("COMPLIANCE", years=1))
        # Removing the rule leaves Object Lock enabled, without a default.
        s3.put_object_lock_configuration(Bucket="defaults", ObjectLockConfiguration=lock_config())
        got = s3.get_object_lock_configuration(Bucket="defaults")["ObjectLockConfiguration"]
        self.assertEqual(got, {"ObjectLockEnabled": "Enabled"})
        vid3 = s3.put_object(Bucket="defaults", Key="free", Body=b"z")["VersionId"]
        self.assertNotIn("ObjectLockMode", s3.head_object(Bucket="defaults", Key="free"))
        s3.delete_object(Bucket="defaults", Key="free", VersionId=vid3)
        # The version written under the old default keeps its retention.
        self.assertClientError(lambda: s3.delete_object(Bucket="defaults", Key="d", VersionId=vid),
                               "AccessDenied", 403)

    def test_invalid_configurations(self):
        def put(body):
            return signed(self.server, "PUT", "/locked", "object-lock", body.encode())
        base = ('<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                '<ObjectLockEnabled>%s</ObjectLockEnabled>%s</ObjectLockConfiguration>')
        rule = "<Rule><DefaultRetention>%s</DefaultRetention></Rule>"
        self.assertRawError(put(base % ("Disabled", "")), 400, "MalformedXML")
        self.assertRawError(put(base % ("Enabled", rule % "<Mode>FOREVER</Mode><Days>1</Days>")),
                            400, "MalformedXML")
        self.assertRawError(put(base % ("Enabled", rule % "<Mode>GOVERNANCE</Mode><Days>1</Days>"
                                        "<Years>1</Years>")), 400, "MalformedXML")
        self.assertRawError(put(base % ("Enabled", rule % "<Mode>GOVERNANCE</Mode>")), 400,
                            "MalformedXML")
        # S3 answers InvalidArgument (not s3-tests' InvalidRetentionPeriod).
        root = self.assertRawError(
            put(base % ("Enabled", rule % "<Mode>GOVERNANCE</Mode><Days>0</Days>")), 400,
            "InvalidArgument")
        self.assertEqual(root.findtext("Message"),
                         "Default retention period must be a positive integer value.")
        self.assertRawError(put(base % ("Enabled", rule % "<Mode>GOVERNANCE</Mode><Years>101"
                                                          "</Years>")), 400, "InvalidArgument")
        self.assertRawError(put("not xml"), 400, "MalformedXML")

    def test_enabling_lock_on_an_existing_bucket_needs_versioning(self):
        self.s3.create_bucket(Bucket="later")
        self.assertClientError(lambda: self.s3.put_object_lock_configuration(
            Bucket="later", ObjectLockConfiguration=lock_config()), "InvalidBucketState", 409)
        self.s3.put_bucket_versioning(Bucket="later",
                                      VersioningConfiguration={"Status": "Enabled"})
        self.s3.put_object_lock_configuration(Bucket="later", ObjectLockConfiguration=lock_config())
        got = self.s3.get_object_lock_configuration(Bucket="later")["ObjectLockConfiguration"]
        self.assertEqual(got["ObjectLockEnabled"], "Enabled")

    # ---- PUT headers ---------------------------------------------------------------------------

    def test_put_headers_on_bucket_without_lock(self):
        for extra in ({"ObjectLockLegalHoldStatus": "ON"},
                      {"ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": in_days(1)}):
            err = self.assertClientError(
                lambda: self.s3.put_object(Bucket="plain", Key="x", Body=b"x", **extra),
                "InvalidRequest", 400)
            # Object writes word it without spaces (S3, as observed by S3-compatible servers).
            self.assertEqual(err["Error"]["Message"], "Bucket is missing ObjectLockConfiguration")

    def test_put_header_validation(self):
        def put(headers):
            return signed(self.server, "PUT", "/locked/hv", body=b"x", headers=headers)
        future = in_days(1).strftime("%Y-%m-%dT%H:%M:%SZ")
        past = (datetime.datetime.now(UTC) - datetime.timedelta(days=1)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        root = self.assertRawError(put({"x-amz-object-lock-mode": "GOVERNANCE"}), 400,
                                   "InvalidArgument")
        self.assertEqual(root.findtext("Message"), "x-amz-object-lock-retain-until-date and "
                         "x-amz-object-lock-mode must both be supplied")
        root = self.assertRawError(put({"x-amz-object-lock-mode": "Governance",
                                        "x-amz-object-lock-retain-until-date": future}),
                                   400, "InvalidArgument")
        self.assertEqual(root.findtext("Message"), "Unknown wormMode directive.")
        root = self.assertRawError(put({"x-amz-object-lock-mode": "COMPLIANCE",
                                        "x-amz-object-lock-retain-until-date": past}),
                                   400, "InvalidArgument")
        self.assertEqual(root.findtext("Message"), "The retain until date must be in the future!")
        root = self.assertRawError(put({"x-amz-object-lock-legal-hold": "on"}), 400,
                                   "InvalidArgument")
        self.assertEqual(root.findtext("Message"), "Legal Hold must be either of 'ON' or 'OFF'")

    def test_put_with_lock_parameters_needs_an_integrity_header(self):
        body = b"integrity"
        future = in_days(1).strftime("%Y-%m-%dT%H:%M:%SZ")
        lock = {"x-amz-object-lock-mode": "GOVERNANCE",
                "x-amz-object-lock-retain-until-date": future}
        root = self.assertRawError(signed(self.server, "PUT", "/locked/integrity", body=body,
                                          headers=lock), 400, "InvalidRequest")
        self.assertEqual(root.findtext("Message"), "Content-MD5 OR x-amz-checksum- HTTP header is "
                         "required for Put Object requests with Object Lock parameters")
        md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
        status, headers, _ = signed(self.server, "PUT", "/locked/integrity", body=body,
                                    headers=dict(lock, **{"Content-MD5": md5}))
        self.assertEqual(status, 200)
        crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
        status, _, _ = signed(self.server, "PUT", "/locked/integrity", body=body,
                              headers={"x-amz-object-lock-legal-hold": "OFF",
                                       "x-amz-checksum-crc32": crc})
        self.assertEqual(status, 200)
        # Without lock parameters (and no default rule) nothing is required.
        status, _, _ = signed(self.server, "PUT", "/locked/integrity", body=body)
        self.assertEqual(status, 200)

    def test_head_and_get_show_lock_headers(self):
        until = in_days(3).replace(microsecond=0)
        vid = self.s3.put_object(Bucket="locked", Key="shown", Body=b"data",
                                 ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until,
                                 ObjectLockLegalHoldStatus="OFF")["VersionId"]
        for call in (self.s3.head_object, self.s3.get_object):
            got = call(Bucket="locked", Key="shown", VersionId=vid)
            self.assertEqual(got["ObjectLockMode"], "GOVERNANCE")
            self.assertEqual(got["ObjectLockRetainUntilDate"], until)
            self.assertEqual(got["ObjectLockLegalHoldStatus"], "OFF")
        _, headers, _ = signed(self.server, "HEAD", "/locked/shown")
        self.assertEqual(headers["x-amz-object-lock-mode"], "GOVERNANCE")
        self.assertEqual(headers["x-amz-object-lock-retain-until-date"],
                         until.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
        self.assertEqual(headers["x-amz-object-lock-legal-hold"], "OFF")
        # The default of a plain object: no lock headers at all.
        _, headers, _ = signed(self.server, "HEAD", "/plain/k")
        self.assertNotIn("x-amz-object-lock-mode", headers)
        self.assertNotIn("x-amz-object-lock-legal-hold", headers)

    def test_multipart_and_copy_take_lock_headers(self):
        s3 = self.s3
        until = in_days(2).replace(microsecond=0)
        upload = s3.create_multipart_upload(Bucket="locked", Key="mp", ObjectLockMode="COMPLIANCE",
                                            ObjectLockRetainUntilDate=until,
                                            ObjectLockLegalHoldStatus="ON")
        part = s3.upload_part(Bucket="locked", Key="mp", UploadId=upload["UploadId"],
                              PartNumber=1, Body=b"p" * 100)
        done = s3.complete_multipart_upload(
            Bucket="locked", Key="mp", UploadId=upload["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        head = s3.head_object(Bucket="locked", Key="mp", VersionId=done["VersionId"])
        self.assertEqual((head["ObjectLockMode"], head["ObjectLockRetainUntilDate"],
                          head["ObjectLockLegalHoldStatus"]), ("COMPLIANCE", until, "ON"))
        self.assertClientError(lambda: s3.delete_object(Bucket="locked", Key="mp",
                                                        VersionId=done["VersionId"]),
                               "AccessDenied", 403)
        # A copy does not inherit the source's lock; it takes the request's.
        copy = s3.copy_object(Bucket="locked", Key="mp-copy", CopySource="locked/mp")
        head = s3.head_object(Bucket="locked", Key="mp-copy", VersionId=copy["VersionId"])
        self.assertNotIn("ObjectLockMode", head)
        copy = s3.copy_object(Bucket="locked", Key="mp-copy", CopySource="locked/mp",
                              ObjectLockLegalHoldStatus="ON")
        head = s3.head_object(Bucket="locked", Key="mp-copy", VersionId=copy["VersionId"])
        self.assertEqual(head["ObjectLockLegalHoldStatus"], "ON")

    # ---- Retention -----------------------------------------------------------------------------

    def test_retention_on_bucket_without_lock(self):
        for call in (lambda: self.s3.get_object_retention(Bucket="plain", Key="k"),
                     lambda: self.s3.put_object_retention(
                         Bucket="plain", Key="k",
                         Retention={"Mode": "GOVERNANCE", "RetainUntilDate": in_days(1)}),
                     lambda: self.s3.get_object_legal_hold(Bucket="plain", Key="k"),
                     lambda: self.s3.put_object_legal_hold(Bucket="plain", Key="k",
                                                           LegalHold={"Status": "ON"})):
            err = self.assertClientError(call, "InvalidRequest", 400)
            self.assertEqual(err["Error"]["Message"], "Bucket is missing Object Lock Configuration")

    def test_no_retention_or_hold_yet(self):
        self.s3.put_object(Bucket="locked", Key="bare", Body=b"b")
        for call in (lambda: self.s3.get_object_retention(Bucket="locked", Key="bare"),
                     lambda: self.s3.get_object_legal_hold(Bucket="locked", Key="bare")):
            err = self.assertClientError(call, "NoSuchObjectLockConfiguration", 404)
            self.assertEqual(err["Error"]["Message"],
                             "The specified object does not have a ObjectLock configuration")
        self.assertClientError(lambda: self.s3.get_object_retention(Bucket="locked", Key="nokey"),
                               "NoSuchKey", 404)

    def test_governance_shorten_and_remove_need_bypass(self):
        s3 = self.s3
        vid = s3.put_object(Bucket="locked", Key="gov", Body=b"g")["VersionId"]
        long_until = in_days(10).replace(microsecond=0)
        s3.put_object_retention(Bucket="locked", Key="gov", VersionId=vid,
                                Retention={"Mode": "GOVERNANCE", "RetainUntilDate": long_until})
        got = s3.get_object_retention(Bucket="locked", Key="gov", VersionId=vid)["Retention"]
        self.assertEqual(got, {"Mode": "GOVERNANCE", "RetainUntilDate": long_until})
        # Extending is free; shortening, switching to COMPLIANCE or removing need the bypass.
        longer = in_days(11).replace(microsecond=0)
        s3.put_object_retention(Bucket="locked", Key="gov", VersionId=vid,
                                Retention={"Mode": "GOVERNANCE", "RetainUntilDate": longer})
        shorter = {"Mode": "GOVERNANCE", "RetainUntilDate": in_days(1)}
        self.assertClientError(lambda: s3.put_object_retention(
            Bucket="locked", Key="gov", VersionId=vid, Retention=shorter), "AccessDenied", 403)
        self.assertClientError(lambda: s3.put_object_retention(
            Bucket="locked", Key="gov", VersionId=vid,
            Retention={"Mode": "COMPLIANCE", "RetainUntilDate": longer}), "AccessDenied", 403)
        self.assertClientError(lambda: s3.put_object_retention(
            Bucket="locked", Key="gov", VersionId=vid, Retention={}), "AccessDenied", 403)
        s3.put_object_retention(Bucket="locked", Key="gov", VersionId=vid, Retention=shorter,
                                BypassGovernanceRetention=True)
        # Deleting the version: refused, then allowed with the bypass header (aws CLI).
        self.assertClientError(lambda: s3.delete_object(Bucket="locked", Key="gov", VersionId=vid),
                               "AccessDenied", 403)
        code, _, err = self.server.aws("s3api", "delete-object", "--bucket", "locked", "--key",
                                       "gov", "--version-id", vid, check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("AccessDenied", err)
        self.server.aws("s3api", "delete-object", "--bucket", "locked", "--key", "gov",
                        "--version-id", vid, "--bypass-governance-retention")
        self.assertClientError(lambda: s3.head_object(Bucket="locked", Key="gov", VersionId=vid),
                               "404", 404)

    def test_compliance_can_only_be_extended(self):
        s3 = self.s3
        until = in_days(3).replace(microsecond=0)
        vid = s3.put_object(Bucket="locked", Key="comp", Body=b"c", ObjectLockMode="COMPLIANCE",
                            ObjectLockRetainUntilDate=until)["VersionId"]
        for retention in ({"Mode": "COMPLIANCE", "RetainUntilDate": in_days(1)},
                          {"Mode": "GOVERNANCE", "RetainUntilDate": in_days(5)}, {}):
            self.assertClientError(lambda: s3.put_object_retention(
                Bucket="locked", Key="comp", VersionId=vid, Retention=retention,
                BypassGovernanceRetention=True), "AccessDenied", 403)
        later = in_days(4).replace(microsecond=0)
        s3.put_object_retention(Bucket="locked", Key="comp", VersionId=vid,
                                Retention={"Mode": "COMPLIANCE", "RetainUntilDate": later})
        self.assertEqual(s3.get_object_retention(Bucket="locked", Key="comp", VersionId=vid)
                         ["Retention"]["RetainUntilDate"], later)
        # No bypass for COMPLIANCE, not even with the header.
        self.assertClientError(lambda: s3.delete_object(Bucket="locked", Key="comp", VersionId=vid,
                                                        BypassGovernanceRetention=True),
                               "AccessDenied", 403)
        # A delete without a version id still adds a delete marker.
        marker = s3.delete_object(Bucket="locked", Key="comp")
        self.assertTrue(marker["DeleteMarker"])
        self.assertEqual(s3.get_object(Bucket="locked", Key="comp", VersionId=vid)["Body"].read(),
                         b"c")
        # DeleteObjects reports the locked version per key.
        result = s3.delete_objects(Bucket="locked", Delete={"Objects": [
            {"Key": "comp", "VersionId": vid},
            {"Key": "comp", "VersionId": marker["VersionId"]}]})
        self.assertEqual([(e["Key"], e["VersionId"], e["Code"]) for e in result["Errors"]],
                         [("comp", vid, "AccessDenied")])
        self.assertEqual([d["VersionId"] for d in result["Deleted"]], [marker["VersionId"]])

    def test_retention_validation(self):
        s3 = self.s3
        s3.put_object(Bucket="locked", Key="val", Body=b"v")
        err = self.assertClientError(lambda: s3.put_object_retention(
            Bucket="locked", Key="val",
            Retention={"Mode": "GOVERNANCE",
                       "RetainUntilDate": datetime.datetime.now(UTC) - datetime.timedelta(1)}),
            "InvalidArgument", 400)
        self.assertEqual(err["Error"]["Message"], "The retain until date must be in the future!")
        body = (b'<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>FOREVER</Mode>'
                b'<RetainUntilDate>2099-01-01T00:00:00Z</RetainUntilDate></Retention>')
        self.assertRawError(signed(self.server, "PUT", "/locked/val", "retention", body), 400,
                            "MalformedXML")
        body = b'<Retention><Mode>GOVERNANCE</Mode></Retention>'
        self.assertRawError(signed(self.server, "PUT", "/locked/val", "retention", body), 400,
                            "MalformedXML")

    # ---- Legal hold ----------------------------------------------------------------------------

    def test_legal_hold_blocks_deletion_until_released(self):
        s3 = self.s3
        vid = s3.put_object(Bucket="locked", Key="held", Body=b"h")["VersionId"]
        s3.put_object_legal_hold(Bucket="locked", Key="held", VersionId=vid,
                                 LegalHold={"Status": "ON"})
        self.assertEqual(s3.get_object_legal_hold(Bucket="locked", Key="held", VersionId=vid)
                         ["LegalHold"], {"Status": "ON"})
        self.assertEqual(s3.head_object(Bucket="locked", Key="held")["ObjectLockLegalHoldStatus"],
                         "ON")
        self.assertClientError(lambda: s3.delete_object(Bucket="locked", Key="held", VersionId=vid,
                                                        BypassGovernanceRetention=True),
                               "AccessDenied", 403)
        out = self.server.aws_json("s3api", "get-object-legal-hold", "--bucket", "locked", "--key",
                                   "held")
        self.assertEqual(out, {"LegalHold": {"Status": "ON"}})
        self.server.aws("s3api", "put-object-legal-hold", "--bucket", "locked", "--key", "held",
                        "--legal-hold", "Status=OFF")
        self.assertEqual(s3.get_object_legal_hold(Bucket="locked", Key="held")["LegalHold"],
                         {"Status": "OFF"})
        s3.delete_object(Bucket="locked", Key="held", VersionId=vid)
        body = b"<LegalHold><Status>on</Status></LegalHold>"
        s3.put_object(Bucket="locked", Key="held", Body=b"h2")
        self.assertRawError(signed(self.server, "PUT", "/locked/held", "legal-hold", body), 400,
                            "MalformedXML")

    def test_lock_denials_carry_s3s_message_and_bypass_needs_a_lock_bucket(self):
        s3 = self.s3
        vid = s3.put_object(Bucket="locked", Key="msg", Body=b"m",
                            ObjectLockLegalHoldStatus="ON")["VersionId"]
        err = self.assertClientError(lambda: s3.delete_object(Bucket="locked", Key="msg",
                                                              VersionId=vid),
                                     "AccessDenied", 403)
        self.assertEqual(err["Error"]["Message"],
                         "Access Denied because object protected by object lock.")
        s3.put_object_legal_hold(Bucket="locked", Key="msg", VersionId=vid,
                                 LegalHold={"Status": "OFF"})
        # x-amz-bypass-governance-retention on a bucket without Object Lock: InvalidArgument.
        for call in (lambda: s3.delete_object(Bucket="plain", Key="k",
                                              BypassGovernanceRetention=True),
                     lambda: s3.delete_objects(Bucket="plain", BypassGovernanceRetention=True,
                                               Delete={"Objects": [{"Key": "k"}]})):
            err = self.assertClientError(call, "InvalidArgument", 400)
            self.assertEqual(err["Error"]["Message"], "x-amz-bypass-governance-retention is only "
                             "applicable to Object Lock enabled buckets.")
        self.assertEqual(s3.get_object(Bucket="plain", Key="k")["Body"].read(), b"plain")

    # ---- Event holds (2026; this botocore predates them: raw requests) --------------------------

    def put_raw(self, key, headers, body=b"held"):
        md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
        return signed(self.server, "PUT", "/locked/" + key, body=body,
                      headers=dict(headers, **{"Content-MD5": md5}))

    def test_event_hold_on_put_head_and_retention(self):
        s3 = self.s3
        status, headers, body = self.put_raw("event", {
            "x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-event-hold": "ON",
            "x-amz-object-lock-event-hold-duration-days": "10"})
        self.assertEqual(status, 200, body)
        vid = headers["x-amz-version-id"]
        _, head, _ = signed(self.server, "HEAD", "/locked/event", "versionId=" + vid)
        self.assertEqual(head["x-amz-object-lock-event-hold"], "ON")
        self.assertEqual(head["x-amz-object-lock-event-hold-duration-days"], "10")
        self.assertEqual(head["x-amz-object-lock-mode"], "GOVERNANCE")
        # While the hold is on, the date is now + the duration.
        until = datetime.datetime.strptime(head["x-amz-object-lock-retain-until-date"],
                                           "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        self.assertLess(abs((until - in_days(10)).total_seconds()), 60)
        self.assertClientError(lambda: s3.delete_object(Bucket="locked", Key="event",
                                                        VersionId=vid), "AccessDenied", 403)
        status, _, body = signed(self.server, "GET", "/locked/event",
                                 "retention&versionId=" + vid)
        self.assertEqual(status, 200)
        root = ET.fromstring(body)
        ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
        self.assertEqual(root.findtext(ns + "Mode"), "GOVERNANCE")
        self.assertEqual(root.findtext(ns + "EventHold"), "ON")
        self.assertEqual(root.findtext(ns + "EventHoldDuration/" + ns + "Days"), "10")
        # Release: retained for the duration from the release, no bypass needed.
        release = (b'<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>GOVERNANCE'
                   b'</Mode><EventHold>OFF</EventHold></Retention>')
        status, _, body = signed(self.server, "PUT", "/locked/event", "retention&versionId=" + vid,
                                 release)
        self.assertEqual(status, 200, body)
        _, head, _ = signed(self.server, "HEAD", "/locked/event", "versionId=" + vid)
        self.assertEqual(head["x-amz-object-lock-event-hold"], "OFF")
        retention = s3.get_object_retention(Bucket="locked", Key="event",
                                            VersionId=vid)["Retention"]
        self.assertLess(abs((retention["RetainUntilDate"] - in_days(10)).total_seconds()), 60)
        # Shortening the duration of a GOVERNANCE hold needs the bypass.
        shorter = (b'<Retention><Mode>GOVERNANCE</Mode><EventHold>ON</EventHold>'
                   b'<EventHoldDuration><Days>1</Days></EventHoldDuration></Retention>')
        self.assertRawError(signed(self.server, "PUT", "/locked/event",
                                   "retention&versionId=" + vid, shorter), 403, "AccessDenied")
        status, _, _ = signed(self.server, "PUT", "/locked/event", "retention&versionId=" + vid,
                              shorter, headers={"x-amz-bypass-governance-retention": "true"})
        self.assertEqual(status, 200)

    def test_event_hold_validation_and_default(self):
        self.assertRawError(self.put_raw("ev-bad", {
            "x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-event-hold": "ON"}),
            400, "InvalidArgument")  # no duration
        self.assertRawError(self.put_raw("ev-bad", {
            "x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-event-hold": "ON",
            "x-amz-object-lock-event-hold-duration-days": "0"}), 400, "InvalidArgument")
        self.assertRawError(self.put_raw("ev-bad", {
            "x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-event-hold": "maybe",
            "x-amz-object-lock-event-hold-duration-years": "1"}), 400, "InvalidArgument")
        root = self.assertRawError(
            signed(self.server, "PUT", "/plain/ev", body=b"x", headers={
                "x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-event-hold": "ON",
                "x-amz-object-lock-event-hold-duration-days": "3"}), 400, "InvalidRequest")
        self.assertEqual(root.findtext("Message"), "Bucket is missing ObjectLockConfiguration")
        # A default event hold: new versions are held, with the bucket's mode.
        self.s3.create_bucket(Bucket="event-default", ObjectLockEnabledForBucket=True)
        config = (b'<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                  b'<ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>'
                  b'<Mode>COMPLIANCE</Mode><DefaultEventHold><Years>1</Years></DefaultEventHold>'
                  b'</DefaultRetention></Rule></ObjectLockConfiguration>')
        status, _, body = signed(self.server, "PUT", "/event-default", "object-lock", config)
        self.assertEqual(status, 200, body)
        status, _, body = signed(self.server, "GET", "/event-default", "object-lock")
        self.assertIn(b"<DefaultEventHold><Years>1</Years></DefaultEventHold>", body)
        self.assertIn(b"<Mode>COMPLIANCE</Mode>", body)
        vid = self.s3.put_object(Bucket="event-default", Key="k", Body=b"x")["VersionId"]
        _, head, _ = signed(self.server, "HEAD", "/event-default/k")
        self.assertEqual((head["x-amz-object-lock-mode"], head["x-amz-object-lock-event-hold"],
                          head["x-amz-object-lock-event-hold-duration-years"]),
                         ("COMPLIANCE", "ON", "1"))
        self.assertClientError(lambda: self.s3.delete_object(
            Bucket="event-default", Key="k", VersionId=vid, BypassGovernanceRetention=True),
            "AccessDenied", 403)

    def test_delete_marker_has_no_lock_state(self):
        s3 = self.s3
        s3.put_object(Bucket="locked", Key="gone", Body=b"g")
        marker = s3.delete_object(Bucket="locked", Key="gone")["VersionId"]
        self.assertClientError(lambda: s3.get_object_retention(Bucket="locked", Key="gone",
                                                               VersionId=marker),
                               "MethodNotAllowed", 405)


if __name__ == "__main__":
    unittest.main()
