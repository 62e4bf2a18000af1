// PostObject: browser-based uploads (S3 API reference "PostObject"; User Guide "Browser-based
// uploads using POST", "Creating a POST policy"). A multipart/form-data POST to the bucket
// carries the key, the object's headers as form fields, an optional signed policy, and the file
// last. With a policy the form is signed by an access key: SigV2 (`AWSAccessKeyId`, `signature`
// = base64 HMAC-SHA1 of the base64 policy) or SigV4 (`x-amz-credential`, `x-amz-date`,
// `x-amz-signature` = hex HMAC-SHA256 of the base64 policy with the derived signing key); every
// field must satisfy the policy's conditions. Without one the upload is anonymous. The upload
// itself is PutObject with the form's fields as its headers, authorized as PutObject for the
// signer (or anonymous).
#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/time_format.h"
#include "s3/auth/sigv4.h"
#include "s3/authorization.h"
#include "s3/ops/op_util.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {
namespace {

// The whole form is read into memory before the upload: POST is for browser-sized objects.
constexpr size_t kMaxPostBodyBytes = 64 << 20;

class StringPayload final : public Payload {
 public:
  explicit StringPayload(std::string data) : data_(std::move(data)) {}
  Result<std::string_view> Read(size_t max_bytes) override {
    std::string_view out = std::string_view(data_).substr(offset_, max_bytes);
    offset_ += out.size();
    return out;
  }
  const std::optional<S3Error>& error() const override { return error_; }
  const std::vector<std::pair<std::string, std::string>>& trailers() const override {
    return trailers_;
  }
  std::optional<uint64_t> declared_length() const override { return data_.size(); }

 private:
  std::string data_;
  size_t offset_ = 0;
  std::optional<S3Error> error_;
  std::vector<std::pair<std::string, std::string>> trailers_;
};

struct Form {
  std::vector<std::pair<std::string, std::string>> fields;  // names lower-cased, in order
  std::string file;
  std::string filename;
  bool has_file = false;

  const std::string* Find(std::string_view name) const {
    for (const auto& [n, v] : fields) {
      if (n == name) return &v;
    }
    return nullptr;
  }
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// `name="value"` (or unquoted) from a header's parameters.
std::optional<std::string> HeaderParam(std::string_view header, std::string_view name) {
  size_t at = 0;
  while ((at = header.find(';', at)) != std::string_view::npos) {
    ++at;
    while (at < header.size() && header[at] == ' ') ++at;
    if (Lower(header.substr(at, name.size())) != name || at + name.size() >= header.size() ||
        header[at + name.size()] != '=') {
      continue;
    }
    std::string_view value = header.substr(at + name.size() + 1);
    if (!value.empty() && value.front() == '"') {
      size_t end = value.find('"', 1);
      if (end == std::string_view::npos) return std::nullopt;
      return std::string(value.substr(1, end - 1));
    }
    return std::string(value.substr(0, value.find(';')));
  }
  return std::nullopt;
}

constexpr const char* kNotMultipart =
    "The body of your POST request is not well-formed multipart/form-data.";

S3Error Malformed(std::string message) {
  return S3Error(S3ErrorCode::kInvalidArgument, std::move(message));
}

// RFC 7578 multipart/form-data. The file part ends the fields: later parts are ignored, as S3.
std::variant<Form, S3Error> ParseForm(std::string_view body, std::string_view boundary) {
  Form form;
  std::string delimiter = "--" + std::string(boundary);
  size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return Malformed(kNotMultipart);
  at += delimiter.size();
  std::string next = "\r\n" + delimiter;
  while (true) {
    if (body.substr(at, 2) == "--") break;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") {
      return Malformed(kNotMultipart);
    }
    at += 2;
    size_t headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) {
      return Malformed(kNotMultipart);
    }
    std::string_view headers = body.substr(at, headers_end - at);
    size_t content_start = headers_end + 4;
    size_t content_end = body.find(next, content_start);
    if (content_end == std::string_view::npos) {
      return Malformed(kNotMultipart);
    }
    std::string_view content = body.substr(content_start, content_end - content_start);
    at = content_end + next.size();
    std::optional<std::string> name, filename;
    size_t line_start = 0;
    while (line_start <= headers.size()) {
      size_t line_end = headers.find("\r\n", line_start);
      if (line_end == std::string_view::npos) line_end = headers.size();
      std::string_view line = headers.substr(line_start, line_end - line_start);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos &&
          Lower(line.substr(0, colon)) == "content-disposition") {
        name = HeaderParam(line, "name");
        filename = HeaderParam(line, "filename");
      }
      line_start = line_end + 2;
    }
    if (!name) continue;
    std::string field = Lower(*name);
    if (field == "file") {
      form.file = std::string(content);
      form.filename = filename.value_or("");
      form.has_file = true;
      break;
    }
    form.fields.emplace_back(std::move(field), std::string(content));
  }
  if (!form.has_file) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "POST requires exactly one file upload per request.");
  }
  return form;
}

