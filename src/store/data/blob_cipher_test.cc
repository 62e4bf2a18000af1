#include "store/data/blob_cipher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/crypto.h"
#include "common/encoding.h"
#include "store/data/blob_files.h"

namespace stocktake::store::data {
namespace {

namespace fs = std::filesystem;

BlobHeader TestHeader() {
  BlobHeader h;
  h.mode = BlobKeyMode::kSseS3;
  h.nonce = RandomBytes(kBlobNonceBytes);
  h.key_info = "wrapped-key";
  return h;
}

std::string Pattern(size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return out;
}

TEST(BlobCipherTest, HeaderRoundTripAndRejects) {
  BlobHeader h = TestHeader();
  std::string encoded = h.Encode();
  ASSERT_EQ(encoded.size(), kBlobHeaderFixedBytes + h.key_info.size());
  EXPECT_EQ(encoded.substr(0, 4), "STKB");
  auto size = BlobHeader::EncodedSize(encoded.substr(0, kBlobHeaderFixedBytes));
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, encoded.size());
  auto parsed = BlobHeader::Parse(encoded);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->mode, h.mode);
  EXPECT_EQ(parsed->nonce, h.nonce);
  EXPECT_EQ(parsed->key_info, h.key_info);

  for (size_t byte : {0, 4, 5, 6, 7}) {
    std::string bad = encoded;
    bad[byte] = static_cast<char>(0x7f);
    EXPECT_TRUE(BlobHeader::Parse(bad).status().code() == StatusCode::kCorruption) << byte;
  }
  EXPECT_FALSE(BlobHeader::Parse(encoded.substr(0, encoded.size() - 1)).ok());
  EXPECT_FALSE(BlobHeader::EncodedSize("STKB").ok());
}

TEST(BlobCipherTest, Geometry) {
  const uint64_t c = kChunkPlainBytes;
  for (uint64_t plain : {uint64_t{0}, uint64_t{1}, c - 1, c, c + 1, 3 * c, 3 * c + 17}) {
    uint64_t body = SealedBodyBytes(plain);
    EXPECT_EQ(body, plain + ChunkCount(plain) * kChunkTagBytes);
    auto back = PlainBytesOfBody(body);
    ASSERT_TRUE(back.ok()) << plain;
    EXPECT_EQ(*back, plain);
  }
  EXPECT_EQ(ChunkCount(0), 1u);
  EXPECT_EQ(ChunkCount(c), 1u);
  EXPECT_EQ(ChunkCount(c + 1), 2u);
  // Sizes no plaintext produces: shorter than a tag, or a last chunk of only a tag after full
  // chunks (the writer would have marked the last full chunk final instead).
  for (uint64_t body : {uint64_t{0}, uint64_t{15}, c + 16 + 16, c + 16 + 5}) {
    EXPECT_TRUE(PlainBytesOfBody(body).status().code() == StatusCode::kCorruption) << body;
  }
}

TEST(BlobCipherTest, ChunksAuthenticateContentIndexFinalityAndHeader) {
  std::string key = RandomBytes(kDataKeyBytes);
  BlobHeader header = TestHeader();
  auto cipher = ChunkCipher::Create(key, header);
  ASSERT_TRUE(cipher.ok());
  std::string sealed;
  ASSERT_TRUE((*cipher)->Seal(3, false, "secret chunk", &sealed).ok());
  EXPECT_EQ(sealed.size(), 12 + kChunkTagBytes);
  EXPECT_EQ(sealed.find("secret"), std::string::npos);
  std::string plain;
  ASSERT_TRUE((*cipher)->Open(3, false, sealed, &plain).ok());
  EXPECT_EQ(plain, "secret chunk");

  // Moved to another position, marked final, or flipped: authentication fails.
  EXPECT_TRUE((*cipher)->Open(4, false, sealed, &plain).code() == StatusCode::kCorruption);
  EXPECT_TRUE((*cipher)->Open(3, true, sealed, &plain).code() == StatusCode::kCorruption);
  for (size_t i = 0; i < sealed.size(); i += 5) {
    std::string tampered = sealed;
    tampered[i] ^= 0x01;
    EXPECT_TRUE((*cipher)->Open(3, false, tampered, &plain).code() == StatusCode::kCorruption) << i;
  }
  EXPECT_TRUE((*cipher)->Open(3, false, sealed.substr(0, sealed.size() - 1), &plain).code() ==
              StatusCode::kCorruption);
  EXPECT_TRUE((*cipher)->Open(3, false, "short", &plain).code() == StatusCode::kCorruption);

  // Another header (e.g. a swapped wrapped key) or another key: fails too.
  BlobHeader other = header;
  other.key_info = "another-key";
  auto other_cipher = ChunkCipher::Create(key, other);
  ASSERT_TRUE(other_cipher.ok());
  EXPECT_TRUE((*other_cipher)->Open(3, false, sealed, &plain).code() == StatusCode::kCorruption);
  auto wrong_key = ChunkCipher::Create(RandomBytes(kDataKeyBytes), header);
  ASSERT_TRUE(wrong_key.ok());
  EXPECT_TRUE((*wrong_key)->Open(3, false, sealed, &plain).code() == StatusCode::kCorruption);

  EXPECT_FALSE(ChunkCipher::Create("short key", header).ok());
  std::string too_big(kChunkPlainBytes + 1, 'x');
  EXPECT_FALSE((*cipher)->Seal(0, true, too_big, &sealed).ok());
}

