// SSE-KMS encrypted reports and the key policy (spec §8): a key, source and destination of one
// account need no policy; any other key use asks ReportJobOptions::authorize_kms_key, and a
// refusal fails the run with AWS's console reason before anything is written.
#include <gtest/gtest.h>

#include "inventory/report_job.h"
#include "store/benchmark_hooks.h"
#include "store/testing/temp_store.h"

namespace stocktake::inventory {
namespace {

constexpr const char* kSourceOwner = "111122223333";
constexpr const char* kAuditOwner = "444455556666";
constexpr std::string_view kDenied = "S3 doesn't have access to the destination bucket or KMS key";

class ReportKmsTest : public store::TempStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TempStoreTest::SetUp());
    ASSERT_TRUE(store_->PutAccount({kSourceOwner, std::string(64, 'a'), "source"}).ok());
    ASSERT_TRUE(store_->PutAccount({kAuditOwner, std::string(64, 'b'), "audit"}).ok());
    MakeBucket("photos", kSourceOwner);
    MakeBucket("own-reports", kSourceOwner);
    MakeBucket("central-audit", kAuditOwner);
    store::ObjectVersion v;
    v.bucket = "photos";
    v.key = "a.jpg";
    v.owner_account_id = kSourceOwner;
    v.blob_id = std::string(32, 'b');
    ASSERT_TRUE(store::BulkLoadForBenchmark(*store_, {v}).ok());
    auto source = store_->GetBucket("photos");
    ASSERT_TRUE(source.ok());
    source_ = *source;
  }

  void MakeBucket(const std::string& name, const std::string& owner) {
    store::Bucket bucket;
    bucket.name = name;
    bucket.owner_account_id = owner;
    bucket.region = "us-east-1";
    ASSERT_TRUE(store_->CreateBucket(bucket).ok());
  }

  store::KmsKey NewKey(const std::string& account) {
    auto key = store_->CreateKmsKey(account, "us-east-1", "reports");
    EXPECT_TRUE(key.ok());
    return key.ok() ? *key : store::KmsKey{};
  }

  // Runs an SSE-KMS report of photos into `destination`, encrypted with `key`.
  Status Run(const std::string& destination, const store::KmsKey& key,
             const ReportJobOptions& options, RunRecord* run) {
    InventoryConfiguration config;
    config.id = "kms";
    config.destination.bucket_arn = "arn:aws:s3:::" + destination;
    config.destination.encryption = ReportEncryption::kSseKms;
    config.destination.kms_key_id = key.arn;
    run->run_id = "run";
    return RunReport(*store_, options, config, source_, run, {});
  }

  // A policy check that lets S3 write into any bucket (the destination policy is not the point).
  static ReportJobOptions AnyDestination() {
    ReportJobOptions options;
    options.threads = 1;
    options.authorize_delivery = [](const store::Bucket&, const store::Bucket&, std::string_view) {
      return Status::OK();
    };
    return options;
  }

  void ExpectEncryptedWith(const std::string& destination, const RunRecord& run,
                           const store::KmsKey& key) {
    auto manifest = store_->GetObject(destination, run.manifest_key, std::nullopt);
    ASSERT_TRUE(manifest.ok()) << run.manifest_key;
    EXPECT_EQ(manifest->encryption, store::kSseKms);
    EXPECT_EQ(manifest->kms_key_id, key.arn);
  }

  store::Bucket source_;
};

TEST_F(ReportKmsTest, SameAccountKeyNeedsNoPolicy) {
  store::KmsKey key = NewKey(kSourceOwner);
  ReportJobOptions options;
  options.threads = 1;
  options.authorize_kms_key = [](const store::Bucket&, const store::KmsKey&) {
    ADD_FAILURE() << "a same-account key needs no key policy check";
    return Status::PermissionDenied("no");
  };
  RunRecord run;
  Status st = Run("own-reports", key, options, &run);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ExpectEncryptedWith("own-reports", run, key);
}

TEST_F(ReportKmsTest, CrossAccountKeyIsRefusedWithoutAPolicyCheck) {
  store::KmsKey key = NewKey(kAuditOwner);
  RunRecord run;
  Status st = Run("central-audit", key, AnyDestination(), &run);
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(st.message().find(kDenied), std::string::npos) << st.message();
}

TEST_F(ReportKmsTest, KeyPolicyDecidesCrossAccountDeliveries) {
  store::KmsKey key = NewKey(kAuditOwner);
  ReportJobOptions options = AnyDestination();
  bool allow = false;
  int asked = 0;
  options.authorize_kms_key = [&](const store::Bucket& source, const store::KmsKey& asked_key) {
    ++asked;
    EXPECT_EQ(source.name, "photos");
    EXPECT_EQ(source.owner_account_id, kSourceOwner);
    EXPECT_EQ(asked_key.arn, key.arn);
    return allow ? Status::OK() : Status::PermissionDenied("key policy");
  };
  RunRecord denied;
  Status st = Run("central-audit", key, options, &denied);
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(st.message().find(kDenied), std::string::npos) << st.message();
  EXPECT_EQ(asked, 1);
  bool truncated = false;
  auto written = store_->ListObjects("central-audit", store::ListOptions{}, &truncated);
  ASSERT_TRUE(written.ok());
  EXPECT_TRUE(written->empty());  // refused before anything was written

  allow = true;
  RunRecord delivered;
  st = Run("central-audit", key, options, &delivered);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ExpectEncryptedWith("central-audit", delivered, key);
}

// A key of another account than the source's, even into the source owner's own bucket.
TEST_F(ReportKmsTest, AnotherAccountsKeyInASameAccountDeliveryAsksTheKeyPolicy) {
  store::KmsKey key = NewKey(kAuditOwner);
  ReportJobOptions options;
  options.threads = 1;
  int asked = 0;
  options.authorize_kms_key = [&](const store::Bucket&, const store::KmsKey&) {
    ++asked;
    return Status::PermissionDenied("key policy");
  };
  RunRecord run;
  EXPECT_EQ(Run("own-reports", key, options, &run).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(asked, 1);
}

}  // namespace
}  // namespace stocktake::inventory
