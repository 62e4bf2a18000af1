#include "scan/enricher.h"

#include <gtest/gtest.h>

namespace stocktake::scan {
namespace {

using inventory::FieldId;

TEST(EnricherTest, NeedsOnlyWhatTheFieldsAsk) {
  std::vector<FieldId> listing_only = {FieldId::kBucket,
                                       FieldId::kKey,
                                       FieldId::kSize,
                                       FieldId::kETag,
                                       FieldId::kIsMultipartUploaded,
                                       FieldId::kStorageClass};
  EXPECT_FALSE(NeedsFor(listing_only).any());
  EnrichmentNeeds n = NeedsFor(std::vector<FieldId>{FieldId::kEncryptionStatus});
  EXPECT_TRUE(n.head);
  EXPECT_FALSE(n.acl);
  n = NeedsFor(std::vector<FieldId>{FieldId::kObjectLockLegalHoldStatus});
  EXPECT_TRUE(n.bucket_object_lock);
  n = NeedsFor(std::vector<FieldId>{FieldId::kObjectOwner, FieldId::kChecksumAlgorithm});
  EXPECT_TRUE(n.owner);
  EXPECT_TRUE(n.checksum);
  EXPECT_FALSE(n.head);
  EXPECT_TRUE(NeedsFor(std::vector<FieldId>{FieldId::kObjectAccessControlList}).acl);
}

TEST(EnricherTest, AccessControlPolicyBecomesReportGrants) {
  auto acl = ParseAccessControlPolicy(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<Owner><ID>owner-id</ID><DisplayName>o</DisplayName></Owner><AccessControlList>
<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">
<ID>owner-id</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>
<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group">
<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission>
</Grant></AccessControlList></AccessControlPolicy>)");
  ASSERT_TRUE(acl.ok()) << acl.status().ToString();
  EXPECT_EQ(acl->owner_id, "owner-id");
  EXPECT_EQ(acl->grants_json,
            R"({"permission":"FULL_CONTROL","type":"CanonicalUser","canonicalId":"owner-id"},)"
            R"({"permission":"READ","type":"Group",)"
            R"("uri":"http://acs.amazonaws.com/groups/global/AllUsers"})");
  EXPECT_FALSE(ParseAccessControlPolicy("<Error/>").ok());
}

TEST(EnricherTest, StoredGrantsFeedTheExtractor) {
  std::string out;
  EXPECT_TRUE(AppendStoredGrants("g:{\"a\":1}", &out));
  EXPECT_EQ(out, "{\"a\":1}");
  EXPECT_FALSE(AppendStoredGrants("u", &out));
}

}  // namespace
}  // namespace stocktake::scan
