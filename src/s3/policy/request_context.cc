#include "s3/policy/request_context.h"

#include <utility>

namespace stocktake::s3::policy {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

Caller Caller::Anonymous() { return Caller{}; }

Caller Caller::Root(std::string account_id, std::string canonical_id) {
  Caller caller;
  caller.kind = Kind::kAccountRoot;
  caller.arn = "arn:aws:iam::" + account_id + ":root";
  caller.account_id = std::move(account_id);
  caller.canonical_id = std::move(canonical_id);
  return caller;
}

Caller Caller::User(std::string account_id, std::string canonical_id, std::string_view name) {
  Caller caller;
  caller.kind = Kind::kUser;
  caller.arn = "arn:aws:iam::" + account_id + ":user/" + std::string(name);
  caller.account_id = std::move(account_id);
  caller.canonical_id = std::move(canonical_id);
  return caller;
}

Caller Caller::Service(std::string service) {
  Caller caller;
  caller.kind = Kind::kService;
  caller.service = std::move(service);
  return caller;
}

void ConditionContext::Add(std::string_view key, std::string value) {
  values_[Lower(key)].push_back(std::move(value));
}

void ConditionContext::Set(std::string_view key, std::string value) {
  std::vector<std::string>& slot = values_[Lower(key)];
  slot.clear();
  slot.push_back(std::move(value));
}

void ConditionContext::Erase(std::string_view key) {
  auto it = values_.find(Lower(key));
  if (it != values_.end()) values_.erase(it);
}

std::span<const std::string> ConditionContext::Get(std::string_view key) const {
  auto it = values_.find(Lower(key));
  if (it == values_.end()) return {};
  return it->second;
}

}  // namespace stocktake::s3::policy
