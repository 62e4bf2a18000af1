// Credentials, region and endpoint of one side of a scan (source or destination), from the
// standard AWS chain, as the AWS CLI resolves them:
//   credentials: an explicit profile (--profile/--source-profile/--destination-profile) reads
//     only that profile; otherwise AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN)
//     win, then the profile named by AWS_PROFILE (or "default") in the shared credentials file
//     (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials), then in the config file
//     (AWS_CONFIG_FILE, default ~/.aws/config, section "[profile NAME]" or "[default]");
//   region: flag, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, then us-east-1;
//   endpoint: flag, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's `endpoint_url`, then
//     https://s3.REGION.amazonaws.com;
//   CA bundle (https): AWS_CA_BUNDLE, the profile's `ca_bundle`, then the system store (a
//     --ca-bundle flag overrides the result).
// Not supported (reported as errors or ignored): role assumption (role_arn/source_profile),
// credential_process, SSO and instance metadata credentials.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace stocktake::scan {

// Process environment and files, injectable for tests.
struct Environment {
  std::function<std::optional<std::string>(std::string_view name)> get_env;
  std::function<std::optional<std::string>(const std::string& path)> read_file;
  static Environment Process();
};

struct AwsSettingsRequest {
  std::string side;      // "source" / "destination", for messages
  std::string profile;   // explicit profile; "" = the default chain
  std::string endpoint;  // explicit endpoint URL; "" = the chain
  std::string region;    // explicit region; "" = the chain
};

struct AwsSettings {
  std::string endpoint;
  std::string region;
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;       // "" when none
  std::string ca_bundle;           // "" = the system CA store
  std::string credentials_source;  // e.g. "environment", "profile 'prod' in /root/.aws/credentials"
};

// InvalidArgument with an actionable message when no credentials are found.
Result<AwsSettings> ResolveAwsSettings(const AwsSettingsRequest& request, const Environment& env);

}  // namespace stocktake::scan
