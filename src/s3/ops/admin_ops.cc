// Stocktake's account administration extension (issue 7), service scope, root account only:
//   POST   /?admin-account[&name=N]                        create an account
//   GET    /?admin-accounts                                list accounts
//   DELETE /?admin-account&account-id=ID                   delete an account (and its keys)
//   POST   /?admin-access-key&account-id=ID                create a key (the secret is shown once)
//   POST   /?admin-access-key&account-id=ID&access-key-id=K  import a key pair: the secret in the
//          body, <ImportAccessKey><SecretAccessKey>S</SecretAccessKey></ImportAccessKey> (a body,
//          not the query, so that no request log or proxy ever sees it)
//   GET    /?admin-access-keys[&account-id=ID]             list keys (never their secrets)
//   PUT    /?admin-access-key&access-key-id=K&status=S     Active | Inactive
//   DELETE /?admin-access-key&access-key-id=K              delete a key
// AWS manages accounts through Organizations/IAM, which Stocktake does not emulate; these calls
// are signed S3 requests so `stocktake admin` reuses the S3 client and SigV4.
#include "common/crypto.h"
#include "common/encoding.h"
#include "s3/ops/op_util.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {
namespace {

// Access key ids as the root account's (cli/root_account.cc): "STK" + 17 base32 characters,
// 20 in all like AWS's; secrets are 40 characters like AWS's.
constexpr const char* kAccessKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string RandomDigits(size_t n) {
  std::string bytes = RandomBytes(n), out;
  for (unsigned char b : bytes) out.push_back(static_cast<char>('0' + b % 10));
  if (out[0] == '0') out[0] = '1';
  return out;
}

std::string RandomAccessKeyId() {
  std::string bytes = RandomBytes(17), out = "STK";
  for (unsigned char b : bytes) out.push_back(kAccessKeyAlphabet[b % 32]);
  return out;
}

std::optional<S3Error> RequireRoot(const OpContext& ctx) {
  if (ctx.service.root_account_id.empty() ||
      ctx.request.caller.account_id != ctx.service.root_account_id) {
    return S3Error(S3ErrorCode::kAccessDenied);
  }
  return std::nullopt;
}

S3Error MissingParameter(std::string_view name) {
  return S3Error(S3ErrorCode::kInvalidArgument, "Missing required parameter " + std::string(name));
}

// An imported access key id, as IAM's AccessKey.AccessKeyId: 16 to 128 word characters
// ([A-Za-z0-9_]; IAM API reference, AccessKey data type). AWS's own ids are 20 upper-case
// characters; RGW's and MinIO's keys fit the same shape.
bool IsValidAccessKeyId(std::string_view id) {
  if (id.size() < 16 || id.size() > 128) return false;
  for (char c : id) {
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// An imported secret: 8 to 128 printable ASCII characters, no space (AWS's are 40 base64
// characters; RGW's and MinIO's are longer or shorter, never outside this).
bool IsValidSecretKey(std::string_view secret) {
  if (secret.size() < 8 || secret.size() > 128) return false;
  for (char c : secret) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

S3Error NoSuchAccount() { return S3Error(S3ErrorCode::kInvalidArgument, "No such account"); }

void WriteAccount(XmlWriter& xml, const store::Account& account) {
  xml.Open("Account")
      .Element("AccountId", account.account_id)
      .Element("CanonicalUserId", account.canonical_id)
      .Element("Name", account.name)
      .Close();
}

void WriteKey(XmlWriter& xml, const store::AccessKey& key, bool with_secret) {
  xml.Open("AccessKey").Element("AccessKeyId", key.access_key_id);
  if (with_secret) xml.Element("SecretAccessKey", key.secret_key);
  xml.Element("AccountId", key.account_id)
      .Element("Status", key.enabled ? "Active" : "Inactive")
      .Close();
}

}  // namespace

OpResult CreateAccount(OpContext& ctx) {
  if (auto error = RequireRoot(ctx)) return *error;
  store::Account account;
  const std::string* name = ctx.request.Query("name");
  account.name = name ? *name : "";
  // 12 random digits: a collision with an existing account is retried, never overwritten.
  for (int attempt = 0; attempt < 10; ++attempt) {
    account.account_id = RandomDigits(12);
    if (ctx.store().GetAccount(account.account_id).status().IsNotFound()) break;
    account.account_id.clear();
  }
  if (account.account_id.empty()) return S3Error(S3ErrorCode::kInternalError);
  account.canonical_id = HexLower(RandomBytes(32));
  if (account.name.empty()) account.name = "account-" + account.account_id;
  Status st = ctx.store().PutAccount(account);
  if (!st.ok()) return FromStatus(st);
  XmlWriter xml("CreateAccountResult");
  WriteAccount(xml, account);
  return S3Response::Xml(xml.Finish());
}

OpResult ListAccounts(OpContext& ctx) {
  if (auto error = RequireRoot(ctx)) return *error;
  auto accounts = ctx.store().ListAccounts();
  if (!accounts.ok()) return FromStatus(accounts.status());
  XmlWriter xml("ListAccountsResult");
  for (const store::Account& account : *accounts) WriteAccount(xml, account);
  return S3Response::Xml(xml.Finish());
}

OpResult DeleteAccount(OpContext& ctx) {
  if (auto error = RequireRoot(ctx)) return *error;
  const std::string* id = ctx.request.Query("account-id");
  if (id == nullptr) return MissingParameter("account-id");
  if (*id == ctx.service.root_account_id) {
    return S3Error(S3ErrorCode::kInvalidRequest, "The root account cannot be deleted.");
  }
  Status st = ctx.store().DeleteAccount(*id);
  if (st.IsNotFound()) return NoSuchAccount();
  if (st.code() == StatusCode::kFailedPrecondition) {
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "The account still owns buckets; delete them first (" + st.message() + ").");
  }
  if (!st.ok()) return FromStatus(st);
  return S3Response::NoContent();
}

OpResult CreateAccessKey(OpContext& ctx) {
  if (auto error = RequireRoot(ctx)) return *error;
  const std::string* id = ctx.request.Query("account-id");
  if (id == nullptr) return MissingParameter("account-id");
  if (!ctx.store().GetAccount(*id).ok()) return NoSuchAccount();
  store::AccessKey key;
  key.account_id = *id;
  key.enabled = true;
  const std::string* imported_id = ctx.request.Query("access-key-id");
  if (imported_id == nullptr) {
    key.access_key_id = RandomAccessKeyId();
    key.secret_key = Base64Encode(RandomBytes(30));
  } else {
    // Import: the caller's key pair (moving users from AWS, RGW or MinIO).
    if (!IsValidAccessKeyId(*imported_id)) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "The access key id must be 16 to 128 characters A-Z, a-z, 0-9 or _.");
    }
    pugi::xml_document doc;
    auto parsed = ParseXmlBody(ctx, &doc, 4096);
    if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
    pugi::xml_node secret = doc.child("ImportAccessKey").child("SecretAccessKey");
    if (!secret) return S3Error(S3ErrorCode::kMalformedXML);
    key.secret_key = secret.text().as_string();
    if (!IsValidSecretKey(key.secret_key)) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "The secret access key must be 8 to 128 printable ASCII characters.");
    }
    key.access_key_id = *imported_id;
    auto existing = ctx.store().GetAccessKey(key.access_key_id);
    if (existing.ok()) {
      return S3Error(S3ErrorCode::kInvalidArgument, "The access key id is already in use.");
    }
    if (!existing.status().IsNotFound()) return FromStatus(existing.status());
  }
  Status st = ctx.store().PutAccessKey(key);
  if (!st.ok()) return FromStatus(st);
  XmlWriter xml("CreateAccessKeyResult");
  WriteKey(xml, key, /*with_secret=*/imported_id == nullptr);
  return S3Response::Xml(xml.Finish());
}

