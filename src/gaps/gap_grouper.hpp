#pragma once
// Groups logged gaps (questions without a confident answer) that ask about the
// same thing, so the notes' owner reads "12× kubernetes scheduling" instead of
// twelve paraphrases. Pure: the analysed topic terms of a text come from a
// function (the app passes the quiz grader's, which drops question scaffolding
// like "什么", "how", "the").
//
// Two gaps are alike when their term sets overlap by Jaccard ≥ `min_jaccard`,
// or when one's terms all appear in the other and it has at least two (a short
// question and its longer paraphrase). Grouping is single-link: alike is
// followed transitively (union-find).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "state/state_store.hpp"

namespace qabot::gaps {

struct GapGroup {
  std::string representative;  // the most frequent wording (ties: the most recent)
  std::size_t count = 0;
  std::int64_t last_seen = 0;         // unix seconds
  std::string closest;                // the closest bank question recorded most often ("" when none)
  double confidence = 0;              // the best confidence seen in the group
  std::vector<std::string> examples;  // other distinct wordings, most recent first, at most 5
};

struct GrouperOptions {
  double min_jaccard = 0.5;
  std::size_t max_examples = 5;
};

class GapGrouper {
 public:
  using Terms = std::function<std::vector<std::string>(std::string_view text)>;
  explicit GapGrouper(Terms terms, GrouperOptions options = {});

  // Groups, largest first (ties: most recently seen first).
  std::vector<GapGroup> group(const std::vector<state::Gap>& gaps) const;

  bool alike(const std::vector<std::string>& a, const std::vector<std::string>& b) const;

 private:
  Terms terms_;
  GrouperOptions options_;
};

}  // namespace qabot::gaps
