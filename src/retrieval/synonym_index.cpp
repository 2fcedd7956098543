#include "retrieval/synonym_index.hpp"

#include <algorithm>

namespace qabot::retrieval {

namespace {
std::string join(const Phrase& p, std::size_t from, std::size_t count) {
  std::string out;
  for (std::size_t i = from; i < from + count; ++i) {
    if (i > from) out += '\x1f';
    out += p[i];
  }
  return out;
}
}  // namespace

Phrase key_terms(const std::vector<text::Token>& tokens) {
  Phrase out;
  for (std::size_t i = 0; i < tokens.size(); ++i)
    if (!tokens[i].colocated && !text::repeats_previous_bigram(tokens, i)) out.push_back(tokens[i].term);
  return out;
}

SynonymIndex::SynonymIndex(const Synonyms& rules, const text::Analyzer& analyzer,
                           const std::vector<std::pair<std::string, std::string>>& mined) {
  auto phrases = [&](const std::vector<std::string>& terms) {
    std::vector<Phrase> out;
    for (const auto& term : terms) {
      Phrase p = key_terms(analyzer.analyze(term));
      if (!p.empty() && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
    }
    return out;
  };
  for (const auto& rule : rules.rules())
    add(phrases(rule.from), phrases(rule.to),
        rule.line > 0         ? (rule.origin.empty() ? "line " : rule.origin + ":") + std::to_string(rule.line)
        : rule.origin.empty() ? "added"
                              : rule.origin);
  for (const auto& [a, b] : mined) {
    auto both = phrases({a, b});
    if (both.size() == 2) add(both, both, "mined from the notes");
  }
  // A term in several rules stands for the union of their alternatives.
  for (const auto& [key, ids] : by_key_) {
    auto& merged = merged_[key];
    for (auto id : ids)
      for (const auto& p : groups_[id])
        if (std::find(merged.begin(), merged.end(), p) == merged.end()) merged.push_back(p);
  }
}

void SynonymIndex::add(const std::vector<Phrase>& from, const std::vector<Phrase>& to, std::string origin) {
  if (from.empty() || to.empty()) return;
  std::vector<Phrase> group = to;
  // One-way rules keep what the user wrote as the first alternative, so it is still searched.
  for (const auto& p : from)
    if (std::find(group.begin(), group.end(), p) == group.end()) group.insert(group.begin(), p);
  const std::size_t id = groups_.size();
  groups_.push_back(group);
  group_origins_.push_back(std::move(origin));
  for (const auto& p : from) {
    by_key_[join(p, 0, p.size())].push_back(id);
    auto& longest = longest_from_[p.front()];
    longest = std::max(longest, p.size());
  }
  for (const auto& p : group)
    for (const auto& t : p) known_terms_.insert(t);
}

std::vector<std::string> SynonymIndex::origins_of(const Phrase& key) const {
  std::vector<std::string> out;
  auto it = by_key_.find(join(key, 0, key.size()));
  if (it == by_key_.end()) return out;
  for (auto id : it->second)
    if (std::find(out.begin(), out.end(), group_origins_[id]) == out.end()) out.push_back(group_origins_[id]);
  return out;
}

std::optional<SynonymIndex::Match> SynonymIndex::longest_match(const Phrase& terms, std::size_t pos) const {
  if (pos >= terms.size()) return std::nullopt;
  auto first = longest_from_.find(terms[pos]);
  if (first == longest_from_.end()) return std::nullopt;
  for (std::size_t len = std::min(first->second, terms.size() - pos); len > 0; --len) {
    auto it = merged_.find(join(terms, pos, len));
    if (it != merged_.end()) return Match{len, &it->second};
  }
  return std::nullopt;
}

}  // namespace qabot::retrieval
