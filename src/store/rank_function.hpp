#pragma once
// `qabot_rank(questions_fts, weights)`: a BM25F auxiliary function for FTS5 that scores *concepts*
// (a concept is one query term or a group of alternatives: synonyms, corrections) rather than the
// flat list of phrases FTS5's own bm25() sees. This lets the query pipeline weight terms (topic words
// over question-template words) and count each synonym group once, inside the single FTS5 pass.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/column_size_cache.hpp"
#include "store/columns.hpp"

struct fts5_api;

namespace qabot::store {

struct RankParams {
  std::vector<double> concept_weights;       // one per concept
  std::vector<std::int32_t> phrase_concept;  // the concept of each phrase, in FTS5 phrase order
  std::vector<double> phrase_weight;         // per phrase (empty: all 1): how much a match of it counts
  double column_weights[kColumnCount] = {4.0, 1.0, 0.5};
  double k1 = 1.2;
  double b = 0.75;
};

struct RankOutput {
  std::int64_t row = 0;  // the FTS5 rowid (QuestionBank::at_row)
  double score = 0;
  std::int32_t question_tokens = 0;           // positions in the question column
  std::int32_t question_hit_tokens = 0;       // of those, positions covered by some query phrase
  std::vector<std::uint8_t> concept_columns;  // per concept: bit i set = matched in column i
  // Per concept: how much the answer is about it — its best alternative's frequency in the answer,
  // length-normalised and saturated as BM25 does (k1, b), in [0, k1 + 1); 0 when absent. One mention
  // in a long answer is about 0.2; a point of a short answer about 1.
  std::vector<float> answer_salience;
};

// Bound to qabot_rank's argument with sqlite3_bind_pointer (type "qabot_rank_collector"). The
// function scores every matching row and keeps the best `limit` with their details, so ranking
// costs one pass over the matches and no per-row allocation outside the kept set.
struct RankCollector {
  RankParams params;
  std::size_t limit = 50;
  ColumnSizeCache* column_sizes = nullptr;  // optional: remembers sizes across asks
  std::vector<RankOutput> best;             // a min-heap on score while collecting; sorted() orders it
  std::vector<RankOutput> sorted();         // best first (ties: lower row first, for stable output)
};

inline constexpr const char* kRankCollectorType = "qabot_rank_collector";

// Registers `qabot_rank` through a connection's FTS5 API (sqlite::fts5_of; functions are per
// connection). `api` must not be null. Returns an SQLite result code.
int register_rank_function(fts5_api* api);

}  // namespace qabot::store
