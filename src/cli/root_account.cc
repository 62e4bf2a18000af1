#include "cli/root_account.h"

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/encoding.h"
#include "io/file.h"

namespace stocktake::cli {
namespace {

// The data-dir file naming the root account and its keys (mode 0600, readable by the operator
// only, so keys printed once can be found again). Do not change the name: data directories rely
// on it.
constexpr const char* kRootFile = "root-account.json";
constexpr const char* kAccessKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string RandomDigits(size_t n) {
  std::string bytes = RandomBytes(n), out;
  for (unsigned char b : bytes) out.push_back(static_cast<char>('0' + b % 10));
  if (out[0] == '0') out[0] = '1';
  return out;
}

std::string RandomAccessKeyId() {
  std::string bytes = RandomBytes(16), out = "STK";
  for (size_t i = 0; i < 17; ++i) {
    out.push_back(kAccessKeyAlphabet[static_cast<unsigned char>(bytes[i % 16]) % 32]);
  }
  return out;
}

std::string RandomSecret() { return Base64Encode(RandomBytes(30)); }  // 40 chars, like AWS

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

}  // namespace

Result<RootAccount> EnsureRootAccount(store::ObjectStore& store, const std::string& data_dir) {
  std::string path = (std::filesystem::path(data_dir) / kRootFile).string();
  RootAccount root;
  auto existing = io::ReadFile(path);
  if (existing.ok()) {
    nlohmann::json doc = nlohmann::json::parse(*existing, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.contains("account_id") || !doc.contains("access_key_id")) {
      return Status::Corruption(path + " is not a valid root account file");
    }
    ASSIGN_OR_RETURN(root.account, store.GetAccount(doc["account_id"].get<std::string>()));
    root.access_key_id = doc["access_key_id"].get<std::string>();
  } else if (existing.status().IsNotFound()) {
    root.account.account_id = RandomDigits(12);
    root.account.canonical_id = HexLower(RandomBytes(32));
    root.account.name = "root";
    RETURN_IF_ERROR(store.PutAccount(root.account));
  } else {
    return existing.status();
  }

  const char* env_key = Env("STOCKTAKE_ROOT_ACCESS_KEY");
  const char* env_secret = Env("STOCKTAKE_ROOT_SECRET_KEY");
  if ((env_key == nullptr) != (env_secret == nullptr)) {
    return Status::InvalidArgument(
        "set both STOCKTAKE_ROOT_ACCESS_KEY and STOCKTAKE_ROOT_SECRET_KEY, or neither");
  }
  if (env_key != nullptr) {
    root.access_key_id = env_key;
    root.secret_key = env_secret;
    RETURN_IF_ERROR(
        store.PutAccessKey({root.access_key_id, root.secret_key, root.account.account_id, true}));
  } else if (root.access_key_id.empty() || !store.GetAccessKey(root.access_key_id).ok()) {
    root.access_key_id = RandomAccessKeyId();
    root.secret_key = RandomSecret();
    root.newly_generated_secret = true;
    RETURN_IF_ERROR(
        store.PutAccessKey({root.access_key_id, root.secret_key, root.account.account_id, true}));
  } else {
    ASSIGN_OR_RETURN(store::AccessKey key, store.GetAccessKey(root.access_key_id));
    root.secret_key = key.secret_key;
  }
  nlohmann::json doc = {{"account_id", root.account.account_id},
                        {"canonical_id", root.account.canonical_id},
                        {"access_key_id", root.access_key_id},
                        {"secret_access_key", root.secret_key}};
  RETURN_IF_ERROR(io::WriteFileAtomically(path, doc.dump(2) + "\n", 0600));
  return root;
}

}  // namespace stocktake::cli
