#include "server/protocol.hpp"

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
  for (std::string_view f : {"[]", "1", "\"ask\"", "null", "true"}) EXPECT_EQ(error_of(f).code, ErrorCode::BadRequest) << f;
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
  EXPECT_EQ(json::parse(make_hello(42)), json({{"type", "hello"}, {"protocol", 1}, {"questions", 42}}));
  const json hits = json::array({{{"id", 1}, {"question", "q"}}});
  const json corrections = json::array({{{"from", "bn"}, {"to", "BN"}}});
  EXPECT_EQ(json::parse(make_result("a", true, hits, false, corrections)),
            json({{"type", "result"}, {"id", "a"}, {"matched", true}, {"hits", hits}, {"clarify", false},
                  {"corrections", corrections}}));
  EXPECT_EQ(json::parse(make_delta("a", "加速")), json({{"type", "delta"}, {"id", "a"}, {"text", "加速"}}));
  EXPECT_EQ(json::parse(make_done("a", "md", "<p>md</p>", false)),
            json({{"type", "done"}, {"id", "a"}, {"answer", "md"}, {"html", "<p>md</p>"}}));
  EXPECT_EQ(json::parse(make_done("a", "md", "h", true))["cancelled"], true);
  EXPECT_EQ(json::parse(make_error(std::nullopt, ErrorCode::BadJson, "m")),
            json({{"type", "error"}, {"id", nullptr}, {"code", "bad_json"}, {"message", "m"}}));
  EXPECT_EQ(json::parse(make_pong()), json({{"type", "pong"}}));
}

TEST(ProtocolTest, AbsentIdIsSentAsNull) {
  EXPECT_TRUE(json::parse(make_delta(std::nullopt, "x"))["id"].is_null());
}

TEST(ProtocolTest, InvalidUtf8InRepliesIsReplacedNotThrown) {
  const std::string bad = "ok\xFF";
  EXPECT_NO_THROW({
    const auto s = make_delta("a", bad);
    EXPECT_TRUE(json::accept(s));
  });
}

}  // namespace
}  // namespace qabot::server
