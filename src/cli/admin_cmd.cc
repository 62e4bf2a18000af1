#include "cli/admin_cmd.h"

#include <pugixml.hpp>

#include <iostream>

#include "cli/client_flags.h"

namespace stocktake::cli {
namespace {

int WhoAmI(const ClientFlags& flags) {
  auto client = flags.Connect();
  s3::S3Call call;
  call.query = {{"whoami", ""}};
  auto response = client->Send(call);
  if (!response.ok()) {
    std::cerr << "stocktake: " << response.status().message() << "\n";
    return 1;
  }
  if (response->status != 200) {
    std::cerr << "stocktake: " << s3::S3Client::ErrorSummary(*response) << "\n";
    return 1;
  }
  pugi::xml_document doc;
  doc.load_buffer(response->body.data(), response->body.size());
  pugi::xml_node r = doc.child("WhoAmIResult");
  std::cout << "account id:        " << r.child_value("AccountId") << "\n"
            << "canonical user id: " << r.child_value("CanonicalUserId") << "\n"
            << "name:              " << r.child_value("DisplayName") << "\n"
            << "access key id:     " << r.child_value("AccessKeyId") << "\n"
            << "arn:               " << r.child_value("Arn") << "\n";
  return 0;
}

}  // namespace

void AddAdminCommand(CLI::App& app) {
  CLI::App* admin = app.add_subcommand("admin", "Account administration");
  admin->require_subcommand(1);
  auto flags = std::make_shared<ClientFlags>();
  CLI::App* whoami = admin->add_subcommand("whoami", "Show the account of the given keys");
  flags->AddTo(whoami);
  whoami->callback([flags]() { std::exit(WhoAmI(*flags)); });
}

}  // namespace stocktake::cli