OpResult ListAccessKeys(OpContext& ctx) {
  if (auto error = RequireRoot(ctx)) return *error;
  const std::string* id = ctx.request.Query("account-id");
  if (id != nullptr && !ctx.store().GetAccount(*id).ok()) return NoSuchAccount();
  auto keys = ctx.store().ListAccessKeys(id ? *id : "");
  if (!keys.ok()) return FromStatus(keys.status());
  XmlWriter xml("ListAccessKeysResult");
  for (const store::AccessKey& key : *keys) WriteKey(xml, key, /*with_secret=*/false);
  return S3Response::Xml(xml.Finish());
}

OpResult UpdateAccessKey(OpContext& ctx) {
  if (auto error = RequireRoot(ctx)) return *error;
  const std::string* key_id = ctx.request.Query("access-key-id");
  const std::string* status = ctx.request.Query("status");
  if (key_id == nullptr) return MissingParameter("access-key-id");
  if (status == nullptr || (*status != "Active" && *status != "Inactive")) {
    return S3Error(S3ErrorCode::kInvalidArgument, "status must be Active or Inactive");
  }
  // The key signing this request cannot lock its caller out.
  if (*key_id == ctx.request.access_key_id && *status == "Inactive") {
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "The key signing this request cannot be "
                   "disabled.");
  }
  auto key = ctx.store().GetAccessKey(*key_id);
  if (!key.ok()) {
    if (key.status().IsNotFound()) {
      return S3Error(S3ErrorCode::kInvalidArgument, "No such access key");
    }
    return FromStatus(key.status());
  }
  key->enabled = *status == "Active";
  Status st = ctx.store().PutAccessKey(*key);
  if (!st.ok()) return FromStatus(st);
  return S3Response::NoContent();
}

OpResult DeleteAccessKey(OpContext& ctx) {
  if (auto error = RequireRoot(ctx)) return *error;
  const std::string* key_id = ctx.request.Query("access-key-id");
  if (key_id == nullptr) return MissingParameter("access-key-id");
  if (*key_id == ctx.request.access_key_id) {
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "The key signing this request cannot be "
                   "deleted.");
  }
  Status st = ctx.store().DeleteAccessKey(*key_id);
  if (st.IsNotFound()) return S3Error(S3ErrorCode::kInvalidArgument, "No such access key");
  if (!st.ok()) return FromStatus(st);
  return S3Response::NoContent();
}

}  // namespace stocktake::s3
