#pragma once
// Synonym rules keyed by analysed term sequences, so "Batch Normalization", "batch-normalization"
// and "BN" find the same group whatever their spelling, case or script.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "retrieval/query.hpp"
#include "retrieval/synonyms.hpp"
#include "text/analyzer.hpp"

namespace qabot::retrieval {

// The term sequence a string stands for in queries and synonym keys: one term per position (the
// primary token), without the trailing single character of a Chinese run whose bigrams already
// cover it.
Phrase key_terms(const std::vector<text::Token>& tokens);

class SynonymIndex {
 public:
  SynonymIndex() = default;
  SynonymIndex(const Synonyms& rules, const text::Analyzer& analyzer,
               const std::vector<std::pair<std::string, std::string>>& mined = {});

  struct Match {
    std::size_t length = 0;  // query terms covered
    const std::vector<Phrase>* alternatives = nullptr;
  };
  // The longest rule whose key starts at `pos` of `terms`.
  std::optional<Match> longest_match(const Phrase& terms, std::size_t pos) const;
  bool knows(std::string_view term) const { return known_terms_.count(std::string(term)) > 0; }
  // Every analysed term the glossary uses, for typo correction of words the bank lacks.
  const std::unordered_set<std::string>& terms() const { return known_terms_; }
  std::size_t size() const { return groups_.size(); }
  // Where the rules keyed by `key` were written ("built-in:120", "mine.txt:3", "mined from the
  // notes"), for `ask --explain`.
  std::vector<std::string> origins_of(const Phrase& key) const;

 private:
  void add(const std::vector<Phrase>& from, const std::vector<Phrase>& to, std::string origin);
  std::vector<std::vector<Phrase>> groups_;
  std::vector<std::string> group_origins_;                            // parallel to groups_
  std::unordered_map<std::string, std::vector<std::size_t>> by_key_;  // joined key → groups
  std::unordered_map<std::string, std::vector<Phrase>> merged_;       // joined key → union of alternatives
  std::unordered_set<std::string> known_terms_;
  // First term of a key → the longest key starting with it. Most query terms start no key, and
  // probing every length for them cost more than the rest of the lookup.
  std::unordered_map<std::string, std::size_t> longest_from_;
};

}  // namespace qabot::retrieval
