#pragma once
// How much a candidate row answers a query, in one place: the weight of each concept, the rerank of
// FTS5's candidates and the confidence that the best of them answers the question. Pure (no I/O):
// the retriever hands it the parsed query, the bank's statistics and qabot_rank's per-row details.
//
// Contract: weights are ≥ 0; a rank is comparable only within one query; a confidence is in [0, 1]
// and means the same on every bank ("this note answers this question"), so one match threshold holds
// from 24 to 100,000 questions.

#include <cstdint>
#include <vector>

#include "retrieval/query.hpp"
#include "store/rank_function.hpp"

namespace qabot::retrieval {

// A concept's weight: its idf in a bank of `documents` rows where it occurs in `rows`, times its
// role factor; absent concepts and question-template words are discounted (scoring.cpp says why).
double concept_weight(const Concept& c, std::int64_t rows, double documents);

// What a row's coverage is divided by in a bank of `bank_questions` questions: 1 up to a few hundred,
// growing with the logarithm of the size beyond. The best of many rows covers part of any question by
// chance ("打篮球怎么练习运球" → a note on how to practise), and the more rows, the more of it.
double chance_discount(double bank_questions);

struct ScoredRow {
  const store::RankOutput* row = nullptr;
  double rank = 0;                    // the order of hits; comparable within one query only
  double coverage = 0;                // confidence before the runner-up is considered, in [0, 1]
  bool misses_carried_topic = false;  // a follow-up's answer that does not name the carried topic
};

class Scorer {
 public:
  // `weights[i]` belongs to `query.concepts[i]` (both outlive the scorer); `bank_questions` is the
  // number of questions in the bank (the larger the bank, the more a chance match must be discounted).
  Scorer(const Query& query, const std::vector<double>& weights, double bank_questions);

  // Scores one candidate; `best_bm25` is the highest BM25 among this query's candidates.
  ScoredRow score(const store::RankOutput& row, double best_bm25) const;

  // Confidence of a hit ranked `rank` whose runner-up ranks `next_rank` (0 when none), capped for a
  // row that misses a follow-up's carried topic at a share of `match_threshold`.
  static double confidence(const ScoredRow& hit, double next_rank, double match_threshold);

 private:
  bool names_topic(const store::RankOutput& row) const;

  const Query& query_;
  const std::vector<double>& weights_;
  double total_ = 0;     // every concept's weight
  double present_ = 0;   // topic and aspect concepts the bank holds
  double presence_ = 0;  // share of the asked-about weight that the bank holds at all
  double chance_ = 1;    // chance_discount() of the bank's size
  bool carries_topic_ = false;
};

}  // namespace qabot::retrieval
