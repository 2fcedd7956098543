#include "quiz/leitner_scheduler.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <unordered_map>

namespace qabot::quiz {
namespace {

bool starts_with_folded(std::string_view s, std::string_view prefix) {
  if (prefix.size() > s.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

LeitnerScheduler::LeitnerScheduler(std::vector<std::int64_t> intervals) : intervals_(std::move(intervals)) {
  if (intervals_.empty()) throw std::invalid_argument("a Leitner scheduler needs at least one box");
}

std::int64_t LeitnerScheduler::interval(int box) const {
  return intervals_[static_cast<std::size_t>(std::clamp(box, 0, boxes() - 1))];
}

state::Card LeitnerScheduler::review(state::Card card, bool passed, double score, std::int64_t now) const {
  card.box = passed ? std::min(card.box + 1, boxes() - 1) : 0;
  card.due = now + interval(card.box);
  card.reviewed = now;
  card.reviews += 1;
  card.correct += passed ? 1 : 0;
  card.last_score = std::clamp(score, 0.0, 1.0);
  return card;
}

bool LeitnerScheduler::in_category(std::string_view question_category, std::string_view wanted) {
  wanted = trim(wanted);
  if (wanted.empty()) return true;
  if (starts_with_folded(question_category, wanted)) return true;
  std::size_t pos = 0;
  while ((pos = question_category.find(" / ", pos)) != std::string_view::npos) {
    pos += 3;
    if (starts_with_folded(question_category.substr(pos), wanted)) return true;
  }
  return false;
}

std::optional<std::size_t> LeitnerScheduler::pick(const std::vector<Schedulable>& questions,
                                                  const std::vector<state::Card>& cards, std::string_view category,
                                                  std::int64_t now, std::string_view skip) const {
  std::unordered_map<std::string_view, const state::Card*> by_key;
  for (const auto& c : cards) by_key.emplace(c.question_key, &c);

  std::optional<std::size_t> most_overdue, first_new, soonest, skipped;
  for (std::size_t i = 0; i < questions.size(); ++i) {
    const auto& q = questions[i];
    if (!in_category(q.category, category)) continue;
    if (!skip.empty() && q.key == skip) {
      skipped = i;
      continue;
    }
    const auto it = by_key.find(q.key);
    if (it == by_key.end()) {
      if (!first_new) first_new = i;
      continue;
    }
    const state::Card& c = *it->second;
    auto earlier = [&](const std::optional<std::size_t>& than) {
      if (!than) return true;
      const state::Card& o = *by_key.at(questions[*than].key);
      // Ties: the weaker card (lower box) first.
      return c.due < o.due || (c.due == o.due && c.box < o.box);
    };
    if (c.due <= now) {
      if (earlier(most_overdue)) most_overdue = i;
    } else if (earlier(soonest)) {
      soonest = i;
    }
  }
  if (most_overdue) return most_overdue;
  if (first_new) return first_new;
  if (soonest) return soonest;
  return skipped;
}

QueueCounts LeitnerScheduler::counts(const std::vector<Schedulable>& questions, const std::vector<state::Card>& cards,
                                     std::string_view category, std::int64_t now) const {
  std::unordered_map<std::string_view, const state::Card*> by_key;
  for (const auto& c : cards) by_key.emplace(c.question_key, &c);
  QueueCounts out;
  for (const auto& q : questions) {
    if (!in_category(q.category, category)) continue;
    const auto it = by_key.find(q.key);
    if (it == by_key.end()) {
      ++out.fresh;
    } else if (it->second->due <= now) {
      ++out.due;
    }
  }
  return out;
}

}  // namespace qabot::quiz
