#include "server/url.hpp"

#include <gtest/gtest.h>

namespace qabot::server {
namespace {

Url chat_url(std::string_view text) {
  const UrlResult r = parse_url(text, {"ws", "wss"}, "/ws");
  EXPECT_TRUE(r.url) << text << ": " << r.error;
  EXPECT_EQ(r.url.has_value(), r.error.empty());
  return r.url.value_or(Url{});
}

std::string chat_error(std::string_view text) {
  const UrlResult r = parse_url(text, {"ws", "wss"}, "/ws");
  EXPECT_FALSE(r.url) << text;
  return r.error;
}

TEST(UrlTest, WebSocketUrlsGetTheSchemesDefaultPort) {
  const Url ws = chat_url("ws://127.0.0.1/ws");
  EXPECT_EQ(ws.scheme, "ws");
  EXPECT_EQ(ws.host, "127.0.0.1");
  EXPECT_EQ(ws.port, 80);
  EXPECT_EQ(ws.target, "/ws");
  EXPECT_EQ(ws.authority(), "127.0.0.1");

  const Url wss = chat_url("WSS://Chat.Example.com/socket?token=a%20b#top");
  EXPECT_EQ(wss.scheme, "wss");
  EXPECT_EQ(wss.host, "chat.example.com");
  EXPECT_EQ(wss.port, 443);
  EXPECT_EQ(wss.target, "/socket?token=a%20b");
  EXPECT_EQ(wss.authority(), "chat.example.com");
}

TEST(UrlTest, ExplicitPortsAndTheEmptyPath) {
  const Url u = chat_url("ws://localhost:8080");
  EXPECT_EQ(u.port, 8080);
  EXPECT_EQ(u.target, "/ws");  // the caller's empty_path
  EXPECT_EQ(u.authority(), "localhost:8080");
  EXPECT_EQ(chat_url("wss://h:443/").authority(), "h");
  EXPECT_EQ(chat_url("wss://h:80/").authority(), "h:80");
  EXPECT_EQ(chat_url("ws://h:65535/x").port, 65535);
  EXPECT_EQ(chat_url("ws://h?x=1").target, "/ws?x=1");
  EXPECT_EQ(parse_url("https://h", {"https"}).url->target, "/");
}

TEST(UrlTest, IPv6LiteralsLoseTheirBracketsAndGetThemBackInTheAuthority) {
  const Url u = chat_url("ws://[::1]:9000/ws");
  EXPECT_TRUE(u.ipv6);
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 9000);
  EXPECT_EQ(u.authority(), "[::1]:9000");
  EXPECT_EQ(chat_url("wss://[0:0:0:0:0:0:0:1]/ws").host, "::1");  // canonical, so comparisons hold
  EXPECT_EQ(chat_url("wss://[2001:DB8::A]/ws").authority(), "[2001:db8::a]");
  EXPECT_FALSE(chat_url("ws://10.0.0.1/ws").ipv6);
}

TEST(UrlTest, RefusalsSayWhatWasExpected) {
  EXPECT_EQ(chat_error("http://h/ws"), "not a ws:// or wss:// URL: http://h/ws");
  EXPECT_EQ(chat_error("localhost:8080"), "not a ws:// or wss:// URL: localhost:8080");
  EXPECT_EQ(chat_error("ws://user:pw@h/ws"),
            "not a ws:// or wss:// URL: ws://user:pw@h/ws (user info is not accepted)");
  EXPECT_EQ(chat_error("ws://h:0/ws"), "not a ws:// or wss:// URL: ws://h:0/ws (bad port)");
  EXPECT_EQ(chat_error("ws://h:80x/ws"), "not a ws:// or wss:// URL: ws://h:80x/ws (bad port)");
  EXPECT_EQ(chat_error("ws:///ws"), "not a ws:// or wss:// URL: ws:///ws (no host)");
  EXPECT_EQ(chat_error("ws:h/ws"), "not a ws:// or wss:// URL: ws:h/ws (no host)");
  EXPECT_EQ(parse_url("ftp://h", {"https", "ws", "wss"}).error, "not a https://, ws:// or wss:// URL: ftp://h");
}

TEST(UrlTest, RefusesWhatCouldBendARequest) {
  for (const char* bad : {"", "ws://", "ws://h:/ws", "ws://h:65536/ws", "ws://h:8o/ws", "ws://h_1/ws", "ws://-h/ws",
                          "ws://.h/ws", "ws://h%2e1/ws", "ws://[v1.x]/ws", "ws://[::1/ws", "ws://h/a b",
                          "ws://h/a\r\nX: 1", "ws://h/\xe4\xbd\xa0", "ws://@h/ws"}) {
    EXPECT_FALSE(parse_url(bad, {"ws", "wss"}).url) << bad;
  }
}

TEST(UrlTest, RedactedShowsTheAuthorityAndAShortPrefixOnly) {
  EXPECT_EQ(chat_url("wss://h:8443/ws").redacted(), "h:8443/ws");
  EXPECT_EQ(chat_url("wss://[::1]/0123456789abcdef").redacted(), "[::1]/0123456789a…");
}

TEST(UrlTest, OriginsAreSchemeHostAndPort) {
  const auto o = parse_origin("https://example.com:8443");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->scheme, "https");
  EXPECT_EQ(o->host, "example.com");
  EXPECT_EQ(o->port, 8443);
  EXPECT_EQ(o->origin(), "https://example.com:8443");
  EXPECT_EQ(parse_origin("http://example.com")->port, 80);
  EXPECT_EQ(parse_origin("HTTPS://EXAMPLE.com")->origin(), "https://example.com");
  EXPECT_EQ(parse_origin("http://Example.com:80")->origin(), "http://example.com");
  EXPECT_EQ(parse_origin("http://localhost:3000/")->origin(), "http://localhost:3000");
  EXPECT_EQ(parse_origin("http://[::1]:9000")->origin(), "http://[::1]:9000");
  EXPECT_EQ(parse_origin("chrome-extension://abcdef")->port, 0);  // no default port to assume
}

TEST(UrlTest, OriginsRefuseNullAndAnythingBeyondTheAuthority) {
  for (const char* bad : {"null", "", "example.com", "http://", "http://a/b", "http://a?x", "http://a#x", "http://u@a",
                          "http://127.0.0.1:8080@evil", "http://a:0", "http://a:8x", "http://a b"}) {
    EXPECT_FALSE(parse_origin(bad)) << bad;
  }
}

TEST(UrlTest, HostHeadersTakeTheSchemesDefaultPort) {
  EXPECT_EQ(parse_host_header("Example.com", "https")->port, 443);
  EXPECT_EQ(parse_host_header("Example.com", "https")->host, "example.com");
  EXPECT_EQ(parse_host_header("example.com:8080", "http")->port, 8080);
  const auto v6 = parse_host_header("[::1]:9000", "http");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9000);
  for (const char* bad : {"", "u@h", "h:0", "h:x", "h_1", "[::1"}) EXPECT_FALSE(parse_host_header(bad, "http")) << bad;
}

}  // namespace
}  // namespace qabot::server
