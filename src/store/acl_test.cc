#include "store/acl.h"

#include <gtest/gtest.h>

namespace stocktake::store {
namespace {

constexpr std::string_view kOwner =
    "0efef16e9c4c4d1f8f4b0e5a6d3c2b1a0efef16e9c4c4d1f8f4b0e5a6d3c2b1a";
constexpr std::string_view kOther =
    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";

TEST(AclTest, DefaultEncodesAsEmpty) {
  EXPECT_EQ(EncodeAcl(DefaultAcl(kOwner), kOwner), "");
  auto decoded = DecodeAcl("", kOwner);
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->grants.size(), 1u);
  EXPECT_EQ(decoded->grants[0].grantee, kOwner);
  EXPECT_EQ(decoded->grants[0].permission, "FULL_CONTROL");
  // The owner's full control is the default only for that owner.
  EXPECT_NE(EncodeAcl(DefaultAcl(kOwner), kOther), "");
}

TEST(AclTest, RoundTripAndOnDiskForm) {
  Acl acl = DefaultAcl(kOwner);
  acl.grants.push_back({AclGrant::Kind::kGroup, std::string(kAllUsersGroup), "READ"});
  acl.grants.push_back({AclGrant::Kind::kCanonicalUser, std::string(kOther), "WRITE_ACP"});
  std::string doc = EncodeAcl(acl, kOwner);
  // The stored form (docs/formats.md §3.4): do not change.
  EXPECT_EQ(doc, "1\nid FULL_CONTROL " + std::string(kOwner) +
                     "\nuri READ http://acs.amazonaws.com/groups/global/AllUsers\nid WRITE_ACP " +
                     std::string(kOther));
  auto back = DecodeAcl(doc, kOwner);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->grants, acl.grants);
}

TEST(AclTest, NoGrantsIsNotTheDefault) {
  Acl empty;
  EXPECT_EQ(EncodeAcl(empty, kOwner), "1");
  auto back = DecodeAcl("1", kOwner);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->grants.empty());
}

TEST(AclTest, CorruptDocumentsAreRejected) {
  for (std::string_view doc :
       {"2", "1\n", "1\nid READ", "1\nxx READ abc", "1\nid WRITEX abc", "<AccessControlPolicy/>"}) {
    EXPECT_FALSE(DecodeAcl(doc, kOwner).has_value()) << doc;
  }
}

TEST(AclTest, Validators) {
  EXPECT_TRUE(IsAclPermission("READ_ACP"));
  EXPECT_FALSE(IsAclPermission("read"));
  EXPECT_TRUE(IsAclGroup(kLogDeliveryGroup));
  EXPECT_FALSE(IsAclGroup("http://acs.amazonaws.com/groups/global/Nobody"));
}

}  // namespace
}  // namespace stocktake::store
