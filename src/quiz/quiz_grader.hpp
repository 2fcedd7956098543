#pragma once
// Grades a free-text reply against a note's reference answer by how many of the
// answer's key points it covers. Pure: no I/O (the bank's document frequencies
// come in as a function).
//
// Key points are the answer's readable units — list items, table-free
// sentences, clauses of very long sentences — each reduced to its topic terms
// with the same text::Analyzer that indexes the bank (so "BatchNorm", "batch
// norm" and "批归一化" are read the way retrieval reads them). Question
// scaffolding (retrieval's template words), prose function words and terms that
// occur in a large share of the bank carry no knowledge and are dropped. A key
// point is hit when the reply contains at least `hit_coverage` of its terms;
// the score is the mean coverage over key points, capped per point at 1 once it
// is hit, so wording one point differently does not cost the whole answer.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "retrieval/query_builder.hpp"
#include "retrieval/synonym_index.hpp"
#include "text/analyzer.hpp"

namespace qabot::quiz {

struct KeyPoint {
  std::string text;                // readable: the unit of the answer, markdown removed, shortened
  std::vector<std::string> terms;  // analysed topic terms, unique, in text order
};

struct Grade {
  double score = 0;  // [0,1]
  bool passed = false;
  std::vector<std::string> hit;     // KeyPoint::text of covered points, in answer order
  std::vector<std::string> missed;  // the others
};

struct GraderOptions {
  double hit_coverage = 0.5;             // share of a point's terms the reply must contain to hit it
  double pass_score = 0.5;               // score needed to pass
  double common_share = 0.3;             // terms in more than this share of the bank are not key terms…
  std::size_t common_min_docs = 20;      // …when the bank has at least this many questions
  std::size_t max_points = 8;            // the most distinctive points of a long answer
  std::size_t max_terms_per_point = 12;  // longer units are split at commas
  std::size_t max_point_chars = 120;     // readable text is cut (at a character boundary) past this
};

class QuizGrader {
 public:
  // Share of the bank's questions that contain an analysed term, in [0,1];
  // empty: nothing is common.
  using TermShare = std::function<double(std::string_view term)>;

  QuizGrader(const text::Analyzer& analyzer, TermShare share = {}, std::size_t bank_size = 0,
             GraderOptions options = {});
  QuizGrader(const QuizGrader&) = delete;  // roles_ refers to no_synonyms_
  QuizGrader& operator=(const QuizGrader&) = delete;

  std::vector<KeyPoint> key_points(std::string_view answer_markdown) const;
  Grade grade(const std::vector<KeyPoint>& points, std::string_view reply) const;
  Grade grade(std::string_view answer_markdown, std::string_view reply) const {
    return grade(key_points(answer_markdown), reply);
  }

  // The analysed terms of a text that count as knowledge (exposed for tests and
  // the gaps report).
  std::vector<std::string> topic_terms(std::string_view text) const;

  const GraderOptions& options() const { return options_; }

 private:
  bool is_key_term(const std::string& term) const;

  const text::Analyzer& analyzer_;
  retrieval::SynonymIndex no_synonyms_;
  retrieval::QueryBuilder roles_;
  std::unordered_set<std::string> prose_terms_;
  TermShare share_;
  std::size_t bank_size_;
  GraderOptions options_;
};

}  // namespace qabot::quiz
