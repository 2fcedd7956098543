#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_answers.hpp"
#include "integrations/chat_markdown.hpp"
#include "integrations/form_data.hpp"
#include "integrations/slack_endpoint.hpp"
#include "test_signing.hpp"

namespace qabot::integrations {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1700000000;
constexpr const char* kSecret = "8f742231b10e8888abcd99yyyzzz85a5";

class SlackEndpointTest : public ::testing::Test {
 protected:
  SlackEndpoint endpoint_{kSecret, [] { return kNow; }};
  testing::FakeAnswers answers_;

  WebhookResponse command(const std::string& body, std::string timestamp = std::to_string(kNow)) {
    signature_ = testing::slack_signature(kSecret, timestamp, body);
    timestamp_ = timestamp;
    return endpoint_.command({body, timestamp_, signature_}, answers_.function());
  }
  std::string signature_, timestamp_;
};

TEST_F(SlackEndpointTest, AnswersASlashCommandWithBlockKit) {
  const auto res = command("command=%2Fask&text=BN%E6%9C%89%E4%BB%80%E4%B9%88%E4%BD%9C%E7%94%A8&user_id=U1");
  ASSERT_EQ(res.status, 200) << res.message;
  const json msg = json::parse(res.json);
  EXPECT_EQ(msg["response_type"], "in_channel");
  const auto& blocks = msg["blocks"];
  ASSERT_GE(blocks.size(), 4u);
  EXPECT_EQ(blocks[0]["type"], "header");
  EXPECT_EQ(blocks[0]["text"]["text"], "BN有什么作用");
  EXPECT_EQ(blocks[1]["type"], "section");
  EXPECT_EQ(blocks[1]["text"]["type"], "mrkdwn");
  EXPECT_EQ(blocks[1]["text"]["text"], "*加速训练*；\n\n防止<https://en.wikipedia.org/wiki/Overfitting|过拟合>。");
  EXPECT_EQ(blocks[2]["type"], "context");
  const std::string context = blocks[2].dump();
  EXPECT_NE(context.find("面试题 / A"), std::string::npos);
  EXPECT_NE(context.find("confidence 0.97"), std::string::npos);
  const auto& actions = blocks[3];
  EXPECT_EQ(actions["type"], "actions");
  ASSERT_EQ(actions["elements"].size(), 2u);
  EXPECT_EQ(actions["elements"][0]["type"], "button");
  EXPECT_EQ(actions["elements"][0]["value"], "AP计算方式");
  EXPECT_EQ(actions["elements"][0]["text"]["text"], "AP计算方式");
  EXPECT_EQ(answers_.asked, std::vector<std::string>{"BN有什么作用"});
}

TEST_F(SlackEndpointTest, NoMatchIsAnEphemeralReplyWithTheClosestQuestions) {
  const auto res = command("text=quantum+chromodynamics");
  ASSERT_EQ(res.status, 200);
  const json msg = json::parse(res.json);
  EXPECT_EQ(msg["response_type"], "ephemeral");
  const auto& blocks = msg["blocks"];
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_NE(blocks[0]["text"]["text"].get<std::string>().find("quantum chromodynamics"), std::string::npos);
  ASSERT_EQ(blocks[1]["elements"].size(), 2u);
  EXPECT_EQ(blocks[1]["elements"][1]["value"], "过拟合怎么办");
}

TEST_F(SlackEndpointTest, EmptyTextGetsUsage) {
  const auto res = command("command=%2Fask&text=+");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(json::parse(res.json)["response_type"], "ephemeral");
  EXPECT_TRUE(answers_.asked.empty());
}

TEST_F(SlackEndpointTest, RejectsBadRequestsWith401BeforeAsking) {
  const std::string body = "text=BN";
  const std::string ts = std::to_string(kNow);
  const std::string sig = testing::slack_signature(kSecret, ts, body);
  const auto f = answers_.function();
  EXPECT_EQ(endpoint_.command({"text=BM", ts, sig}, f).status, 401);                                 // tampered body
  EXPECT_EQ(endpoint_.command({body, ts, testing::slack_signature("x", ts, body)}, f).status, 401);  // wrong key
  const std::string old = std::to_string(kNow - 600);
  EXPECT_EQ(endpoint_.command({body, old, testing::slack_signature(kSecret, old, body)}, f).status, 401);  // stale
  EXPECT_EQ(endpoint_.command({body, "", sig}, f).status, 401);
  EXPECT_EQ(endpoint_.command({body, ts, ""}, f).status, 401);
  EXPECT_EQ(endpoint_.interactive({"payload=%7B%7D", ts, sig}, f).status, 401);
  const auto res = endpoint_.command({body, ts, "v0=" + std::string(64, '0')}, f);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(res.message.find(kSecret), std::string::npos);
  EXPECT_TRUE(answers_.asked.empty());
}

TEST_F(SlackEndpointTest, ButtonClickAnswersThatQuestionThroughTheResponseUrl) {
  const json payload = {{"type", "block_actions"},
                        {"user", {{"id", "U1"}}},
                        {"response_url", "https://hooks.slack.com/actions/T1/1/abc"},
                        {"actions", {{{"type", "button"}, {"action_id", "qabot_ask_1"}, {"value", "BN有什么作用"}}}}};
  const std::string body = "payload=" + url_encode(payload.dump());
  const std::string ts = std::to_string(kNow);
  const auto res = endpoint_.interactive({body, ts, testing::slack_signature(kSecret, ts, body)}, answers_.function());
  ASSERT_EQ(res.status, 200) << res.message;
  EXPECT_TRUE(res.json.empty());  // Slack reads the HTTP response to a click as an acknowledgement only
  ASSERT_TRUE(res.follow_up.has_value());
  EXPECT_EQ(res.follow_up->url, "https://hooks.slack.com/actions/T1/1/abc");
  const json msg = json::parse(res.follow_up->json);
  EXPECT_EQ(msg["response_type"], "in_channel");
  EXPECT_EQ(msg["replace_original"], false);
  EXPECT_EQ(msg["blocks"][0]["text"]["text"], "BN有什么作用");
  EXPECT_EQ(answers_.asked, std::vector<std::string>{"BN有什么作用"});
}

TEST_F(SlackEndpointTest, FollowUpsGoOnlyToSlack) {
  const json payload = {{"type", "block_actions"},
                        {"response_url", "http://169.254.169.254/latest"},
                        {"actions", {{{"action_id", "qabot_ask_1"}, {"value", "BN"}}}}};
  const std::string body = "payload=" + url_encode(payload.dump());
  const std::string ts = std::to_string(kNow);
  const auto res = endpoint_.interactive({body, ts, testing::slack_signature(kSecret, ts, body)}, answers_.function());
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(res.follow_up.has_value());
}

TEST_F(SlackEndpointTest, LongAnswersStayWithinSlackLimits) {
  std::string md = "Intro **bold**.\n\n```cpp\n";
  for (int i = 0; i < 800; ++i)
    md += "int value_" + std::to_string(i) + " = compute(\"批归一化😀\", " + std::to_string(i) + ");\n";
  md += "```\n\n";
  for (int i = 0; i < 200; ++i) md += "批归一化可以加速训练并且防止过拟合。";
  answers_.long_answer = md;
  const auto res = command("text=long+one");
  ASSERT_EQ(res.status, 200);
  const json msg = json::parse(res.json);
  const auto& blocks = msg["blocks"];
  EXPECT_LE(blocks.size(), 50u);
  int sections = 0;
  bool note = false;
  for (const auto& b : blocks) {
    if (b["type"] == "section") {
      ++sections;
      const std::string text = b["text"]["text"];
      EXPECT_LE(chat_length(text), 3000u);
      std::size_t fences = 0;
      for (std::size_t p = 0; (p = text.find("```", p)) != std::string::npos; p += 3) ++fences;
      EXPECT_EQ(fences % 2, 0u) << text;
    }
    if (b["type"] == "context" && b.dump().find("longer than a Slack message") != std::string::npos) note = true;
    if (b["type"] == "header") {
      EXPECT_LE(chat_length(b["text"]["text"].get<std::string>()), 150u);
    }
  }
  EXPECT_EQ(sections, 8);
  EXPECT_TRUE(note);
}

TEST_F(SlackEndpointTest, EachUserInEachChannelIsItsOwnConversation) {
  command("command=%2Fask&text=BN&team_id=T1&channel_id=C1&user_id=U1");
  command("command=%2Fask&text=BN&team_id=T1&channel_id=C2&user_id=U1");
  EXPECT_EQ(answers_.sessions, (std::vector<std::string>{"slack:T1/C1/U1", "slack:T1/C2/U1"}));
}

TEST_F(SlackEndpointTest, NearTieAsksWhichOneWithButtons) {
  const auto res = command("command=%2Fask&text=pooling&user_id=U1");
  const json msg = json::parse(res.json);
  EXPECT_EQ(msg["response_type"], "ephemeral");
  EXPECT_EQ(msg["blocks"][0]["text"]["text"], "Did you mean…?");
  const auto& buttons = msg["blocks"][1]["elements"];
  ASSERT_EQ(buttons.size(), 2u);  // the two candidates, not the unrelated third hit
  EXPECT_EQ(buttons[0]["value"], "pooling作用");
  EXPECT_EQ(buttons[1]["value"], "Pooling层怎么反向传播");
}

}  // namespace
}  // namespace qabot::integrations

