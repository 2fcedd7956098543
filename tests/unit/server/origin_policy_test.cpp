#include "server/origin_policy.hpp"

#include <gtest/gtest.h>

namespace qabot::server {
namespace {

bool allows(const OriginPolicy& p, std::string_view origin, std::string_view host) { return p.allows(&origin, host); }

TEST(OriginPolicyTest, NoOriginMeansANonBrowserClient) {
  EXPECT_TRUE(OriginPolicy().allows(nullptr, "127.0.0.1:8080"));
}

TEST(OriginPolicyTest, SameHostAndPortIsAllowed) {
  OriginPolicy p;
  EXPECT_TRUE(allows(p, "http://127.0.0.1:8080", "127.0.0.1:8080"));
  EXPECT_TRUE(allows(p, "http://LocalHost:8080/", "localhost:8080"));
  EXPECT_TRUE(allows(p, "http://example.com", "example.com"));
  EXPECT_TRUE(allows(p, "http://example.com", "example.com:80"));
  EXPECT_TRUE(allows(p, "http://[::1]:9000", "[::1]:9000"));
  // Behind a TLS-terminating proxy the Host has no port and the page is https.
  EXPECT_TRUE(allows(p, "https://example.com", "example.com"));
}

TEST(OriginPolicyTest, ForeignOriginsAreRefused) {
  OriginPolicy p;
  EXPECT_FALSE(allows(p, "http://evil.example:8080", "127.0.0.1:8080"));
  EXPECT_FALSE(allows(p, "http://127.0.0.1:8081", "127.0.0.1:8080"));
  EXPECT_FALSE(allows(p, "https://example.com", "example.com:8080"));
  EXPECT_FALSE(allows(p, "null", "127.0.0.1:8080"));
  EXPECT_FALSE(allows(p, "", "127.0.0.1:8080"));
  EXPECT_FALSE(allows(p, "http://127.0.0.1:8080@evil", "127.0.0.1:8080"));
  EXPECT_FALSE(allows(p, "http://127.0.0.1:8080", ""));
}

TEST(OriginPolicyTest, ListedOriginsAreAllowed) {
  OriginPolicy p({"https://chat.example.com", "http://localhost:3000/"});
  EXPECT_TRUE(allows(p, "https://chat.example.com", "127.0.0.1:8080"));
  EXPECT_TRUE(allows(p, "https://CHAT.example.com:443", "127.0.0.1:8080"));
  EXPECT_TRUE(allows(p, "http://localhost:3000", "127.0.0.1:8080"));
  EXPECT_FALSE(allows(p, "http://chat.example.com", "127.0.0.1:8080"));
  EXPECT_TRUE(allows(p, "http://127.0.0.1:8080", "127.0.0.1:8080"));  // its own page still works
}

TEST(OriginPolicyTest, StarAllowsEveryOrigin) {
  OriginPolicy p({"*"});
  EXPECT_TRUE(allows(p, "http://anything.example", "127.0.0.1:8080"));
}

TEST(OriginPolicyTest, NormalizesOrigins) {
  EXPECT_EQ(normalize_origin("HTTP://Example.COM:80/"), "http://example.com");
  EXPECT_EQ(normalize_origin("https://a.b:8443"), "https://a.b:8443");
  EXPECT_EQ(normalize_origin("a.b"), "");
  EXPECT_EQ(normalize_origin("http://a/b"), "");
}

}  // namespace
}  // namespace qabot::server
