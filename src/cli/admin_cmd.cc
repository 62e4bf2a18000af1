#include "cli/admin_cmd.h"

#include <iostream>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/client_flags.h"
#include "cli/fsck_cmd.h"
#include "common/exit_code.h"
#include "s3/xml_writer.h"

namespace stocktake::cli {
namespace {

// Sends one admin call into `doc` (left empty for 204 answers); prints the S3 error and returns
// its exit status on failure.
int Call(const ClientFlags& flags, std::string method,
         std::vector<std::pair<std::string, std::string>> query, pugi::xml_document* doc,
         std::string_view body = {}) {
  auto client = flags.Connect();
  s3::S3Call call;
  call.method = std::move(method);
  call.query = std::move(query);
  call.body = body;
  auto response = client->Send(call);
  if (!response.ok()) {
    std::cerr << "stocktake: " << response.status().message() << "\n";
    return ExitCodeFor(response.status());
  }
  if (response->status / 100 != 2) {
    std::cerr << "stocktake: " << s3::S3Client::ErrorSummary(*response) << "\n";
    return ExitCodeForHttpStatus(response->status);
  }
  if (!response->body.empty()) doc->load_buffer(response->body.data(), response->body.size());
  return kExitOk;
}

int Call(const ClientFlags& flags, std::string method,
         std::vector<std::pair<std::string, std::string>> query) {
  pugi::xml_document ignored;
  return Call(flags, std::move(method), std::move(query), &ignored);
}

int WhoAmI(const ClientFlags& flags) {
  pugi::xml_document doc;
  if (int rc = Call(flags, "GET", {{"whoami", ""}}, &doc); rc != kExitOk) return rc;
  pugi::xml_node r = doc.child("WhoAmIResult");
  std::cout << "account id:        " << r.child_value("AccountId") << "\n"
            << "canonical user id: " << r.child_value("CanonicalUserId") << "\n"
            << "name:              " << r.child_value("DisplayName") << "\n"
            << "access key id:     " << r.child_value("AccessKeyId") << "\n"
            << "arn:               " << r.child_value("Arn") << "\n";
  return 0;
}

void PrintAccount(pugi::xml_node account) {
  std::cout << "account id:        " << account.child_value("AccountId") << "\n"
            << "canonical user id: " << account.child_value("CanonicalUserId") << "\n"
            << "name:              " << account.child_value("Name") << "\n";
}

// The secret is printed here and nowhere else: the server never shows it again.
void PrintNewKey(pugi::xml_node key) {
  std::cout << "access key id:     " << key.child_value("AccessKeyId") << "\n"
            << "secret access key: " << key.child_value("SecretAccessKey") << "   (shown once)\n";
}

// Creates a key of `account_id`: *key, held by *holder. Returns the exit status.
int CreateKey(const ClientFlags& flags, const std::string& account_id, pugi::xml_document* holder,
              pugi::xml_node* key) {
  int rc = Call(flags, "POST", {{"admin-access-key", ""}, {"account-id", account_id}}, holder);
  *key = holder->child("CreateAccessKeyResult").child("AccessKey");
  return rc;
}

int AccountCreate(const ClientFlags& flags, const std::string& name, bool with_key) {
  std::vector<std::pair<std::string, std::string>> query = {{"admin-account", ""}};
  if (!name.empty()) query.emplace_back("name", name);
  pugi::xml_document doc;
  if (int rc = Call(flags, "POST", std::move(query), &doc); rc != kExitOk) return rc;
  pugi::xml_node account = doc.child("CreateAccountResult").child("Account");
  PrintAccount(account);
  if (!with_key) return 0;
  pugi::xml_document key_doc;
  pugi::xml_node key;
  if (int rc = CreateKey(flags, account.child_value("AccountId"), &key_doc, &key); rc != kExitOk)
    return rc;
  PrintNewKey(key);
  return 0;
}

int AccountList(const ClientFlags& flags, report::ListOutput output) {
  pugi::xml_document doc;
  if (int rc = Call(flags, "GET", {{"admin-accounts", ""}}, &doc); rc != kExitOk) return rc;
  report::Listing listing({{"account_id"}, {"canonical_user_id"}, {"name"}});
  for (pugi::xml_node a : doc.child("ListAccountsResult").children("Account")) {
    listing.Add(
        {a.child_value("AccountId"), a.child_value("CanonicalUserId"), a.child_value("Name")});
  }
  listing.Write(output, &std::cout);
  return 0;
}

int AccountDelete(const ClientFlags& flags, const std::string& account_id) {
  return Call(flags, "DELETE", {{"admin-account", ""}, {"account-id", account_id}});
}

// Imports an existing key pair. The secret travels in the request body (never the query string,
// which proxies and request logs may record) and is not printed.
int KeyImport(const ClientFlags& flags, const std::string& account_id, const std::string& key_id,
              const std::string& secret) {
  std::string body = "<ImportAccessKey><SecretAccessKey>";
  s3::AppendXmlEscaped(&body, secret);
  body += "</SecretAccessKey></ImportAccessKey>";
  pugi::xml_document doc;
  if (int rc =
          Call(flags, "POST",
               {{"admin-access-key", ""}, {"account-id", account_id}, {"access-key-id", key_id}},
               &doc, body);
      rc != kExitOk) {
    return rc;
  }
  pugi::xml_node key = doc.child("CreateAccessKeyResult").child("AccessKey");
  std::cout << "access key id:     " << key.child_value("AccessKeyId") << "   (imported)\n"
            << "account id:        " << key.child_value("AccountId") << "\n";
  return 0;
}

int KeyCreate(const ClientFlags& flags, const std::string& account_id) {
  pugi::xml_document doc;
  pugi::xml_node key;
  if (int rc = CreateKey(flags, account_id, &doc, &key); rc != kExitOk) return rc;
  PrintNewKey(key);
  return 0;
}

int KeyList(const ClientFlags& flags, const std::string& account_id, report::ListOutput output) {
  std::vector<std::pair<std::string, std::string>> query = {{"admin-access-keys", ""}};
  if (!account_id.empty()) query.emplace_back("account-id", account_id);
  pugi::xml_document doc;
  if (int rc = Call(flags, "GET", std::move(query), &doc); rc != kExitOk) return rc;
  report::Listing listing({{"access_key_id"}, {"account_id"}, {"status"}});
  for (pugi::xml_node k : doc.child("ListAccessKeysResult").children("AccessKey")) {
    listing.Add(
        {k.child_value("AccessKeyId"), k.child_value("AccountId"), k.child_value("Status")});
  }
  listing.Write(output, &std::cout);
  return 0;
}

int KeySetStatus(const ClientFlags& flags, const std::string& key_id, const char* status) {
  return Call(flags, "PUT",
              {{"admin-access-key", ""}, {"access-key-id", key_id}, {"status", status}});
}

int KeyDelete(const ClientFlags& flags, const std::string& key_id) {
  return Call(flags, "DELETE", {{"admin-access-key", ""}, {"access-key-id", key_id}});
}

// Rotation as AWS recommends it: a new key for the same account, then the old one disabled (or
// deleted with --delete-old) so that clients still using it fail loudly.
int KeyRotate(const ClientFlags& flags, const std::string& key_id, bool delete_old) {
  pugi::xml_document list;
  if (int rc = Call(flags, "GET", {{"admin-access-keys", ""}}, &list); rc != kExitOk) return rc;
  std::string account_id;
  for (pugi::xml_node k : list.child("ListAccessKeysResult").children("AccessKey")) {
    if (key_id == k.child_value("AccessKeyId")) account_id = k.child_value("AccountId");
  }
  if (account_id.empty()) {
    std::cerr << "stocktake: no access key " << key_id << "\n";
    return kExitNotFound;
  }
  pugi::xml_document doc;
  pugi::xml_node key;
  if (int rc = CreateKey(flags, account_id, &doc, &key); rc != kExitOk) return rc;
  PrintNewKey(key);
  int rc = delete_old ? KeyDelete(flags, key_id) : KeySetStatus(flags, key_id, "Inactive");
  if (rc == 0) std::cout << "old key " << key_id << (delete_old ? " deleted\n" : " disabled\n");
  return rc;
}

}  // namespace

void AddAdminCommand(CLI::App& app) {
  CLI::App* admin = app.add_subcommand(
      "admin", "Account administration (accounts and access keys need the root account's keys)");
  admin->require_subcommand(1);
  auto flags = std::make_shared<ClientFlags>();
  CLI::App* whoami = admin->add_subcommand("whoami", "Show the account of the given keys");
  flags->AddTo(whoami);
  whoami->callback([flags]() { std::exit(WhoAmI(*flags)); });
  AddFsckCommand(*admin);

  CLI::App* account = admin->add_subcommand("account", "Create, list and delete accounts");
  account->require_subcommand(1);
  {
    auto name = std::make_shared<std::string>();
    auto with_key = std::make_shared<bool>(false);
    CLI::App* create = account->add_subcommand("create", "Create an account (12-digit id)");
    create->add_option("--name", *name, "Display name");
    create->add_flag("--with-key", *with_key, "Also create its first access key");
    flags->AddTo(create);
    create->callback(
        [flags, name, with_key]() { std::exit(AccountCreate(*flags, *name, *with_key)); });

    auto output = std::make_shared<report::ListOutput>(report::ListOutput::kTable);
    CLI::App* list = account->add_subcommand("list", "List accounts: id, canonical id, name");
    flags->AddTo(list);
    AddOutputOption(list, output.get());
    list->callback([flags, output]() { std::exit(AccountList(*flags, *output)); });

    auto id = std::make_shared<std::string>();
    CLI::App* del = account->add_subcommand("delete", "Delete an account that owns no bucket");
    del->add_option("account-id", *id, "Account id")->required();
    flags->AddTo(del);
    del->callback([flags, id]() { std::exit(AccountDelete(*flags, *id)); });
  }

  CLI::App* key = admin->add_subcommand("key", "Manage access keys");
  key->require_subcommand(1);
  {
    auto account_id = std::make_shared<std::string>();
    auto import_id = std::make_shared<std::string>();
    auto secret = std::make_shared<std::string>();
    CLI::App* create = key->add_subcommand(
        "create", "Create an access key (secret shown once), or import one with both key flags");
    create->add_option("--account", *account_id, "Account id")->required();
    CLI::Option* id_flag = create->add_option(
        "--access-key-id", *import_id, "Import this key id (16-128 characters A-Z a-z 0-9 _)");
    CLI::Option* secret_flag =
        create->add_option("--secret-access-key", *secret, "The imported key's secret");
    id_flag->needs(secret_flag);
    secret_flag->needs(id_flag);
    flags->AddTo(create);
    create->callback([flags, account_id, import_id, secret]() {
      std::exit(import_id->empty() ? KeyCreate(*flags, *account_id)
                                   : KeyImport(*flags, *account_id, *import_id, *secret));
    });

    CLI::App* list = key->add_subcommand("list", "List access keys: id, account, status");
    list->add_option("--account", *account_id, "Only this account's keys");
    flags->AddTo(list);
    auto output = std::make_shared<report::ListOutput>(report::ListOutput::kTable);
    AddOutputOption(list, output.get());
    list->callback(
        [flags, account_id, output]() { std::exit(KeyList(*flags, *account_id, *output)); });

    auto key_id = std::make_shared<std::string>();
    auto delete_old = std::make_shared<bool>(false);
    struct Simple {
      const char* name;
      const char* help;
    };
    for (Simple s :
         {Simple{"disable", "Disable an access key"}, Simple{"enable", "Enable an access key"},
          Simple{"delete", "Delete an access key"},
          Simple{"rotate", "Create a new key for the key's account, disable the old"}}) {
      CLI::App* sub = key->add_subcommand(s.name, s.help);
      sub->add_option("access-key-id", *key_id, "Access key id")->required();
      flags->AddTo(sub);
      std::string name = s.name;
      if (name == "rotate") {
        sub->add_flag("--delete-old", *delete_old, "Delete the old key instead of disabling it");
      }
      sub->callback([flags, key_id, delete_old, name]() {
        if (name == "disable") std::exit(KeySetStatus(*flags, *key_id, "Inactive"));
        if (name == "enable") std::exit(KeySetStatus(*flags, *key_id, "Active"));
        if (name == "delete") std::exit(KeyDelete(*flags, *key_id));
        std::exit(KeyRotate(*flags, *key_id, *delete_old));
      });
    }
  }
}

}  // namespace stocktake::cli
