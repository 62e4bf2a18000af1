#include "cli/kms_cmd.h"

#include <iostream>
#include <pugixml.hpp>

#include "cli/client_flags.h"

namespace stocktake::cli {
namespace {

struct CreateKeyOptions {
  ClientFlags client;
  std::string description;
};

// Sends a service-level call of the key-service extension; prints the server's error and
// returns nullopt on failure.
std::optional<std::string> Call(const ClientFlags& flags, const s3::S3Call& call) {
  auto client = flags.Connect();
  auto response = client->Send(call);
  if (!response.ok()) {
    std::cerr << "stocktake: " << response.status().message() << "\n";
    return std::nullopt;
  }
  if (response->status != 200) {
    std::cerr << "stocktake: " << s3::S3Client::ErrorSummary(*response) << "\n";
    return std::nullopt;
  }
  return std::move(response->body);
}

int CreateKey(const CreateKeyOptions& options) {
  s3::S3Call call;
  call.method = "POST";
  call.query = {{"kms-create-key", ""}};
  if (!options.description.empty()) call.query.emplace_back("description", options.description);
  auto body = Call(options.client, call);
  if (!body) return 1;
  pugi::xml_document doc;
  doc.load_buffer(body->data(), body->size());
  // The ARN alone, so that scripts can capture it: KEY=$(stocktake kms create-key).
  std::cout << doc.child("CreateKmsKeyResult").child("KeyMetadata").child_value("Arn") << "\n";
  return 0;
}

int ListKeys(const ClientFlags& flags) {
  s3::S3Call call;
  call.query = {{"kms-keys", ""}};
  auto body = Call(flags, call);
  if (!body) return 1;
  pugi::xml_document doc;
  doc.load_buffer(body->data(), body->size());
  for (pugi::xml_node key : doc.child("ListKmsKeysResult").children("Key")) {
    std::cout << key.child_value("Arn") << "\t" << key.child_value("CreationDate") << "\t"
              << key.child_value("Description") << "\n";
  }
  return 0;
}

}  // namespace

void AddKmsCommand(CLI::App& app) {
  CLI::App* kms = app.add_subcommand("kms", "Keys of the server's built-in key service (SSE-KMS)");
  kms->require_subcommand(1);

  auto create_options = std::make_shared<CreateKeyOptions>();
  CLI::App* create = kms->add_subcommand("create-key", "Create a KMS key; prints its ARN");
  create_options->client.AddTo(create);
  create->add_option("--description", create_options->description, "What the key is for");
  create->callback([create_options]() { std::exit(CreateKey(*create_options)); });

  auto list_flags = std::make_shared<ClientFlags>();
  CLI::App* list = kms->add_subcommand("list-keys",
                                       "List the caller's KMS keys (ARN, created, "
                                       "description)");
  list_flags->AddTo(list);
  list->callback([list_flags]() { std::exit(ListKeys(*list_flags)); });
}

}  // namespace stocktake::cli
