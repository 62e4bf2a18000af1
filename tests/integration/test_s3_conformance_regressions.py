"""Regressions found by ceph/s3-tests (issue 16), one test per bug, against the real server with
boto3, the aws CLI and `stocktake admin`; plus the two features the suite needed:
`serve --default-object-ownership` and `admin key create --access-key-id/--secret-access-key`."""

import subprocess
import time
import unittest
import xml.etree.ElementTree as ET

import urllib3
from botocore.config import Config

import boto3
from accounts_util import admin, fields, new_account
from harness import ACCESS_KEY, SECRET_KEY, Server, ServerTestCase, binary, error_code, raw_request

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def with_header(client, event, name, value):
    """Adds header `name: value` to every `event` call of `client` (as s3-tests does)."""
    def add(params, **_):
        params["headers"][name] = value
    client.meta.events.register(event, add)
    return add


class ConformanceRegressionTest(ServerTestCase):

    # Bug 1: the XML parser dropped whitespace-only text, so DeleteObjects of key " " answered
    # success and deleted nothing. Keys are bytes: nothing is trimmed in any XML body.
    def test_delete_objects_whitespace_only_key(self):
        self.s3.create_bucket(Bucket="ws-keys")
        keys = [" ", "  ", "\t", " lead", "trail ", " both "]
        for key in keys + ["keep"]:
            self.s3.put_object(Bucket="ws-keys", Key=key, Body=b"x")
        resp = self.s3.delete_objects(
            Bucket="ws-keys", Delete={"Objects": [{"Key": k} for k in keys]})
        self.assertEqual(sorted(d["Key"] for d in resp["Deleted"]), sorted(keys))
        self.assertNotIn("Errors", resp)
        left = [o["Key"] for o in self.s3.list_objects_v2(Bucket="ws-keys")["Contents"]]
        self.assertEqual(left, ["keep"])
        # Tag values are text too: a single space survives the round trip.
        self.s3.put_object_tagging(Bucket="ws-keys", Key="keep",
                                   Tagging={"TagSet": [{"Key": "k", "Value": " "}]})
        tags = self.s3.get_object_tagging(Bucket="ws-keys", Key="keep")["TagSet"]
        self.assertEqual(tags, [{"Key": "k", "Value": " "}])
        # An empty TagSet written with whitespace between the tags is still empty, not malformed.
        status, _, body = raw_request(self.server, "PUT", "/ws-keys/keep", "tagging",
                                      body=b"<Tagging><TagSet>\n  </TagSet></Tagging>")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.s3.get_object_tagging(Bucket="ws-keys", Key="keep")["TagSet"], [])

    # Bug 2: DeleteBucket answered BucketNotEmpty when only incomplete multipart uploads remained.
    # AWS deletes the bucket and the uploads go with it.
    def test_delete_bucket_with_only_incomplete_uploads(self):
        self.s3.create_bucket(Bucket="mpu-only")
        upload = self.s3.create_multipart_upload(Bucket="mpu-only", Key="big")["UploadId"]
        self.s3.upload_part(Bucket="mpu-only", Key="big", UploadId=upload, PartNumber=1,
                            Body=b"p" * 1024)
        self.s3.create_multipart_upload(Bucket="mpu-only", Key="other")
        resp = self.s3.delete_bucket(Bucket="mpu-only")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertS3Error(lambda: self.s3.head_bucket(Bucket="mpu-only"), "404", 404)
        # A bucket of the same name starts without the old uploads.
        self.s3.create_bucket(Bucket="mpu-only")
        self.assertEqual(self.s3.list_multipart_uploads(Bucket="mpu-only").get("Uploads", []), [])
        self.assertS3Error(
            lambda: self.s3.list_parts(Bucket="mpu-only", Key="big", UploadId=upload),
            "NoSuchUpload", 404)
        # An object still blocks deletion, and the uploads stay.
        self.s3.put_object(Bucket="mpu-only", Key="obj", Body=b"x")
        self.s3.create_multipart_upload(Bucket="mpu-only", Key="big")
        self.assertS3Error(lambda: self.s3.delete_bucket(Bucket="mpu-only"), "BucketNotEmpty",
                           409)
        self.assertEqual(len(self.s3.list_multipart_uploads(Bucket="mpu-only")["Uploads"]), 1)
        # With the aws CLI too.
        self.s3.delete_object(Bucket="mpu-only", Key="obj")
        self.server.aws("s3api", "delete-bucket", "--bucket", "mpu-only")
        self.assertNotIn("mpu-only", [b["Name"] for b in self.s3.list_buckets()["Buckets"]])

    # Bug 3: PutObject with If-Match naming the current ETag answered 412 for "*" (RFC 9110: any
    # current version matches); the ETag itself, quoted or not, matches too.
    def test_put_object_if_match_current_etag(self):
        self.s3.create_bucket(Bucket="if-match")
        self.s3.put_object(Bucket="if-match", Key="k", Body=b"one")
        for form, body in [("quoted", b"two"), ("bare", b"three"), ("star", b"four")]:
            etag = self.s3.head_object(Bucket="if-match", Key="k")["ETag"]
            sent = {"quoted": etag, "bare": etag.strip('"'), "star": "*"}[form]
            client = self.server.client()
            with_header(client, "before-call.s3.PutObject", "If-Match", sent)
            client.put_object(Bucket="if-match", Key="k", Body=body)
            got = self.s3.get_object(Bucket="if-match", Key="k")
            self.assertEqual(got["Body"].read(), body, form)
        etag = got["ETag"]
        # CompleteMultipartUpload takes the same conditions.
        upload = self.s3.create_multipart_upload(Bucket="if-match", Key="k")["UploadId"]
        part = self.s3.upload_part(Bucket="if-match", Key="k", UploadId=upload, PartNumber=1,
                                   Body=b"five")["ETag"]
        client = self.server.client()
        with_header(client, "before-call.s3.CompleteMultipartUpload", "If-Match", "*")
        client.complete_multipart_upload(
            Bucket="if-match", Key="k", UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part}]})
        self.assertEqual(self.s3.get_object(Bucket="if-match", Key="k")["Body"].read(), b"five")
        self.s3.put_object(Bucket="if-match", Key="k", Body=b"three")
        stale = self.server.client()
        with_header(stale, "before-call.s3.PutObject", "If-Match", '"0123456789abcdef0123456789abcdef"')
        self.assertS3Error(lambda: stale.put_object(Bucket="if-match", Key="k", Body=b"no"),
                           "PreconditionFailed", 412)
        for sent in [etag, "*"]:
            missing = self.server.client()
            with_header(missing, "before-call.s3.PutObject", "If-Match", sent)
            self.assertS3Error(
                lambda: missing.put_object(Bucket="if-match", Key="absent", Body=b"no"),
                "NoSuchKey", 404)
        self.assertEqual(self.s3.get_object(Bucket="if-match", Key="k")["Body"].read(), b"three")

    # Bug 4: a presigned URL that has expired answers 403 AccessDenied "Request has expired",
    # X-Amz-Expires=0 included (it expired when it was signed). Negative and longer-than-a-week
    # lifetimes stay 400 AuthorizationQueryParametersError, as AWS (docs/differences-from-aws.md).
    def test_expired_presigned_url_is_403(self):
        self.s3.create_bucket(Bucket="presign")
        self.s3.put_object(Bucket="presign", Key="k", Body=b"x")
        http = urllib3.PoolManager()
        presigner = self.server.client(signature_version="s3v4")
        for method, client_method in [("GET", "get_object"), ("PUT", "put_object")]:
            url = presigner.generate_presigned_url(
                client_method, Params={"Bucket": "presign", "Key": "k"}, ExpiresIn=0)
            resp = http.request(method, url, body=b"y" if method == "PUT" else None)
            self.assertEqual(resp.status, 403, resp.data)
            self.assertEqual(error_code(resp.data), ("AccessDenied", "Request has expired"))
        url = presigner.generate_presigned_url(
            "get_object", Params={"Bucket": "presign", "Key": "k"}, ExpiresIn=1)
        time.sleep(2.1)
        resp = http.request("GET", url)
        self.assertEqual(resp.status, 403, resp.data)
        self.assertEqual(error_code(resp.data), ("AccessDenied", "Request has expired"))
        url = presigner.generate_presigned_url(
            "get_object", Params={"Bucket": "presign", "Key": "k"}, ExpiresIn=-7)
        resp = http.request("GET", url)
        self.assertEqual(resp.status, 400, resp.data)
        self.assertEqual(error_code(resp.data),
                         ("AuthorizationQueryParametersError", "X-Amz-Expires must be non-negative"))
        self.assertEqual(self.s3.get_object(Bucket="presign", Key="k")["Body"].read(), b"x")

    # Bug 5: CreateBucket of a bucket you own answers 200 in us-east-1 (and leaves it as it is).
    def test_create_owned_bucket_in_us_east_1_is_200(self):
        self.s3.create_bucket(Bucket="owned-east")
        self.s3.put_object(Bucket="owned-east", Key="k", Body=b"x")
        resp = self.s3.create_bucket(Bucket="owned-east")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.server.aws("s3api", "create-bucket", "--bucket", "owned-east")
        self.assertEqual(self.s3.get_object(Bucket="owned-east", Key="k")["Body"].read(), b"x")
        # Another account's bucket is still 409 BucketAlreadyExists.
        other = new_account(self.server, "conformance-other")
        self.assertS3Error(lambda: other["s3"].create_bucket(Bucket="owned-east"),
                           "BucketAlreadyExists", 409)

    # Bug 6a: ListObjectsV2 with an empty continuation-token is refused, as AWS does
    # (docs/differences-from-aws.md has the evidence).
    def test_list_v2_empty_continuation_token_is_invalid_argument(self):
        self.s3.create_bucket(Bucket="list-token")
        self.s3.put_object(Bucket="list-token", Key="a", Body=b"x")
        err = self.assertS3Error(
            lambda: self.s3.list_objects_v2(Bucket="list-token", ContinuationToken=""),
            "InvalidArgument", 400)
        self.assertEqual(err["Error"]["Message"], "The continuation token provided is incorrect")

    # Bug 6b: encoding-type=url encodes a space as '+' in Key, Prefix and CommonPrefixes, as AWS
    # does (application/x-www-form-urlencoded; botocore decodes with unquote_plus).
    def test_list_url_encoding_of_space_is_plus(self):
        self.s3.create_bucket(Bucket="list-enc")
        for key in ["quux ab/x", "a+b", "c d"]:
            self.s3.put_object(Bucket="list-enc", Key=key, Body=b"x")
        for query in ["list-type=2&encoding-type=url&delimiter=%2F", "encoding-type=url&delimiter=%2F"]:
            status, _, body = raw_request(self.server, "GET", "/list-enc", query)
            self.assertEqual(status, 200, body)
            root = ET.fromstring(body)
            keys = [e.text for e in root.iter(NS + "Key")]
            prefixes = [e.text for e in root.iter(NS + "Prefix") if e.text]
            self.assertEqual(keys, ["a%2Bb", "c+d"])
            self.assertEqual(prefixes, ["quux+ab/"])
        # boto3 asks for encoding-type=url itself and decodes the answer back to the keys.
        resp = self.s3.list_objects_v2(Bucket="list-enc", Delimiter="/")
        self.assertEqual([o["Key"] for o in resp["Contents"]], ["a+b", "c d"])
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["quux ab/"])

    # `admin key create --access-key-id K --secret-access-key S`: import a key pair; the
    # secret is never printed nor logged.
    def test_admin_key_import(self):
        account = new_account(self.server, "imported")
        key_id, secret = "0555b35654ad1656d804", "h7GhxuBLTrlhVUyxSPUKUV8r/2EI4ngqJxD7iBdBYLhwluN30JaT3Q=="
        _, out, err = admin(self.server, "key", "create", "--account", account["account_id"],
                            "--access-key-id", key_id, "--secret-access-key", secret)
        self.assertEqual(fields(out)["access key id"], key_id)
        self.assertNotIn(secret, out + err)
        imported = self.server.client(access_key=key_id, secret_key=secret)
        imported.create_bucket(Bucket="imported-bucket")
        _, who, _ = admin(self.server, "whoami", access_key=key_id, secret_key=secret)
        self.assertEqual(fields(who)["account id"], account["account_id"])
        # A key id in use, a bad id, a bad secret, half a pair: refused, nothing changes.
        for args in [["--access-key-id", key_id, "--secret-access-key", "another-secret-1"],
                     ["--access-key-id", "SHORT", "--secret-access-key", secret],
                     ["--access-key-id", "AKIA-WITH-DASHES-000", "--secret-access-key", secret],
                     ["--access-key-id", "AKIAIOSFODNN7EXAMPLE", "--secret-access-key", "short"],
                     ["--access-key-id", "AKIAIOSFODNN7EXAMPL2", "--secret-access-key", "has space in it"],
                     ["--access-key-id", "AKIAIOSFODNN7EXAMPL3"]]:
            rc, out, err = admin(self.server, "key", "create", "--account", account["account_id"],
                                 *args, check=False)
            self.assertNotEqual(rc, 0, args)
        self.assertEqual(imported.list_buckets()["Buckets"][0]["Name"], "imported-bucket")
        _, listed, _ = admin(self.server, "key", "list", "--account", account["account_id"])
        self.assertNotIn("AKIAIOSFODNN7EXAMPL", listed)
        # Only the root account imports keys.
        rc, _, err = admin(self.server, "key", "create", "--account", account["account_id"],
                           "--access-key-id", "AKIAIOSFODNN7EXAMPL4", "--secret-access-key", secret,
                           access_key=key_id, secret_key=secret, check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("AccessDenied", err)
        with open(self.server.log_path, "rb") as log:
            self.assertNotIn(secret.encode(), log.read())

    # Default ownership: BucketOwnerEnforced (ACLs off) unless the flag says otherwise.
    def test_default_object_ownership_is_bucket_owner_enforced(self):
        self.s3.create_bucket(Bucket="own-default")
        rules = self.s3.get_bucket_ownership_controls(Bucket="own-default")
        self.assertEqual(rules["OwnershipControls"]["Rules"][0]["ObjectOwnership"],
                         "BucketOwnerEnforced")
        self.assertS3Error(lambda: self.s3.create_bucket(Bucket="own-acl", ACL="public-read"),
                           "InvalidBucketAclWithObjectOwnership", 400)


def post_form(server, bucket, fields, file_body=b"bar"):
    """A browser-style POST upload: multipart/form-data with the file last."""
    body, content_type = urllib3.encode_multipart_formdata(
        list(fields) + [("file", ("upload.txt", file_body))])
    resp = urllib3.PoolManager().request("POST", server.url + "/" + bucket, body=body,
                                         headers={"Content-Type": content_type}, redirect=False)
    return resp.status, resp.headers, resp.data


def signed_policy_v2(conditions, secret=SECRET_KEY, expires_in=600):
    import base64, datetime, hashlib, hmac, json
    expiration = (datetime.datetime.now(datetime.timezone.utc) +
                  datetime.timedelta(seconds=expires_in)).strftime("%Y-%m-%dT%H:%M:%SZ")
    policy = base64.b64encode(json.dumps({"expiration": expiration,
                                          "conditions": conditions}).encode())
    signature = base64.b64encode(hmac.new(secret.encode(), policy, hashlib.sha1).digest())
    return policy.decode(), signature.decode()


class PostObjectTest(ServerTestCase):
    """PostObject (browser-based uploads), which s3-tests' 37 test_post_object_* cover."""

    def test_signed_v2_policy_upload(self):
        self.s3.create_bucket(Bucket="post-v2")
        conditions = [{"bucket": "post-v2"}, ["starts-with", "$key", "up/"],
                      ["starts-with", "$Content-Type", "text/"],
                      ["starts-with", "$x-amz-meta-who", ""], ["content-length-range", 0, 1024]]
        policy, signature = signed_policy_v2(conditions)
        fields = [("key", "up/${filename}"), ("AWSAccessKeyId", ACCESS_KEY), ("policy", policy),
                  ("signature", signature), ("Content-Type", "text/plain"),
                  ("x-amz-meta-who", "form"), ("x-ignore-me", "1")]
        status, _, body = post_form(self.server, "post-v2", fields)
        self.assertEqual(status, 204, body)
        got = self.s3.get_object(Bucket="post-v2", Key="up/upload.txt")
        self.assertEqual(got["Body"].read(), b"bar")
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["Metadata"], {"who": "form"})
        # success_action_status 201: a PostResponse document.
        status, _, body = post_form(self.server, "post-v2",
                                    [(k, "up/a" if k == "key" else v) for k, v in fields] +
                                    [("success_action_status", "201")])
        self.assertEqual(status, 403, body)  # success_action_status is not in the policy
        policy, signature = signed_policy_v2(conditions + [{"success_action_status": "201"}])
        fields = [("key", "up/a"), ("AWSAccessKeyId", ACCESS_KEY), ("policy", policy),
                  ("signature", signature), ("Content-Type", "text/plain"),
                  ("x-amz-meta-who", "form"), ("success_action_status", "201")]
        status, _, body = post_form(self.server, "post-v2", fields)
        self.assertEqual(status, 201, body)
        self.assertEqual(ET.fromstring(body).findtext("Key"), "up/a")
        # Refusals: bad signature, unknown key, a condition that fails, too large, expired.
        for changed, code, want in [
                ({"signature": signature[::-1]}, "SignatureDoesNotMatch", 403),
                ({"AWSAccessKeyId": "AKIAIOSFODNN7EXAMPLE"}, "InvalidAccessKeyId", 403),
                ({"key": "other/a"}, "AccessDenied", 403)]:
            status, _, body = post_form(self.server, "post-v2",
                                        [(k, changed.get(k, v)) for k, v in fields])
            self.assertEqual((status, error_code(body)[0]), (want, code), body)
        status, _, body = post_form(self.server, "post-v2", fields, file_body=b"x" * 2000)
        self.assertEqual((status, error_code(body)[0]), (400, "EntityTooLarge"))
        policy, signature = signed_policy_v2(conditions, expires_in=-60)
        status, _, body = post_form(self.server, "post-v2",
                                    [("key", "up/b"), ("AWSAccessKeyId", ACCESS_KEY),
                                     ("policy", policy), ("signature", signature),
                                     ("Content-Type", "text/plain"), ("x-amz-meta-who", "x")])
        self.assertEqual((status, error_code(body)[0]), (403, "AccessDenied"))
        self.assertS3Error(lambda: self.s3.head_object(Bucket="post-v2", Key="up/b"), "404", 404)

    def test_signed_v4_policy_upload(self):
        self.s3.create_bucket(Bucket="post-v4")
        # botocore builds SigV4 POST policies itself.
        signer = self.server.client(signature_version="s3v4")
        post = signer.generate_presigned_post("post-v4", "v4/${filename}",
                                              Conditions=[["starts-with", "$key", "v4/"]])
        self.assertIn("x-amz-signature", post["fields"])
        status, _, body = post_form(self.server, "post-v4", post["fields"].items())
        self.assertEqual(status, 204, body)
        self.assertEqual(self.s3.get_object(Bucket="post-v4", Key="v4/upload.txt")["Body"].read(),
                         b"bar")

    def test_anonymous_upload_needs_public_write(self):
        self.s3.create_bucket(Bucket="post-anon")
        status, _, body = post_form(self.server, "post-anon", [("key", "a.txt")])
        self.assertEqual((status, error_code(body)[0]), (403, "AccessDenied"))
        status, _, body = post_form(self.server, "post-anon", [("AWSAccessKeyId", ACCESS_KEY)])
        self.assertEqual((status, error_code(body)[0]), (400, "InvalidArgument"))
        # A body that is not the form its Content-Type names is refused, not a crash.
        for garbage in [b"", b"--xyz", b"--xyz\r\nContent-Disposition: form-data; name=\"key\"",
                        b"no boundary at all"]:
            resp = urllib3.PoolManager().request(
                "POST", self.server.url + "/post-anon", body=garbage,
                headers={"Content-Type": "multipart/form-data; boundary=xyz"})
            self.assertEqual((resp.status, error_code(resp.data)[0]), (400, "InvalidArgument"))


