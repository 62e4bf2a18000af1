#include "s3client/sigv4_signing.h"

#include <algorithm>

#include "common/crypto.h"
#include "common/encoding.h"

namespace stocktake::s3::auth {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string CanonicalUriOfDecoded(std::string_view decoded_path) {
  if (decoded_path.empty()) return std::string("/");
  return UriEncode(decoded_path, /*keep_slash=*/true);
}

std::string CanonicalQueryOfDecoded(std::span<const std::pair<std::string, std::string>> params,
                                    bool exclude_signature) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params) {
    if (exclude_signature && name == "X-Amz-Signature") continue;
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  // Byte order of the encoded forms, name first then value (std::pair's ordering).
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

Result<std::string> CanonicalHeaderLines(
    std::span<const std::pair<std::string, std::string>> headers,
    std::span<const std::string> signed_header_names) {
  std::string out;
  for (const std::string& name : signed_header_names) {
    bool found = false;
    out.append(name).push_back(':');
    for (const auto& [header_name, value] : headers) {
      if (header_name != name) continue;
      if (found) out.push_back(',');
      found = true;
      // Trimall: trim, and collapse each inner run of whitespace to one space.
      std::string_view v = Trim(value);
      bool in_space = false;
      for (char c : v) {
        if (IsSpace(c)) {
          in_space = true;
          continue;
        }
        if (in_space) out.push_back(' ');
        in_space = false;
        out.push_back(c);
      }
    }
    if (!found) return Status::NotFound(name);
    out.push_back('\n');
  }
  return out;
}

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view hashed_payload) {
  std::string out;
  out.reserve(method.size() + canonical_uri.size() + canonical_query.size() +
              canonical_headers.size() + signed_headers.size() + hashed_payload.size() + 5);
  out.append(method).append("\n");
  out.append(canonical_uri).append("\n");
  out.append(canonical_query).append("\n");
  out.append(canonical_headers).append("\n");  // each header already ends in '\n'
  out.append(signed_headers).append("\n");
  out.append(hashed_payload);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out(kSigV4Algorithm);
  out.append("\n").append(amz_date).append("\n").append(scope).append("\n");
  out.append(HexLower(Sha256(canonical_request)));
  return out;
}

std::string ChunkStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view previous_signature,
                              std::string_view chunk_sha256_hex) {
  std::string out("AWS4-HMAC-SHA256-PAYLOAD\n");
  out.append(amz_date).append("\n").append(scope).append("\n");
  out.append(previous_signature).append("\n").append(kEmptySha256Hex).append("\n");
  out.append(chunk_sha256_hex);
  return out;
}

std::string TrailerStringToSign(std::string_view amz_date, std::string_view scope,
                                std::string_view previous_signature,
                                std::string_view trailers_sha256_hex) {
  std::string out("AWS4-HMAC-SHA256-TRAILER\n");
  out.append(amz_date).append("\n").append(scope).append("\n");
  out.append(previous_signature).append("\n").append(trailers_sha256_hex);
  return out;
}

std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string k_secret = "AWS4";
  k_secret.append(secret_access_key);
  std::string k_date = HmacSha256(k_secret, date);
  std::string k_region = HmacSha256(k_date, region);
  std::string k_service = HmacSha256(k_region, service);
  return HmacSha256(k_service, kScopeTerminator);
}

std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign) {
  return HexLower(HmacSha256(signing_key, string_to_sign));
}

}  // namespace stocktake::s3::auth
