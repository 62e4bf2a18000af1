// AWS's documented example bucket policies (S3 User Guide, "Examples of Amazon S3 bucket
// policies", "Bucket policy examples using condition keys", the PUT Bucket policy API example,
// and the inventory destination policy of spec/s3-inventory.md §8), parsed and evaluated.
#include <gtest/gtest.h>

#include "s3/policy/public_policy.h"
#include "s3/policy/testing/test_util.h"

namespace stocktake::s3::policy {
namespace {

using testing::Alice;
using testing::MustParse;
using testing::Request;
using testing::RootA;
using testing::RootB;
using testing::S3Service;

// spec/s3-inventory.md §8 ([UG-CFG]; [UG-POL]), with real account ids for the source owner.
constexpr std::string_view kInventoryDestinationPolicy = R"({
  "Version":"2012-10-17",
  "Statement": [{
    "Sid": "InventoryExamplePolicy",
    "Effect": "Allow",
    "Principal": { "Service": "s3.amazonaws.com" },
    "Action": "s3:PutObject",
    "Resource": [ "arn:aws:s3:::DOC-EXAMPLE-DESTINATION-BUCKET/*" ],
    "Condition": {
      "ArnLike":      { "aws:SourceArn": "arn:aws:s3:::DOC-EXAMPLE-SOURCE-BUCKET" },
      "StringEquals": { "aws:SourceAccount": "111122223333",
                        "s3:x-amz-acl": "bucket-owner-full-control" }
    }
  }]
})";

RequestContext InventoryDelivery() {
  RequestContext request =
      Request(S3Service(), "s3:PutObject",
              "arn:aws:s3:::DOC-EXAMPLE-DESTINATION-BUCKET/source/config/data/a.csv.gz");
  request.conditions.Set("aws:SourceArn", "arn:aws:s3:::DOC-EXAMPLE-SOURCE-BUCKET");
  request.conditions.Set("aws:SourceAccount", "111122223333");
  request.conditions.Set("s3:x-amz-acl", "bucket-owner-full-control");
  return request;
}

TEST(AwsExamplesTest, InventoryDestinationPolicyAllowsTheDelivery) {
  Policy policy = MustParse(kInventoryDestinationPolicy, "DOC-EXAMPLE-DESTINATION-BUCKET");
  ASSERT_EQ(policy.statements.size(), 1u);
  EXPECT_EQ(policy.statements[0].sid, "InventoryExamplePolicy");
  EXPECT_EQ(policy.statements[0].conditions.size(), 3u);
  EXPECT_EQ(Evaluate(policy, InventoryDelivery()), Decision::kAllow);
  EXPECT_FALSE(IsPublic(policy));
}

TEST(AwsExamplesTest, InventoryDestinationPolicyDoesNotMatchOtherDeliveries) {
  Policy policy = MustParse(kInventoryDestinationPolicy, "DOC-EXAMPLE-DESTINATION-BUCKET");

  RequestContext wrong_account = InventoryDelivery();
  wrong_account.conditions.Set("aws:SourceAccount", "444455556666");
  EXPECT_EQ(Evaluate(policy, wrong_account), Decision::kNoMatch);

  RequestContext no_acl = InventoryDelivery();
  no_acl.conditions.Erase("s3:x-amz-acl");
  EXPECT_EQ(Evaluate(policy, no_acl), Decision::kNoMatch);

  RequestContext other_acl = InventoryDelivery();
  other_acl.conditions.Set("s3:x-amz-acl", "private");
  EXPECT_EQ(Evaluate(policy, other_acl), Decision::kNoMatch);

  RequestContext other_source = InventoryDelivery();
  other_source.conditions.Set("aws:SourceArn", "arn:aws:s3:::some-other-bucket");
  EXPECT_EQ(Evaluate(policy, other_source), Decision::kNoMatch);

  RequestContext no_source_account = InventoryDelivery();
  no_source_account.conditions.Erase("aws:SourceAccount");
  EXPECT_EQ(Evaluate(policy, no_source_account), Decision::kNoMatch);

  // Not the S3 service: an account (even the source owner) is not the service principal.
  RequestContext as_account = InventoryDelivery();
  as_account.caller = RootA();
  EXPECT_EQ(Evaluate(policy, as_account), Decision::kNoMatch);

  // Another service principal.
  RequestContext other_service = InventoryDelivery();
  other_service.caller = Caller::Service("logging.s3.amazonaws.com");
  EXPECT_EQ(Evaluate(policy, other_service), Decision::kNoMatch);

  // The bucket itself, not an object in it.
  RequestContext bucket = InventoryDelivery();
  bucket.resource = "arn:aws:s3:::DOC-EXAMPLE-DESTINATION-BUCKET";
  EXPECT_EQ(Evaluate(policy, bucket), Decision::kNoMatch);

  // Another action.
  RequestContext read = InventoryDelivery();
  read.action = "s3:GetObject";
  EXPECT_EQ(Evaluate(policy, read), Decision::kNoMatch);
}

