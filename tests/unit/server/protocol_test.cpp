#include "server/protocol.hpp"

#include "qabot/version.hpp"

#include <gtest/gtest.h>

#include <string>

namespace qabot::server {
namespace {

using nlohmann::json;

template <class T>
const T& as(const ClientMessage& m) {
  EXPECT_TRUE(std::holds_alternative<T>(m)) << "variant index " << m.index();
  return std::get<T>(m);
}

ProtocolError error_of(std::string_view frame) {
  const auto m = parse_client_message(frame);
  if (!std::holds_alternative<ProtocolError>(m)) {
    ADD_FAILURE() << "expected an error for " << frame;
    return {};
  }
  return std::get<ProtocolError>(m);
}

TEST(ProtocolTest, ParsesAskWithDefaults) {
  const auto m = parse_client_message(R"({"type":"ask","text":"BN有什么作用"})");
  const auto& ask = as<AskRequest>(m);
  EXPECT_FALSE(ask.id.has_value());
  EXPECT_EQ(ask.text, "BN有什么作用");
  EXPECT_EQ(ask.top_k, 3);
  EXPECT_TRUE(ask.stream);
}

TEST(ProtocolTest, ParsesAskWithEveryField) {
  const auto m = parse_client_message(R"({"type":"ask","id":"a-1","text":"pooling","top_k":10,"stream":false,"x":1})");
  const auto& ask = as<AskRequest>(m);
  EXPECT_EQ(ask.id, "a-1");
  EXPECT_EQ(ask.top_k, 10);
  EXPECT_FALSE(ask.stream);
}

TEST(ProtocolTest, NullOptionalFieldsMeanDefaults) {
  const auto m = parse_client_message(R"({"type":"ask","id":null,"text":"x","top_k":null})");
  const auto& ask = as<AskRequest>(m);
  EXPECT_FALSE(ask.id.has_value());
  EXPECT_EQ(ask.top_k, 3);
}

TEST(ProtocolTest, ParsesCancelAndPing) {
  EXPECT_EQ(as<CancelRequest>(parse_client_message(R"({"type":"cancel","id":"7"})")).id, "7");
  as<PingRequest>(parse_client_message(R"({"type":"ping"})"));
}

TEST(ProtocolTest, MalformedJsonIsBadJson) {
  for (std::string_view f : {"", "{", "{\"type\":\"ask\",}", "nope", "{\"a\":1}}"}) {
    const auto e = error_of(f);
    EXPECT_EQ(e.code, ErrorCode::BadJson) << f;
    EXPECT_FALSE(e.id.has_value());
  }
}

TEST(ProtocolTest, NonObjectsAreBadRequests) {
  for (std::string_view f : {"[]", "1", "\"ask\"", "null", "true"})
    EXPECT_EQ(error_of(f).code, ErrorCode::BadRequest) << f;
}

TEST(ProtocolTest, WrongFieldTypesAreBadRequestsCarryingTheId) {
  for (std::string_view f : {R"({"type":"ask","id":"k","text":5})", R"({"type":"ask","id":"k","text":"x","top_k":"3"})",
                             R"({"type":"ask","id":"k","text":"x","top_k":2.5})",
                             R"({"type":"ask","id":"k","text":"x","stream":"yes"})", R"({"type":7,"id":"k"})"}) {
    const auto e = error_of(f);
    EXPECT_EQ(e.code, ErrorCode::BadRequest) << f;
    EXPECT_EQ(e.id, "k") << f;
  }
}

TEST(ProtocolTest, NonStringIdIsRefused) {
  const auto e = error_of(R"({"type":"ask","id":12,"text":"x"})");
  EXPECT_EQ(e.code, ErrorCode::BadRequest);
  EXPECT_FALSE(e.id.has_value());
}

TEST(ProtocolTest, MissingOrBlankTextIsRefused) {
  for (std::string_view f : {R"({"type":"ask"})", R"({"type":"ask","text":""})", R"({"type":"ask","text":"  \n\t"})",
                             "{\"type\":\"ask\",\"text\":\"\xE3\x80\x80 \"}"}) {
    EXPECT_EQ(error_of(f).code, ErrorCode::BadRequest) << f;
  }
}

TEST(ProtocolTest, TopKOutsideItsRangeIsRefused) {
  EXPECT_EQ(error_of(R"({"type":"ask","text":"x","top_k":0})").code, ErrorCode::BadRequest);
  EXPECT_EQ(error_of(R"({"type":"ask","text":"x","top_k":11})").code, ErrorCode::BadRequest);
  EXPECT_EQ(error_of(R"({"type":"ask","text":"x","top_k":-1})").code, ErrorCode::BadRequest);
}

TEST(ProtocolTest, IdLimitCountsCharactersNotBytes) {
  std::string chinese;
  for (int i = 0; i < 128; ++i) chinese += "问";
  as<AskRequest>(parse_client_message(json({{"type", "ask"}, {"id", chinese}, {"text", "x"}}).dump()));
  chinese += "问";
  EXPECT_EQ(error_of(json({{"type", "ask"}, {"id", chinese}, {"text", "x"}}).dump()).code, ErrorCode::BadRequest);
}

TEST(ProtocolTest, OverlongTextIsTooLarge) {
  ProtocolLimits limits;
  limits.max_text_bytes = 10;
  const auto m = parse_client_message(R"({"type":"ask","id":"z","text":"01234567890"})", limits);
  ASSERT_TRUE(std::holds_alternative<ProtocolError>(m));
  EXPECT_EQ(std::get<ProtocolError>(m).code, ErrorCode::TooLarge);
  EXPECT_EQ(std::get<ProtocolError>(m).id, "z");
}

TEST(ProtocolTest, UnknownTypeAndMissingTypeAreBadRequests) {
  EXPECT_EQ(error_of(R"({"type":"hello","id":"q"})").id, "q");
  EXPECT_EQ(error_of(R"({"type":"hello"})").code, ErrorCode::BadRequest);
  EXPECT_EQ(error_of(R"({"text":"x"})").code, ErrorCode::BadRequest);
}

TEST(ProtocolTest, CancelNeedsAnId) { EXPECT_EQ(error_of(R"({"type":"cancel"})").code, ErrorCode::BadRequest); }

TEST(ProtocolTest, ErrorCodesHaveTheirWireNames) {
  EXPECT_EQ(to_string(ErrorCode::BadJson), "bad_json");
  EXPECT_EQ(to_string(ErrorCode::BadRequest), "bad_request");
  EXPECT_EQ(to_string(ErrorCode::TooLarge), "too_large");
  EXPECT_EQ(to_string(ErrorCode::RateLimited), "rate_limited");
  EXPECT_EQ(to_string(ErrorCode::Overloaded), "overloaded");
  EXPECT_EQ(to_string(ErrorCode::Internal), "internal");
}

TEST(ProtocolTest, BuildsEveryReply) {
  EXPECT_EQ(json::parse(make_hello(42)),
            json({{"type", "hello"}, {"protocol", 1}, {"questions", 42}, {"version", kVersion}}));
  retrieval::Result result;
  result.matched = true;
  retrieval::Hit hit;
  hit.id = 1;
  hit.question = "q";
  hit.category = "c";
  hit.score = 0.5;
  hit.confidence = 0.75;
  hit.source = "notes.md:3";
  result.hits.push_back(hit);
  result.corrections.push_back({"bn", "BN"});
  const json hits = json::array({{{"id", 1},
                                  {"question", "q"},
                                  {"heading", ""},
                                  {"category", "c"},
                                  {"score", 0.5},
                                  {"confidence", 0.75},
                                  {"source", "notes.md:3"}}});
  const json corrections = json::array({{{"from", "bn"}, {"to", "BN"}}});
  EXPECT_EQ(json::parse(make_result("a", result)), json({{"type", "result"},
                                                         {"id", "a"},
                                                         {"matched", true},
                                                         {"hits", hits},
                                                         {"clarify", false},
                                                         {"corrections", corrections}}));
  // A near-tie names how many hits are the choices; a follow-up says what it carried.
  result.clarify = true;
  result.choices = 2;
  result.followup = retrieval::FollowUp{"BN有什么作用", {"bn"}, "pronoun"};
  const json clarified = json::parse(make_result(std::nullopt, result));
  EXPECT_EQ(clarified["choices"], 2);
  EXPECT_TRUE(clarified["id"].is_null());
  EXPECT_EQ(clarified["followup"], json({{"previous", "BN有什么作用"}, {"carried", {"bn"}}, {"kind", "pronoun"}}));
  EXPECT_EQ(json::parse(make_delta("a", "加速")), json({{"type", "delta"}, {"id", "a"}, {"text", "加速"}}));
  EXPECT_EQ(json::parse(make_done("a", "md", "<p>md</p>", false)),
            json({{"type", "done"}, {"id", "a"}, {"answer", "md"}, {"html", "<p>md</p>"}}));
  EXPECT_EQ(json::parse(make_done("a", "md", "h", true))["cancelled"], true);
  EXPECT_EQ(json::parse(make_error(std::nullopt, ErrorCode::BadJson, "m")),
            json({{"type", "error"}, {"id", nullptr}, {"code", "bad_json"}, {"message", "m"}}));
  EXPECT_EQ(json::parse(make_pong()), json({{"type", "pong"}}));
}

TEST(ProtocolTest, AbsentIdIsSentAsNull) { EXPECT_TRUE(json::parse(make_delta(std::nullopt, "x"))["id"].is_null()); }

TEST(ProtocolTest, InvalidUtf8InRepliesIsReplacedNotThrown) {
  const std::string bad = "ok\xFF";
  EXPECT_NO_THROW({
    const auto s = make_delta("a", bad);
    EXPECT_TRUE(json::accept(s));
  });
}

TEST(ProtocolTest, ParsesQuizMessages) {
  const auto quiz_msg = parse_client_message(R"({"type":"quiz","id":"q","user":"u1","category":"ML"})");
  const auto& quiz = as<QuizRequest>(quiz_msg);
  EXPECT_EQ(quiz.id, "q");
  EXPECT_EQ(quiz.user, "u1");
  EXPECT_EQ(quiz.category, "ML");
  const auto blank_msg = parse_client_message(R"({"type":"quiz","user":"u1","category":"  "})");
  EXPECT_EQ(as<QuizRequest>(blank_msg).category, "");
  const auto answer_msg = parse_client_message(R"({"type":"quiz_answer","user":"u1","text":"增加数据"})");
  const auto& answer = as<QuizAnswerRequest>(answer_msg);
  EXPECT_FALSE(answer.id.has_value());
  EXPECT_EQ(answer.text, "增加数据");
  const auto progress_msg = parse_client_message(R"({"type":"progress","id":"p","user":"u1"})");
  EXPECT_EQ(as<ProgressRequest>(progress_msg).user, "u1");
  // No user (or null): the connection's own, decided by the session.
  EXPECT_FALSE(as<QuizRequest>(parse_client_message(R"({"type":"quiz"})")).user.has_value());
  EXPECT_FALSE(as<ProgressRequest>(parse_client_message(R"({"type":"progress","user":null})")).user.has_value());
  EXPECT_FALSE(as<QuizAnswerRequest>(parse_client_message(R"({"type":"quiz_answer","text":"t"})")).user.has_value());
  EXPECT_FALSE(
      as<QuizAnswerRequest>(parse_client_message(R"({"type":"quiz_answer","text":"t"})")).question.has_value());
  EXPECT_EQ(as<QuizAnswerRequest>(parse_client_message(R"({"type":"quiz_answer","text":"t","question":12})")).question,
            12);
  const auto ask_msg = parse_client_message(R"({"type":"ask","text":"考考我","user":"u2"})");
  EXPECT_EQ(as<AskRequest>(ask_msg).user, "u2");
}

TEST(ProtocolTest, RefusesBadQuizFieldsWithTheirId) {
  for (const char* frame :
       {R"({"type":"quiz","id":"x","user":""})", R"({"type":"quiz","id":"x","user":7})",
        R"({"type":"progress","id":"x","user":[]})", R"({"type":"quiz","id":"x","user":"u","category":1})",
        R"({"type":"quiz_answer","id":"x","user":"u"})", R"({"type":"quiz_answer","id":"x","user":"u","text":"  "})",
        R"({"type":"quiz_answer","id":"x","text":"t","question":"12"})",
        R"({"type":"quiz_answer","id":"x","text":"t","question":1.5})",
        R"({"type":"ask","id":"x","text":"hi","user":""})"}) {
    const auto e = error_of(frame);
    EXPECT_EQ(e.code, ErrorCode::BadRequest) << frame;
    EXPECT_EQ(e.id, "x") << frame;
  }
  const std::string long_user = R"({"type":"quiz","user":")" + std::string(129, 'a') + R"("})";
  EXPECT_EQ(error_of(long_user).code, ErrorCode::BadRequest);
  const std::string ok_user = R"({"type":"quiz","user":")" + std::string(128, 'a') + R"("})";
  EXPECT_TRUE(std::holds_alternative<QuizRequest>(parse_client_message(ok_user)));
}

TEST(ProtocolTest, QuizReplyShapes) {
  const json q = quiz_question_json(7, "BN有什么作用", "面试题 / A", "notes.md:23");
  const json question = json::parse(make_quiz_question("q", q, 2, 3, 4));
  EXPECT_EQ(question["type"], "quiz_question");
  EXPECT_EQ(question["id"], "q");
  EXPECT_EQ(question["question"]["id"], 7);
  EXPECT_EQ(question["question"]["source"], "notes.md:23");
  EXPECT_EQ(question["box"], 2);
  EXPECT_EQ(question["due"], 3);
  EXPECT_EQ(question["new"], 4);
  const json result =
      json::parse(make_quiz_result(std::nullopt, q, 0.5, true, {"a"}, {"b", "c"}, "md", "<p>md</p>", 1, 99));
  EXPECT_EQ(result["type"], "quiz_result");
  EXPECT_EQ(result["id"], nullptr);
  EXPECT_EQ(result["hit"], json::array({"a"}));
  EXPECT_EQ(result["missed"].size(), 2u);
  EXPECT_EQ(result["answer"]["html"], "<p>md</p>");
  EXPECT_EQ(result["next_due"], 99);
  const json progress = json::parse(make_progress("p", 10, 4, 1, {1, 2, 1, 0, 0}, 6, 3));
  EXPECT_EQ(progress["type"], "progress");
  EXPECT_EQ(progress["boxes"].size(), 5u);
  EXPECT_EQ(progress["correct"], 3);
  EXPECT_EQ(json::parse(make_error("z", ErrorCode::NoQuiz, "m"))["code"], "no_quiz");
  EXPECT_EQ(json::parse(make_error("z", ErrorCode::StateUnavailable, "m"))["code"], "state_unavailable");
}

}  // namespace
}  // namespace qabot::server
