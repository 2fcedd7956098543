// Follow-ups read against the conversation, without a bank: parsed queries in, carried concepts out.

#include "retrieval/follow_up_resolver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <variant>

#include "retrieval/query_builder.hpp"

using namespace qabot;
using retrieval::FollowUpResolver;
using Kind = retrieval::FollowUpResolver::Kind;

namespace {

struct Fixture {
  text::Analyzer analyzer;
  retrieval::Synonyms rules =
      std::get<retrieval::Synonyms>(retrieval::Synonyms::parse("bn, batch normalization, batchnorm, 批归一化\n"
                                                               "ln, layer normalization, 层归一化\n"
                                                               "overfitting, 过拟合\n"));
  retrieval::SynonymIndex index{rules, analyzer};
  retrieval::QueryBuilder builder{analyzer, index};
  FollowUpResolver resolver{analyzer};
  retrieval::Conversation conversation;

  // Asks one turn of the conversation, as the retriever does.
  FollowUpResolver::Resolution ask(std::string_view text) {
    auto r = resolver.resolve(conversation, text, builder.build(text));
    if (r.turn) conversation.add(*r.turn);
    return r;
  }
};

std::vector<std::string> carried(const FollowUpResolver::Resolution& r) {
  return r.follow_up ? r.follow_up->carried : std::vector<std::string>{};
}

bool has_carried_concept(const retrieval::Query& q, std::string_view first_term) {
  return std::any_of(q.concepts.begin(), q.concepts.end(), [&](const retrieval::Concept& c) {
    return c.carried && c.alternatives.front().front() == first_term;
  });
}

}  // namespace

TEST(FollowUpResolverTest, FirstQuestionIsLeftAlone) {
  Fixture f;
  auto r = f.ask("它的缺点呢");  // nothing to lean on
  EXPECT_EQ(r.kind, Kind::SelfContained);
  EXPECT_FALSE(r.follow_up);
  EXPECT_EQ(r.query.concepts.size(), f.builder.build("它的缺点呢").concepts.size());
}

TEST(FollowUpResolverTest, PronounFollowUpCarriesThePreviousTopicAtReducedWeight) {
  Fixture f;
  f.ask("BN有什么作用");
  auto r = f.ask("它的缺点呢");
  EXPECT_EQ(r.kind, Kind::Elliptic);
  ASSERT_TRUE(r.follow_up);
  EXPECT_EQ(r.follow_up->previous, "BN有什么作用");
  EXPECT_EQ(carried(r), std::vector<std::string>{"bn"});  // its own aspect 缺点 replaces 作用
  const auto it =
      std::find_if(r.query.concepts.begin(), r.query.concepts.end(), [](const auto& c) { return c.carried; });
  ASSERT_NE(it, r.query.concepts.end());
  EXPECT_DOUBLE_EQ(it->factor, FollowUpResolver::kCarriedFactor);
  // The synonyms come along: a note that says 批归一化 is found too.
  EXPECT_GT(it->alternatives.size(), 1u);
  // The pronoun itself is gone: it would count as an unknown topic.
  for (const auto& c : r.query.concepts) EXPECT_EQ(c.alternatives.front().front().find("它"), std::string::npos);
}

TEST(FollowUpResolverTest, BareAspectCarriesTopic) {
  Fixture f;
  f.ask("什么是过拟合");
  auto r = f.ask("原理呢");
  EXPECT_EQ(r.kind, Kind::Elliptic);
  EXPECT_TRUE(has_carried_concept(r.query, "过拟"));
  EXPECT_EQ(carried(r), std::vector<std::string>{"过拟合"});
  // A comparison with one earlier topic carries just that one.
  EXPECT_EQ(carried(f.ask("区别呢")), std::vector<std::string>{"过拟合"});
}

