// QuizService without sockets: a fake engine that owns a real QuizMaster over an in-memory bank, a
// real SQLite state file, and a fixed clock.

#include "server/quiz_service.hpp"

#include <gtest/gtest.h>

#include "state/sqlite_state_store.hpp"
#include "support/temp_dir.hpp"
#include "text/analyzer.hpp"

namespace qabot::server {
namespace {

class QuizEngine final : public AnswerEngine {
 public:
  explicit QuizEngine(const text::Analyzer& analyzer)
      : master_({{1, "ML", "什么是过拟合", "- 增加训练数据\n- 使用正则化\n- 早停", "ml.md", 1, "什么是过拟合",
                  "notes/ml.md", ""},
                 {2, "Python", "What is the GIL?", "The global interpreter lock lets one thread run bytecode.", "py.md",
                  1, "What is the GIL?", "notes/py.md", ""}},
                std::make_unique<quiz::QuizGrader>(analyzer)) {}
  AskOutcome ask(std::string_view, int) override { return {}; }
  std::int64_t question_count() const override { return 2; }
  nlohmann::json questions_by_category() const override { return nlohmann::json::object(); }
  quiz::QuizMaster* quiz_master() override { return &master_; }

 private:
  quiz::QuizMaster master_;
};

class ThrowingStore final : public state::StateStore {
 public:
  std::vector<state::Card> cards(std::string_view) override { throw state::StateError("down"); }
  std::optional<state::Card> card(std::string_view, std::string_view) override { throw state::StateError("down"); }
  void put_card(const state::Card&) override { throw state::StateError("down"); }
  std::optional<state::PendingQuiz> pending(std::string_view) override { throw state::StateError("down"); }
  void set_pending(const state::PendingQuiz&) override { throw state::StateError("down"); }
  void clear_pending(std::string_view) override { throw state::StateError("down"); }
  bool record_review(const state::PendingQuiz&, const state::Card&) override { throw state::StateError("down"); }
  void record_gaps(std::span<const state::Gap>) override { throw state::StateError("down"); }
  std::vector<state::Gap> gaps(std::size_t) override { throw state::StateError("down"); }
  void prune_gaps(std::size_t) override { throw state::StateError("down"); }
  std::string_view engine() const override { return "broken"; }
};

class QuizServiceTest : public ::testing::Test {
 protected:
  test_support::TempDir dir;
  text::Analyzer analyzer;
  QuizEngine engine{analyzer};
  std::shared_ptr<state::SqliteStateStore> store = std::make_shared<state::SqliteStateStore>(dir / "s.db");
  QuizService service{store, [] { return std::int64_t{1000}; }};
  using Kind = integrations::QuizCommand::Kind;
};

TEST_F(QuizServiceTest, ChatRuleStartsAnswersSkipsAndNamesCategories) {
  // Nothing pending: the text is a category.
  std::string md = service.chat(&engine, {Kind::Auto, "slack:T/U", "python"});
  EXPECT_NE(md.find("What is the GIL?"), std::string::npos) << md;
  // Pending: the text is the answer.
  md = service.chat(&engine, {Kind::Auto, "slack:T/U", "the global interpreter lock lets one thread run bytecode"});
  EXPECT_NE(md.find("**Passed**"), std::string::npos) << md;
  EXPECT_NE(md.find("Reference answer"), std::string::npos);
  EXPECT_NE(md.find("Next review in 1 day"), std::string::npos) << md;
  // Empty: any category; skip: another question.
  md = service.chat(&engine, {Kind::Auto, "slack:T/U", ""});
  EXPECT_NE(md.find("什么是过拟合"), std::string::npos) << md;
  md = service.chat(&engine, {Kind::Auto, "slack:T/U", "SKIP"});
  EXPECT_NE(md.find("What is the GIL?"), std::string::npos) << md;
  // Discord's explicit kinds.
  EXPECT_NE(service.chat(&engine, {Kind::Answer, "discord:1", "x"}).find("No quiz question is pending"),
            std::string::npos);
  md = service.chat(&engine, {Kind::Start, "discord:1", "ml"});
  EXPECT_NE(md.find("什么是过拟合"), std::string::npos);
  md = service.chat(&engine, {Kind::Answer, "discord:1", "不知道"});
  EXPECT_NE(md.find("**Not yet**"), std::string::npos) << md;
  EXPECT_NE(md.find("Missed"), std::string::npos);
  EXPECT_NE(md.find("few minutes"), std::string::npos);
}

TEST_F(QuizServiceTest, FramesAndErrors) {
  const auto started = service.start(&engine, "u", "");
  ASSERT_TRUE(std::holds_alternative<QuizStarted>(started));
  const auto frame = nlohmann::json::parse(QuizService::frame("i", started));
  EXPECT_EQ(frame["type"], "quiz_question");
  EXPECT_EQ(frame["new"], 1);
  const auto none = service.answer(&engine, "other", "x");
  ASSERT_TRUE(std::holds_alternative<ProtocolError>(none));
  EXPECT_EQ(std::get<ProtocolError>(none).code, ErrorCode::NoQuiz);

  QuizService broken(std::make_shared<ThrowingStore>());
  const auto down = broken.start(&engine, "u", "");
  ASSERT_TRUE(std::holds_alternative<ProtocolError>(down));
  EXPECT_EQ(std::get<ProtocolError>(down).code, ErrorCode::StateUnavailable);
  EXPECT_NE(broken.chat(&engine, {Kind::Auto, "u", "x"}).find("unavailable"), std::string::npos);
  QuizService without(nullptr);
  EXPECT_EQ(std::get<ProtocolError>(without.progress(&engine, "u")).code, ErrorCode::StateUnavailable);
}

}  // namespace
}  // namespace qabot::server