class AclAndPreflightTest(ServerTestCase):
    server_args = ("--default-object-ownership", "ObjectWriter")

    # ACL answers name every CanonicalUser grantee, not only the owner; the owner's grant stays
    # first (as S3; s3-tests expects group grants first, docs/differences-from-aws.md).
    def test_acl_grants_carry_display_names(self):
        other = new_account(self.server, "acl-grantee")
        self.s3.create_bucket(Bucket="acl-names", ACL="public-read")
        grants = self.s3.get_bucket_acl(Bucket="acl-names")["Grants"]
        self.assertEqual([(g["Grantee"]["Type"], g["Permission"]) for g in grants],
                         [("CanonicalUser", "FULL_CONTROL"), ("Group", "READ")])
        owner = self.s3.get_bucket_acl(Bucket="acl-names")["Owner"]
        self.s3.put_bucket_acl(Bucket="acl-names", AccessControlPolicy={
            "Owner": owner,
            "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]},
                        "Permission": "FULL_CONTROL"},
                       {"Grantee": {"Type": "CanonicalUser", "ID": other["canonical_id"]},
                        "Permission": "READ"}]})
        names = {g["Grantee"]["ID"]: g["Grantee"].get("DisplayName")
                 for g in self.s3.get_bucket_acl(Bucket="acl-names")["Grants"]}
        self.assertEqual(names, {owner["ID"]: owner["DisplayName"],
                                 other["canonical_id"]: "acl-grantee"})

    # A CORS preflight is not authenticated: 400 without Origin, 403 with one (no CORS).
    def test_options_preflight(self):
        self.s3.create_bucket(Bucket="preflight")
        url = self.server.client(signature_version="s3v4").generate_presigned_url(
            "get_object", Params={"Bucket": "preflight", "Key": "k"}, ExpiresIn=600)
        http = urllib3.PoolManager()
        resp = http.request("OPTIONS", url)
        self.assertEqual((resp.status, error_code(resp.data)[0]), (400, "BadRequest"))
        resp = http.request("OPTIONS", url, headers={"Origin": "https://example.com",
                                                     "Access-Control-Request-Method": "GET"})
        self.assertEqual((resp.status, error_code(resp.data)[0]), (403, "AccessDenied"))


