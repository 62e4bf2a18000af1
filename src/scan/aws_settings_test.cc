#include "scan/aws_settings.h"

#include <gtest/gtest.h>

#include <map>

namespace stocktake::scan {
namespace {

class FakeEnvironment {
 public:
  std::map<std::string, std::string> vars{{"HOME", "/home/u"}};
  std::map<std::string, std::string> files;
  Environment Get() const {
    Environment env;
    env.get_env = [this](std::string_view name) -> std::optional<std::string> {
      auto it = vars.find(std::string(name));
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    env.read_file = [this](const std::string& path) -> std::optional<std::string> {
      auto it = files.find(path);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    return env;
  }
};

TEST(AwsSettingsTest, EnvironmentKeysWinOverTheDefaultProfile) {
  FakeEnvironment fake;
  fake.vars["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  fake.vars["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  fake.vars["AWS_SESSION_TOKEN"] = "token";
  fake.files["/home/u/.aws/credentials"] =
      "[default]\naws_access_key_id=FILE\n"
      "aws_secret_access_key=file\n";
  auto s = ResolveAwsSettings({"source", "", "http://h:1", ""}, fake.Get());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->access_key_id, "ENVKEY");
  EXPECT_EQ(s->session_token, "token");
  EXPECT_EQ(s->credentials_source, "environment");
  EXPECT_EQ(s->endpoint, "http://h:1");
  EXPECT_EQ(s->region, "us-east-1");
}

TEST(AwsSettingsTest, ExplicitProfileIgnoresEnvironmentKeys) {
  FakeEnvironment fake;
  fake.vars["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  fake.vars["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  fake.files["/home/u/.aws/credentials"] =
      "[rgw]\naws_access_key_id = RGWKEY\n"
      "aws_secret_access_key = rgwsecret\n";
  fake.files["/home/u/.aws/config"] =
      "[profile rgw]\nregion = eu-central-1\nendpoint_url = http://127.0.0.1:7480/\n";
  auto s = ResolveAwsSettings({"source", "rgw", "", ""}, fake.Get());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->access_key_id, "RGWKEY");
  EXPECT_EQ(s->secret_access_key, "rgwsecret");
  EXPECT_EQ(s->region, "eu-central-1");
  EXPECT_EQ(s->endpoint, "http://127.0.0.1:7480");
  EXPECT_EQ(s->ca_bundle, "");  // the system store
  EXPECT_EQ(s->credentials_source, "profile 'rgw' in /home/u/.aws/credentials");
}

TEST(AwsSettingsTest, AwsProfileAndConfigFileKeysAndEnvRegion) {
  FakeEnvironment fake;
  fake.vars["AWS_PROFILE"] = "dev";
  fake.vars["AWS_CONFIG_FILE"] = "/etc/aws.cfg";
  fake.vars["AWS_DEFAULT_REGION"] = "ap-south-1";
  fake.files["/etc/aws.cfg"] =
      "[profile dev]\naws_access_key_id=CFG\naws_secret_access_key=c\n"
      "region=us-west-2\nca_bundle=/etc/ca-profile.pem\n";
  auto s = ResolveAwsSettings({"destination", "", "", ""}, fake.Get());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->access_key_id, "CFG");
  EXPECT_EQ(s->region, "ap-south-1");  // the environment overrides the profile
  EXPECT_EQ(s->endpoint, "https://s3.ap-south-1.amazonaws.com");
  EXPECT_EQ(s->ca_bundle, "/etc/ca-profile.pem");
  fake.vars["AWS_CA_BUNDLE"] = "/etc/ca-env.pem";  // as the aws CLI: the variable wins
  EXPECT_EQ(ResolveAwsSettings({"destination", "", "", ""}, fake.Get())->ca_bundle,
            "/etc/ca-env.pem");
}

TEST(AwsSettingsTest, MissingCredentialsAndProfilesAreExplained) {
  FakeEnvironment fake;
  auto none = ResolveAwsSettings({"source", "", "", ""}, fake.Get());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
  auto missing = ResolveAwsSettings({"source", "nope", "", ""}, fake.Get());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("profile 'nope'"), std::string::npos);
  fake.files["/home/u/.aws/config"] = "[profile role]\nrole_arn=arn:aws:iam::1:role/x\n";
  auto role = ResolveAwsSettings({"source", "role", "", ""}, fake.Get());
  ASSERT_FALSE(role.ok());
  EXPECT_NE(role.status().message().find("not supported"), std::string::npos);
}

}  // namespace
}  // namespace stocktake::scan
