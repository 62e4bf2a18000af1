#include "store/meta/record_codec.h"

#include <gtest/gtest.h>

#include "store/meta/key_codec.h"

namespace stocktake::store::meta {
namespace {

using namespace std::string_literals;

// Every stored field set to a non-default value.
ObjectVersion FullVersion(uint64_t seq) {
  ObjectVersion v;
  v.version_id = MakeVersionId(seq);
  v.is_delete_marker = true;
  v.size = (uint64_t{1} << 40) + 3;
  v.last_modified_ms = 1732579200123;
  v.etag = "9b2cf535f27731c974343645a3985328";
  v.storage_class = "GLACIER_IR";
  v.is_multipart = true;
  v.part_count = 3;
  v.owner_account_id = "123456789012";
  v.content_type = "image/jpeg";
  v.content_encoding = "gzip";
  v.content_disposition = "attachment; filename=\"a.jpg\"";
  v.content_language = "en-GB";
  v.cache_control = "max-age=60";
  v.expires = "Wed, 21 Oct 2026 07:28:00 GMT";
  v.user_metadata = {{"color", "blue"}, {"empty", ""}, {"bin", "a\x00b"s}};
  v.tags = {{"project", "stocktake"}, {"k\x00"s, "v\xff"s}};
  v.checksum_algorithm = "CRC32C";
  v.checksum_value = "yZRlqg==";
  v.checksum_type = "COMPOSITE";
  v.part_sizes = {5 << 20, 5 << 20, 17, 0, UINT64_MAX};
  v.encryption = "SSE-KMS";
  v.kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/abcd";
  v.bucket_key_enabled = true;
  v.kms_context = R"({"project":"stocktake"})";
  v.sse_customer_key_hmac = std::string(48, '\x01');
  v.replication_status = "COMPLETED";
  v.object_lock_mode = "GOVERNANCE";
  v.object_lock_retain_until_ms = -5;  // negative values survive (zigzag)
  v.object_lock_legal_hold = "ON";
  v.acl = "<AccessControlPolicy/>";
  v.last_access_ms = 1700000123000;
  v.restore_ready_ms = 1700000456000;
  v.restore_expiry_ms = 1700086400000;
  v.object_lock_event_hold = "ON";
  v.object_lock_event_hold_days = 36500;
  v.object_lock_event_hold_years = 7;
  v.blob_id = "0123456789abcdef0123456789abcdef";
  v.part_blob_ids = {"fedcba9876543210fedcba9876543210", "", "not-a-hex-id",
                     "00000000000000000000000000000000", "FEDCBA9876543210FEDCBA9876543210"};
  return v;
}

void ExpectSameStoredFields(const ObjectVersion& a, const ObjectVersion& b) {
  EXPECT_EQ(a.version_id, b.version_id);
  EXPECT_EQ(a.is_delete_marker, b.is_delete_marker);
  EXPECT_EQ(a.size, b.size);
  EXPECT_EQ(a.last_modified_ms, b.last_modified_ms);
  EXPECT_EQ(a.etag, b.etag);
  EXPECT_EQ(a.storage_class, b.storage_class);
  EXPECT_EQ(a.is_multipart, b.is_multipart);
  EXPECT_EQ(a.part_count, b.part_count);
  EXPECT_EQ(a.owner_account_id, b.owner_account_id);
  EXPECT_EQ(a.content_type, b.content_type);
  EXPECT_EQ(a.content_encoding, b.content_encoding);
  EXPECT_EQ(a.content_disposition, b.content_disposition);
  EXPECT_EQ(a.content_language, b.content_language);
  EXPECT_EQ(a.cache_control, b.cache_control);
  EXPECT_EQ(a.expires, b.expires);
  EXPECT_EQ(a.user_metadata, b.user_metadata);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.checksum_algorithm, b.checksum_algorithm);
  EXPECT_EQ(a.checksum_value, b.checksum_value);
  EXPECT_EQ(a.checksum_type, b.checksum_type);
  EXPECT_EQ(a.part_sizes, b.part_sizes);
  EXPECT_EQ(a.encryption, b.encryption);
  EXPECT_EQ(a.kms_key_id, b.kms_key_id);
  EXPECT_EQ(a.bucket_key_enabled, b.bucket_key_enabled);
  EXPECT_EQ(a.kms_context, b.kms_context);
  EXPECT_EQ(a.sse_customer_key_hmac, b.sse_customer_key_hmac);
  EXPECT_EQ(a.replication_status, b.replication_status);
  EXPECT_EQ(a.object_lock_mode, b.object_lock_mode);
  EXPECT_EQ(a.object_lock_retain_until_ms, b.object_lock_retain_until_ms);
  EXPECT_EQ(a.object_lock_legal_hold, b.object_lock_legal_hold);
  EXPECT_EQ(a.acl, b.acl);
  EXPECT_EQ(a.last_access_ms, b.last_access_ms);
  EXPECT_EQ(a.restore_ready_ms, b.restore_ready_ms);
  EXPECT_EQ(a.restore_expiry_ms, b.restore_expiry_ms);
  EXPECT_EQ(a.object_lock_event_hold, b.object_lock_event_hold);
  EXPECT_EQ(a.object_lock_event_hold_days, b.object_lock_event_hold_days);
  EXPECT_EQ(a.object_lock_event_hold_years, b.object_lock_event_hold_years);
  EXPECT_EQ(a.blob_id, b.blob_id);
  EXPECT_EQ(a.part_blob_ids, b.part_blob_ids);
}

TEST(RecordCodecTest, VarintRoundTrip) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300},
                     uint64_t{1} << 35, UINT64_MAX - 1, UINT64_MAX}) {
    std::string buf;
    PutVarint64(&buf, v);
    std::string_view in = buf;
    uint64_t out = 0;
    ASSERT_TRUE(GetVarint64(&in, &out));
    EXPECT_EQ(out, v);
    EXPECT_TRUE(in.empty());
    std::string_view truncated = std::string_view(buf).substr(0, buf.size() - 1);
    EXPECT_FALSE(GetVarint64(&truncated, &out));
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, INT64_MIN, INT64_MAX}) {
    EXPECT_EQ(UnZigZag(ZigZag(v)), v);
  }
}