S3Error PolicyError(std::string message) {
  return S3Error(S3ErrorCode::kInvalidPolicyDocument, std::move(message));
}

S3Error PolicyDenied(std::string message) {
  return S3Error(S3ErrorCode::kAccessDenied, "Invalid according to Policy: " + std::move(message));
}

// Fields the policy never has to mention (User Guide, "Creating a POST policy": the signature
// fields, the policy itself, the file and x-ignore-* fields).
bool ExemptFromPolicy(std::string_view name) {
  return name == "policy" || name == "signature" || name == "awsaccesskeyid" ||
         name == "x-amz-signature" || name == "file" || name.starts_with("x-ignore-");
}

// Checks the decoded policy document against the form (and the file size); `key` is the object
// key the upload gets.
std::optional<S3Error> CheckPolicy(const std::string& document, const Form& form,
                                   std::string_view bucket, std::string_view key, int64_t now_ms) {
  nlohmann::json policy = nlohmann::json::parse(document, nullptr, /*allow_exceptions=*/false);
  if (!policy.is_object()) return PolicyError("Invalid Policy: Invalid JSON.");
  // Names are case-sensitive: "EXPIRATION" or "CONDITIONS" are not the keys.
  auto expiration = policy.find("expiration");
  if (expiration == policy.end() || !expiration->is_string()) {
    return PolicyError("Invalid Policy: Policy missing expiration.");
  }
  std::optional<int64_t> expires_ms = ParseIso8601(expiration->get<std::string>());
  if (!expires_ms) return PolicyError("Invalid Policy: Invalid 'expiration' value.");
  auto conditions = policy.find("conditions");
  if (conditions == policy.end() || !conditions->is_array()) {
    return PolicyError("Invalid Policy: Policy missing conditions.");
  }
  if (now_ms > *expires_ms) return PolicyDenied("Policy expired.");

  auto value_of = [&](const std::string& name) -> std::string {
    if (name == "bucket") return std::string(bucket);
    if (name == "key") return std::string(key);  // ${filename} replaced
    const std::string* v = form.Find(name);
    return v ? *v : std::string();
  };
  std::vector<std::string> covered = {"bucket"};
  std::optional<std::pair<int64_t, int64_t>> length_range;
  for (const nlohmann::json& condition : *conditions) {
    if (condition.is_object()) {
      if (condition.size() != 1) {
        return PolicyError(
            "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must "
            "have exactly one property specified.");
      }
      std::string name = Lower(condition.begin().key());
      if (!condition.begin().value().is_string()) {
        return PolicyError("Invalid Policy: Invalid Simple-Condition value.");
      }
      std::string expected = condition.begin().value().get<std::string>();
      if (value_of(name) != expected) {
        return PolicyDenied("Policy Condition failed: [\"eq\", \"$" + name + "\", \"" + expected +
                            "\"]");
      }
      covered.push_back(name);
      continue;
    }
    if (!condition.is_array() || condition.empty() || !condition[0].is_string()) {
      return PolicyError("Invalid Policy: Invalid condition.");
    }
    std::string op = Lower(condition[0].get<std::string>());
    if (op == "content-length-range") {
      if (condition.size() != 3 || !condition[1].is_number_integer() ||
          !condition[2].is_number_integer()) {
        return PolicyError("Invalid Policy: Invalid content-length-range condition.");
      }
      int64_t min = condition[1].get<int64_t>(), max = condition[2].get<int64_t>();
      if (min < 0 || max < min) {
        return PolicyError("Invalid Policy: Invalid content-length-range condition.");
      }
      length_range = {min, max};
      continue;
    }
    if ((op != "eq" && op != "starts-with") || condition.size() != 3 || !condition[1].is_string() ||
        !condition[2].is_string()) {
      return PolicyError("Invalid Policy: Invalid condition.");
    }
    std::string field = condition[1].get<std::string>();
    if (field.empty() || field[0] != '$') {
      return PolicyError("Invalid Policy: Invalid condition field " + field + ".");
    }
    std::string name = Lower(std::string_view(field).substr(1));
    std::string expected = condition[2].get<std::string>();
    std::string actual = value_of(name);
    bool ok = op == "eq" ? actual == expected : actual.starts_with(expected);
    if (!ok) {
      return PolicyDenied("Policy Condition failed: [\"" + op + "\", \"$" + name + "\", \"" +
                          expected + "\"]");
    }
    covered.push_back(name);
  }
  for (const auto& [name, value] : form.fields) {
    if (ExemptFromPolicy(name)) continue;
    if (std::find(covered.begin(), covered.end(), name) == covered.end()) {
      return PolicyDenied("Extra input fields: " + name);
    }
  }
  if (length_range) {
    auto size = static_cast<int64_t>(form.file.size());
    if (size > length_range->second) {
      return S3Error(S3ErrorCode::kEntityTooLarge,
                     "Your proposed upload exceeds the maximum allowed size");
    }
    if (size < length_range->first) {
      return S3Error(S3ErrorCode::kEntityTooSmall,
                     "Your proposed upload is smaller than the minimum allowed size");
    }
  }
  return std::nullopt;
}

