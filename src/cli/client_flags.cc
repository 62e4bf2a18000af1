#include "cli/client_flags.h"

#include <cstdlib>
#include <iostream>
#include <map>

namespace stocktake::cli {

void ClientFlags::AddTo(CLI::App* command) {
  command->add_option("--endpoint", endpoint,
                      "Server URL (default $AWS_ENDPOINT_URL or http://127.0.0.1:9000)");
  command->add_option("--access-key", access_key, "Access key id (default $AWS_ACCESS_KEY_ID)");
  command->add_option("--secret-key", secret_key,
                      "Secret access key (default $AWS_SECRET_ACCESS_KEY)");
  command->add_option("--region", region, "Region (default $AWS_REGION or us-east-1)");
  command->add_option("--ca-bundle", ca_bundle,
                      "https endpoints: PEM file of the CAs to trust (default $AWS_CA_BUNDLE, "
                      "else the system store)");
}

std::unique_ptr<s3::S3Client> ClientFlags::Connect() const {
  auto client = s3::S3Client::Create(
      s3::ResolveClientOptions(endpoint, access_key, secret_key, region, ca_bundle));
  if (!client.ok()) {
    std::cerr << "stocktake: " << client.status().message() << "\n";
    std::exit(2);
  }
  return std::move(*client);
}

void AddOutputOption(CLI::App* command, report::ListOutput* output) {
  const std::map<std::string, report::ListOutput> kNames = {{"table", report::ListOutput::kTable},
                                                            {"csv", report::ListOutput::kCsv},
                                                            {"json", report::ListOutput::kJson}};
  command
      ->add_option("--output", *output,
                   "table (for people: headers, sizes in KiB/MiB/...), csv or json (for scripts)")
      ->transform(CLI::CheckedTransformer(kNames).description(""))
      ->type_name("table|csv|json")
      ->default_str("table");
}

}  // namespace stocktake::cli
