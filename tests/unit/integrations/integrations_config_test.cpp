#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "integrations/integrations_config.hpp"
#include "support/temp_dir.hpp"

namespace qabot::integrations {
namespace {

namespace fs = std::filesystem;

Environment env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(IntegrationsConfigTest, PublicUrlIsAnHttpUrlWithAHost) {
  EXPECT_EQ(parse_public_url("https://qa.example.com/"), "https://qa.example.com");
  EXPECT_EQ(parse_public_url("http://10.0.0.5:8080/qabot//"), "http://10.0.0.5:8080/qabot");
  for (const char* url : {"", "qa.example.com", "ftp://qa.example.com", "https://", "https:///x", "https://:80/",
                          "https://user:pw@qa.example.com", "https://qa.example.com/?a=1", "https://qa.example.com/#x",
                          "https://qa.example.com/a b", "javascript:alert(1)", "https://qa.example.com\\x"}) {
    EXPECT_EQ(parse_public_url(url), std::nullopt) << url;
  }
}

TEST(IntegrationsConfigTest, OffUnlessConfigured) {
  const auto config = load_integrations_config(std::nullopt, env({}));
  EXPECT_FALSE(config.slack_enabled());
  EXPECT_FALSE(config.discord_enabled());
}

TEST(IntegrationsConfigTest, ReadsEnvironment) {
  const auto config =
      load_integrations_config(std::nullopt, env({{kSlackSecretVariable, "s3cret"}, {kDiscordKeyVariable, "ab"}}));
  EXPECT_EQ(config.slack_signing_secret, "s3cret");
  EXPECT_EQ(config.discord_public_key, "ab");
}

TEST(IntegrationsConfigTest, FileOverridesEnvironment) {
  test_support::TempDir dir;
  const auto file = dir.write("integrations.env", "# secrets\nQABOT_SLACK_SIGNING_SECRET = \"from-file\"\n\n");
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  const auto config =
      load_integrations_config(file, env({{kSlackSecretVariable, "from-env"}, {kDiscordKeyVariable, "k"}}));
  EXPECT_EQ(config.slack_signing_secret, "from-file");
  EXPECT_EQ(config.discord_public_key, "k");
}

TEST(IntegrationsConfigTest, RefusesAFileOthersCanRead) {
  test_support::TempDir dir;
  const auto file = dir.write("integrations.env", "QABOT_SLACK_SIGNING_SECRET=topsecretvalue\n");
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read,
                  fs::perm_options::replace);
  try {
    load_integrations_config(file, env({}));
    FAIL() << "a group-readable file was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("topsecretvalue"), std::string::npos);
  }
}

TEST(IntegrationsConfigTest, RefusesUnknownSettingsWithoutEchoingValues) {
  test_support::TempDir dir;
  const auto file = dir.write("integrations.env", "QABOT_SLACK_SECRET=topsecretvalue\n");
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  try {
    load_integrations_config(file, env({}));
    FAIL() << "an unknown setting was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(":1:"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("topsecretvalue"), std::string::npos);
  }
  EXPECT_THROW(load_integrations_config(dir / "missing.env", env({})), std::runtime_error);
}

}  // namespace
}  // namespace qabot::integrations
