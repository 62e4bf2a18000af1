#include "s3/auth/sigv2_presigned.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "common/crypto.h"
#include "common/encoding.h"

namespace stocktake::s3::auth {
namespace {

// The query parameters that are part of the SigV2 canonicalized resource (botocore's
// QSAOfInterest, from the SigV2 specification's sub-resource list).
constexpr std::string_view kSignedSubresources[] = {"accelerate",
                                                    "acl",
                                                    "cors",
                                                    "defaultObjectAcl",
                                                    "location",
                                                    "logging",
                                                    "partNumber",
                                                    "policy",
                                                    "requestPayment",
                                                    "torrent",
                                                    "versioning",
                                                    "versionId",
                                                    "versions",
                                                    "website",
                                                    "uploads",
                                                    "uploadId",
                                                    "response-content-type",
                                                    "response-content-language",
                                                    "response-expires",
                                                    "response-cache-control",
                                                    "response-content-disposition",
                                                    "response-content-encoding",
                                                    "delete",
                                                    "lifecycle",
                                                    "tagging",
                                                    "restore",
                                                    "storageClass",
                                                    "notification",
                                                    "replication",
                                                    "inventory",
                                                    "analytics",
                                                    "metrics",
                                                    "ownershipControls",
                                                    "publicAccessBlock",
                                                    "policyStatus",
                                                    "requestPayment",
                                                    "id",
                                                    "encryption",
                                                    "object-lock",
                                                    "retention",
                                                    "legal-hold"};

struct Param {
  std::string name;
  std::string value;
  bool has_value;
};

std::vector<Param> DecodeQuery(std::string_view raw) {
  std::vector<Param> out;
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view part = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    auto name = PercentDecode(part.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                              : PercentDecode(part.substr(eq + 1), true);
    if (name && value) out.push_back({*name, *value, eq != std::string_view::npos});
  }
  return out;
}

const Param* Find(const std::vector<Param>& params, std::string_view name) {
  for (const Param& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace

bool IsSigV2Presigned(std::string_view raw_query) {
  auto params = DecodeQuery(raw_query);
  return Find(params, "AWSAccessKeyId") && Find(params, "Signature") && Find(params, "Expires");
}

std::string SigV2StringToSign(const RequestView& request, std::string_view expires) {
  std::string out(request.method);
  out += "\n";
  out += std::string(FindHeader(request, "content-md5").value_or("")) + "\n";
  out += std::string(FindHeader(request, "content-type").value_or("")) + "\n";
  out += std::string(expires) + "\n";
  std::vector<std::pair<std::string, std::string>> amz;
  for (const auto& [name, value] : request.headers) {
    if (name.starts_with("x-amz-")) amz.emplace_back(name, value);
  }
  std::sort(amz.begin(), amz.end());
  for (const auto& [name, value] : amz) out += name + ":" + value + "\n";
  out += request.raw_path.empty() ? std::string("/") : std::string(request.raw_path);
  std::vector<const Param*> signed_params;
  auto params = DecodeQuery(request.raw_query);
  for (const Param& p : params) {
    for (std::string_view s : kSignedSubresources) {
      if (p.name == s) {
        signed_params.push_back(&p);
        break;
      }
    }
  }
  std::sort(signed_params.begin(), signed_params.end(),
            [](const Param* a, const Param* b) { return a->name < b->name; });
  for (size_t i = 0; i < signed_params.size(); ++i) {
    out += i == 0 ? "?" : "&";
    out += signed_params[i]->name;
    if (signed_params[i]->has_value && !signed_params[i]->value.empty()) {
      out += "=" + signed_params[i]->value;
    }
  }
  return out;
}

AuthOr<std::string> VerifySigV2Presigned(const RequestView& request, const SecretLookup& lookup,
                                         int64_t now_ms) {
  auto params = DecodeQuery(request.raw_query);
  const Param* key = Find(params, "AWSAccessKeyId");
  const Param* signature = Find(params, "Signature");
  const Param* expires = Find(params, "Expires");
  if (!key || !signature || !expires) {
    return AuthError{AuthErrorCode::kAccessDenied,
                     "Query-string authentication requires the "
                     "Signature, Expires and AWSAccessKeyId "
                     "parameters"};
  }
  int64_t expires_s = 0;
  auto [end, ec] = std::from_chars(expires->value.data(),
                                   expires->value.data() + expires->value.size(), expires_s);
  if (ec != std::errc() || end != expires->value.data() + expires->value.size()) {
    return AuthError{AuthErrorCode::kAccessDenied,
                     "Invalid date (should be seconds since epoch): " + expires->value};
  }
  if (now_ms / 1000 > expires_s) {
    return AuthError{AuthErrorCode::kAccessDenied, "Request has expired"};
  }
  auto secret = lookup(key->value);
  if (!secret.ok()) {
    if (secret.status().IsNotFound()) {
      return AuthError{AuthErrorCode::kInvalidAccessKeyId,
                       "The AWS Access Key Id you provided does not exist in our records."};
    }
    return AuthError{AuthErrorCode::kInternalError, "We encountered an internal error."};
  }
  std::string expected =
      Base64Encode(HmacSha1(*secret, SigV2StringToSign(request, expires->value)));
  if (!ConstantTimeEquals(expected, signature->value)) {
    return AuthError{AuthErrorCode::kSignatureDoesNotMatch,
                     "The request signature we calculated does not match the signature you "
                     "provided. Check your key and signing method."};
  }
  return key->value;
}

}  // namespace stocktake::s3::auth