class CreateBucketOtherRegionTest(ServerTestCase):
    server_args = ("--region", "eu-west-1")

    # Bug 5, the other half: outside us-east-1, CreateBucket of your own bucket is 409.
    def test_create_owned_bucket_elsewhere_is_409(self):
        s3 = boto3.client("s3", endpoint_url=self.server.url, region_name="eu-west-1",
                          aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                          config=Config(s3={"addressing_style": "path"},
                                        retries={"max_attempts": 1}))
        config = {"LocationConstraint": "eu-west-1"}
        s3.create_bucket(Bucket="owned-west", CreateBucketConfiguration=config)
        self.assertS3Error(
            lambda: s3.create_bucket(Bucket="owned-west", CreateBucketConfiguration=config),
            "BucketAlreadyOwnedByYou", 409)


class ObjectWriterOwnershipTest(ServerTestCase):
    server_args = ("--default-object-ownership", "ObjectWriter")

    def test_new_buckets_take_the_flag(self):
        self.s3.create_bucket(Bucket="own-writer", ACL="public-read")
        rules = self.s3.get_bucket_ownership_controls(Bucket="own-writer")
        self.assertEqual(rules["OwnershipControls"]["Rules"][0]["ObjectOwnership"], "ObjectWriter")
        grants = self.s3.get_bucket_acl(Bucket="own-writer")["Grants"]
        self.assertIn("READ", [g["Permission"] for g in grants])
        self.s3.put_object(Bucket="own-writer", Key="k", Body=b"x", ACL="public-read")
        # A CreateBucket that names an ownership still gets it.
        self.s3.create_bucket(Bucket="own-named", ObjectOwnership="BucketOwnerEnforced")
        rules = self.s3.get_bucket_ownership_controls(Bucket="own-named")
        self.assertEqual(rules["OwnershipControls"]["Rules"][0]["ObjectOwnership"],
                         "BucketOwnerEnforced")

    def test_unknown_value_is_refused_at_start(self):
        proc = subprocess.run([binary(), "serve", "--data-dir", "/nonexistent/never-created",
                               "--port", "0", "--default-object-ownership", "Everyone"],
                              capture_output=True, text=True, timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("default-object-ownership", proc.stderr)


if __name__ == "__main__":
    unittest.main()
