// The chat webhooks on the real server over real sockets, with an index of the bundled notes:
// requests are signed here (an HMAC test secret, an Ed25519 key pair generated per run).

#include <gtest/gtest.h>

#include <mutex>

#include "integration/test_client.hpp"
#include "integrations/form_data.hpp"
#include "server/server.hpp"
#include "store/index_builder.hpp"
#include "support/test_certificate.hpp"
#include "support/tls_test_server.hpp"
#include "unit/integrations/test_signing.hpp"

namespace qabot::server::testing {
namespace {

namespace fs = std::filesystem;
using integrations::testing::Ed25519KeyPair;
using integrations::testing::now_seconds;
using integrations::testing::slack_signature;

constexpr const char* kSecret = "test-signing-secret-0123456789";

class IntegrationsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path() / "qabot.db";
    store::IndexBuilder(db_).build({fs::path(QABOT_SOURCE_DIR) / "data" / "interview-notes.md"});
  }

  // `delivery`: Slack follow-ups go through the server's own HTTPS client with these options;
  // otherwise they are collected in follow_ups_.
  void start(bool integrations_on = true, std::optional<FollowUpOptions> delivery = std::nullopt) {
    ServerConfig c;
    c.port = 0;
    c.io_threads = 2;
    c.workers = 2;
    c.db = db_;
    c.engine_factory = make_answerer_factory({});
    if (integrations_on) {
      c.integrations.slack_signing_secret = kSecret;
      c.integrations.discord_public_key = key_.public_key_hex();
      if (delivery) {
        c.slack_delivery = std::move(delivery);
      } else {
        c.slack_follow_up = [this](integrations::FollowUp f) {
          std::lock_guard lock(mutex_);
          follow_ups_.push_back(std::move(f));
        };
      }
    }
    server_ = std::make_unique<Server>(std::move(c));
    server_->start();
  }

  void TearDown() override {
    if (server_) {
      server_->shutdown();
      server_->wait();
    }
  }

  http::response<http::string_body> slack(const std::string& path, const std::string& body, std::string ts = "",
                                          std::string signature = "") {
    if (ts.empty()) ts = std::to_string(now_seconds());
    if (signature.empty()) signature = slack_signature(kSecret, ts, body);
    return http_request(server_->port(), http::verb::post, path, body,
                        {{"Content-Type", "application/x-www-form-urlencoded"},
                         {"X-Slack-Request-Timestamp", ts},
                         {"X-Slack-Signature", signature}});
  }

  http::response<http::string_body> discord(const json& interaction, const Ed25519KeyPair* signer = nullptr) {
    const std::string body = interaction.dump();
    const std::string ts = std::to_string(now_seconds());
    return http_request(server_->port(), http::verb::post, "/integrations/discord/interactions", body,
                        {{"Content-Type", "application/json"},
                         {"X-Signature-Timestamp", ts},
                         {"X-Signature-Ed25519", (signer ? signer : &key_)->discord_signature(ts, body)}});
  }

  TempDir dir_;
  fs::path db_;
  Ed25519KeyPair key_;
  std::unique_ptr<Server> server_;
  std::mutex mutex_;
  std::vector<integrations::FollowUp> follow_ups_;
};

TEST_F(IntegrationsServerTest, SlashCommandGetsBlockKitAnswer) {
  start();
  const auto res = slack("/integrations/slack/command",
                         "command=%2Fask&text=" + integrations::url_encode("BN有什么作用") + "&user_id=U1");
  ASSERT_EQ(res.result_int(), 200) << res.body();
  EXPECT_NE(res[http::field::content_type].find("application/json"), std::string::npos);
  const json msg = json::parse(res.body());
  EXPECT_EQ(msg["response_type"], "in_channel");
  EXPECT_EQ(msg["blocks"][0]["type"], "header");
  EXPECT_EQ(msg["blocks"][0]["text"]["text"], "BN有什么作用");
  EXPECT_EQ(msg["blocks"][1]["type"], "section");
  EXPECT_NE(msg["blocks"][1]["text"]["text"].get<std::string>().find("加速"), std::string::npos);
}