TEST(AwsExamplesTest, InventoryDestinationPolicyWithAddedDenyStopsDelivery) {
  Policy policy = MustParse(R"({
    "Version":"2012-10-17",
    "Statement": [{
      "Sid": "InventoryExamplePolicy", "Effect": "Allow",
      "Principal": { "Service": "s3.amazonaws.com" }, "Action": "s3:PutObject",
      "Resource": [ "arn:aws:s3:::DOC-EXAMPLE-DESTINATION-BUCKET/*" ],
      "Condition": {
        "ArnLike": { "aws:SourceArn": "arn:aws:s3:::DOC-EXAMPLE-SOURCE-BUCKET" },
        "StringEquals": { "aws:SourceAccount": "111122223333",
                          "s3:x-amz-acl": "bucket-owner-full-control" } }
    }, {
      "Sid": "NoWrites", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::DOC-EXAMPLE-DESTINATION-BUCKET/*"
    }]
  })",
                            "DOC-EXAMPLE-DESTINATION-BUCKET");
  Evaluation evaluation = EvaluateDetailed(policy, InventoryDelivery());
  EXPECT_EQ(evaluation.decision, Decision::kDeny);
  EXPECT_EQ(evaluation.statement_index, 1);
}

TEST(AwsExamplesTest, KmsKeyPolicyStyleAcceptsMixedCaseKeyName) {
  // The §8 KMS key policy spells "aws:SourceARN"; condition key names are case-insensitive.
  Policy policy = MustParse(R"({"Version":"2012-10-17","Statement":[{
      "Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"s3:PutObject",
      "Resource":"arn:aws:s3:::dest/*",
      "Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"},
                   "ArnLike":{"aws:SourceARN":"arn:aws:s3:::amzn-s3-demo-source-bucket"}}}]})",
                            "dest");
  RequestContext request = Request(S3Service(), "s3:PutObject", "arn:aws:s3:::dest/k");
  request.conditions.Set("aws:SourceArn", "arn:aws:s3:::amzn-s3-demo-source-bucket");
  request.conditions.Set("aws:SourceAccount", "111122223333");
  EXPECT_EQ(Evaluate(policy, request), Decision::kAllow);
}

TEST(AwsExamplesTest, PublicReadGetObject) {
  Policy policy = MustParse(R"({
    "Version":"2012-10-17",
    "Statement":[{
      "Sid":"PublicReadGetObject",
      "Effect":"Allow",
      "Principal": "*",
      "Action":["s3:GetObject"],
      "Resource":["arn:aws:s3:::amzn-s3-demo-bucket/*"]
    }]
  })",
                            "amzn-s3-demo-bucket");
  EXPECT_TRUE(IsPublic(policy));
  EXPECT_EQ(Evaluate(policy, Request(Caller::Anonymous(), "s3:GetObject",
                                     "arn:aws:s3:::amzn-s3-demo-bucket/index.html")),
            Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, Request(Caller::Anonymous(), "s3:PutObject",
                                     "arn:aws:s3:::amzn-s3-demo-bucket/index.html")),
            Decision::kNoMatch);
  EXPECT_EQ(Evaluate(policy, Request(Caller::Anonymous(), "s3:ListBucket",
                                     "arn:aws:s3:::amzn-s3-demo-bucket")),
            Decision::kNoMatch);
}

TEST(AwsExamplesTest, PutBucketPolicyApiExample2008) {
  // PUT Bucket policy API reference, "Sample Request".
  Policy policy = MustParse(R"({
    "Version":"2008-10-17",
    "Id":"aaaa-bbbb-cccc-dddd",
    "Statement" : [{
      "Effect":"Allow",
      "Sid":"1",
      "Principal" : { "AWS":["111122223333","444455556666"] },
      "Action":["s3:*"],
      "Resource":"arn:aws:s3:::bucket/*"
    }]
  })",
                            "bucket");
  EXPECT_EQ(policy.version, PolicyVersion::k2008_10_17);
  EXPECT_EQ(policy.id, "aaaa-bbbb-cccc-dddd");
  EXPECT_FALSE(IsPublic(policy));
  EXPECT_EQ(Evaluate(policy, Request(RootB(), "s3:DeleteObject", "arn:aws:s3:::bucket/k")),
            Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, Request(Alice(), "s3:GetObject", "arn:aws:s3:::bucket/k")),
            Decision::kAllow);  // a user of an account the policy names
  EXPECT_EQ(Evaluate(policy, Request(Caller::Root("777788889999", ""), "s3:GetObject",
                                     "arn:aws:s3:::bucket/k")),
            Decision::kNoMatch);
}

TEST(AwsExamplesTest, RestrictToIpRangeWithException) {
  // "Restricting access to specific IP addresses".
  Policy policy = MustParse(R"({
    "Version": "2012-10-17",
    "Id": "S3PolicyId1",
    "Statement": [{
      "Sid": "IPAllow",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
      "Condition": { "NotIpAddress": { "aws:SourceIp": "192.0.2.0/24" } }
    }]
  })",
                            "amzn-s3-demo-bucket");
  RequestContext inside = Request(RootA(), "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/k");
  inside.conditions.Set("aws:SourceIp", "192.0.2.17");
  EXPECT_EQ(Evaluate(policy, inside), Decision::kNoMatch);
  RequestContext outside = inside;
  outside.conditions.Set("aws:SourceIp", "198.51.100.4");
  EXPECT_EQ(Evaluate(policy, outside), Decision::kDeny);
}

TEST(AwsExamplesTest, MixedIpv4AndIpv6Allow) {
  Policy policy = MustParse(R"({
    "Id": "PolicyId2",
    "Version": "2012-10-17",
    "Statement": [{
      "Sid": "AllowIPmix",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
      "Condition": {
        "IpAddress": { "aws:SourceIp": ["192.0.2.0/24", "2001:DB8:1234:5678::/64"] },
        "NotIpAddress": { "aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678:ABCD::/80"] }
      }
    }]
  })",
                            "amzn-s3-demo-bucket");
  auto from = [&](const char* ip) {
    RequestContext r =
        Request(Caller::Anonymous(), "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/k");
    r.conditions.Set("aws:SourceIp", ip);
    return Evaluate(policy, r);
  };
  EXPECT_EQ(from("192.0.2.1"), Decision::kAllow);
  EXPECT_EQ(from("2001:db8:1234:5678::1"), Decision::kAllow);
  EXPECT_EQ(from("2001:db8:1234:5678:abcd::1"), Decision::kNoMatch);
  EXPECT_EQ(from("203.0.113.1"), Decision::kNoMatch);
  EXPECT_FALSE(IsPublic(policy));  // limited to a set of CIDRs
}

TEST(AwsExamplesTest, DenyInsecureTransport) {
  // "Managing access based on HTTP or HTTPS requests".
  Policy policy = MustParse(R"({
    "Version": "2012-10-17",
    "Statement": [{
      "Sid": "RestrictToTLSRequestsOnly",
      "Action": "s3:*",
      "Effect": "Deny",
      "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
      "Condition": { "Bool": { "aws:SecureTransport": "false" } },
      "Principal": "*"
    }]
  })",
                            "amzn-s3-demo-bucket");
  RequestContext http = Request(RootA(), "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket");
  http.conditions.Set("aws:SecureTransport", "false");
  EXPECT_EQ(Evaluate(policy, http), Decision::kDeny);
  RequestContext https = http;
  https.conditions.Set("aws:SecureTransport", "true");
  EXPECT_EQ(Evaluate(policy, https), Decision::kNoMatch);
}

TEST(AwsExamplesTest, GrantCrossAccountUploadRequiringFullControl) {
  // "Granting cross-account permissions to upload objects while ensuring the bucket owner has
  // full control".
  Policy policy = MustParse(R"({
    "Version":"2012-10-17",
    "Statement":[{
      "Sid":"PolicyForAllowUploadWithACL",
      "Effect":"Allow",
      "Principal":{"AWS":"444455556666"},
      "Action":"s3:PutObject",
      "Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
      "Condition": { "StringEquals": {"s3:x-amz-acl":"bucket-owner-full-control"} }
    }]
  })",
                            "amzn-s3-demo-bucket");
  RequestContext put = Request(RootB(), "s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket/k");
  EXPECT_EQ(Evaluate(policy, put), Decision::kNoMatch);
  put.conditions.Set("s3:x-amz-acl", "bucket-owner-full-control");
  EXPECT_EQ(Evaluate(policy, put), Decision::kAllow);
}

TEST(AwsExamplesTest, HomeFolderWithPolicyVariable) {
  // "Managing user access to specific folders" (aws:username and s3:prefix).
  Policy policy = MustParse(R"({
    "Version": "2012-10-17",
    "Statement": [{
      "Sid": "AllowListingOfUserFolder",
      "Effect": "Allow",
      "Principal": {"AWS": "111122223333"},
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::amzn-s3-demo-bucket",
      "Condition": { "StringLike": { "s3:prefix": ["home/${aws:username}/*"] } }
    }, {
      "Sid": "AllowAllS3ActionsInUserFolder",
      "Effect": "Allow",
      "Principal": {"AWS": "111122223333"},
      "Action": "s3:*",
      "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"
    }]
  })",
                            "amzn-s3-demo-bucket");
  RequestContext own =
      Request(Alice(), "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/Alice/notes.txt");
  EXPECT_EQ(Evaluate(policy, own), Decision::kAllow);
  RequestContext other =
      Request(Alice(), "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/Bob/notes.txt");
  EXPECT_EQ(Evaluate(policy, other), Decision::kNoMatch);
  RequestContext list = Request(Alice(), "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket");
  list.conditions.Set("s3:prefix", "home/Alice/");
  EXPECT_EQ(Evaluate(policy, list), Decision::kAllow);
  list.conditions.Set("s3:prefix", "home/");
  EXPECT_EQ(Evaluate(policy, list), Decision::kNoMatch);
  // The root has no aws:username: the variable resolves to nothing, nothing matches.
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:GetObject",
                                     "arn:aws:s3:::amzn-s3-demo-bucket/home/Alice/notes.txt")),
            Decision::kNoMatch);
}

TEST(AwsExamplesTest, InventoryOptionalFieldsRestriction) {
  // "Controlling S3 Inventory report configuration creation"
  // (s3:InventoryAccessibleOptionalFields).
  Policy policy = MustParse(R"({
    "Version": "2012-10-17",
    "Statement": [{
      "Sid": "AllowInventoryCreationConditionally",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:user/Alice"},
      "Action": "s3:PutInventoryConfiguration",
      "Resource": "arn:aws:s3:::amzn-s3-demo-source-bucket",
      "Condition": {
        "ForAllValues:StringEquals": {
          "s3:InventoryAccessibleOptionalFields": ["Size", "StorageClass"] } }
    }, {
      "Sid": "DenyCertainInventoryFieldCreation",
      "Effect": "Deny",
      "Principal": {"AWS": "arn:aws:iam::111122223333:user/Alice"},
      "Action": "s3:PutInventoryConfiguration",
      "Resource": "arn:aws:s3:::amzn-s3-demo-source-bucket",
      "Condition": {
        "ForAnyValue:StringEquals": { "s3:InventoryAccessibleOptionalFields": ["ObjectOwner"] } }
    }]
  })",
                            "amzn-s3-demo-source-bucket");
  auto put = [&](std::vector<std::string> fields) {
    RequestContext r =
        Request(Alice(), "s3:PutInventoryConfiguration", "arn:aws:s3:::amzn-s3-demo-source-bucket");
    for (std::string& f : fields) r.conditions.Add("s3:InventoryAccessibleOptionalFields", f);
    return Evaluate(policy, r);
  };
  EXPECT_EQ(put({"Size"}), Decision::kAllow);
  EXPECT_EQ(put({"Size", "StorageClass"}), Decision::kAllow);
  EXPECT_EQ(put({}), Decision::kAllow);  // no optional field at all
  EXPECT_EQ(put({"Size", "ETag"}), Decision::kNoMatch);
  EXPECT_EQ(put({"Size", "ObjectOwner"}), Decision::kDeny);
}

TEST(AwsExamplesTest, DenyUnencryptedUploads) {
  Policy policy = MustParse(R"({
    "Version": "2012-10-17",
    "Statement": [{
      "Sid": "DenyIncorrectEncryptionHeader",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
      "Condition": { "StringNotEquals": { "s3:x-amz-server-side-encryption": "aws:kms" } }
    }, {
      "Sid": "DenyUnencryptedObjectUploads",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
      "Condition": { "Null": { "s3:x-amz-server-side-encryption": "true" } }
    }]
  })",
                            "amzn-s3-demo-bucket");
  RequestContext put = Request(RootA(), "s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket/k");
  EXPECT_EQ(EvaluateDetailed(policy, put).decision, Decision::kDeny);
  put.conditions.Set("s3:x-amz-server-side-encryption", "AES256");
  EXPECT_EQ(EvaluateDetailed(policy, put).statement_index, 0);
  put.conditions.Set("s3:x-amz-server-side-encryption", "aws:kms");
  EXPECT_EQ(Evaluate(policy, put), Decision::kNoMatch);
}

TEST(AwsExamplesTest, ExistingObjectTag) {
  Policy policy = MustParse(R"({
    "Version": "2012-10-17",
    "Statement": [{
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
      "Condition": { "StringEquals": { "s3:ExistingObjectTag/environment": "production" } }
    }]
  })",
                            "amzn-s3-demo-bucket");
  RequestContext get = Request(Alice(), "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/k");
  get.conditions.Set("s3:ExistingObjectTag/environment", "production");
  EXPECT_EQ(Evaluate(policy, get), Decision::kAllow);
  get.conditions.Set("s3:ExistingObjectTag/environment", "staging");
  EXPECT_EQ(Evaluate(policy, get), Decision::kNoMatch);
}

TEST(AwsExamplesTest, CloudFrontOriginAccessControl) {
  Policy policy = MustParse(R"({
    "Version": "2008-10-17",
    "Id": "PolicyForCloudFrontPrivateContent",
    "Statement": [{
      "Sid": "AllowCloudFrontServicePrincipal",
      "Effect": "Allow",
      "Principal": { "Service": "cloudfront.amazonaws.com" },
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
      "Condition": { "StringEquals": {
        "AWS:SourceArn": "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE" } }
    }]
  })",
                            "amzn-s3-demo-bucket");
  RequestContext get = Request(Caller::Service("cloudfront.amazonaws.com"), "s3:GetObject",
                               "arn:aws:s3:::amzn-s3-demo-bucket/index.html");
  get.conditions.Set("aws:SourceArn",
                     "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE");
  EXPECT_EQ(Evaluate(policy, get), Decision::kAllow);
  EXPECT_FALSE(IsPublic(policy));
}

TEST(AwsExamplesTest, RequireMfaWithNullCheck) {
  Policy policy = MustParse(R"({
    "Version": "2012-10-17",
    "Id": "123",
    "Statement": [{
      "Sid": "",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/taxdocuments/*",
      "Condition": { "Null": { "aws:MultiFactorAuthAge": true } }
    }]
  })",
                            "amzn-s3-demo-bucket");
  RequestContext get =
      Request(RootA(), "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/taxdocuments/2024.pdf");
  EXPECT_EQ(Evaluate(policy, get), Decision::kDeny);
  get.conditions.Set("aws:MultiFactorAuthAge", "30");
  EXPECT_EQ(Evaluate(policy, get), Decision::kNoMatch);
}

}  // namespace
}  // namespace stocktake::s3::policy
