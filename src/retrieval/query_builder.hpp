#pragma once
// User text → concepts → a safe FTS5 expression. Pure: no I/O; every term is quoted and passed to
// the tokenizer pre-analysed, so no user input can be read as FTS5 syntax.

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "retrieval/query.hpp"
#include "retrieval/synonym_index.hpp"
#include "text/analyzer.hpp"
#include "text/word_segmenter.hpp"

namespace qabot::retrieval {

class QueryBuilder {
 public:
  QueryBuilder(const text::Analyzer& analyzer, const SynonymIndex& synonyms);

  // Concepts of the query, with roles and synonym alternatives. `tokens` are the analyzer's tokens
  // of `text`.
  Query build(std::string_view text, const std::vector<text::Token>& tokens) const;
  Query build(std::string_view text) const { return build(text, analyzer_.analyze(text)); }

  struct Expression {
    std::string match;                  // FTS5 MATCH text; empty when the query has no terms
    std::vector<int> phrase_concept;    // per FTS5 phrase: its concept, or -1 (matching aid only)
    std::vector<double> phrase_weight;  // per FTS5 phrase: 1, or less for a broader alternative
    bool titles_only = false;           // rows are found through question titles only
    // When not empty, the expression matches rows through any concept (`score_every_match`), and a
    // row holding none of these concepts is not a candidate: the caller drops it.
    std::vector<int> finding;
  };
  // Topic and aspect concepts must match; template concepts only add to the score of rows that do,
  // so a very common word (什么, "the") never pulls most of the index into the ranking.
  // How rows are found when every concept left is common (see expression()).
  enum class CommonTerms { AllInTitle, RarestInTitle, RarestAnyColumn };
  // `score_every_match`: the bank is no larger than the candidate list, so scoring every row that
  // holds any concept costs less than the finder, which repeats the required phrases (FTS5 looks
  // each phrase up on its own). The finding concepts are then returned for the caller to check.
  static Expression expression(const Query& query, CommonTerms common_terms = CommonTerms::AllInTitle,
                               bool score_every_match = false);
  static std::string quote(std::string_view term);  // one pre-analysed FTS5 string

  ConceptRole role_of(std::string_view term) const;
  Concept word_concept(const std::string& term) const;  // one analysed term with its role and weight
  // The concepts inside a glossary phrase, read without the phrase itself: "翻转二叉树" → 翻转 (a
  // glossary word) + 转二 + 二叉树 (a glossary word). For a phrase none of whose spellings a bank
  // holds: its parts may still bridge to the bank's language.
  std::vector<Concept> parts_of(const Phrase& phrase) const;

 private:
  Concept glossary_concept(const Phrase& keys, std::size_t k, const SynonymIndex::Match& match) const;

  const text::Analyzer& analyzer_;
  const SynonymIndex& synonyms_;
  text::WordSegmenter segmenter_;
  std::unordered_set<std::string> template_terms_;
  std::unordered_set<std::string> aspect_terms_;
  std::unordered_set<std::string> keyword_terms_;
};

}  // namespace qabot::retrieval
