#include "scan/aws_settings.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "scan/ini_file.h"

namespace stocktake::scan {
namespace {

struct SharedFiles {
  std::string credentials_path;
  std::string config_path;
  std::optional<IniFile> credentials;
  std::optional<IniFile> config;
};

std::optional<std::string> NonEmpty(std::optional<std::string> v) {
  if (v && v->empty()) return std::nullopt;
  return v;
}

SharedFiles LoadSharedFiles(const Environment& env) {
  SharedFiles files;
  std::string home = NonEmpty(env.get_env("HOME")).value_or("");
  files.credentials_path =
      NonEmpty(env.get_env("AWS_SHARED_CREDENTIALS_FILE")).value_or(home + "/.aws/credentials");
  files.config_path = NonEmpty(env.get_env("AWS_CONFIG_FILE")).value_or(home + "/.aws/config");
  if (auto text = env.read_file(files.credentials_path)) files.credentials = IniFile::Parse(*text);
  if (auto text = env.read_file(files.config_path)) files.config = IniFile::Parse(*text);
  return files;
}

// The config file names profiles "[profile NAME]", except "[default]".
std::optional<std::string> ConfigValue(const SharedFiles& files, const std::string& profile,
                                       std::string_view name) {
  if (!files.config) return std::nullopt;
  std::string section = profile == "default" ? "default" : "profile " + profile;
  auto v = files.config->Get(section, name);
  if (!v && profile == "default") v = files.config->Get("profile default", name);
  return NonEmpty(v);
}

bool ConfigHasProfile(const SharedFiles& files, const std::string& profile) {
  if (!files.config) return false;
  if (profile == "default") {
    return files.config->HasSection("default") || files.config->HasSection("profile default");
  }
  return files.config->HasSection("profile " + profile);
}

}  // namespace

Environment Environment::Process() {
  Environment env;
  env.get_env = [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  env.read_file = [](const std::string& path) -> std::optional<std::string> {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
  return env;
}

Result<AwsSettings> ResolveAwsSettings(const AwsSettingsRequest& request, const Environment& env) {
  AwsSettings out;
  bool explicit_profile = !request.profile.empty();
  std::string profile =
      explicit_profile ? request.profile : NonEmpty(env.get_env("AWS_PROFILE")).value_or("default");
  SharedFiles files = LoadSharedFiles(env);

  auto env_key = NonEmpty(env.get_env("AWS_ACCESS_KEY_ID"));
  auto env_secret = NonEmpty(env.get_env("AWS_SECRET_ACCESS_KEY"));
  if (!explicit_profile && env_key && env_secret) {
    out.access_key_id = *env_key;
    out.secret_access_key = *env_secret;
    out.session_token = NonEmpty(env.get_env("AWS_SESSION_TOKEN")).value_or("");
    out.credentials_source = "environment";
  } else {
    bool in_credentials = files.credentials && files.credentials->HasSection(profile);
    if (in_credentials) {
      out.access_key_id =
          NonEmpty(files.credentials->Get(profile, "aws_access_key_id")).value_or("");
      out.secret_access_key =
          NonEmpty(files.credentials->Get(profile, "aws_secret_access_key")).value_or("");
      out.session_token =
          NonEmpty(files.credentials->Get(profile, "aws_session_token")).value_or("");
      out.credentials_source = "profile '" + profile + "' in " + files.credentials_path;
    }
    if (out.access_key_id.empty() && ConfigHasProfile(files, profile)) {
      out.access_key_id = ConfigValue(files, profile, "aws_access_key_id").value_or("");
      out.secret_access_key = ConfigValue(files, profile, "aws_secret_access_key").value_or("");
      out.session_token = ConfigValue(files, profile, "aws_session_token").value_or("");
      out.credentials_source = "profile '" + profile + "' in " + files.config_path;
    }
    if (out.access_key_id.empty() || out.secret_access_key.empty()) {
      bool known = in_credentials || ConfigHasProfile(files, profile);
      if (known && (ConfigValue(files, profile, "role_arn") ||
                    ConfigValue(files, profile, "credential_process") ||
                    ConfigValue(files, profile, "sso_start_url") ||
                    ConfigValue(files, profile, "sso_session"))) {
        return Status::InvalidArgument(
            "no static keys for the " + request.side + " in profile '" + profile +
            "': role assumption, credential_process and SSO profiles are not supported; export "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (e.g. from `aws configure "
            "export-credentials`)");
      }
      if (explicit_profile && !known) {
        return Status::InvalidArgument("profile '" + profile + "' (" + request.side +
                                       ") not found in " + files.credentials_path + " or " +
                                       files.config_path);
      }
      return Status::InvalidArgument(
          "no credentials for the " + request.side +
          ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give profile '" + profile +
          "' aws_access_key_id/aws_secret_access_key in " + files.credentials_path +
          ", or pass --profile / --" + request.side + "-profile");
    }
  }

  out.region = request.region;
  if (out.region.empty()) out.region = NonEmpty(env.get_env("AWS_REGION")).value_or("");
  if (out.region.empty()) out.region = NonEmpty(env.get_env("AWS_DEFAULT_REGION")).value_or("");
  if (out.region.empty()) out.region = ConfigValue(files, profile, "region").value_or("");
  if (out.region.empty()) out.region = "us-east-1";

  out.endpoint = request.endpoint;
  if (out.endpoint.empty())
    out.endpoint = NonEmpty(env.get_env("AWS_ENDPOINT_URL_S3")).value_or("");
  if (out.endpoint.empty()) out.endpoint = NonEmpty(env.get_env("AWS_ENDPOINT_URL")).value_or("");
  if (out.endpoint.empty()) out.endpoint = ConfigValue(files, profile, "endpoint_url").value_or("");
  if (out.endpoint.empty()) out.endpoint = "https://s3." + out.region + ".amazonaws.com";
  while (out.endpoint.size() > 1 && out.endpoint.back() == '/') out.endpoint.pop_back();

  out.ca_bundle = NonEmpty(env.get_env("AWS_CA_BUNDLE")).value_or("");
  if (out.ca_bundle.empty()) out.ca_bundle = ConfigValue(files, profile, "ca_bundle").value_or("");
  return out;
}

}  // namespace stocktake::scan
