// ORC run-length decoders (ORC spec v1, "Run Length Encoding"): byte RLE, boolean RLE (bits of a
// byte RLE stream, most significant bit first), integer RLE v1 and v2 (SHORT_REPEAT, DIRECT,
// PATCHED_BASE, DELTA), signed (zigzag) or unsigned. Input is untrusted: every error is a
// Corruption status naming the stream, never a crash.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"
#include "report/orc/orc_stream.h"

namespace stocktake::report::orc {

class ByteRleDecoder {
 public:
  explicit ByteRleDecoder(InputStream* in) : in_(in) {}
  Status Next(uint8_t* value);

 private:
  InputStream* in_;
  uint32_t remaining_ = 0;
  bool run_ = false;
  uint8_t run_value_ = 0;
};

class BooleanDecoder {
 public:
  explicit BooleanDecoder(InputStream* in) : bytes_(in) {}
  Status Next(bool* value);

 private:
  ByteRleDecoder bytes_;
  uint8_t current_ = 0;
  int bits_left_ = 0;
};

class IntDecoder {
 public:
  virtual ~IntDecoder() = default;
  virtual Status Next(int64_t* value) = 0;
};

// RLE v1 for DIRECT / DICTIONARY encodings, v2 for DIRECT_V2 / DICTIONARY_V2.
std::unique_ptr<IntDecoder> NewIntDecoder(InputStream* in, bool v2, bool is_signed);

}  // namespace stocktake::report::orc
