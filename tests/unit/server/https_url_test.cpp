#include "server/https_url.hpp"

#include <gtest/gtest.h>

namespace qabot::server {
namespace {

TEST(HttpsUrlTest, SplitsHostPortAndTarget) {
  const auto url = parse_https_url("https://Hooks.Slack.com/actions/T0/1/abc?x=1#frag");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "hooks.slack.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/actions/T0/1/abc?x=1");
  EXPECT_EQ(url->authority(), "hooks.slack.com");

  const auto local = parse_https_url("https://localhost:8443");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->port, 8443);
  EXPECT_EQ(local->target, "/");
  EXPECT_EQ(local->authority(), "localhost:8443");
  EXPECT_EQ(parse_https_url("https://h?q=1")->target, "/?q=1");
}

TEST(HttpsUrlTest, RefusesWhatCouldBendTheRequest) {
  for (const char* bad :
       {"http://hooks.slack.com/x", "hooks.slack.com/x", "https://", "https:///x", "https://user@hooks.slack.com/x",
        "https://hooks.slack.com:0/x", "https://hooks.slack.com:65536/x", "https://hooks.slack.com:/x",
        "https://hooks.slack.com:44x/x", "https://[::1]/x", "https://hooks.slack.com/a b",
        "https://hooks.slack.com/a\r\nX-Evil: 1", "https://hooks.slack.com/\xe4\xbd\xa0", "https://-h/x",
        "https://ho_st/x"}) {
    EXPECT_FALSE(parse_https_url(bad)) << bad;
  }
}

TEST(HttpsUrlTest, RedactedShowsHostAndAShortPrefixOnly) {
  const auto url = parse_https_url("https://hooks.slack.com/actions/T0123/456789/SECRETTOKEN");
  ASSERT_TRUE(url);
  const std::string shown = url->redacted();
  EXPECT_EQ(shown, "hooks.slack.com/actions/T01…");
  EXPECT_EQ(shown.find("SECRET"), std::string::npos);
  EXPECT_EQ(parse_https_url("https://localhost:8443/ok")->redacted(), "localhost:8443/ok");
}

}  // namespace
}  // namespace qabot::server
