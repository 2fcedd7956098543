#include "retrieval/query_builder.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <variant>

#include "store/database.hpp"

using namespace qabot;
using retrieval::ConceptRole;
using retrieval::QueryBuilder;

namespace {

struct Fixture {
  text::Analyzer analyzer;
  retrieval::Synonyms rules = std::get<retrieval::Synonyms>(retrieval::Synonyms::parse(
      "bn, batch normalization, batchnorm, 批归一化\noverfitting, 过拟合\n"));
  retrieval::SynonymIndex index{rules, analyzer};
  QueryBuilder builder{analyzer, index};
  retrieval::Query build(std::string_view s) { return builder.build(s); }
};

// Runs the expression against a real FTS5 table with the qabot tokenizer: it must never be a
// syntax error, whatever the user typed.
void expect_valid_fts5(const std::string& match) {
  store::Database db(":memory:", store::Database::Mode::ReadWriteCreate);
  db.exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='qabot'); INSERT INTO t VALUES ('BN 有什么作用 NEAR AND');");
  auto s = db.prepare("SELECT count(*) FROM t WHERE t MATCH ?1");
  s.bind(1, match);
  EXPECT_NO_THROW(s.step()) << match;
}

}  // namespace

TEST(QueryBuilderTest, TemplateWordsAreNotTopics) {
  Fixture f;
  auto q = f.build("BN有什么作用");
  ASSERT_FALSE(q.concepts.empty());
  EXPECT_EQ(q.concepts.front().role, ConceptRole::Topic);
  bool has_template = false, has_aspect = false;
  for (const auto& c : q.concepts) {
    has_template |= c.role == ConceptRole::Template;
    has_aspect |= c.role == ConceptRole::Aspect;
  }
  EXPECT_TRUE(has_template);
  EXPECT_TRUE(has_aspect);
}

TEST(QueryBuilderTest, SynonymGroupIsOneConcept) {
  Fixture f;
  auto q = f.build("what does batch normalization do");
  int groups = 0;
  for (const auto& c : q.concepts)
    if (c.from_synonym) {
      ++groups;
      EXPECT_GE(c.alternatives.size(), 4u);
      EXPECT_EQ(c.alternatives.front(), (retrieval::Phrase{"batch", "normal"}));
    }
  EXPECT_EQ(groups, 1);
}

TEST(QueryBuilderTest, ChineseSynonymReachesEnglish) {
  Fixture f;
  auto q = f.build("過擬合怎麼辦");
  ASSERT_FALSE(q.concepts.empty());
  EXPECT_TRUE(q.concepts.front().from_synonym);
  bool english = false;
  for (const auto& p : q.concepts.front().alternatives) english |= p == retrieval::Phrase{"overfit"};
  EXPECT_TRUE(english);
}

TEST(QueryBuilderTest, OnlyTemplateWordsStillSearch) {
  Fixture f;
  auto e = QueryBuilder::expression(f.build("what is the"));
  EXPECT_FALSE(e.match.empty());
}

TEST(QueryBuilderTest, EmptyQueryHasNoExpression) {
  Fixture f;
  EXPECT_TRUE(QueryBuilder::expression(f.build("")).match.empty());
  EXPECT_TRUE(QueryBuilder::expression(f.build("?!。，")).match.empty());
}

TEST(QueryBuilderTest, PhraseMapCoversEveryPhrase) {
  Fixture f;
  auto q = f.build("BN有什么作用");
  auto e = QueryBuilder::expression(q);
  std::size_t phrases = 0;
  for (const auto& c : q.concepts) phrases += c.alternatives.size();
  // Required phrases appear twice when template words are present (once counted, once as -1).
  EXPECT_GE(e.phrase_concept.size(), phrases);
  for (int c : e.phrase_concept) EXPECT_LT(c, static_cast<int>(q.concepts.size()));
}

TEST(QueryBuilderTest, QuotesFts5Syntax) {
  EXPECT_EQ(QueryBuilder::quote("a\"b"), std::string("\"") + "\xEE\x80\x80" + "a\"\"b\"");
}

TEST(QueryBuilderTest, HostileInputNeverBreaksFts5) {
  Fixture f;
  const std::string nul("a\0b", 3);
  const std::vector<std::string> hostile = {
      "\"", "\"\"\"", "*", "NEAR(", "NEAR(a b, 3)", "a AND", "AND OR NOT", "-", "^bn", "col:bn", "question:BN",
      "(((", ")))", "a\" OR \"b", "😀🔥", nul, std::string(10000, 'x'), "{bn} : ^ - + *", "\xEE\x80\x80", "BN\"*",
      "'; DROP TABLE questions; --", "\\", "\x7f\x01\x02"};
  for (const auto& h : hostile) {
    auto e = QueryBuilder::expression(f.build(h));
    if (!e.match.empty()) expect_valid_fts5(e.match);
  }
}