TEST(FollowUpResolverTest, SelfContainedQuestionIsNotPolluted) {
  Fixture f;
  f.ask("BN有什么作用");
  auto r = f.ask("什么是过拟合");
  EXPECT_EQ(r.kind, Kind::SelfContained);
  EXPECT_FALSE(r.follow_up);
  EXPECT_FALSE(std::any_of(r.query.concepts.begin(), r.query.concepts.end(), [](const auto& c) { return c.carried; }));
  f.ask("what does batch normalization do");
  EXPECT_FALSE(f.ask("how to prevent overfitting").follow_up);
}

TEST(FollowUpResolverTest, SwappedTopicKeepsTheQuestionShape) {
  Fixture f;
  f.ask("BN有什么作用");
  auto r = f.ask("那LN呢？");
  EXPECT_EQ(r.kind, Kind::Substitution);
  EXPECT_EQ(carried(r), std::vector<std::string>{"作用"});  // not BN: LN replaces it
  EXPECT_FALSE(has_carried_concept(r.query, "bn"));
  Fixture e;
  e.ask("what is the purpose of batch normalization");
  auto en = e.ask("and LN?");
  EXPECT_EQ(en.kind, Kind::Substitution);
  EXPECT_EQ(carried(en), std::vector<std::string>{"purpos"});
  Fixture g;
  g.ask("BN的缺点");
  EXPECT_EQ(g.ask("how about layer normalization").kind, Kind::Substitution);
}

TEST(FollowUpResolverTest, ComparisonCarriesBothEarlierTopics) {
  Fixture f;
  f.ask("BN有什么作用");
  f.ask("那LN呢？");
  auto r = f.ask("它们的区别？");
  EXPECT_EQ(r.kind, Kind::Comparison);
  auto c = carried(r);
  std::sort(c.begin(), c.end());
  EXPECT_EQ(c, (std::vector<std::string>{"bn", "ln"}));
  ASSERT_TRUE(r.turn);
  EXPECT_EQ(r.turn->topics.size(), 2u);  // a later "那优点呢" still compares both
}

TEST(FollowUpResolverTest, EnglishPronounAndAspect) {
  Fixture f;
  f.ask("what is batch normalization");
  auto r = f.ask("what about its drawbacks?");
  EXPECT_EQ(r.kind, Kind::Elliptic);
  EXPECT_EQ(carried(r), std::vector<std::string>{"batch normal"});  // as analysed (stemmed)
  Fixture g;
  g.ask("what is overfitting");
  auto p = g.ask("how does it relate to batch normalization");
  EXPECT_EQ(p.kind, Kind::Pronoun);
  EXPECT_TRUE(has_carried_concept(p.query, "overfit"));
}

TEST(FollowUpResolverTest, ChainKeepsTheTopicThroughEllipticTurns) {
  Fixture f;
  f.ask("BN有什么作用");
  f.ask("它的缺点呢");
  auto r = f.ask("原理呢");
  EXPECT_EQ(carried(r), std::vector<std::string>{"bn"});
  EXPECT_EQ(r.follow_up->previous, "它的缺点呢");
}

TEST(FollowUpResolverTest, TurnWithoutTopicIsNotRemembered) {
  Fixture f;
  EXPECT_FALSE(f.ask("为什么").turn);
  EXPECT_TRUE(f.conversation.turns.empty());
  f.ask("BN有什么作用");
  f.ask("为什么");
  EXPECT_EQ(carried(f.ask("缺点呢")), std::vector<std::string>{"bn"});
}

TEST(FollowUpResolverTest, ConversationKeepsFewTurns) {
  Fixture f;
  for (int i = 0; i < 10; ++i) f.ask("BN有什么作用");
  EXPECT_EQ(f.conversation.turns.size(), retrieval::Conversation::kMaxTurns);
}

TEST(FollowUpResolverTest, DisplayJoinsChainedBigrams) {
  EXPECT_EQ(FollowUpResolver::display({"过拟", "拟合"}), "过拟合");
  EXPECT_EQ(FollowUpResolver::display({"batch", "normal"}), "batch normal");
  EXPECT_EQ(FollowUpResolver::display({"bn"}), "bn");
}
