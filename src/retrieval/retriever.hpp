#pragma once
// The query pipeline: analyse → correct typos → expand synonyms → FTS5 candidates scored by
// qabot_rank (BM25F over weighted concepts) → rerank on the question title → confidence.

#include <memory>
#include <string_view>

#include "retrieval/conversation.hpp"
#include "retrieval/query.hpp"
#include "retrieval/result.hpp"
#include "retrieval/synonyms.hpp"

namespace qabot::store {
class QuestionBank;
}

namespace qabot::retrieval {

struct RetrieverOptions {
  int candidates = 60;  // rows taken from FTS5 before reranking
  double match_threshold =
      0.25;  // confidence at or above which the best hit is an answer (calibrated in docs/architecture.md)
  double clarify_margin = 0.08;  // top two confidences closer than this (and neither sure) → clarify
  // ...and the runner-up's ranking score within this share of the best's: the ranker itself cannot
  // tell them apart. (Confidence alone is not enough: a runner-up's is capped at the best's, so a
  // hit ranked far below can show the same confidence.)
  double clarify_rank_margin = 0.05;
  // A hit this confident is answered even when another is close. Above 0.8: a hit tied in rank
  // with the next gets at most coverage × 0.8 (the margin discount), and a tie is never sure; 0.85
  // is full coverage with the 5% rank margin below which hits count as tied.
  double sure = 0.85;
  int max_scored_rows = 2000;  // matching rows scored per ask at most
};

class Retriever {
 public:
  // Not thread-safe (owns an analyzer); the bank must outlive the retriever.
  Retriever(const store::QuestionBank& bank, const Synonyms& synonyms, RetrieverOptions options = {});
  ~Retriever();

  Result search(std::string_view text, int top_k) { return search(text, top_k, nullptr); }
  // With a conversation: the question is read as a possible follow-up of the ones before it
  // (FollowUpResolver; the result's `followup` says what was carried) and then remembered in it.
  Result search(std::string_view text, int top_k, Conversation* conversation);
  Query parse(std::string_view text, std::vector<Correction>* corrections = nullptr);
  // A human-readable account of how the query was understood: concepts, roles, weights (`qabot ask --explain`).
  std::string explain(std::string_view text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qabot::retrieval
