#include "cli/kms_cmd.h"

#include <fstream>
#include <iostream>
#include <pugixml.hpp>
#include <sstream>

#include "cli/client_flags.h"
#include "common/exit_code.h"

namespace stocktake::cli {
namespace {

struct CreateKeyOptions {
  ClientFlags client;
  std::string description;
};

struct KeyPolicyOptions {
  ClientFlags client;
  std::string key_id;
  std::string policy;  // put-key-policy: the JSON itself, or a file (optionally file://...)
};

// Sends a service-level call of the key-service extension into *body; prints the server's error
// and returns its exit status on failure.
int Call(const ClientFlags& flags, const s3::S3Call& call, std::string* body) {
  auto client = flags.Connect();
  auto response = client->Send(call);
  if (!response.ok()) {
    std::cerr << "stocktake: " << response.status().message() << "\n";
    return ExitCodeFor(response.status());
  }
  if (response->status != 200) {
    std::cerr << "stocktake: " << s3::S3Client::ErrorSummary(*response) << "\n";
    return ExitCodeForHttpStatus(response->status);
  }
  *body = std::move(response->body);
  return kExitOk;
}

int CreateKey(const CreateKeyOptions& options) {
  s3::S3Call call;
  call.method = "POST";
  call.query = {{"kms-create-key", ""}};
  if (!options.description.empty()) call.query.emplace_back("description", options.description);
  std::string body;
  if (int rc = Call(options.client, call, &body); rc != kExitOk) return rc;
  pugi::xml_document doc;
  doc.load_buffer(body.data(), body.size());
  // The ARN alone, so that scripts can capture it: KEY=$(stocktake kms create-key).
  std::cout << doc.child("CreateKmsKeyResult").child("KeyMetadata").child_value("Arn") << "\n";
  return 0;
}

int ListKeys(const ClientFlags& flags, report::ListOutput output) {
  s3::S3Call call;
  call.query = {{"kms-keys", ""}};
  std::string body;
  if (int rc = Call(flags, call, &body); rc != kExitOk) return rc;
  pugi::xml_document doc;
  doc.load_buffer(body.data(), body.size());
  report::Listing listing({{"arn"}, {"creation_date"}, {"description"}});
  for (pugi::xml_node key : doc.child("ListKmsKeysResult").children("Key")) {
    listing.Add(
        {key.child_value("Arn"), key.child_value("CreationDate"), key.child_value("Description")});
  }
  listing.Write(output, &std::cout);
  return 0;
}

// --policy is the document when it looks like one ('{' first), else the file holding it.
std::optional<std::string> PolicyDocument(std::string_view value) {
  size_t first = value.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && value[first] == '{') return std::string(value);
  std::string_view path = value.starts_with("file://") ? value.substr(7) : value;
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) {
    std::cerr << "stocktake: cannot read policy file " << path << "\n";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int PutKeyPolicy(const KeyPolicyOptions& options) {
  std::optional<std::string> document = PolicyDocument(options.policy);
  if (!document) return 1;
  s3::S3Call call;
  call.method = "PUT";
  call.query = {{"kms-key-policy", ""}, {"key-id", options.key_id}};
  call.body = *document;
  std::string ignored;
  return Call(options.client, call, &ignored);
}

int GetKeyPolicy(const KeyPolicyOptions& options) {
  s3::S3Call call;
  call.query = {{"kms-key-policy", ""}, {"key-id", options.key_id}};
  std::string body;
  if (int rc = Call(options.client, call, &body); rc != kExitOk) return rc;
  std::cout << body << "\n";
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
  auto list_output = std::make_shared<report::ListOutput>(report::ListOutput::kTable);
  AddOutputOption(list, list_output.get());
  list->callback([list_flags, list_output]() { std::exit(ListKeys(*list_flags, *list_output)); });

  auto put_policy = std::make_shared<KeyPolicyOptions>();
  CLI::App* put = kms->add_subcommand("put-key-policy",
                                      "Replace a key's policy (who besides its account may use "
                                      "it, e.g. S3 for inventory reports)");
  put_policy->client.AddTo(put);
  put->add_option("--key-id", put_policy->key_id, "Key id or ARN")->required();
  put->add_option("--policy", put_policy->policy, "The policy JSON, or a file holding it")
      ->required();
  put->callback([put_policy]() { std::exit(PutKeyPolicy(*put_policy)); });

  auto get_policy = std::make_shared<KeyPolicyOptions>();
  CLI::App* get = kms->add_subcommand("get-key-policy",
                                      "Print a key's policy (AWS's default key policy when none "
                                      "was put)");
  get_policy->client.AddTo(get);
  get->add_option("--key-id", get_policy->key_id, "Key id or ARN")->required();
  get->callback([get_policy]() { std::exit(GetKeyPolicy(*get_policy)); });
}

}  // namespace stocktake::cli