namespace qabot::integrations {
namespace {

class SlackQuizTest : public ::testing::Test {
 protected:
  SlackEndpoint endpoint_{kSecret, [] { return kNow; }};
  testing::FakeAnswers answers_;
  std::vector<QuizCommand> calls_;
  QuizFunction quiz_ = [this](const QuizCommand& c) {
    calls_.push_back(c);
    return std::string("**Quiz** · python\n\n**What is the GIL?**");
  };

  WebhookResponse command(const std::string& body, const QuizFunction& quiz, std::string signature = "") {
    body_ = body;
    timestamp_ = std::to_string(kNow);
    signature_ = signature.empty() ? testing::slack_signature(kSecret, timestamp_, body_) : signature;
    return endpoint_.command({body_, timestamp_, signature_}, answers_.function(), quiz);
  }
  std::string body_, timestamp_, signature_;
};

TEST_F(SlackQuizTest, QuizCommandGoesToTheQuizForThatWorkspaceUser) {
  const auto res = command("command=%2Fquiz&text=+python+&team_id=T1&channel_id=C9&user_id=U1", quiz_);
  ASSERT_EQ(res.status, 200) << res.message;
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].kind, QuizCommand::Kind::Auto);
  EXPECT_EQ(calls_[0].user, "slack:T1/U1");  // not per channel
  EXPECT_EQ(calls_[0].text, "python");
  const json msg = json::parse(res.json);
  EXPECT_EQ(msg["response_type"], "ephemeral");
  // Converted to mrkdwn: bold is one star.
  EXPECT_NE(msg["text"].get<std::string>().find("*What is the GIL?*"), std::string::npos) << msg.dump();
  EXPECT_EQ(msg["text"].get<std::string>().find("**"), std::string::npos);
  EXPECT_EQ(answers_.asked.size(), 0u);  // nothing was asked
}

TEST_F(SlackQuizTest, EmptyQuizAndOffAndBadSignatures) {
  ASSERT_EQ(command("command=%2Fquiz&text=&team_id=T1&user_id=U1", quiz_).status, 200);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].text, "");
  const auto off = command("command=%2Fquiz&text=skip&team_id=T1&user_id=U1", QuizFunction{});
  ASSERT_EQ(off.status, 200);
  EXPECT_NE(json::parse(off.json)["text"].get<std::string>().find("off"), std::string::npos);
  EXPECT_EQ(command("command=%2Fquiz&text=x&user_id=U1", quiz_, "v0=deadbeef").status, 401);
  EXPECT_EQ(calls_.size(), 1u);
  // /ask still asks.
  ASSERT_EQ(command("command=%2Fask&text=BN&user_id=U1", quiz_).status, 200);
  EXPECT_EQ(calls_.size(), 1u);
  EXPECT_EQ(answers_.asked.size(), 1u);
}

}  // namespace
}  // namespace qabot::integrations
