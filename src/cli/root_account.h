// The root account of a data directory: created with its access key on first start (keys from
// STOCKTAKE_ROOT_ACCESS_KEY / STOCKTAKE_ROOT_SECRET_KEY when set, generated otherwise).
#pragma once

#include <string>

#include "common/result.h"
#include "store/object_store.h"

namespace stocktake::cli {

struct RootAccount {
  store::Account account;
  std::string access_key_id;
  std::string secret_key;
  bool newly_generated_secret = false;  // print the secret once, on the start that made it
};

Result<RootAccount> EnsureRootAccount(store::ObjectStore& store, const std::string& data_dir);

}  // namespace stocktake::cli
