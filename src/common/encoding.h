// Byte encodings shared across modules: hex, base64, and the percent-encodings S3 uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stocktake {

std::string HexLower(std::string_view bytes);
std::optional<std::string> HexDecode(std::string_view hex);
std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

// RFC 3986 encoding as SigV4 canonicalisation wants it: unreserved characters A-Z a-z 0-9 - _ . ~
// stay literal, everything else is %XX with upper-case hex; '/' is kept when keep_slash.
std::string UriEncode(std::string_view text, bool keep_slash);

// The encoding of keys in S3 Inventory CSV and of `encoding-type=url` listings (DESIGN.md §6):
// A-Z a-z 0-9 . - _ * / literal, space -> '+', every other byte -> %XX upper-case hex.
std::string FormEncodeKeepSlash(std::string_view text);
// The same, appended to *out. Its output holds no XML special character (listings need no
// escaping after it).
void AppendFormEncodedKeepSlash(std::string* out, std::string_view text);

// `text` for a message to a terminal or log: valid UTF-8 except control characters stays as
// it is, every other byte becomes \xNN (messages may quote bytes of a corrupted file).
std::string PrintableUtf8(std::string_view text);

// Decodes %XX escapes; '+' becomes a space only when plus_is_space. nullopt on a bad escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Appends the decimal form of value.
void AppendDecimal(std::string* out, uint64_t value);

}  // namespace stocktake