// The account whose key signed the policy; an error when the signature does not verify.
std::variant<std::pair<store::Account, std::string>, S3Error> VerifySigner(OpContext& ctx,
                                                                           const Form& form) {
  const std::string* policy = form.Find("policy");
  const std::string* v4_signature = form.Find("x-amz-signature");
  std::string key_id;
  std::vector<std::string> scope;  // key id, date, region, service, "aws4_request"
  if (v4_signature != nullptr) {
    const std::string* credential = form.Find("x-amz-credential");
    const std::string* algorithm = form.Find("x-amz-algorithm");
    if (credential == nullptr || algorithm == nullptr || *algorithm != "AWS4-HMAC-SHA256") {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "Bucket POST must contain x-amz-algorithm AWS4-HMAC-SHA256 and "
                     "x-amz-credential fields with x-amz-signature.");
    }
    std::string_view rest = *credential;
    while (true) {
      size_t slash = rest.find('/');
      scope.emplace_back(rest.substr(0, slash));
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
    if (scope.size() != 5 || scope[4] != "aws4_request") {
      return S3Error(S3ErrorCode::kInvalidArgument, "Invalid x-amz-credential.");
    }
    key_id = scope[0];
  } else {
    const std::string* id = form.Find("awsaccesskeyid");
    if (id == nullptr || form.Find("signature") == nullptr) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "Bucket POST must contain a field named 'AWSAccessKeyId' and 'Signature' "
                     "with a policy.");
    }
    key_id = *id;
  }
  auto key = ctx.store().GetAccessKey(key_id);
  if (!key.ok() || !key->enabled) return S3Error(S3ErrorCode::kInvalidAccessKeyId);
  std::string expected =
      v4_signature != nullptr
          ? auth::SignatureHex(
                auth::DeriveSigningKey(key->secret_key, scope[1], scope[2], scope[3]), *policy)
          : Base64Encode(HmacSha1(key->secret_key, *policy));
  const std::string& given = v4_signature != nullptr ? *v4_signature : *form.Find("signature");
  if (expected.size() != given.size() ||
      !auth::ConstantTimeEquals(expected, v4_signature != nullptr ? Lower(given) : given)) {
    return S3Error(S3ErrorCode::kSignatureDoesNotMatch);
  }
  auto account = ctx.store().GetAccount(key->account_id);
  if (!account.ok()) return S3Error(S3ErrorCode::kInvalidAccessKeyId);
  return std::make_pair(std::move(*account), key_id);
}

// XML <Tagging> of the `tagging` field, as the x-amz-tagging header's query string.
std::optional<std::string> TaggingHeader(const std::string& xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), kXmlBodyParseFlags)) return std::nullopt;
  pugi::xml_node set = doc.child("Tagging").child("TagSet");
  if (!set) return std::nullopt;
  std::string out;
  for (pugi::xml_node tag : set.children("Tag")) {
    if (!out.empty()) out += '&';
    out += UriEncode(tag.child("Key").text().as_string(), false) + "=" +
           UriEncode(tag.child("Value").text().as_string(), false);
  }
  return out;
}

}  // namespace

