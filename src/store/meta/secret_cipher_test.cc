#include "store/meta/secret_cipher.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "io/file.h"

namespace stocktake::store::meta {
namespace {

class SecretCipherTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "secret_cipher_" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(SecretCipherTest, SealOpenRoundTrip) {
  auto cipher = SecretCipher::OpenOrCreate(dir_ + "/master.key");
  ASSERT_TRUE(cipher.ok()) << cipher.status().ToString();
  for (std::string secret : {"", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}) {
    auto sealed = cipher->Seal(secret, "aad-1");
    ASSERT_TRUE(sealed.ok());
    if (!secret.empty()) {
      EXPECT_EQ(sealed->find(secret), std::string::npos);
    }
    auto opened = cipher->Open(*sealed, "aad-1");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, secret);
  }
  // Fresh nonce per seal.
  EXPECT_NE(*cipher->Seal("x", "a"), *cipher->Seal("x", "a"));
}

TEST_F(SecretCipherTest, TamperingWrongDataOrKeyFail) {
  auto cipher = SecretCipher::OpenOrCreate(dir_ + "/master.key");
  ASSERT_TRUE(cipher.ok());
  std::string sealed = *cipher->Seal("secret", "row-A");
  EXPECT_EQ(cipher->Open(sealed, "row-B").status().code(), StatusCode::kCorruption);
  std::string flipped = sealed;
  flipped[15] ^= 1;
  EXPECT_EQ(cipher->Open(flipped, "row-A").status().code(), StatusCode::kCorruption);
  EXPECT_FALSE(cipher->Open(sealed.substr(0, 10), "row-A").ok());
  auto other = SecretCipher::OpenOrCreate(dir_ + "/other.key");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->Open(sealed, "row-A").ok());
}

TEST_F(SecretCipherTest, MasterKeyIsPrivateAndReused) {
  std::string path = dir_ + "/master.key";
  auto first = SecretCipher::OpenOrCreate(path);
  ASSERT_TRUE(first.ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, static_cast<off_t>(kMasterKeyBytes));
  std::string sealed = *first->Seal("secret", "a");
  auto second = SecretCipher::OpenOrCreate(path);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second->Open(sealed, "a"), "secret");

  ASSERT_TRUE(io::WriteFileAtomically(path, "short").ok());
  EXPECT_EQ(SecretCipher::OpenOrCreate(path).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace stocktake::store::meta
