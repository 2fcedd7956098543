#include "store/rank_function.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "sqlite/database.hpp"
#include "store/open_index.hpp"

using namespace qabot;

namespace {

// A three-column FTS5 table like questions_fts, with rows of different lengths, scored for one
// concept ("dropout") through qabot_rank.
struct Table {
  sqlite::Database db = store::open_index(":memory:", sqlite::Database::Mode::ReadWriteCreate);
  Table() {
    db.exec(
        "CREATE VIRTUAL TABLE t USING fts5(question, answer, category, tokenize='qabot');"
        "INSERT INTO t(rowid, question, answer, category) VALUES"
        " (1, 'dropout', 'a regulariser', 'nn'),"
        " (2, 'why dropout works', 'dropout drops units at random during training time', 'nn'),"
        " (3, 'dropout rate', 'half, or less for inputs', 'nn');");
  }
  std::map<std::int64_t, double> scores(store::ColumnSizeCache* cache) {
    store::RankCollector collector;
    collector.params.concept_weights = {1.0};
    collector.params.phrase_concept = {0};
    collector.column_sizes = cache;
    auto s = db.prepare("SELECT qabot_rank(t, ?2) FROM t WHERE t MATCH 'dropout'");
    s.bind_pointer(2, &collector, store::kRankCollectorType);
    while (s.step()) {
    }
    std::map<std::int64_t, double> out;
    for (const auto& row : collector.sorted()) out[row.row] = row.score;
    return out;
  }
};

}  // namespace

// Remembered column sizes give exactly the scores FTS5's own sizes give, on the first ask and on
// the next ones, which read them from the cache.
TEST(RankFunctionTest, RememberedColumnSizesScoreExactlyAsFts5Does) {
  Table t;
  const auto plain = t.scores(nullptr);
  ASSERT_EQ(plain.size(), 3u);
  store::ColumnSizeCache cache;
  EXPECT_EQ(t.scores(&cache), plain);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(t.scores(&cache), plain);
  ASSERT_NE(cache.find(2), nullptr);
  EXPECT_EQ((*cache.find(2))[store::kQuestionColumn], 3);  // why | dropout | works
}

// The scorer reads a remembered row's sizes from the cache rather than from FTS5: a (deliberately
// wrong) longer question lowers that row's score and no other.
TEST(RankFunctionTest, ARememberedRowIsScoredFromTheCache) {
  Table t;
  const auto plain = t.scores(nullptr);
  store::ColumnSizeCache cache;
  cache.put(1, {50, 2, 1});
  const auto cached = t.scores(&cache);
  EXPECT_LT(cached.at(1), plain.at(1));
  EXPECT_EQ(cached.at(2), plain.at(2));
  EXPECT_EQ(cached.at(3), plain.at(3));
}

// A row whose sizes FTS5 cannot read (its docsize entry is gone: a damaged index) is still scored,
// but nothing is remembered for it.
TEST(RankFunctionTest, SizesThatCouldNotBeReadAreNotRemembered) {
  Table t;
  t.db.exec("DELETE FROM t_docsize WHERE id = 2");
  store::ColumnSizeCache cache;
  EXPECT_EQ(t.scores(&cache).size(), 3u);
  EXPECT_EQ(cache.find(2), nullptr);
  EXPECT_NE(cache.find(1), nullptr);
  EXPECT_NE(cache.find(3), nullptr);
}

TEST(RankFunctionTest, TheCacheStaysWithinItsCapacity) {
  store::ColumnSizeCache cache(2);
  for (std::int64_t row = 1; row <= 5; ++row) {
    cache.put(row, {1, 1, 1});
    EXPECT_LE(cache.size(), 2u);
    EXPECT_NE(cache.find(row), nullptr);  // the row just put is always there
  }
}
