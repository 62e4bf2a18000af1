"""ACLs and Object Ownership against the real server with boto3, raw requests and the aws CLI
(issue 6): BucketOwnerEnforced as the default of new buckets (ACLs disabled, AWS since 2023),
ownership controls, canned ACLs and x-amz-grant-* headers on PUT, Get/PutObjectAcl and
Get/PutBucketAcl with AccessControlPolicy documents, and AWS's errors."""

import json
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


    # ---- Authorization by object ACL grants ----------------------------------------------------

    def anonymous(self, method, bucket, key):
        """Status of an unsigned request."""
        import urllib.error
        import urllib.request
        request = urllib.request.Request("%s/%s/%s" % (self.server.url, bucket, key),
                                         method=method)
        try:
            with urllib.request.urlopen(request) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def test_object_acl_grants_take_part_in_authorization(self):
        from accounts_util import new_account
        other = new_account(self.server, "object-grantee")
        s3, theirs = self.s3, other["s3"]
        grantee = 'id="%s"' % other["canonical_id"]
        s3.create_bucket(Bucket="objgrants", ObjectOwnership="BucketOwnerPreferred")
        s3.put_object(Bucket="objgrants", Key="private", Body=b"p")
        s3.put_object(Bucket="objgrants", Key="closed", Body=b"c")
        s3.put_object(Bucket="objgrants", Key="shared", Body=b"s", GrantRead=grantee)
        s3.put_object(Bucket="objgrants", Key="public", Body=b"pub", ACL="public-read")
        # READ: GET and HEAD of that object only; not its ACL, not other objects, not listing.
        self.assertEqual(theirs.get_object(Bucket="objgrants", Key="shared")["Body"].read(), b"s")
        theirs.head_object(Bucket="objgrants", Key="shared")
        for call in (lambda: theirs.get_object(Bucket="objgrants", Key="private"),
                     lambda: theirs.get_object_acl(Bucket="objgrants", Key="shared"),
                     lambda: theirs.put_object_acl(Bucket="objgrants", Key="shared",
                                                   ACL="public-read"),
                     lambda: theirs.put_object(Bucket="objgrants", Key="shared", Body=b"w"),
                     lambda: theirs.delete_object(Bucket="objgrants", Key="shared"),
                     lambda: theirs.list_objects_v2(Bucket="objgrants")):
            self.assertClientError(call, "AccessDenied", 403)
        self.assertEqual(self.anonymous("GET", "objgrants", "shared"), 403)
        # READ_ACP reads the ACL, WRITE_ACP writes it (and with it can grant itself READ).
        s3.put_object_acl(Bucket="objgrants", Key="private", GrantFullControl='id="%s"' %
                          self.owner, GrantReadACP=grantee, GrantWriteACP=grantee)
        self.assertClientError(lambda: theirs.get_object(Bucket="objgrants", Key="private"),
                               "AccessDenied", 403)
        self.assertIn((other["canonical_id"], "READ_ACP"),
                      grants_of(theirs.get_object_acl(Bucket="objgrants", Key="private")))
        theirs.put_object_acl(Bucket="objgrants", Key="private", GrantFullControl='id="%s"' %
                              self.owner, GrantRead=grantee)
        theirs.get_object(Bucket="objgrants", Key="private")
        self.assertClientError(lambda: theirs.get_object_acl(Bucket="objgrants", Key="private"),
                               "AccessDenied", 403)
        # FULL_CONTROL: read and both ACP permissions.
        s3.put_object_acl(Bucket="objgrants", Key="private", GrantFullControl=grantee)
        theirs.get_object(Bucket="objgrants", Key="private")
        theirs.get_object_acl(Bucket="objgrants", Key="private")
        # public-read: anyone, anonymous included (GET and HEAD), and a copy source.
        self.assertEqual(self.anonymous("GET", "objgrants", "public"), 200)
        self.assertEqual(self.anonymous("HEAD", "objgrants", "public"), 200)
        theirs.create_bucket(Bucket="theirs-copies")
        theirs.copy_object(Bucket="theirs-copies", Key="c",
                           CopySource={"Bucket": "objgrants", "Key": "public"})
        self.assertClientError(
            lambda: theirs.copy_object(Bucket="theirs-copies", Key="d",
                                       CopySource={"Bucket": "objgrants", "Key": "closed"}),
            "AccessDenied", 403)
        # An explicit Deny in the bucket policy beats the grant.
        s3.put_bucket_policy(Bucket="objgrants", Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::objgrants/shared"}]}))
        self.assertClientError(lambda: theirs.get_object(Bucket="objgrants", Key="shared"),
                               "AccessDenied", 403)
        s3.delete_bucket_policy(Bucket="objgrants")
        # IgnorePublicAcls: the public grant counts for nothing; the account grant still does.
        s3.put_public_access_block(Bucket="objgrants", PublicAccessBlockConfiguration={
            "IgnorePublicAcls": True, "BlockPublicAcls": False, "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False})
        self.assertEqual(self.anonymous("GET", "objgrants", "public"), 403)
        self.assertClientError(lambda: theirs.get_object(Bucket="objgrants", Key="public"),
                               "AccessDenied", 403)
        theirs.get_object(Bucket="objgrants", Key="shared")
        s3.delete_public_access_block(Bucket="objgrants")
        self.assertEqual(self.anonymous("GET", "objgrants", "public"), 200)
        # Versions: a grant on one version does not open the others (s3:GetObjectVersion).
        s3.put_bucket_versioning(Bucket="objgrants", VersioningConfiguration={"Status": "Enabled"})
        v1 = s3.put_object(Bucket="objgrants", Key="v", Body=b"1", GrantRead=grantee)["VersionId"]
        v2 = s3.put_object(Bucket="objgrants", Key="v", Body=b"2")["VersionId"]
        self.assertEqual(theirs.get_object(Bucket="objgrants", Key="v",
                                           VersionId=v1)["Body"].read(), b"1")
        for call in (lambda: theirs.get_object(Bucket="objgrants", Key="v", VersionId=v2),
                     lambda: theirs.get_object(Bucket="objgrants", Key="v")):
            self.assertClientError(call, "AccessDenied", 403)
        # BucketOwnerEnforced disables ACLs: the stored grants stop granting.
        s3.put_bucket_ownership_controls(Bucket="objgrants",
                                         OwnershipControls=ownership("BucketOwnerEnforced"))
        self.assertEqual(self.anonymous("GET", "objgrants", "public"), 403)
        self.assertClientError(lambda: theirs.get_object(Bucket="objgrants", Key="shared"),
                               "AccessDenied", 403)

    def test_object_writer_owns_and_reads_its_objects(self):
        from accounts_util import new_account
        other = new_account(self.server, "object-writer")
        s3, theirs = self.s3, other["s3"]
        s3.create_bucket(Bucket="writers", ObjectOwnership="ObjectWriter")
        s3.put_bucket_acl(Bucket="writers", GrantFullControl='id="%s"' % self.owner,
                          GrantWrite='id="%s"' % other["canonical_id"])
        theirs.put_object(Bucket="writers", Key="mine", Body=b"m")
        # The writer owns the object: its default FULL_CONTROL lets it read it and its ACL.
        self.assertEqual(theirs.get_object(Bucket="writers", Key="mine")["Body"].read(), b"m")
        self.assertEqual(theirs.get_object_acl(Bucket="writers", Key="mine")["Owner"]["ID"],
                         other["canonical_id"])
        theirs.put_object_acl(Bucket="writers", Key="mine", ACL="public-read")
        self.assertEqual(self.anonymous("GET", "writers", "mine"), 200)
        # An object of the bucket owner stays closed to it.
        s3.put_object(Bucket="writers", Key="owners", Body=b"o")
        self.assertClientError(lambda: theirs.get_object(Bucket="writers", Key="owners"),
                               "AccessDenied", 403)


if __name__ == "__main__":
    unittest.main()
