#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_answers.hpp"
#include "integrations/chat_markdown.hpp"
#include "integrations/discord_endpoint.hpp"
#include "integrations/discord_messages.hpp"
#include "test_signing.hpp"

namespace qabot::integrations {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1700000000;

class DiscordEndpointTest : public ::testing::Test {
 protected:
  testing::Ed25519KeyPair key_;
  DiscordEndpoint endpoint_{key_.public_key_hex(), [] { return kNow; }};
  testing::FakeAnswers answers_;

  WebhookResponse send(const json& interaction) {
    body_ = interaction.dump();
    timestamp_ = std::to_string(kNow);
    signature_ = key_.discord_signature(timestamp_, body_);
    return endpoint_.interactions({body_, timestamp_, signature_}, answers_.function());
  }
  std::string body_, timestamp_, signature_;
};

json ask_command(const std::string& question) {
  return {{"type", 2},
          {"id", "1"},
          {"token", "t"},
          {"data",
           {{"name", "ask"}, {"type", 1}, {"options", {{{"name", "question"}, {"type", 3}, {"value", question}}}}}}};
}

TEST_F(DiscordEndpointTest, AnswersPingWithPong) {
  const auto res = send({{"type", 1}});
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(json::parse(res.json), json({{"type", 1}}));
}

TEST_F(DiscordEndpointTest, RejectsBadSignaturesWith401) {
  const std::string body = R"({"type":1})";
  const std::string ts = std::to_string(kNow);
  const auto sig = key_.discord_signature(ts, body);
  const auto f = answers_.function();
  EXPECT_EQ(endpoint_.interactions({R"({"type":2})", ts, sig}, f).status, 401);
  EXPECT_EQ(endpoint_.interactions({body, std::to_string(kNow + 1), sig}, f).status, 401);
  testing::Ed25519KeyPair other;
  EXPECT_EQ(endpoint_.interactions({body, ts, other.discord_signature(ts, body)}, f).status, 401);
  const std::string old = std::to_string(kNow - 3600);
  EXPECT_EQ(endpoint_.interactions({body, old, key_.discord_signature(old, body)}, f).status, 401);
  EXPECT_EQ(endpoint_.interactions({body, "", sig}, f).status, 401);
  EXPECT_EQ(endpoint_.interactions({body, ts, ""}, f).status, 401);
  EXPECT_EQ(endpoint_.interactions({body, ts, "not hex"}, f).status, 401);
}

TEST_F(DiscordEndpointTest, AnswersTheAskCommand) {
  const auto res = send(ask_command("BN有什么作用"));
  ASSERT_EQ(res.status, 200) << res.message;
  const json reply = json::parse(res.json);
  EXPECT_EQ(reply["type"], 4);
  const auto& data = reply["data"];
  EXPECT_EQ(data["content"], "**加速训练**；\n\n防止[过拟合](https://en.wikipedia.org/wiki/Overfitting)。");
  EXPECT_EQ(data["embeds"][0]["title"], "BN有什么作用");
  EXPECT_EQ(data["embeds"][0]["fields"][0]["value"], "面试题 / A");
  EXPECT_EQ(data["embeds"][0]["fields"][1]["value"], "0.97");
  EXPECT_EQ(data["allowed_mentions"]["parse"], json::array());
  const auto& row = data["components"][0];
  EXPECT_EQ(row["type"], 1);
  ASSERT_EQ(row["components"].size(), 2u);
  EXPECT_EQ(row["components"][0]["type"], 2);
  EXPECT_EQ(row["components"][0]["label"], "AP计算方式");
  EXPECT_EQ(row["components"][0]["custom_id"], "qa:2:AP计算方式");
}

TEST_F(DiscordEndpointTest, NoMatchIsEphemeralWithTheClosestQuestions) {
  const auto res = send(ask_command("quantum chromodynamics"));
  const json data = json::parse(res.json)["data"];
  EXPECT_EQ(data["flags"], 64);
  EXPECT_EQ(data["components"][0]["components"].size(), 2u);
}

TEST_F(DiscordEndpointTest, ButtonClickAnswersTheClickedQuestion) {
  const auto res = send({{"type", 3}, {"data", {{"component_type", 2}, {"custom_id", "qa:1:BN有什么作用"}}}});
  ASSERT_EQ(res.status, 200);
  const json reply = json::parse(res.json);
  EXPECT_EQ(reply["type"], 4);
  EXPECT_EQ(reply["data"]["embeds"][0]["title"], "BN有什么作用");
  EXPECT_EQ(answers_.asked, std::vector<std::string>{"BN有什么作用"});
}

TEST_F(DiscordEndpointTest, LongAnswersFitInTwoThousandCharacters) {
  std::string md = "Intro.\n\n```python\n";
  for (int i = 0; i < 300; ++i) md += "print('批归一化😀 " + std::to_string(i) + "')\n";
  md += "```\n";
  answers_.long_answer = md;
  const auto res = send(ask_command("long one"));
  const std::string content = json::parse(res.json)["data"]["content"];
  EXPECT_LE(chat_length(content), 2000u);
  std::size_t fences = 0;
  for (std::size_t p = 0; (p = content.find("```", p)) != std::string::npos; p += 3) ++fences;
  EXPECT_EQ(fences % 2, 0u);
  EXPECT_NE(content.find("shortened"), std::string::npos);
}

TEST_F(DiscordEndpointTest, EachUserInEachChannelIsItsOwnConversation) {
  json in_guild = ask_command("BN");
  in_guild["guild_id"] = "G1";
  in_guild["channel_id"] = "C1";
  in_guild["member"] = {{"user", {{"id", "U1"}}}};
  send(in_guild);
  json direct = ask_command("BN");
  direct["channel_id"] = "D9";
  direct["user"] = {{"id", "U1"}};
  send(direct);
  EXPECT_EQ(answers_.sessions, (std::vector<std::string>{"discord:G1/C1/U1", "discord:/D9/U1"}));
}

TEST_F(DiscordEndpointTest, NearTieAsksWhichOneWithButtons) {
  const json data = json::parse(send(ask_command("pooling")).json)["data"];
  EXPECT_EQ(data["content"], "Did you mean…?");
  const auto& row = data["components"][0]["components"];
  ASSERT_EQ(row.size(), 2u);
  EXPECT_EQ(row[0]["custom_id"], "qa:5:pooling作用");
  EXPECT_EQ(row[1]["label"], "Pooling层怎么反向传播");
}

TEST(DiscordMessagesTest, CustomIdsFitAndReadBack) {
  const std::string question(150, 'q');
  answer::Answer a;
  a.result.matched = true;
  a.result.hits = {testing::hit(1, "x", 0.9), testing::hit(9007199254740991, question, 0.5)};
  const json data = discord_answer_data(a);
  const std::string id = data["components"][0]["components"][0]["custom_id"];
  EXPECT_LE(chat_length(id), 100u);
  EXPECT_LE(chat_length(data["components"][0]["components"][0]["label"].get<std::string>()), 80u);
  const auto back = question_from_custom_id(id);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(question.starts_with(*back));
  EXPECT_FALSE(question_from_custom_id("other:1:x").has_value());
}

}  // namespace
}  // namespace qabot::integrations