OpResult PostObject(OpContext& ctx) {
  S3Request& request = ctx.request;
  const std::string* content_type = request.Header("content-type");
  if (content_type == nullptr || !Lower(*content_type).starts_with("multipart/form-data")) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "POST requires a multipart/form-data body (browser-based upload).");
  }
  std::optional<std::string> boundary = HeaderParam(*content_type, "boundary");
  if (!boundary || boundary->empty()) {
    return S3Error(S3ErrorCode::kInvalidArgument, "The multipart/form-data boundary is missing.");
  }
  std::optional<S3Error> read_error;
  auto body = ReadAll(*request.payload, kMaxPostBodyBytes, &read_error);
  if (!body.ok()) {
    return read_error ? *read_error : S3Error(S3ErrorCode::kEntityTooLarge);
  }
  auto parsed = ParseForm(*body, *boundary);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  Form& form = std::get<Form>(parsed);

  const std::string* key = form.Find("key");
  if (key == nullptr || key->empty()) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "Bucket POST must contain a field named 'key'.  If it is specified, please "
                   "check the order of the fields.");
  }
  std::string object_key = *key;
  if (size_t at = object_key.find("${filename}"); at != std::string::npos) {
    object_key.replace(at, 11, form.filename);
  }

  if (const std::string* policy_b64 = form.Find("policy")) {
    auto decoded = Base64Decode(*policy_b64);
    if (!decoded) return PolicyError("Invalid Policy: Invalid Base64 encoding.");
    auto signer = VerifySigner(ctx, form);
    if (auto* error = std::get_if<S3Error>(&signer)) return *error;
    if (auto error = CheckPolicy(*decoded, form, ctx.bucket->name, object_key, ctx.NowMillis())) {
      return *error;
    }
    auto& [account, key_id] = std::get<std::pair<store::Account, std::string>>(signer);
    request.caller = std::move(account);
    request.access_key_id = key_id;
  } else if (form.Find("signature") != nullptr || form.Find("x-amz-signature") != nullptr) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "Bucket POST must contain a field named 'policy' with a signature.");
  }

  // The upload is PutObject with the form's fields as its headers.
  http::HttpRequestHead head;
  head.method = "PUT";
  head.target = request.http->target;
  head.remote_address = request.http->remote_address;
  head.secure = request.http->secure;
  head.content_length = form.file.size();
  if (const std::string* host = request.Header("host")) head.headers.emplace_back("host", *host);
  for (const auto& [name, value] : form.fields) {
    if (name == "acl") {
      head.headers.emplace_back("x-amz-acl", value);
    } else if (name == "tagging") {
      auto tagging = TaggingHeader(value);
      if (!tagging) return S3Error(S3ErrorCode::kMalformedXML);
      head.headers.emplace_back("x-amz-tagging", *tagging);
    } else if (name == "content-type" || name == "cache-control" || name == "content-disposition" ||
               name == "content-encoding" || name == "expires" || name == "content-md5" ||
               (name.starts_with("x-amz-") && name != "x-amz-signature" &&
                name != "x-amz-credential" && name != "x-amz-algorithm" && name != "x-amz-date" &&
                name != "x-amz-security-token")) {
      head.headers.emplace_back(name, value);
    }
  }
  const http::HttpRequestHead* original = request.http;
  request.http = &head;
  request.key = object_key;
  StringPayload payload(std::move(form.file));
  request.payload = &payload;
  std::unique_ptr<Payload> buffered;
  OpResult result = [&]() -> OpResult {
    if (auto denied =
            AuthorizeOperation(ctx.service, request, "PutObject", *ctx.bucket, &buffered)) {
      return *denied;
    }
    return PutObject(ctx);
  }();
  request.http = original;
  if (auto* error = std::get_if<S3Error>(&result)) return *error;
  S3Response& put = std::get<S3Response>(result);
  std::string etag;
  for (const auto& [name, value] : put.headers) {
    if (name == "ETag") etag = value;
  }

  S3Response response;
  for (auto& header : put.headers) response.headers.push_back(header);
  if (const std::string* redirect = form.Find("success_action_redirect")) {
    if (!redirect->empty()) {
      std::string location = *redirect;
      location += location.find('?') == std::string::npos ? '?' : '&';
      location += "bucket=" + UriEncode(ctx.bucket->name, false) +
                  "&key=" + UriEncode(object_key, false) + "&etag=" + UriEncode(etag, false);
      response.status = 303;
      response.SetHeader("Location", location);
      return response;
    }
  }
  const std::string* status = form.Find("success_action_status");
  std::string location = "/" + ctx.bucket->name + "/" + UriEncode(object_key, false);
  response.SetHeader("Location", location);
  if (status != nullptr && *status == "201") {
    XmlWriter xml("PostResponse", "");
    xml.Element("Location", location)
        .Element("Bucket", ctx.bucket->name)
        .Element("Key", object_key)
        .Element("ETag", etag);
    S3Response created = S3Response::Xml(xml.Finish(), 201);
    for (auto& header : response.headers) created.headers.push_back(header);
    return created;
  }
  response.status = status != nullptr && *status == "200" ? 200 : 204;
  return response;
}

}  // namespace stocktake::s3