TEST_F(IntegrationsServerTest, BadSlackRequestsGet401) {
  start();
  const std::string path = "/integrations/slack/command";
  const std::string body = "text=BN";
  const std::string ts = std::to_string(now_seconds());
  EXPECT_EQ(slack(path, "text=BM", ts, slack_signature(kSecret, ts, body)).result_int(), 401);  // tampered
  EXPECT_EQ(slack(path, body, ts, slack_signature("wrong", ts, body)).result_int(), 401);
  const std::string stale = std::to_string(now_seconds() - 600);
  EXPECT_EQ(slack(path, body, stale).result_int(), 401);
  EXPECT_EQ(http_request(server_->port(), http::verb::post, path, body).result_int(), 401);  // no headers
  EXPECT_EQ(slack("/integrations/slack/interactive", "payload=%7B%7D", ts, "v0=00").result_int(), 401);
  // Each refusal is counted, so an operator sees a misconfigured secret or someone probing.
  const auto metrics = http_request(server_->port(), http::verb::get, "/metrics").body();
  EXPECT_NE(metrics.find("qabot_signature_failures_total{channel=\"slack\"} 5"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("qabot_http_responses_total{route=\"/integrations/slack\",class=\"4xx\"} 5"),
            std::string::npos);
}

TEST_F(IntegrationsServerTest, SlackButtonClickAnswersThroughTheResponseUrl) {
  start();
  const json payload = {{"type", "block_actions"},
                        {"response_url", "https://hooks.slack.com/actions/T0/1/x"},
                        {"actions", {{{"action_id", "qabot_ask_1"}, {"type", "button"}, {"value", "AP计算方式"}}}}};
  const auto res = slack("/integrations/slack/interactive", "payload=" + integrations::url_encode(payload.dump()));
  ASSERT_EQ(res.result_int(), 200) << res.body();
  EXPECT_TRUE(res.body().empty());
  std::lock_guard lock(mutex_);
  ASSERT_EQ(follow_ups_.size(), 1u);
  EXPECT_EQ(follow_ups_[0].url, "https://hooks.slack.com/actions/T0/1/x");
  EXPECT_EQ(json::parse(follow_ups_[0].json)["blocks"][0]["text"]["text"], "AP计算方式");
}

TEST_F(IntegrationsServerTest, SlackButtonClickIsPostedToSlackOverHttps) {
  // A local stand-in for hooks.slack.com with a certificate for that name, trusted by this test only;
  // the server's client connects to it but verifies the certificate against hooks.slack.com.
  const test_support::TestCertificate cert({"hooks.slack.com"}, {});
  test_support::TlsTestServer fake_slack(cert);
  FollowUpOptions delivery;
  delivery.trusted_ca_pem = cert.certificate_pem();
  delivery.connect_host = "127.0.0.1";
  delivery.connect_port = fake_slack.port();
  start(true, delivery);

  const json payload = {{"type", "block_actions"},
                        {"response_url", "https://hooks.slack.com/actions/T0/1/x"},
                        {"actions", {{{"action_id", "qabot_ask_1"}, {"type", "button"}, {"value", "AP计算方式"}}}}};
  const auto res = slack("/integrations/slack/interactive", "payload=" + integrations::url_encode(payload.dump()));
  ASSERT_EQ(res.result_int(), 200) << res.body();
  EXPECT_TRUE(res.body().empty());

  const auto got = fake_slack.wait_for_requests(1, std::chrono::seconds(15));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/actions/T0/1/x");
  EXPECT_EQ(got[0].host, "hooks.slack.com");
  EXPECT_EQ(got[0].content_type, "application/json");
  const json answer = json::parse(got[0].body);
  EXPECT_EQ(answer["replace_original"], false);
  EXPECT_EQ(answer["blocks"][0]["type"], "header");
  EXPECT_EQ(answer["blocks"][0]["text"]["text"], "AP计算方式");
  EXPECT_EQ(answer["blocks"][1]["type"], "section");
}

TEST_F(IntegrationsServerTest, DiscordPingCommandAndClick) {
  start();
  auto res = discord({{"type", 1}});
  ASSERT_EQ(res.result_int(), 200);
  EXPECT_EQ(json::parse(res.body()), json({{"type", 1}}));

  res = discord(
      {{"type", 2},
       {"data", {{"name", "ask"}, {"options", {{{"name", "question"}, {"type", 3}, {"value", "BN有什么作用"}}}}}}});
  ASSERT_EQ(res.result_int(), 200) << res.body();
  json reply = json::parse(res.body());
  EXPECT_EQ(reply["type"], 4);
  EXPECT_EQ(reply["data"]["embeds"][0]["title"], "BN有什么作用");
  EXPECT_NE(reply["data"]["content"].get<std::string>().find("加速"), std::string::npos);
  ASSERT_FALSE(reply["data"]["components"][0]["components"].empty());
  const json button = reply["data"]["components"][0]["components"][0];

  res = discord({{"type", 3}, {"data", {{"component_type", 2}, {"custom_id", button["custom_id"]}}}});
  ASSERT_EQ(res.result_int(), 200) << res.body();
  reply = json::parse(res.body());
  EXPECT_EQ(reply["type"], 4);
  EXPECT_EQ(reply["data"]["embeds"][0]["title"], button["label"]);
}

TEST_F(IntegrationsServerTest, BadDiscordSignaturesGet401) {
  start();
  Ed25519KeyPair stranger;
  EXPECT_EQ(discord({{"type", 1}}, &stranger).result_int(), 401);
  EXPECT_EQ(http_request(server_->port(), http::verb::post, "/integrations/discord/interactions", R"({"type":1})")
                .result_int(),
            401);
}

TEST_F(IntegrationsServerTest, RoutesAre404WhenOff) {
  start(/*integrations_on=*/false);
  for (const char* path :
       {"/integrations/slack/command", "/integrations/slack/interactive", "/integrations/discord/interactions"}) {
    EXPECT_EQ(http_request(server_->port(), http::verb::post, path, "text=x").result_int(), 404) << path;
  }
}

}  // namespace
}  // namespace qabot::server::testing
