#include "retrieval/query_builder.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <variant>

#include "sqlite/database.hpp"
#include "store/open_index.hpp"
#include "store/rank_function.hpp"
#include "text/fts5_tokenizer.hpp"

using namespace qabot;
using retrieval::ConceptRole;
using retrieval::QueryBuilder;

namespace {

struct Fixture {
  text::Analyzer analyzer;
  retrieval::Synonyms rules = std::get<retrieval::Synonyms>(
      retrieval::Synonyms::parse("bn, batch normalization, batchnorm, 批归一化\noverfitting, 过拟合\n"));
  retrieval::SynonymIndex index{rules, analyzer};
  QueryBuilder builder{analyzer, index};
  retrieval::Query build(std::string_view s) { return builder.build(s); }
};

// The index of the concept that has `phrase` among its alternatives, or -1.
int concept_with(const retrieval::Query& q, const retrieval::Phrase& phrase) {
  for (std::size_t i = 0; i < q.concepts.size(); ++i)
    for (const auto& p : q.concepts[i].alternatives)
      if (p == phrase) return static_cast<int>(i);
  return -1;
}

// The rows of table `t` that `e` matches, as qabot_rank ranks them with every concept weighted 1.
// With `phrase_weights` false, every alternative counts fully (as before broader alternatives).
auto ranked(const sqlite::Database& db, const retrieval::Query& q, const QueryBuilder::Expression& e,
            bool phrase_weights = true) {
  store::RankCollector collector;
  collector.params.concept_weights.assign(q.concepts.size(), 1.0);
  collector.params.phrase_concept.assign(e.phrase_concept.begin(), e.phrase_concept.end());
  if (phrase_weights) collector.params.phrase_weight.assign(e.phrase_weight.begin(), e.phrase_weight.end());
  auto s = db.prepare("SELECT qabot_rank(t, ?2) FROM t WHERE t MATCH ?1");
  s.bind(1, e.match).bind_pointer(2, &collector, store::kRankCollectorType);
  while (s.step()) {
  }
  return collector.sorted();
}

// Runs the expression against a real FTS5 table with the qabot tokenizer: it must never be a
// syntax error, whatever the user typed.
void expect_valid_fts5(const std::string& match) {
  sqlite::Database db = store::open_index(":memory:", sqlite::Database::Mode::ReadWriteCreate);
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

// A bigram across a dictionary boundary is segmentation noise where one of its characters belongs to
// a longer word or is a function character. Two characters the dictionary knows only alone (ICU splits
// 网购 and 退货 into single characters) are loose: a word it lacks, or two of them side by side; the
// bank decides (ScoringTest.LooseCharactersWeighByWhatTheBankHolds).
TEST(QueryBuilderTest, BigramsAreWordsStraddlesOrLooseCharacters) {
  Fixture f;
  auto concept_of = [&](std::string_view query, std::string_view bigram) {
    const auto q = f.build(query);
    const int i = concept_with(q, retrieval::Phrase{std::string(bigram)});
    EXPECT_GE(i, 0) << bigram;
    return i >= 0 ? q.concepts[static_cast<std::size_t>(i)] : retrieval::Concept{};
  };
  EXPECT_TRUE(concept_of("数据不均衡", "据不").straddles_words);  // 数据|不|均衡
  EXPECT_FALSE(concept_of("数据不均衡", "数据").straddles_words);
  EXPECT_FALSE(concept_of("数据不均衡", "数据").loose_characters);
  EXPECT_TRUE(concept_of("网购的衣服怎么退货", "购的").straddles_words);  // 的 is a function character
  EXPECT_TRUE(concept_of("网购的衣服怎么退货", "的衣").straddles_words);  // 衣 belongs to 衣服
  for (const char* loose : {"网购", "退货"}) {                            // 网|购, 退|货
    const auto c = concept_of("网购的衣服怎么退货", loose);
    EXPECT_FALSE(c.straddles_words) << loose;
    EXPECT_TRUE(c.loose_characters) << loose;
  }
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

// A glossary backs "max pooling" off to "pooling" so notes that only say pooling are found; a note
// that names max pooling must still outrank a short one that only says pooling.
TEST(QueryBuilderTest, ABroaderAlternativeCountsLessThanTheConceptItself) {
  text::Analyzer analyzer;
  auto rules = std::get<retrieval::Synonyms>(
      retrieval::Synonyms::parse("pooling, 池化\nmax pooling, 最大池化\nmax pooling => max pooling, pooling, 池化\n"));
  retrieval::SynonymIndex index{rules, analyzer};
  QueryBuilder builder{analyzer, index};
  auto q = builder.build("max pooling");
  auto e = QueryBuilder::expression(q);
  ASSERT_EQ(e.phrase_weight.size(), e.phrase_concept.size());
  const int c = concept_with(q, {"max", "pool"});
  ASSERT_GE(c, 0);
  EXPECT_EQ(concept_with(q, {"pool"}), c);
  // Every phrase of the user's own spelling counts fully; some alternative counts less.
  EXPECT_TRUE(std::any_of(e.phrase_weight.begin(), e.phrase_weight.end(), [](double w) { return w < 1.0; }));
  EXPECT_EQ(*std::max_element(e.phrase_weight.begin(), e.phrase_weight.end()), 1.0);

  sqlite::Database db = store::open_index(":memory:", sqlite::Database::Mode::ReadWriteCreate);
  db.exec(
      "CREATE VIRTUAL TABLE t USING fts5(q, a, c, tokenize='qabot');"
      "INSERT INTO t(rowid, q, a, c) VALUES (1, 'pooling的作用', '', '');"
      "INSERT INTO t(rowid, q, a, c) VALUES (2, 'max pooling为什么更常用', '', '');");
  auto with = ranked(db, q, e);
  ASSERT_EQ(with.size(), 2u);
  EXPECT_EQ(with[0].row, 2);
  // The check above depends on the weights: counted fully, the short title wins on length.
  auto without = ranked(db, q, e, false);
  ASSERT_EQ(without.size(), 2u);
  EXPECT_EQ(without[0].row, 1);
}

// A glossary phrase whose Han run is followed by a Latin word ("分布式 id") must match the text it
// names: the index holds the run's last character as a unigram before the Latin word.
TEST(QueryBuilderTest, AHanRunBeforeALatinWordMatchesInsideAGlossaryPhrase) {
  text::Analyzer analyzer;
  auto rules = std::get<retrieval::Synonyms>(retrieval::Synonyms::parse("分布式 id, distributed id\n"));
  retrieval::SynonymIndex index{rules, analyzer};
  QueryBuilder builder{analyzer, index};
  sqlite::Database db = store::open_index(":memory:", sqlite::Database::Mode::ReadWriteCreate);
  db.exec(
      "CREATE VIRTUAL TABLE t USING fts5(q, a, c, tokenize='qabot');"
      "INSERT INTO t(rowid, q, a, c) VALUES (1, '分布式 ID 有哪些生成方案', '', '');"
      "INSERT INTO t(rowid, q, a, c) VALUES (2, '分布式ID的要求', '', '');"
      "INSERT INTO t(rowid, q, a, c) VALUES (3, 'distributed IDs', '', '');");
  for (const char* asked : {"distributed id", "分布式 ID"}) {
    const auto q = builder.build(asked);
    ASSERT_GE(concept_with(q, {"分布", "布式", "id"}), 0) << asked;
    std::set<std::int64_t> rows;
    for (const auto& r : ranked(db, q, QueryBuilder::expression(q))) rows.insert(r.row);
    EXPECT_EQ(rows, (std::set<std::int64_t>{1, 2, 3})) << asked;
  }
}

TEST(QueryBuilderTest, QuotesFts5Syntax) {
  EXPECT_EQ(QueryBuilder::quote("a\"b"), std::string("\"") + "\xEE\x80\x80" + "a\"\"b\"");
}

TEST(QueryBuilderTest, HostileInputNeverBreaksFts5) {
  Fixture f;
  const std::string nul("a\0b", 3);
  const std::vector<std::string> hostile = {"\"",
                                            "\"\"\"",
                                            "*",
                                            "NEAR(",
                                            "NEAR(a b, 3)",
                                            "a AND",
                                            "AND OR NOT",
                                            "-",
                                            "^bn",
                                            "col:bn",
                                            "question:BN",
                                            "(((",
                                            ")))",
                                            "a\" OR \"b",
                                            "😀🔥",
                                            nul,
                                            std::string(10000, 'x'),
                                            "{bn} : ^ - + *",
                                            "\xEE\x80\x80",
                                            "BN\"*",
                                            "'; DROP TABLE questions; --",
                                            "\\",
                                            "\x7f\x01\x02",
                                            "\xFF",
                                            "\xFF"
                                            "bn",
                                            "BN \xFF\xFF"};
  for (const auto& h : hostile) {
    auto e = QueryBuilder::expression(f.build(h));
    if (!e.match.empty()) expect_valid_fts5(e.match);
  }
}

// A query made only of common concepts finds rows through their titles, using the title-only
// twins the indexer writes (text::kTitleMarker): a row that mentions BN only in its answer is not
// found that way, however often it mentions it.
TEST(QueryBuilderTest, CommonConceptsAreFoundThroughTitleTwins) {
  Fixture f;
  auto q = f.build("BN有什么作用");
  for (auto& c : q.concepts)
    if (c.role != ConceptRole::Template) c.common = true;
  auto e = QueryBuilder::expression(q);
  ASSERT_TRUE(e.titles_only);
  EXPECT_NE(e.match.find(QueryBuilder::quote(text::title_term("bn"))), std::string::npos) << e.match;

  sqlite::Database db = store::open_index(":memory:", sqlite::Database::Mode::ReadWriteCreate);
  db.exec("CREATE VIRTUAL TABLE t USING fts5(question, answer, category, tokenize='qabot')");
  auto insert =
      db.prepare("INSERT INTO t(rowid, question, answer, category) VALUES (?1, CAST(X'FF' AS TEXT) || ?2, ?3, '')");
  insert.bind(1, std::int64_t{1}).bind(2, "BN有什么作用").bind(3, "加速训练");
  insert.step();
  insert.reset();
  insert.bind(1, std::int64_t{2}).bind(2, "Dropout有什么作用").bind(3, "和BN一样正则化，BN BN BN 批归一化");
  insert.step();
  auto s = db.prepare("SELECT rowid FROM t WHERE t MATCH ?1");
  s.bind(1, e.match);
  std::vector<std::int64_t> rows;
  while (s.step()) rows.push_back(s.integer(0));
  EXPECT_EQ(rows, std::vector<std::int64_t>{1});
}

// On a large bank, rows are found through the rarest required concepts that fit a budget of rows;
// the others find rows only through titles, and score what is found. On a small bank every
// required concept finds rows anywhere.
TEST(QueryBuilderTest, RowsAreFoundThroughTheRarestConceptsWithinABudget) {
  Fixture f;
  auto q = f.build("dropout 过拟合");
  retrieval::Concept* dropout = nullptr;
  retrieval::Concept* overfitting = nullptr;
  for (auto& c : q.concepts)
    for (const auto& p : c.alternatives) {
      if (p == retrieval::Phrase{"dropout"}) dropout = &c;
      if (p == retrieval::Phrase{"overfit"}) overfitting = &c;
    }
  ASSERT_TRUE(dropout && overfitting);

  sqlite::Database db = store::open_index(":memory:", sqlite::Database::Mode::ReadWriteCreate);
  db.exec(
      "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='qabot');"
      "INSERT INTO t(rowid, x) VALUES (1, 'dropout 过拟合'), (2, 'dropout only'), (3, '过拟合 only'),"
      " (4, CAST(X'FF' AS TEXT) || 'dropout, the title');");
  auto rows = [&](const std::string& match) {
    auto s = db.prepare("SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid");
    s.bind(1, match);
    std::vector<std::int64_t> out;
    while (s.step()) out.push_back(s.integer(0));
    return out;
  };

  dropout->rows = 20;
  overfitting->rows = 30;
  EXPECT_EQ(rows(QueryBuilder::expression(q).match), (std::vector<std::int64_t>{1, 2, 3, 4}));

  // Over the budget, dropout finds rows only through titles (row 4, marked as the indexer marks
  // titles); a row that merely mentions it (2) is not scored.
  dropout->rows = 900;
  overfitting->rows = 300;
  const auto e = QueryBuilder::expression(q);
  EXPECT_EQ(rows(e.match), (std::vector<std::int64_t>{1, 3, 4})) << e.match;
  // dropout still scores the rows found: one of its phrases maps to its concept.
  const int dropout_index = static_cast<int>(dropout - q.concepts.data());
  EXPECT_NE(std::find(e.phrase_concept.begin(), e.phrase_concept.end(), dropout_index), e.phrase_concept.end());
}

// A concept in most rows of a large bank scores the rows the finder selects only where it is in
// their titles: walking its posting list for answers that mention it costs more than the ask.
TEST(QueryBuilderTest, AConceptInVeryManyRowsScoresOnlyThroughTitles) {
  Fixture f;
  auto q = f.build("dropout 过拟合");
  const int dropout = concept_with(q, {"dropout"}), overfitting = concept_with(q, {"overfit"});
  ASSERT_TRUE(dropout >= 0 && overfitting >= 0);
  auto& common = q.concepts[static_cast<std::size_t>(overfitting)];
  q.concepts[static_cast<std::size_t>(dropout)].rows = 40;
  common.common = true;

  sqlite::Database db = store::open_index(":memory:", sqlite::Database::Mode::ReadWriteCreate);
  db.exec(
      "CREATE VIRTUAL TABLE t USING fts5(question, answer, category, tokenize='qabot');"
      "INSERT INTO t(rowid, question, answer, category) VALUES"
      " (1, CAST(X'FF' AS TEXT) || 'dropout 怎么用', '可以缓解过拟合', ''),"
      " (2, CAST(X'FF' AS TEXT) || 'dropout 与过拟合', '随机丢弃', '');");
  // Which columns each row was credited with for the common concept.
  auto credited = [&](const QueryBuilder::Expression& e) {
    std::map<std::int64_t, int> out;
    for (const auto& row : ranked(db, q, e)) out[row.row] = row.concept_columns[static_cast<std::size_t>(overfitting)];
    return out;
  };
  const int title = 1 << store::kQuestionColumn, answer = 1 << store::kAnswerColumn;

  common.rows = 3000;  // common, but its list is short enough to look for it in answers
  EXPECT_EQ(credited(QueryBuilder::expression(q)), (std::map<std::int64_t, int>{{1, answer}, {2, title}}));
  common.rows = 60000;
  const auto e = QueryBuilder::expression(q);
  EXPECT_EQ(credited(e), (std::map<std::int64_t, int>{{1, 0}, {2, title}})) << e.match;
}

// When titles must hold every common concept, the finder already requires each of them, so the
// scorer repeats only the rarest (uncounted) to hold on every row found: repeating them all walked
// every title list twice, the slowest asks of a 100k bank. Every concept still scores.
TEST(QueryBuilderTest, TitlesHoldingEveryCommonConceptRepeatOnlyTheRarestInTheScorer) {
  Fixture f;
  auto q = f.build("dropout 过拟合");
  const int dropout = concept_with(q, {"dropout"}), overfitting = concept_with(q, {"overfit"});
  ASSERT_TRUE(dropout >= 0 && overfitting >= 0);
  for (auto& c : q.concepts) c.common = true;
  q.concepts[static_cast<std::size_t>(dropout)].rows = 9000;
  q.concepts[static_cast<std::size_t>(overfitting)].rows = 20000;
  const auto e = QueryBuilder::expression(q);
  ASSERT_TRUE(e.titles_only);
  const auto& rarest = q.concepts[static_cast<std::size_t>(dropout)].alternatives;
  EXPECT_EQ(std::count(e.phrase_concept.begin(), e.phrase_concept.end(), -1), static_cast<long>(rarest.size()))
      << e.match;

  sqlite::Database db = store::open_index(":memory:", sqlite::Database::Mode::ReadWriteCreate);
  db.exec(
      "CREATE VIRTUAL TABLE t USING fts5(question, answer, category, tokenize='qabot');"
      "INSERT INTO t(rowid, question, answer, category) VALUES"
      " (1, CAST(X'FF' AS TEXT) || 'dropout 与过拟合', '随机丢弃', ''),"
      " (2, CAST(X'FF' AS TEXT) || 'dropout 怎么用', '可以缓解过拟合', ''),"
      " (3, CAST(X'FF' AS TEXT) || '过拟合是什么', '用 dropout', '');");
  const auto rows = ranked(db, q, e);
  ASSERT_EQ(rows.size(), 1u) << e.match;
  EXPECT_EQ(rows[0].row, 1);
  const int title = 1 << store::kQuestionColumn;
  EXPECT_EQ(rows[0].concept_columns[static_cast<std::size_t>(dropout)], title);
  EXPECT_EQ(rows[0].concept_columns[static_cast<std::size_t>(overfitting)], title);
}

// A bank no larger than the candidate list: one OR over every concept, each phrase written once and
// counted, and the caller is told which concepts a candidate must hold (the finder's condition).
TEST(QueryBuilderTest, OnATinyBankEveryPhraseIsWrittenOnceAndFindingIsLeftToTheCaller) {
  Fixture f;
  auto q = f.build("BN有什么作用");
  const auto full = QueryBuilder::expression(q);
  const auto tiny = QueryBuilder::expression(q, QueryBuilder::CommonTerms::AllInTitle, true);
  EXPECT_TRUE(full.finding.empty());
  EXPECT_EQ(tiny.match.find(" AND "), std::string::npos) << tiny.match;
  EXPECT_LT(tiny.phrase_concept.size(), full.phrase_concept.size());
  EXPECT_EQ(std::count(tiny.phrase_concept.begin(), tiny.phrase_concept.end(), -1), 0);
  ASSERT_FALSE(tiny.finding.empty());
  for (int c : tiny.finding) EXPECT_NE(q.concepts[static_cast<std::size_t>(c)].role, ConceptRole::Template);
  expect_valid_fts5(tiny.match);
}
