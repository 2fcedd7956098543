#include "gaps/gap_grouper.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>
#include <utility>

namespace qabot::gaps {
namespace {

std::size_t find(std::vector<std::size_t>& parent, std::size_t i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

}  // namespace

GapGrouper::GapGrouper(Terms terms, GrouperOptions options) : terms_(std::move(terms)), options_(options) {}

bool GapGrouper::alike(const std::vector<std::string>& a, const std::vector<std::string>& b) const {
  if (a.empty() || b.empty()) return false;
  const std::set<std::string> sa(a.begin(), a.end()), sb(b.begin(), b.end());
  std::size_t common = 0;
  for (const auto& t : sa) common += sb.count(t);
  const std::size_t unite = sa.size() + sb.size() - common;
  if (static_cast<double>(common) >= options_.min_jaccard * static_cast<double>(unite)) return true;
  const std::size_t smaller = std::min(sa.size(), sb.size());
  return smaller >= 2 && common == smaller;
}

std::vector<GapGroup> GapGrouper::group(const std::vector<state::Gap>& gaps) const {
  const std::size_t n = gaps.size();
  std::vector<std::vector<std::string>> terms(n);
  for (std::size_t i = 0; i < n; ++i) {
    terms[i] = terms_(gaps[i].text);
    std::sort(terms[i].begin(), terms[i].end());
    terms[i].erase(std::unique(terms[i].begin(), terms[i].end()), terms[i].end());
  }
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  // Identical term sets join at once (the common case: the same question asked
  // again), so the pairwise pass below compares distinct sets only.
  std::map<std::vector<std::string>, std::size_t> first_with;
  std::vector<std::size_t> distinct;
  for (std::size_t i = 0; i < n; ++i) {
    if (terms[i].empty()) continue;  // nothing to compare on: grouped by exact text below
    auto [it, fresh] = first_with.emplace(terms[i], i);
    if (fresh) {
      distinct.push_back(i);
    } else {
      parent[find(parent, i)] = find(parent, it->second);
    }
  }
  for (std::size_t x = 0; x < distinct.size(); ++x) {
    for (std::size_t y = x + 1; y < distinct.size(); ++y) {
      const std::size_t i = distinct[x], j = distinct[y];
      if (find(parent, i) != find(parent, j) && alike(terms[i], terms[j])) parent[find(parent, i)] = find(parent, j);
    }
  }
  std::unordered_map<std::string, std::size_t> by_text;  // term-less gaps: the same text only
  for (std::size_t i = 0; i < n; ++i) {
    if (!terms[i].empty()) continue;
    auto [it, fresh] = by_text.emplace(gaps[i].text, i);
    if (!fresh) parent[find(parent, i)] = find(parent, it->second);
  }

  std::map<std::size_t, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < n; ++i) members[find(parent, i)].push_back(i);

  std::vector<GapGroup> out;
  for (auto& [root, idx] : members) {
    // Most recent first, so ties in the counts below go to the latest.
    std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return gaps[a].time > gaps[b].time; });
    GapGroup g;
    g.count = idx.size();
    std::vector<std::pair<std::string, std::size_t>> wordings;  // in recency order
    std::vector<std::pair<std::string, std::size_t>> closest;
    auto bump = [](std::vector<std::pair<std::string, std::size_t>>& v, const std::string& s) {
      for (auto& [k, c] : v) {
        if (k == s) return void(++c);
      }
      v.emplace_back(s, 1);
    };
    for (std::size_t i : idx) {
      g.last_seen = std::max(g.last_seen, gaps[i].time);
      g.confidence = std::max(g.confidence, gaps[i].confidence);
      bump(wordings, gaps[i].text);
      if (!gaps[i].best_question.empty()) bump(closest, gaps[i].best_question);
    }
    auto most = [](const std::vector<std::pair<std::string, std::size_t>>& v) {
      std::size_t best = 0;
      for (std::size_t k = 1; k < v.size(); ++k) {
        if (v[k].second > v[best].second) best = k;
      }
      return best;
    };
    const std::size_t rep = most(wordings);
    g.representative = wordings[rep].first;
    if (!closest.empty()) g.closest = closest[most(closest)].first;
    for (std::size_t k = 0; k < wordings.size() && g.examples.size() < options_.max_examples; ++k) {
      if (k != rep) g.examples.push_back(wordings[k].first);
    }
    out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(), [](const GapGroup& a, const GapGroup& b) {
    return a.count != b.count ? a.count > b.count : a.last_seen > b.last_seen;
  });
  return out;
}

}  // namespace qabot::gaps
