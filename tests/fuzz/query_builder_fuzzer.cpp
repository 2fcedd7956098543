// Any text → QueryBuilder (with the bundled glossary) → FTS5 expressions in every fallback mode →
// run against a small in-memory questions_fts with the qabot tokenizer and qabot_rank, the way the
// retriever runs them. An FTS5 syntax error from user text is a bug, so any SQLite error crashes.
// The input is also indexed as a row, so its own terms always match and the ranking code runs.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz_check.hpp"
#include "retrieval/query_builder.hpp"
#include "retrieval/synonym_index.hpp"
#include "retrieval/synonyms.hpp"
#include "sqlite/database.hpp"
#include "store/open_index.hpp"
#include "store/rank_function.hpp"
#include "store/schema.hpp"

using qabot::fuzz::require;
namespace retrieval = qabot::retrieval;
namespace sqlite = qabot::sqlite;
namespace store = qabot::store;

namespace {

struct World {
  qabot::text::Analyzer analyzer;
  retrieval::Synonyms rules = load_rules();
  retrieval::SynonymIndex synonyms{rules, analyzer};
  retrieval::QueryBuilder builder{analyzer, synonyms};
  sqlite::Database db = store::open_index(":memory:", sqlite::Database::Mode::ReadWriteCreate);
  sqlite::Statement replace_row;
  sqlite::Statement rank;

  World() {
    db.exec(
        "CREATE VIRTUAL TABLE questions_fts USING fts5(question, answer, category, tokenize='qabot', detail=full);"
        "CREATE TABLE rows(id INTEGER PRIMARY KEY, question, answer, category);"
        "INSERT INTO rows VALUES"
        " (1, 'BN有什么作用', '加速训练，缓解梯度消失 (batch normalization)', '深度学习'),"
        " (2, 'What is overfitting and how do you prevent it?', 'Use dropout, L2 and more data.', 'ML basics'),"
        " (3, '過擬合怎麼辦', '正则化 dropout early stopping', '机器学习'),"
        " (4, 'C++ 中 const 和 constexpr 的区别', '`constexpr` 在编译期求值; a->b, a::b, a == b', 'C++');"
        // Titles go in behind the marker, as the indexer writes them (store::kTitleMarkerSql).
        "INSERT INTO questions_fts(rowid, question, answer, category) SELECT id, " +
        std::string(store::kTitleMarkerSql) + " || question, answer, category FROM rows;");
    replace_row = db.prepare("INSERT OR REPLACE INTO questions_fts(rowid, question, answer, category) VALUES (100, " +
                             std::string(store::kTitleMarkerSql) + " || ?1, ?1, ?1)");
    rank = db.prepare("SELECT qabot_rank(questions_fts, ?2) FROM questions_fts WHERE questions_fts MATCH ?1");
  }

  static retrieval::Synonyms load_rules() {
    auto loaded = retrieval::Synonyms::load(QABOT_SOURCE_DIR "/data/synonyms.txt");
    require(std::holds_alternative<retrieval::Synonyms>(loaded), "cannot load data/synonyms.txt");
    return std::get<retrieval::Synonyms>(std::move(loaded));
  }
};

World& world() {
  static World instance;
  return instance;
}

void run(World& w, const retrieval::Query& query, retrieval::QueryBuilder::CommonTerms mode) {
  const auto expr = retrieval::QueryBuilder::expression(query, mode);
  if (expr.match.empty()) return;
  store::RankCollector collector;
  collector.limit = 3;
  collector.params.concept_weights.assign(query.concepts.size(), 1.0);
  for (int c : expr.phrase_concept) {
    require(c >= -1 && c < static_cast<int>(query.concepts.size()), "phrase points at no concept", expr.match);
    collector.params.phrase_concept.push_back(c);
  }
  try {
    w.rank.reset();
    w.rank.bind(1, expr.match).bind_pointer(2, &collector, store::kRankCollectorType);
    while (w.rank.step()) {
    }
  } catch (const std::exception& e) {
    require(false, e.what(), expr.match);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  World& w = world();
  try {
    w.replace_row.reset();
    w.replace_row.bind(1, input);
    w.replace_row.step();
  } catch (const std::exception& e) {
    require(false, e.what(), "indexing the input as a row");
  }
  const retrieval::Query query = w.builder.build(input);
  for (const auto& c : query.concepts) {
    require(!c.alternatives.empty(), "a concept without alternatives");
    for (const auto& phrase : c.alternatives) {
      require(!phrase.empty(), "an empty phrase");
      for (const auto& term : phrase) require(!term.empty(), "an empty term");
    }
  }
  using Mode = retrieval::QueryBuilder::CommonTerms;
  for (Mode mode : {Mode::AllInTitle, Mode::RarestInTitle, Mode::RarestAnyColumn}) run(w, query, mode);
  // As on a large bank: row counts that reach the finder's budget, then every concept common
  // (expressions written in title-only twins).
  retrieval::Query large = query;
  for (std::size_t i = 0; i < large.concepts.size(); ++i)
    large.concepts[i].rows = static_cast<long long>(300 + 700 * (i % 3));
  run(w, large, Mode::AllInTitle);
  for (auto& c : large.concepts) c.common = true;
  for (Mode mode : {Mode::AllInTitle, Mode::RarestInTitle, Mode::RarestAnyColumn}) run(w, large, mode);
  return 0;
}
