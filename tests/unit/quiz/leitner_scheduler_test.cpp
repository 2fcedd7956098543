#include "quiz/leitner_scheduler.hpp"

#include <gtest/gtest.h>

namespace qabot::quiz {
namespace {

constexpr std::int64_t kDay = 86400;

std::vector<Schedulable> bank() {
  return {
      {"a.md\nQ1", "ML / Basics"}, {"a.md\nQ2", "ML / Basics"}, {"b.md\nQ3", "Python"}, {"b.md\nQ4", "Python / GIL"}};
}

state::Card card(std::string key, int box, std::int64_t due) {
  state::Card c;
  c.user = "u";
  c.question_key = std::move(key);
  c.box = box;
  c.due = due;
  return c;
}

TEST(LeitnerSchedulerTest, PassMovesUpFailResets) {
  LeitnerScheduler s;
  state::Card c = card("k", 0, 0);
  c = s.review(c, true, 0.8, 1000);
  EXPECT_EQ(c.box, 1);
  EXPECT_EQ(c.due, 1000 + kDay);
  EXPECT_EQ(c.reviews, 1);
  EXPECT_EQ(c.correct, 1);
  EXPECT_DOUBLE_EQ(c.last_score, 0.8);
  c = s.review(c, true, 1, 2000);
  EXPECT_EQ(c.box, 2);
  EXPECT_EQ(c.due, 2000 + 3 * kDay);
  c = s.review(c, false, 0.1, 3000);
  EXPECT_EQ(c.box, 0);
  EXPECT_EQ(c.due, 3000 + 600);
  EXPECT_EQ(c.reviews, 3);
  EXPECT_EQ(c.correct, 2);
  for (int i = 0; i < 10; ++i) c = s.review(c, true, 1, 4000);
  EXPECT_EQ(c.box, s.boxes() - 1);  // capped
}

TEST(LeitnerSchedulerTest, DueBeforeNewMostOverdueFirst) {
  LeitnerScheduler s;
  const auto q = bank();
  // Nothing seen: the first new question in bank order.
  EXPECT_EQ(s.pick(q, {}, "", 0), 0u);
  // Q2 and Q3 seen; Q3 is more overdue than Q2; Q1 is new.
  std::vector<state::Card> cards = {card("a.md\nQ2", 1, 500), card("b.md\nQ3", 2, 100)};
  EXPECT_EQ(s.pick(q, cards, "", 1000), 2u);
  // Not yet due: new questions come first.
  EXPECT_EQ(s.pick(q, cards, "", 50), 0u);
  const auto counts = s.counts(q, cards, "", 1000);
  EXPECT_EQ(counts.due, 2);
  EXPECT_EQ(counts.fresh, 2);
}

TEST(LeitnerSchedulerTest, CategoryIsAPrefixOfThePathOrAPart) {
  LeitnerScheduler s;
  const auto q = bank();
  EXPECT_EQ(s.pick(q, {}, "python", 0), 2u);
  EXPECT_EQ(s.pick(q, {}, "GIL", 0), 3u);
  EXPECT_EQ(s.pick(q, {}, "ml", 0), 0u);
  EXPECT_FALSE(s.pick(q, {}, "rust", 0).has_value());
  EXPECT_EQ(s.counts(q, {}, "python", 0).fresh, 2);
  EXPECT_TRUE(LeitnerScheduler::in_category("ML / Basics", " basics "));
  EXPECT_FALSE(LeitnerScheduler::in_category("ML / Basics", "asics"));
}

TEST(LeitnerSchedulerTest, SkipAvoidsAQuestionUnlessItIsTheOnlyOne) {
  LeitnerScheduler s;
  const auto q = bank();
  EXPECT_EQ(s.pick(q, {}, "", 0, "a.md\nQ1"), 1u);
  EXPECT_EQ(s.pick(q, {}, "gil", 0, "b.md\nQ4"), 3u);
}

TEST(LeitnerSchedulerTest, AllSeenNothingDueGivesTheSoonest) {
  LeitnerScheduler s;
  const auto q = bank();
  std::vector<state::Card> cards = {card("a.md\nQ1", 3, 900), card("a.md\nQ2", 1, 300), card("b.md\nQ3", 1, 400),
                                    card("b.md\nQ4", 1, 500)};
  EXPECT_EQ(s.pick(q, cards, "", 100), 1u);
}

// Simulated days: a user who always fails Q1 and always passes Q2 sees Q1 far
// more often.
TEST(LeitnerSchedulerTest, AFailedQuestionComesBackSoonerThanAPassedOne) {
  LeitnerScheduler s;
  std::vector<Schedulable> q = {{"k1", ""}, {"k2", ""}};
  std::vector<state::Card> cards;
  int asked1 = 0, asked2 = 0;
  for (std::int64_t now = 0; now < 60 * kDay; now += 3600) {  // one quiz an hour for two months
    const auto pick = s.pick(q, cards, "", now);
    ASSERT_TRUE(pick.has_value());
    // Only take questions that are due or new: a user who studies only what the
    // scheduler offers.
    state::Card* existing = nullptr;
    for (auto& c : cards)
      if (c.question_key == q[*pick].key) existing = &c;
    if (existing && existing->due > now) continue;
    const bool first = *pick == 0;
    (first ? asked1 : asked2) += 1;
    state::Card c = existing ? *existing : card(q[*pick].key, 0, 0);
    c = s.review(c, /*passed=*/!first, first ? 0.1 : 0.9, now);
    if (existing) {
      *existing = c;
    } else {
      cards.push_back(c);
    }
  }
  EXPECT_GT(asked1, 10 * asked2);
  EXPECT_LE(asked2, 6);  // 1, 3, 7, 21, 21 days: a handful of reviews in 60 days
}

}  // namespace
}  // namespace qabot::quiz