namespace qabot::integrations {
namespace {

class DiscordQuizTest : public DiscordEndpointTest {
 protected:
  std::vector<QuizCommand> calls_;
  QuizFunction quiz_ = [this](const QuizCommand& c) {
    calls_.push_back(c);
    return std::string("**Passed** — 80%\n\n- covered point");
  };

  WebhookResponse quiz(const json& options, const QuizFunction& f) {
    const json interaction = {{"type", 2},
                              {"id", "1"},
                              {"token", "t"},
                              {"guild_id", "G1"},
                              {"channel_id", "C1"},
                              {"member", {{"user", {{"id", "U7"}}}}},
                              {"data", {{"name", "quiz"}, {"type", 1}, {"options", options}}}};
    body_ = interaction.dump();
    timestamp_ = std::to_string(kNow);
    signature_ = key_.discord_signature(timestamp_, body_);
    return endpoint_.interactions({body_, timestamp_, signature_}, answers_.function(), f);
  }
};

TEST_F(DiscordQuizTest, CategoryStartsAndAnswerGrades) {
  auto res = quiz(json::array({{{"name", "category"}, {"type", 3}, {"value", "python"}}}), quiz_);
  ASSERT_EQ(res.status, 200) << res.message;
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].kind, QuizCommand::Kind::Start);
  EXPECT_EQ(calls_[0].user, "discord:U7");
  EXPECT_EQ(calls_[0].text, "python");
  const json body = json::parse(res.json);
  EXPECT_EQ(body["type"], 4);
  EXPECT_NE(body["data"]["content"].get<std::string>().find("**Passed**"), std::string::npos);
  EXPECT_TRUE(body["data"]["flags"].is_number());  // ephemeral

  res = quiz(json::array({{{"name", "answer"}, {"type", 3}, {"value", " 增加数据 "}}}), quiz_);
  ASSERT_EQ(calls_.size(), 2u);
  EXPECT_EQ(calls_[1].kind, QuizCommand::Kind::Answer);
  EXPECT_EQ(calls_[1].text, "增加数据");

  res = quiz(json::array(), quiz_);
  ASSERT_EQ(calls_.size(), 3u);
  EXPECT_EQ(calls_[2].kind, QuizCommand::Kind::Start);
  EXPECT_EQ(calls_[2].text, "");
}

TEST_F(DiscordQuizTest, OffWithoutAQuizFunction) {
  const auto res = quiz(json::array(), QuizFunction{});
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(json::parse(res.json)["data"]["content"].get<std::string>().find("off"), std::string::npos);
  EXPECT_TRUE(calls_.empty());
}

}  // namespace
}  // namespace qabot::integrations