// A keyring with one fixed secret: the data key of a blob is derived from its id, so a blob file
// renamed to another id gets the wrong key (as the store's keyring binds wrapped keys to ids).
class FixedKeyring final : public BlobKeyring {
 public:
  Result<std::string> NewDataKey(std::string_view blob_id, const BlobEncryption& encryption,
                                 BlobHeader* header) override {
    auto mode = BlobKeyModeFromName(encryption.mode);
    if (!mode) return Status::InvalidArgument("mode");
    header->mode = *mode;
    header->key_info = "fixed";
    return HmacSha256("fixed secret", blob_id);
  }
  Result<std::string> DataKey(std::string_view blob_id, const BlobHeader& header,
                              std::string_view) override {
    if (header.key_info != "fixed") return Status::Corruption("key info");
    return HmacSha256("fixed secret", blob_id);
  }
};

class EncryptedBlobFilesTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "blob_cipher_" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    files_ = std::make_unique<BlobFiles>(dir_);
    ASSERT_TRUE(files_->Prepare().ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `data` in pieces of `piece` bytes; returns the blob id.
  std::string Write(const std::string& data, size_t piece = 10000) {
    auto w = files_->NewWriter(&pending_, &keyring_, BlobEncryption());
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    for (size_t at = 0; at < data.size(); at += piece) {
      EXPECT_TRUE((*w)->Write(std::string_view(data).substr(at, piece)).ok());
    }
    EXPECT_TRUE((*w)->Finish().ok());
    EXPECT_EQ((*w)->size(), data.size());
    EXPECT_EQ((*w)->md5_hex(), HexLower(Md5(data)));
    std::string encryption;
    EXPECT_TRUE(pending_.Claim((*w)->blob_id(), &encryption));
    EXPECT_EQ(encryption, kSseS3);
    return (*w)->blob_id();
  }

  Result<std::string> Read(const std::string& id, uint64_t offset, uint64_t length,
                           size_t piece = 4096) {
    ASSIGN_OR_RETURN(auto reader, files_->OpenReader(id, offset, length, &keyring_, ""));
    std::string out;
    while (true) {
      ASSIGN_OR_RETURN(std::string_view chunk, reader->Read(piece));
      if (chunk.empty()) return out;
      out.append(chunk);
    }
  }

  std::string FileBytes(const std::string& id) {
    std::ifstream in(files_->BlobPath(id), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void SetFileBytes(const std::string& id, const std::string& bytes) {
    std::ofstream(files_->BlobPath(id), std::ios::binary | std::ios::trunc) << bytes;
  }

  std::string dir_;
  std::unique_ptr<BlobFiles> files_;
  PendingBlobs pending_;
  FixedKeyring keyring_;
};

TEST_F(EncryptedBlobFilesTest, RoundTripsEverySizeAndRangesAcrossChunks) {
  const size_t c = kChunkPlainBytes;
  for (size_t size : {size_t{0}, size_t{1}, c - 1, c, c + 1, 3 * c + 1234}) {
    std::string data = Pattern(size);
    std::string id = Write(data);
    std::string file = FileBytes(id);
    EXPECT_EQ(file.size(), BlobHeader::EncodedSize(file).value() + SealedBodyBytes(size));
    if (size > 64) {
      EXPECT_EQ(file.find(data.substr(0, 64)), std::string::npos);
    }
    auto all = Read(id, 0, UINT64_MAX);
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    EXPECT_EQ(*all, data) << size;
    for (uint64_t offset : {uint64_t{0}, uint64_t{c - 3}, uint64_t{c}, uint64_t{2 * c - 1}}) {
      for (uint64_t length : {uint64_t{1}, uint64_t{6}, uint64_t{c + 10}, UINT64_MAX}) {
        auto part = Read(id, offset, length, 777);
        ASSERT_TRUE(part.ok()) << part.status().ToString();
        std::string expected = offset >= data.size() ? "" : data.substr(offset, length);
        EXPECT_EQ(*part, expected) << size << " " << offset << "+" << length;
      }
    }
  }
}

TEST_F(EncryptedBlobFilesTest, TamperedTruncatedOrMovedBlobsFailToRead) {
  const size_t c = kChunkPlainBytes;
  std::string data = Pattern(2 * c + 100);
  std::string id = Write(data);
  std::string good = FileBytes(id);
  size_t header = BlobHeader::EncodedSize(good).value();

  // A flipped bit anywhere in a chunk fails the read of that chunk.
  std::string tampered = good;
  tampered[header + c + 16 + 5] ^= 0x20;  // chunk 1
  SetFileBytes(id, tampered);
  EXPECT_TRUE(Read(id, 0, 10).ok());  // chunk 0 is intact
  EXPECT_TRUE(Read(id, c + 1, 10).status().code() == StatusCode::kCorruption);
  EXPECT_TRUE(Read(id, 0, UINT64_MAX).status().code() == StatusCode::kCorruption);

  // A changed header byte (here: the nonce) fails every chunk.
  tampered = good;
  tampered[10] ^= 0x01;
  SetFileBytes(id, tampered);
  EXPECT_TRUE(Read(id, 0, 10).status().code() == StatusCode::kCorruption);

  // Truncated at a chunk boundary: the new last chunk was not sealed as final.
  SetFileBytes(id, good.substr(0, header + 2 * (c + 16)));
  EXPECT_TRUE(Read(id, c, 10).status().code() == StatusCode::kCorruption);
  // Truncated inside a chunk, or extended: the geometry or the tag gives it away.
  SetFileBytes(id, good.substr(0, good.size() - 1));
  EXPECT_FALSE(Read(id, 0, UINT64_MAX).ok());
  SetFileBytes(id, good + "x");
  EXPECT_FALSE(Read(id, 0, UINT64_MAX).ok());
  SetFileBytes(id, good.substr(0, 10));
  EXPECT_TRUE(Read(id, 0, 1).status().code() == StatusCode::kCorruption);

  // Two chunks swapped: each fails at its new position.
  tampered = good;
  std::string chunk0 = good.substr(header, c + 16), chunk1 = good.substr(header + c + 16, c + 16);
  tampered.replace(header, c + 16, chunk1);
  tampered.replace(header + c + 16, c + 16, chunk0);
  SetFileBytes(id, tampered);
  EXPECT_TRUE(Read(id, 0, 1).status().code() == StatusCode::kCorruption);

  // The intact file under another blob id: the data key is bound to the id.
  SetFileBytes(id, good);
  ASSERT_TRUE(Read(id, 0, UINT64_MAX).ok());
  std::string other = std::string(32, 'c');
  ASSERT_TRUE(files_->EnsureShard(0xcc).ok());
  fs::copy_file(files_->BlobPath(id), files_->BlobPath(other));
  EXPECT_TRUE(Read(other, 0, 1).status().code() == StatusCode::kCorruption);

  // A plaintext file is not an encrypted blob.
  SetFileBytes(id, data);
  EXPECT_TRUE(Read(id, 0, 1).status().code() == StatusCode::kCorruption);
}

}  // namespace
}  // namespace stocktake::store::data
