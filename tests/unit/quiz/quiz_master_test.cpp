#include "quiz/quiz_master.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "state/sqlite_state_store.hpp"
#include "support/temp_dir.hpp"

namespace qabot::quiz {
namespace {

constexpr std::int64_t kDay = 86400;

std::vector<store::StoredQuestion> bank() {
  return {
      {1, "ML / Basics", "什么是过拟合",
       "模型在训练集上表现很好，但在测试集上表现差。\n\n- 增加训练数据\n- "
       "使用正则化\n- 早停",
       "notes/ml.md", 3, "什么是过拟合", "notes/ml.md", ""},
      {2, "ML / Basics", "Unanswered question", "", "notes/ml.md", 9, "Unanswered question", "notes/ml.md", ""},
      {3, "Python", "What is the GIL?",
       "The global interpreter lock lets only one thread execute Python "
       "bytecode at a time; use multiprocessing "
       "for CPU-bound work.",
       "notes/py.md", 1, "What is the GIL?", "notes/py.md", ""},
      {4, "Python", "Only code", "```python\nprint(1)\n```\n", "notes/py.md", 20, "Only code", "notes/py.md", ""},
  };
}

class QuizMasterTest : public ::testing::Test {
 protected:
  test_support::TempDir dir;
  state::SqliteStateStore store{dir / "state.db"};
  text::Analyzer analyzer;
  QuizMaster master{bank(), std::make_unique<QuizGrader>(analyzer)};
};

TEST_F(QuizMasterTest, RepliesRacingForOneQuestionRecordOneReview) {
  // Two tabs (or a relay's retry) answer the same question at the same moment, many times over,
  // each reply on its own worker (its own QuizMaster, as in the server) over the one store.
  constexpr int kWorkers = 4;
  std::vector<text::Analyzer> analyzers(kWorkers);
  std::vector<std::unique_ptr<QuizMaster>> workers;
  for (auto& a : analyzers) workers.push_back(std::make_unique<QuizMaster>(bank(), std::make_unique<QuizGrader>(a)));
  for (int round = 0; round < 50; ++round) {
    ASSERT_TRUE(master.start(store, "frank", "", 1000 + round).has_value());
    std::atomic<int> graded{0};
    std::vector<std::thread> replies;
    for (auto& worker : workers) {
      replies.emplace_back([&, w = worker.get()] {
        if (w->answer(store, "frank", "不知道", 1000 + round)) ++graded;
      });
    }
    for (auto& r : replies) r.join();
    EXPECT_EQ(graded.load(), 1) << "round " << round;
  }
  int reviews = 0;
  for (const auto& c : store.cards("frank")) reviews += c.reviews;
  EXPECT_EQ(reviews, 50);
}

TEST_F(QuizMasterTest, QuestionKeyIsPathAndTitle) {
  EXPECT_EQ(question_key("notes/ml.md", "什么是过拟合"), "notes/ml.md\n什么是过拟合");
}

TEST_F(QuizMasterTest, AFullRoundPassesAndMovesTheCardUp) {
  const auto q = master.start(store, "alice", "", 1000);
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->question.question, "什么是过拟合");
  EXPECT_EQ(q->question.source, "notes/ml.md:3");
  EXPECT_EQ(q->box, 0);
  EXPECT_EQ(q->fresh,
            1);  // the GIL question; the unanswered and code-only ones are never asked
  EXPECT_EQ(q->due, 0);
  ASSERT_TRUE(store.pending("alice").has_value());

  const auto r = master.answer(store, "alice", "训练集上表现好但测试集上差，可以增加训练数据、正则化、早停", 1100);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->grade.passed) << r->grade.score;
  EXPECT_EQ(r->box, 1);
  EXPECT_EQ(r->next_due, 1100 + kDay);
  EXPECT_FALSE(store.pending("alice").has_value());
  EXPECT_FALSE(master.answer(store, "alice", "again", 1200).has_value());  // nothing pending

  const auto p = master.progress(store, "alice", 1200);
  EXPECT_EQ(p.total, 2);
  EXPECT_EQ(p.seen, 1);
  EXPECT_EQ(p.due, 0);
  EXPECT_EQ(p.reviews, 1);
  EXPECT_EQ(p.correct, 1);
  ASSERT_EQ(p.boxes.size(), 5u);
  EXPECT_EQ(p.boxes[1], 1);
}

TEST_F(QuizMasterTest, AReplyToAnOlderQuestionIsNotGradedAgainstTheNewOne) {
  // Two tabs of one user: the first asks q1, the second q2 (which replaces it as pending).
  const auto q1 = master.start(store, "dana", "", 1000);
  const auto q2 = master.start(store, "dana", "", 1001);
  ASSERT_TRUE(q1 && q2);
  ASSERT_NE(q1->question.id, q2->question.id);
  // The reply written for q1 is refused and q2 stays pending, its card untouched.
  EXPECT_FALSE(master.answer(store, "dana", "我不知道", 1002, q1->question.id).has_value());
  ASSERT_TRUE(store.pending("dana").has_value());
  EXPECT_EQ(store.pending("dana")->question_id, q2->question.id);
  EXPECT_TRUE(store.cards("dana").empty());
  const auto r = master.answer(store, "dana", "我不知道", 1003, q2->question.id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->question.id, q2->question.id);
}

TEST_F(QuizMasterTest, AFailedQuestionComesBackBeforeNewOnes) {
  ASSERT_TRUE(master.start(store, "bob", "", 0).has_value());
  const auto r = master.answer(store, "bob", "不知道", 10);
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->grade.passed);
  EXPECT_EQ(r->box, 0);
  // Within ten minutes: the other question (new); after: the failed one again.
  EXPECT_EQ(master.start(store, "bob", "", 100)->question.question, "What is the GIL?");
  const auto later = master.start(store, "bob", "", 10 + 601);
  ASSERT_TRUE(later.has_value());
  EXPECT_NE(later->question.question,
            "What is the GIL?");  // asking again skips the unanswered pending one
  EXPECT_EQ(later->question.question, "什么是过拟合");
}

TEST_F(QuizMasterTest, CategoryAndUsersAreRespected) {
  const auto py = master.start(store, "carol", "python", 0);
  ASSERT_TRUE(py.has_value());
  EXPECT_EQ(py->question.category, "Python");
  EXPECT_FALSE(master.start(store, "carol", "rust", 0).has_value());
  EXPECT_FALSE(store.pending("dave").has_value());
  // The GIL answer, graded for carol only.
  const auto r = master.answer(store, "carol",
                               "Only one thread runs Python bytecode at a time because of the "
                               "global interpreter lock; multiprocessing helps CPU-bound work.",
                               5);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->grade.passed) << r->grade.score;
  EXPECT_EQ(master.progress(store, "dave", 5).seen, 0);
}

TEST_F(QuizMasterTest, PendingQuestionGoneFromTheBankIsDropped) {
  store.set_pending({"erin", "notes/old.md\nRemoved", 99, "", 0});
  EXPECT_FALSE(master.answer(store, "erin", "anything", 1).has_value());
  EXPECT_FALSE(store.pending("erin").has_value());
}

}  // namespace
}  // namespace qabot::quiz
