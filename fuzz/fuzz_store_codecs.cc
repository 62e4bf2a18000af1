// Fuzz target: the metadata record and key decoders (a corrupted or hostile data directory must
// give errors, not crashes), and re-encoding of whatever decodes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/meta/key_codec.h"
#include "store/meta/record_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake::store;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ObjectVersion version;
  if (meta::DecodeObjectRecord(input, 42, &version)) {
    std::string encoded;
    meta::EncodeObjectRecord(version, &encoded);
    ObjectVersion again;
    (void)meta::DecodeObjectRecord(encoded, 42, &again);
  }
  (void)meta::PeekObjectFlags(input);
  Bucket bucket;
  (void)meta::DecodeBucketRecord(input, &bucket);
  Account account;
  (void)meta::DecodeAccountRecord(input, &account);
  AccessKey key;
  std::string sealed;
  (void)meta::DecodeAccessKeyRecord(input, &key, &sealed);
  MultipartUpload upload;
  (void)meta::DecodeUploadRecord(input, &upload);
  Part part;
  (void)meta::DecodePartRecord(input, &part);
  std::string_view rest = input;
  std::string out;
  while (meta::ConsumeEscaped(&rest, &out)) out.clear();
  uint64_t seq;
  rest = input;
  (void)meta::ConsumeInvertedSequence(&rest, &seq);
  return 0;
}