TEST(RecordCodecTest, ObjectRoundTripEveryField) {
  ObjectVersion v = FullVersion(4242);
  std::string record;
  EncodeObjectRecord(v, &record);
  ObjectVersion out;
  ASSERT_TRUE(DecodeObjectRecord(record, 4242, &out));
  ExpectSameStoredFields(v, out);
  EXPECT_EQ(PeekObjectFlags(record),
            kObjectFlagDeleteMarker | kObjectFlagMultipart | kObjectFlagBucketKeyEnabled);
}

TEST(RecordCodecTest, ListedRecordHasTheListedFields) {
  ObjectVersion v = FullVersion(4242);
  std::string record;
  EncodeObjectRecord(v, &record);
  ListedRecordBuffers buffers;
  ListedVersion listed;
  listed.key = "k";
  listed.is_latest = true;
  ASSERT_TRUE(DecodeListedRecord(record, 4242, &buffers, &listed));
  EXPECT_EQ(listed.key, "k");  // key and is_latest are the caller's
  EXPECT_TRUE(listed.is_latest);
  EXPECT_EQ(listed.version_id, v.version_id);
  EXPECT_TRUE(listed.is_delete_marker);
  EXPECT_EQ(listed.size, v.size);
  EXPECT_EQ(listed.last_modified_ms, v.last_modified_ms);
  EXPECT_EQ(listed.etag, v.etag);
  EXPECT_EQ(listed.storage_class, v.storage_class);
  EXPECT_EQ(listed.owner_account_id, v.owner_account_id);
  EXPECT_EQ(listed.checksum_algorithm, v.checksum_algorithm);
  EXPECT_EQ(listed.checksum_type, v.checksum_type);

  // The null version with defaults and a non-hex etag, decoded over the previous values.
  ObjectVersion plain;
  plain.etag = "abc-2";
  EncodeObjectRecord(plain, &record);
  ASSERT_TRUE(DecodeListedRecord(record, 7, &buffers, &listed));
  EXPECT_EQ(listed.version_id, "");
  EXPECT_FALSE(listed.is_delete_marker);
  EXPECT_EQ(listed.size, 0u);
  EXPECT_EQ(listed.etag, "abc-2");
  EXPECT_EQ(listed.storage_class, "STANDARD");
  EXPECT_EQ(listed.owner_account_id, "");
  EXPECT_EQ(listed.checksum_algorithm, "");
  EXPECT_FALSE(DecodeListedRecord("\x02", 7, &buffers, &listed));
}

TEST(RecordCodecTest, ObjectRoundTripDefaults) {
  ObjectVersion v;  // the null version, every field at its default
  std::string record;
  EncodeObjectRecord(v, &record);
  EXPECT_EQ(record.size(), 2u) << "defaults must cost nothing beyond the header";
  EXPECT_EQ(PeekObjectFlags(record), kObjectFlagNullVersion);
  ObjectVersion out = FullVersion(1);  // stale values must all be reset
  ASSERT_TRUE(DecodeObjectRecord(record, 99, &out));
  ExpectSameStoredFields(v, out);
  EXPECT_EQ(out.storage_class, "STANDARD");
}

