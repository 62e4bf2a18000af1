"""ACLs and Object Ownership against the real server with boto3, raw requests and the aws CLI
(issue 6): BucketOwnerEnforced as the default of new buckets (ACLs disabled, AWS since 2023),
ownership controls, canned ACLs and x-amz-grant-* headers on PUT, Get/PutObjectAcl and
Get/PutBucketAcl with AccessControlPolicy documents, and AWS's errors."""

import unittest
import xml.etree.ElementTree as ET

from harness import ServerTestCase
from test_s3_auth import S3Asserts, signed

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
OTHER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
EC2 = "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c"


def grants_of(acl):
    """(grantee, permission) pairs of a boto3 Get*Acl answer, grantee = ID or URI."""
    return [(g["Grantee"].get("ID") or g["Grantee"].get("URI"), g["Permission"])
            for g in acl["Grants"]]


def ownership(rule):
    return {"Rules": [{"ObjectOwnership": rule}]}


class AclTest(ServerTestCase, S3Asserts):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.s3.list_buckets()["Owner"]["ID"]
        cls.s3.create_bucket(Bucket="enforced")
        cls.s3.create_bucket(Bucket="acls", ObjectOwnership="ObjectWriter")

    # ---- Ownership controls --------------------------------------------------------------------

    def test_new_buckets_enforce_bucket_owner(self):
        got = self.s3.get_bucket_ownership_controls(Bucket="enforced")["OwnershipControls"]
        self.assertEqual(got, ownership("BucketOwnerEnforced"))
        got = self.s3.get_bucket_ownership_controls(Bucket="acls")["OwnershipControls"]
        self.assertEqual(got, ownership("ObjectWriter"))

    def test_ownership_controls_put_get_delete(self):
        s3 = self.s3
        s3.create_bucket(Bucket="own")
        s3.put_bucket_ownership_controls(Bucket="own",
                                         OwnershipControls=ownership("BucketOwnerPreferred"))
        self.assertEqual(s3.get_bucket_ownership_controls(Bucket="own")["OwnershipControls"],
                         ownership("BucketOwnerPreferred"))
        # With ACLs enabled again, canned ACLs are accepted.
        s3.put_object(Bucket="own", Key="k", Body=b"x", ACL="public-read")
        s3.delete_bucket_ownership_controls(Bucket="own")
        err = self.assertClientError(lambda: s3.get_bucket_ownership_controls(Bucket="own"),
                                     "OwnershipControlsNotFoundError", 404)
        self.assertEqual(err["Error"]["Message"], "The bucket ownership controls were not found")
        s3.put_object(Bucket="own", Key="k2", Body=b"x", ACL="authenticated-read")
        # Back to enforced: allowed while the bucket ACL is private; objects keep their ACLs.
        self.server.aws("s3api", "put-bucket-ownership-controls", "--bucket", "own",
                        "--ownership-controls", "Rules=[{ObjectOwnership=BucketOwnerEnforced}]")
        self.assertClientError(lambda: s3.put_object(Bucket="own", Key="k3", Body=b"x",
                                                     ACL="public-read"),
                               "AccessControlListNotSupported", 400)
        # Reads show the bucket owner's full control only while ACLs are disabled.
        self.assertEqual(grants_of(s3.get_object_acl(Bucket="own", Key="k")),
                         [(self.owner, "FULL_CONTROL")])
        body = (b'<OwnershipControls xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>'
                b'<ObjectOwnership>Nobody</ObjectOwnership></Rule></OwnershipControls>')
        self.assertRawError(signed(self.server, "PUT", "/own", "ownershipControls", body), 400,
                            "MalformedXML")

    def test_enforced_refuses_bucket_acl_that_grants_others(self):
        s3 = self.s3
        s3.create_bucket(Bucket="public-bucket", ObjectOwnership="ObjectWriter",
                         ACL="public-read")
        self.assertEqual(grants_of(s3.get_bucket_acl(Bucket="public-bucket")),
                         [(self.owner, "FULL_CONTROL"), (ALL_USERS, "READ")])
        err = self.assertClientError(lambda: s3.put_bucket_ownership_controls(
            Bucket="public-bucket", OwnershipControls=ownership("BucketOwnerEnforced")),
            "InvalidBucketAclWithObjectOwnership", 400)
        self.assertTrue(err["Error"]["Message"])
        s3.put_bucket_acl(Bucket="public-bucket", ACL="private")
        s3.put_bucket_ownership_controls(Bucket="public-bucket",
                                         OwnershipControls=ownership("BucketOwnerEnforced"))
        # Creating an enforced bucket with a public ACL fails the same way.
        self.assertClientError(lambda: s3.create_bucket(Bucket="public-enforced",
                                                        ACL="public-read"),
                               "InvalidBucketAclWithObjectOwnership", 400)
        self.assertClientError(lambda: s3.head_bucket(Bucket="public-enforced"), "404", 404)

    # ---- ACLs disabled -------------------------------------------------------------------------

    def test_acls_disabled_by_default(self):
        s3 = self.s3
        err = self.assertClientError(lambda: s3.put_object(Bucket="enforced", Key="p", Body=b"x",
                                                           ACL="public-read"),
                                     "AccessControlListNotSupported", 400)
        self.assertEqual(err["Error"]["Message"], "The bucket does not allow ACLs")
        code, _, out = self.server.aws("s3api", "put-object", "--bucket", "enforced", "--key", "p",
                                       "--acl", "public-read", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("AccessControlListNotSupported", out)
        # bucket-owner-full-control and private (equivalent here) are accepted.
        s3.put_object(Bucket="enforced", Key="p", Body=b"x", ACL="bucket-owner-full-control")
        s3.put_object(Bucket="enforced", Key="p", Body=b"x", ACL="private")
        s3.put_object(Bucket="enforced", Key="p", Body=b"x")
        self.assertClientError(lambda: s3.put_object_acl(Bucket="enforced", Key="p",
                                                         ACL="public-read"),
                               "AccessControlListNotSupported", 400)
        self.assertClientError(lambda: s3.put_bucket_acl(Bucket="enforced", ACL="public-read"),
                               "AccessControlListNotSupported", 400)
        acl = s3.get_object_acl(Bucket="enforced", Key="p")
        self.assertEqual(acl["Owner"]["ID"], self.owner)
        self.assertEqual(grants_of(acl), [(self.owner, "FULL_CONTROL")])

    # ---- Canned ACLs and grant headers ---------------------------------------------------------

    def test_canned_acls_on_put_object(self):
        expected = {
            "private": [],
            "public-read": [(ALL_USERS, "READ")],
            "public-read-write": [(ALL_USERS, "READ"), (ALL_USERS, "WRITE")],
            "authenticated-read": [(AUTHENTICATED, "READ")],
            "aws-exec-read": [(EC2, "READ")],
            "bucket-owner-read": [],  # the writer owns the bucket: nothing to add
            "bucket-owner-full-control": [],
        }
        for canned, extra in expected.items():
            self.s3.put_object(Bucket="acls", Key="canned/" + canned, Body=b"x", ACL=canned)
            acl = self.s3.get_object_acl(Bucket="acls", Key="canned/" + canned)
            self.assertEqual(acl["Owner"]["ID"], self.owner)
            self.assertEqual(grants_of(acl), [(self.owner, "FULL_CONTROL")] + extra, canned)
        self.server.aws("s3api", "put-bucket-acl", "--bucket", "acls", "--acl",
                        "log-delivery-write")
        self.assertEqual(grants_of(self.s3.get_bucket_acl(Bucket="acls")),
                         [(self.owner, "FULL_CONTROL"), (LOG_DELIVERY, "WRITE"),
                          (LOG_DELIVERY, "READ_ACP")])
        self.s3.put_bucket_acl(Bucket="acls", ACL="private")

    def test_grant_headers(self):
        s3 = self.s3
        s3.put_object(Bucket="acls", Key="granted", Body=b"x",
                      GrantRead='uri="%s", id="%s"' % (ALL_USERS, OTHER),
                      GrantFullControl='id="%s"' % self.owner, GrantWriteACP='id="%s"' % OTHER)
        acl = s3.get_object_acl(Bucket="acls", Key="granted")
        self.assertEqual(sorted(grants_of(acl)), sorted([
            (self.owner, "FULL_CONTROL"), (OTHER, "WRITE_ACP"), (ALL_USERS, "READ"),
            (OTHER, "READ")]))
        types = {g["Grantee"].get("ID") or g["Grantee"].get("URI"): g["Grantee"]["Type"]
                 for g in acl["Grants"]}
        self.assertEqual(types[ALL_USERS], "Group")
        self.assertEqual(types[OTHER], "CanonicalUser")
        err = self.assertClientError(lambda: s3.put_object(
            Bucket="acls", Key="both", Body=b"x", ACL="public-read", GrantRead='id="%s"' % OTHER),
            "InvalidRequest", 400)
        self.assertEqual(err["Error"]["Message"],
                         "Specifying both Canned ACLs and Header Grants is not allowed")
        self.assertClientError(lambda: s3.put_object(Bucket="acls", Key="bad", Body=b"x",
                                                     GrantRead='id="not-an-id"'),
                               "InvalidArgument", 400)
        self.assertClientError(lambda: s3.put_object(
            Bucket="acls", Key="bad", Body=b"x",
            GrantRead='uri="http://acs.amazonaws.com/groups/global/Nobody"'),
            "InvalidArgument", 400)
        self.assertClientError(lambda: s3.put_object(Bucket="acls", Key="bad", Body=b"x",
                                                     GrantRead='emailAddress="a@example.com"'),
                               "UnresolvableGrantByEmailAddress", 400)
        self.assertRawError(signed(self.server, "PUT", "/acls/bad", body=b"x",
                                   headers={"x-amz-acl": "everyone"}), 400, "InvalidArgument")

    def test_acl_on_copy_and_multipart(self):
        s3 = self.s3
        s3.put_object(Bucket="acls", Key="src", Body=b"x", ACL="public-read")
        # A copy does not inherit the source's ACL: private unless the request says otherwise.
        s3.copy_object(Bucket="acls", Key="copy", CopySource="acls/src")
        self.assertEqual(grants_of(s3.get_object_acl(Bucket="acls", Key="copy")),
                         [(self.owner, "FULL_CONTROL")])
        s3.copy_object(Bucket="acls", Key="copy", CopySource="acls/src", ACL="authenticated-read")
        self.assertEqual(grants_of(s3.get_object_acl(Bucket="acls", Key="copy")),
                         [(self.owner, "FULL_CONTROL"), (AUTHENTICATED, "READ")])
        upload = s3.create_multipart_upload(Bucket="acls", Key="mp", ACL="public-read")
        part = s3.upload_part(Bucket="acls", Key="mp", UploadId=upload["UploadId"], PartNumber=1,
                              Body=b"p")
        s3.complete_multipart_upload(Bucket="acls", Key="mp", UploadId=upload["UploadId"],
                                     MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                 "ETag": part["ETag"]}]})
        self.assertEqual(grants_of(s3.get_object_acl(Bucket="acls", Key="mp")),
                         [(self.owner, "FULL_CONTROL"), (ALL_USERS, "READ")])

    # ---- AccessControlPolicy documents ---------------------------------------------------------

    def test_put_object_acl_document_and_xml_shape(self):
        s3 = self.s3
        s3.put_object(Bucket="acls", Key="doc", Body=b"x")
        policy = {"Owner": {"ID": self.owner}, "Grants": [
            {"Grantee": {"Type": "CanonicalUser", "ID": self.owner}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
            {"Grantee": {"Type": "CanonicalUser", "ID": OTHER}, "Permission": "READ_ACP"}]}
        s3.put_object_acl(Bucket="acls", Key="doc", AccessControlPolicy=policy)
        self.assertEqual(grants_of(s3.get_object_acl(Bucket="acls", Key="doc")),
                         [(self.owner, "FULL_CONTROL"), (ALL_USERS, "READ"), (OTHER, "READ_ACP")])
        status, _, body = signed(self.server, "GET", "/acls/doc", "acl")
        self.assertEqual(status, 200)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, NS + "AccessControlPolicy")
        self.assertEqual(root.findtext(NS + "Owner/" + NS + "ID"), self.owner)
        grants = root.findall(NS + "AccessControlList/" + NS + "Grant")
        self.assertEqual(len(grants), 3)
        grantee = grants[1].find(NS + "Grantee")
        self.assertEqual(grantee.get(XSI + "type"), "Group")
        self.assertEqual(grantee.findtext(NS + "URI"), ALL_USERS)
        self.assertEqual(grants[0].find(NS + "Grantee").get(XSI + "type"), "CanonicalUser")
        # Back to private with the canned header.
        s3.put_object_acl(Bucket="acls", Key="doc", ACL="private")
        self.assertEqual(grants_of(s3.get_object_acl(Bucket="acls", Key="doc")),
                         [(self.owner, "FULL_CONTROL")])

    def test_put_acl_errors(self):
        s3 = self.s3
        s3.put_object(Bucket="acls", Key="errs", Body=b"x")
        good = ('<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                '<Owner><ID>%s</ID></Owner><AccessControlList>%s</AccessControlList>'
                '</AccessControlPolicy>')
        grant = ('<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                 'xsi:type="%s">%s</Grantee><Permission>%s</Permission></Grant>')
        doc = good % (self.owner, grant % ("CanonicalUser", "<ID>%s</ID>" % OTHER, "READ"))
        # Body and header at once: UnexpectedContent.
        self.assertRawError(signed(self.server, "PUT", "/acls/errs", "acl", doc.encode(),
                                   headers={"x-amz-acl": "private"}), 400, "UnexpectedContent")
        bad_permission = good % (self.owner, grant % ("Group", "<URI>%s</URI>" % ALL_USERS,
                                                      "EVERYTHING"))
        self.assertRawError(signed(self.server, "PUT", "/acls/errs", "acl",
                                   bad_permission.encode()), 400, "MalformedACLError")
        self.assertRawError(signed(self.server, "PUT", "/acls/errs", "acl",
                                   b"<AccessControlPolicy/>"), 400, "MalformedACLError")
        self.assertRawError(signed(self.server, "PUT", "/acls/errs", "acl", b"<oops"), 400,
                            "MalformedXML")
        email = good % (self.owner, grant % ("AmazonCustomerByEmail",
                                             "<EmailAddress>a@b.c</EmailAddress>", "READ"))
        self.assertRawError(signed(self.server, "PUT", "/acls/errs", "acl", email.encode()), 400,
                            "UnresolvableGrantByEmailAddress")
        status, _, _ = signed(self.server, "PUT", "/acls/errs", "acl", doc.encode())
        self.assertEqual(status, 200)
        self.assertEqual(grants_of(s3.get_object_acl(Bucket="acls", Key="errs")),
                         [(OTHER, "READ")])
        self.assertClientError(lambda: s3.get_object_acl(Bucket="acls", Key="missing"),
                               "NoSuchKey", 404)

    def test_versioned_acls_are_per_version(self):
        s3 = self.s3
        s3.create_bucket(Bucket="acl-versions", ObjectOwnership="BucketOwnerPreferred")
        s3.put_bucket_versioning(Bucket="acl-versions",
                                 VersioningConfiguration={"Status": "Enabled"})
        v1 = s3.put_object(Bucket="acl-versions", Key="k", Body=b"1",
                           ACL="public-read")["VersionId"]
        v2 = s3.put_object(Bucket="acl-versions", Key="k", Body=b"2")["VersionId"]
        self.assertEqual(grants_of(s3.get_object_acl(Bucket="acl-versions", Key="k",
                                                     VersionId=v1)),
                         [(self.owner, "FULL_CONTROL"), (ALL_USERS, "READ")])
        self.assertEqual(grants_of(s3.get_object_acl(Bucket="acl-versions", Key="k")),
                         [(self.owner, "FULL_CONTROL")])
        s3.put_object_acl(Bucket="acl-versions", Key="k", VersionId=v2, ACL="authenticated-read")
        self.assertEqual(grants_of(s3.get_object_acl(Bucket="acl-versions", Key="k",
                                                     VersionId=v2)),
                         [(self.owner, "FULL_CONTROL"), (AUTHENTICATED, "READ")])

    # ---- Authorization by bucket ACL grants ----------------------------------------------------

    def test_bucket_acl_grants_take_part_in_authorization(self):
        from accounts_util import new_account
        other = new_account(self.server, "acl-grantee")
        s3, theirs = self.s3, other["s3"]
        s3.create_bucket(Bucket="shared", ObjectOwnership="ObjectWriter")
        s3.put_object(Bucket="shared", Key="k", Body=b"x")
        self.assertClientError(lambda: theirs.list_objects_v2(Bucket="shared"), "AccessDenied", 403)
        s3.put_bucket_acl(Bucket="shared", GrantFullControl='id="%s"' % self.owner,
                          GrantRead='id="%s"' % other["canonical_id"])
        self.assertEqual([o["Key"] for o in theirs.list_objects_v2(Bucket="shared")["Contents"]],
                         ["k"])
        # READ lists; it neither writes nor reads the ACL.
        self.assertClientError(lambda: theirs.put_object(Bucket="shared", Key="o", Body=b"y"),
                               "AccessDenied", 403)
        self.assertClientError(lambda: theirs.get_bucket_acl(Bucket="shared"), "AccessDenied", 403)
        # WRITE lets it create objects, which it then owns (ObjectWriter).
        s3.put_bucket_acl(Bucket="shared", GrantFullControl='id="%s"' % self.owner,
                          GrantWrite='id="%s"' % other["canonical_id"],
                          GrantReadACP='id="%s"' % other["canonical_id"])
        theirs.put_object(Bucket="shared", Key="theirs", Body=b"y")
        self.assertEqual(s3.get_object_acl(Bucket="shared", Key="theirs")["Owner"]["ID"],
                         other["canonical_id"])
        self.assertIn((other["canonical_id"], "WRITE"),
                      grants_of(theirs.get_bucket_acl(Bucket="shared")))
        # Public grants, and Block Public Access.
        s3.put_bucket_acl(Bucket="shared", ACL="authenticated-read")
        theirs.list_objects_v2(Bucket="shared")
        s3.put_public_access_block(Bucket="shared", PublicAccessBlockConfiguration={
            "IgnorePublicAcls": True, "BlockPublicAcls": True, "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False})
        self.assertClientError(lambda: theirs.list_objects_v2(Bucket="shared"), "AccessDenied", 403)
        for call in (lambda: s3.put_bucket_acl(Bucket="shared", ACL="public-read"),
                     lambda: s3.put_object(Bucket="shared", Key="p", Body=b"p",
                                           ACL="public-read"),
                     lambda: s3.put_object_acl(Bucket="shared", Key="k", ACL="authenticated-read")):
            self.assertClientError(call, "AccessDenied", 403)
        s3.delete_public_access_block(Bucket="shared")
        theirs.list_objects_v2(Bucket="shared")
        # Disabling ACLs (needs a private bucket ACL first) ends every grant.
        s3.put_bucket_acl(Bucket="shared", ACL="private")
        self.assertClientError(lambda: theirs.list_objects_v2(Bucket="shared"), "AccessDenied", 403)


if __name__ == "__main__":
    unittest.main()
