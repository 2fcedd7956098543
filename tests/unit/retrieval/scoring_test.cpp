#include "retrieval/scoring.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "store/columns.hpp"

namespace qabot::retrieval {
namespace {

constexpr double kDocuments = 5000;  // a JavaGuide-sized bank
constexpr double kThreshold = 0.25;
constexpr double kSmallBank = 24;  // the bundled bank: no chance discount

Concept concept_of(std::string term, ConceptRole role = ConceptRole::Topic) {
  Concept c;
  c.alternatives = {{std::move(term)}};
  c.role = role;
  return c;
}

// A candidate row: for each concept, the columns it matched in (bits of store::Column).
store::RankOutput row_with(std::initializer_list<std::uint8_t> columns, double bm25 = 1.0) {
  store::RankOutput row;
  row.score = bm25;
  row.question_tokens = 4;
  row.question_hit_tokens = 2;
  row.concept_columns = columns;
  return row;
}

constexpr std::uint8_t kQuestion = 1u << store::kQuestionColumn;
constexpr std::uint8_t kAnswer = 1u << store::kAnswerColumn;
constexpr std::uint8_t kCategory = 1u << store::kCategoryColumn;

std::vector<double> weights_of(const Query& query, std::initializer_list<std::int64_t> rows) {
  std::vector<double> w;
  auto n = rows.begin();
  for (const auto& c : query.concepts) w.push_back(concept_weight(c, *n++, kDocuments));
  return w;
}

TEST(ScoringTest, RarerConceptsWeighMoreAndTemplateWordsAreCapped) {
  const Concept topic = concept_of("rpc");
  EXPECT_GT(concept_weight(topic, 3, kDocuments), concept_weight(topic, 300, kDocuments));
  // "是啥" is rare in notes, which would give it a topic's idf; its role caps it.
  const Concept scaffolding = concept_of("是啥", ConceptRole::Template);
  EXPECT_LE(concept_weight(scaffolding, 2, kDocuments), 0.3);
  EXPECT_LT(concept_weight(scaffolding, 2, kDocuments), concept_weight(topic, 300, kDocuments));
}

TEST(ScoringTest, AbsentConceptsCountByWhatTheyAre) {
  Concept plain = concept_of("puppi");
  Concept glossary_term = concept_of("transformer");
  glossary_term.from_synonym = true;
  Concept noise = concept_of("做蛋");
  noise.straddles_words = true;
  // A domain term the glossary knows and the bank lacks is strong evidence the bank lacks the topic;
  // an unknown word is weaker (it may be a stray word); segmentation noise is none.
  EXPECT_GT(concept_weight(glossary_term, 0, kDocuments), concept_weight(plain, 0, kDocuments));
  EXPECT_GT(concept_weight(plain, 0, kDocuments), 0.0);
  EXPECT_EQ(concept_weight(noise, 0, kDocuments), 0.0);
}

TEST(ScoringTest, ARareBigramAcrossTwoWordsIsNoTopic) {
  // "么现" in 什么|现象 occurs in one row of the bank by chance; its idf must not make it outweigh
  // the topic the question names (缓存击穿, in 25 rows).
  Concept noise = concept_of("么现");
  noise.straddles_words = true;
  noise.factor = 0.5;
  const Concept topic = concept_of("击穿");
  EXPECT_LT(concept_weight(noise, 1, kDocuments), concept_weight(topic, 25, kDocuments) / 4);
}

TEST(ScoringTest, LooseCharactersWeighByWhatTheBankHolds) {
  // Never together in the bank, two loose characters are a word it lacks (网购): they count against
  // coverage like any absent word. Together in a row (桶限 in 令牌桶限流) they may be two words side by
  // side, and weigh no more than a straddle.
  Concept loose = concept_of("网购");
  loose.loose_characters = true;
  EXPECT_EQ(concept_weight(loose, 0, kDocuments), concept_weight(concept_of("puppi"), 0, kDocuments));
  Concept noise = concept_of("桶限");
  noise.straddles_words = true;
  noise.factor = 0.5;
  Concept present_loose = concept_of("桶限");
  present_loose.loose_characters = true;
  EXPECT_LE(concept_weight(present_loose, 1, kDocuments), concept_weight(noise, 1, kDocuments) + 1e-9);
  EXPECT_LT(concept_weight(present_loose, 1, kDocuments), concept_weight(concept_of("击穿"), 25, kDocuments) / 4);
}

TEST(ScoringTest, TemplateWordsAreNeverTopicEvidence) {
  Query query;
  query.concepts = {concept_of("rpc"), concept_of("是啥", ConceptRole::Template)};
  const auto weights = weights_of(query, {40, 2});
  const Scorer scorer(query, weights, kSmallBank);
  const auto only_template = row_with({0, kQuestion});
  const auto only_topic = row_with({kQuestion, 0});
  EXPECT_EQ(scorer.score(only_template, 1.0).coverage, 0.0);
  EXPECT_DOUBLE_EQ(scorer.score(only_topic, 1.0).coverage, 1.0);
  EXPECT_GT(scorer.score(only_topic, 1.0).rank, scorer.score(only_template, 1.0).rank);
}

TEST(ScoringTest, WhereARowNamesTheTopicDecidesHowMuchItCovers) {
  Query query;
  query.concepts = {concept_of("threadpool")};
  const auto weights = weights_of(query, {40});
  const Scorer scorer(query, weights, kDocuments);
  const double in_question = scorer.score(row_with({kQuestion}), 1.0).coverage;
  const double in_answer = scorer.score(row_with({kAnswer}), 1.0).coverage;
  const double in_category = scorer.score(row_with({kCategory}), 1.0).coverage;
  EXPECT_GT(in_question, in_answer);
  EXPECT_GT(in_answer, in_category);
  EXPECT_GT(in_category, 0.0);
}

// One mention in passing in a long answer is not what the note is about; a point of a short answer is.
TEST(ScoringTest, AnAnswerEarnsCreditByHowMuchItIsAboutTheConcept) {
  Query query;
  query.concepts = {concept_of("蛋糕")};
  const auto weights = weights_of(query, {1});
  const Scorer scorer(query, weights, kDocuments);
  auto in_passing = row_with({kAnswer});
  in_passing.answer_salience = {0.2f};
  auto a_point = row_with({kAnswer});
  a_point.answer_salience = {1.0f};
  const double passing = scorer.score(in_passing, 1.0).coverage;
  const double point = scorer.score(a_point, 1.0).coverage;
  EXPECT_LT(passing, point);
  EXPECT_LT(Scorer::confidence({nullptr, 1.0, passing, false}, 0.0, kThreshold), kThreshold);
  EXPECT_LT(point, scorer.score(row_with({kQuestion}), 1.0).coverage);
}

// "how to train a puppy" over backend notes: the bank has "train", not "puppy". Covering all the
// bank knows is not covering the question.
TEST(ScoringTest, WhatTheBankLacksLowersCoverage) {
  Query known_only;
  known_only.concepts = {concept_of("train")};
  Query with_absent;
  with_absent.concepts = {concept_of("train"), concept_of("puppi")};
  with_absent.concepts[1].absent = true;
  const auto w1 = weights_of(known_only, {40});
  const auto w2 = weights_of(with_absent, {40, 0});
  const double full = Scorer(known_only, w1, kSmallBank).score(row_with({kQuestion}), 1.0).coverage;
  const double partial = Scorer(with_absent, w2, kSmallBank).score(row_with({kQuestion, 0}), 1.0).coverage;
  EXPECT_DOUBLE_EQ(full, 1.0);
  EXPECT_LT(partial, full);
  EXPECT_LT(Scorer::confidence({nullptr, 1.0, partial, false}, 0.0, kThreshold), full);
}

// The best of 5,000 rows covers part of an off-topic question by chance far more often than the best
// of 24: the same partial coverage must mean less in the bigger bank, and a small bank keeps it whole.
TEST(ScoringTest, TheSameCoverageMeansLessInABiggerBank) {
  Query query;
  query.concepts = {concept_of("练习"), concept_of("篮球")};
  query.concepts[1].absent = true;
  const auto weights = weights_of(query, {30, 0});
  const auto row = row_with({kQuestion, 0});
  const double small = Scorer(query, weights, kSmallBank).score(row, 1.0).coverage;
  const double javaguide = Scorer(query, weights, 4790).score(row, 1.0).coverage;
  const double huge = Scorer(query, weights, 100000).score(row, 1.0).coverage;
  EXPECT_GT(small, javaguide);
  EXPECT_GT(javaguide, huge);
  EXPECT_DOUBLE_EQ(chance_discount(kSmallBank), 1.0);
  EXPECT_DOUBLE_EQ(chance_discount(1), 1.0);
  EXPECT_NEAR(small / javaguide, chance_discount(4790), 1e-12);
}

TEST(ScoringTest, ACloseRunnerUpDiscountsConfidenceAndAClearLeadDoesNot) {
  const ScoredRow hit{nullptr, 0.9, 0.7, false};
  EXPECT_DOUBLE_EQ(Scorer::confidence(hit, 0.0, kThreshold), 0.7);
  EXPECT_DOUBLE_EQ(Scorer::confidence(hit, 0.5, kThreshold), 0.7);          // margin 44 %
  EXPECT_NEAR(Scorer::confidence(hit, 0.9, kThreshold), 0.7 * 0.8, 1e-12);  // a tie is never sure
  const double slight = Scorer::confidence(hit, 0.85, kThreshold);
  EXPECT_GT(slight, 0.7 * 0.8);
  EXPECT_LT(slight, 0.7);
}

// After "BN有什么作用", "它的缺点呢" carries BN: a row about another topic's drawbacks covers the
// follow-up's own words but must rank below BN's rows and never be a match.
TEST(ScoringTest, AFollowUpsAnswerMustNameTheCarriedTopic) {
  Query query;
  query.concepts = {concept_of("bn"), concept_of("缺点", ConceptRole::Aspect)};
  query.concepts[0].carried = true;
  query.concepts[0].factor = 0.5;
  const auto weights = weights_of(query, {5, 60});
  const Scorer scorer(query, weights, kDocuments);
  const auto other_topic = row_with({0, kQuestion}, 2.0);    // "Sigmoid和ReLU各自优缺点"
  const auto carried_topic = row_with({kQuestion, 0}, 1.0);  // "BN有什么作用"
  const auto off = scorer.score(other_topic, 2.0);
  const auto on = scorer.score(carried_topic, 2.0);
  EXPECT_TRUE(off.misses_carried_topic);
  EXPECT_FALSE(on.misses_carried_topic);
  EXPECT_GT(on.rank, off.rank);
  EXPECT_LT(Scorer::confidence(off, 0.0, kThreshold), kThreshold);
}

}  // namespace
}  // namespace qabot::retrieval