TEST(RecordCodecTest, ObjectEdgeValues) {
  ObjectVersion v;
  v.storage_class = "";                         // distinct from the STANDARD default
  v.etag = "9B2CF535F27731C974343645A3985328";  // upper-case: kept verbatim, not lowered
  v.blob_id = "short";
  v.last_modified_ms = -1;
  std::string record;
  EncodeObjectRecord(v, &record);
  ObjectVersion out;
  ASSERT_TRUE(DecodeObjectRecord(record, 0, &out));
  ExpectSameStoredFields(v, out);
  v.etag = "d41d8cd98f00b204e9800998ecf8427e-12";
  EncodeObjectRecord(v, &record);
  ASSERT_TRUE(DecodeObjectRecord(record, 0, &out));
  EXPECT_EQ(out.etag, v.etag);
}

TEST(RecordCodecTest, TypicalObjectIsCompact) {
  ObjectVersion v;
  v.size = 123456;
  v.last_modified_ms = 1732579200123;
  v.etag = "9b2cf535f27731c974343645a3985328";
  v.owner_account_id = "123456789012";
  v.content_type = "application/octet-stream";
  v.blob_id = "0123456789abcdef0123456789abcdef";
  std::string record;
  EncodeObjectRecord(v, &record);
  // header 2 + size 4 + time 8 + etag 18 + owner 14 + type 26 + blob 18
  EXPECT_LE(record.size(), 90u);
}

TEST(RecordCodecTest, UnknownFieldsAreSkipped) {
  ObjectVersion v = FullVersion(7);
  std::string record;
  EncodeObjectRecord(v, &record);
  // A newer writer's fields: number 90 as a varint, number 91 as bytes.
  PutVarint64(&record, (90 << 3) | kWireVarint);
  PutVarint64(&record, 12345);
  PutVarint64(&record, (91 << 3) | kWireBytes);
  PutLengthPrefixed(&record, "future");
  ObjectVersion out;
  ASSERT_TRUE(DecodeObjectRecord(record, 7, &out));
  ExpectSameStoredFields(v, out);
}

TEST(RecordCodecTest, CorruptRecordsAreRejected) {
  ObjectVersion out;
  EXPECT_FALSE(DecodeObjectRecord("", 0, &out));
  EXPECT_FALSE(DecodeObjectRecord("\x02\x00"s, 0, &out));  // unknown record version
  std::string record;
  EncodeObjectRecord(FullVersion(3), &record);
  for (size_t cut = 3; cut < record.size(); cut += 7) {
    std::string truncated = record.substr(0, cut);
    // A cut exactly at a field boundary is a valid (shorter) record; anywhere else must fail
    // rather than read out of bounds (ASan checks the latter).
    (void)DecodeObjectRecord(truncated, 3, &out);
  }
  std::string bad_wire = "\x01\x00"s;
  PutVarint64(&bad_wire, (2 << 3) | 5);  // wire type 5 does not exist
  EXPECT_FALSE(DecodeObjectRecord(bad_wire, 0, &out));
  std::string wrong_type = "\x01\x00"s;
  PutVarint64(&wrong_type, (kWireVarint) | (9 << 3));  // content type sent as a varint
  PutVarint64(&wrong_type, 1);
  EXPECT_FALSE(DecodeObjectRecord(wrong_type, 0, &out));
}

TEST(RecordCodecTest, BucketRoundTrip) {
  Bucket b;
  b.name = "kept-from-key";
  b.owner_account_id = "123456789012";
  b.region = "eu-west-1";
  b.created_ms = 1700000000000;
  b.versioning = Versioning::kSuspended;
  b.object_lock_enabled = true;
  b.attributes = {{"policy", "{\"Version\":\"2012-10-17\"}"}, {"tagging", ""}};
  std::string record;
  EncodeBucketRecord(b, &record);
  Bucket out;
  out.name = "kept-from-key";
  out.attributes = {{"stale", "x"}};
  ASSERT_TRUE(DecodeBucketRecord(record, &out));
  EXPECT_EQ(out.name, b.name);
  EXPECT_EQ(out.owner_account_id, b.owner_account_id);
  EXPECT_EQ(out.region, b.region);
  EXPECT_EQ(out.created_ms, b.created_ms);
  EXPECT_EQ(out.versioning, b.versioning);
  EXPECT_EQ(out.object_lock_enabled, b.object_lock_enabled);
  EXPECT_EQ(out.attributes, b.attributes);
  ASSERT_NE(out.FindAttribute("policy"), nullptr);
  EXPECT_EQ(out.FindAttribute("missing"), nullptr);
}

TEST(RecordCodecTest, AccountAndAccessKeyRoundTrip) {
  Account a{"123456789012", std::string(64, 'c'), "root"};
  std::string record;
  EncodeAccountRecord(a, &record);
  Account out;
  ASSERT_TRUE(DecodeAccountRecord(record, &out));
  EXPECT_EQ(out.canonical_id, a.canonical_id);
  EXPECT_EQ(out.name, a.name);

  AccessKey k{"AKIAEXAMPLE", "plain-secret", "123456789012", false};
  EncodeAccessKeyRecord(k, "sealed\x00bytes"s, &record);
  EXPECT_EQ(record.find("plain-secret"), std::string::npos);
  AccessKey kout;
  std::string sealed;
  ASSERT_TRUE(DecodeAccessKeyRecord(record, &kout, &sealed));
  EXPECT_EQ(kout.account_id, k.account_id);
  EXPECT_FALSE(kout.enabled);
  EXPECT_EQ(sealed, "sealed\x00bytes"s);
}

TEST(RecordCodecTest, UploadAndPartRoundTrip) {
  MultipartUpload u;
  u.initiated_ms = 1700000000001;
  u.object_template = FullVersion(1);
  u.object_template.version_id.clear();
  std::string record;
  EncodeUploadRecord(u, &record);
  MultipartUpload out;
  ASSERT_TRUE(DecodeUploadRecord(record, &out));
  EXPECT_EQ(out.initiated_ms, u.initiated_ms);
  ExpectSameStoredFields(u.object_template, out.object_template);

  Part p;
  p.part_number = 17;
  p.size = 5 << 20;
  p.etag = "9b2cf535f27731c974343645a3985328";
  p.last_modified_ms = 1700000000002;
  p.checksum_value = "AAAA";
  p.blob_id = "0123456789abcdef0123456789abcdef";
  EncodePartRecord(p, &record);
  Part pout;
  pout.part_number = 17;  // from the key
  ASSERT_TRUE(DecodePartRecord(record, &pout));
  EXPECT_EQ(pout.part_number, p.part_number);
  EXPECT_EQ(pout.size, p.size);
  EXPECT_EQ(pout.etag, p.etag);
  EXPECT_EQ(pout.last_modified_ms, p.last_modified_ms);
  EXPECT_EQ(pout.checksum_value, p.checksum_value);
  EXPECT_EQ(pout.blob_id, p.blob_id);
}

TEST(RecordCodecTest, KmsKeyRoundTrip) {
  KmsKey k;
  k.arn = "arn:aws:kms:us-east-1:123456789012:key/0f0e0d0c-0b0a-4908-8706-050403020100";
  k.account_id = "123456789012";
  k.description = "reports";
  k.alias = "aws/s3";
  k.created_ms = 1732579200123;
  std::string record;
  EncodeKmsKeyRecord(k, "sealed\x00material"s, &record);
  KmsKey out;
  out.key_id = "0f0e0d0c-0b0a-4908-8706-050403020100";  // from the row key, kept
  out.description = "stale";
  std::string sealed;
  ASSERT_TRUE(DecodeKmsKeyRecord(record, &out, &sealed));
  EXPECT_EQ(out.key_id, "0f0e0d0c-0b0a-4908-8706-050403020100");
  EXPECT_EQ(out.arn, k.arn);
  EXPECT_EQ(out.account_id, k.account_id);
  EXPECT_EQ(out.description, k.description);
  EXPECT_EQ(out.alias, k.alias);
  EXPECT_EQ(out.created_ms, k.created_ms);
  EXPECT_EQ(sealed, "sealed\x00material"s);
  EXPECT_FALSE(DecodeKmsKeyRecord(record.substr(0, record.size() - 1), &out, &sealed));
}

// The key policy is an appended field: records written before it (no policy) read as "none set",
// and a record with one keeps every older field where older readers look for it.
TEST(RecordCodecTest, KmsKeyPolicyIsAnOptionalAppendedField) {
  KmsKey k;
  k.arn = "arn:aws:kms:us-east-1:123456789012:key/0f0e0d0c-0b0a-4908-8706-050403020100";
  k.account_id = "123456789012";
  std::string without;
  EncodeKmsKeyRecord(k, "sealed", &without);
  k.policy = R"({"Version":"2012-10-17","Statement":[]})";
  std::string with;
  EncodeKmsKeyRecord(k, "sealed", &with);
  EXPECT_TRUE(with.starts_with(without));

  KmsKey out;
  std::string sealed;
  ASSERT_TRUE(DecodeKmsKeyRecord(with, &out, &sealed));
  EXPECT_EQ(out.policy, k.policy);
  EXPECT_EQ(sealed, "sealed");
  ASSERT_TRUE(DecodeKmsKeyRecord(without, &out, &sealed));
  EXPECT_EQ(out.policy, "");
  EXPECT_EQ(out.account_id, k.account_id);
}

}  // namespace
}  // namespace stocktake::store::meta
