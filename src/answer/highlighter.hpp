#pragma once
// Marks the words of an answer that matched the question (<mark>), so the user sees why this note
// was chosen. The answer's text is cut with the same Analyzer that indexed it, so a term matches
// here exactly when it matched in retrieval: 過擬合 in a query marks 过拟合, "normalizing" marks
// "normalization", ＢＮ marks BN. Only text nodes of the cmark tree are touched: code, links,
// images and attributes never get a mark, and every mark wraps whole, already-escaped text.

#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "text/analyzer.hpp"

struct cmark_node;

namespace qabot::answer {

class Highlighter {
 public:
  // `terms` are analysed terms (retrieval::Result::terms). The analyzer must outlive this object.
  Highlighter(const text::Analyzer& analyzer, const std::vector<std::string>& terms);

  // Byte ranges [start, end) of `text` to mark: matching tokens, overlapping or touching ones
  // merged ("过拟" + "拟合" → one mark over 过拟合). Sorted, disjoint.
  std::vector<std::pair<int, int>> spans(std::string_view text) const;

  // Splits the text nodes of a parsed document around the spans, the marks as custom inline nodes.
  void apply(cmark_node* document) const;

  bool empty() const { return terms_.empty(); }

 private:
  const text::Analyzer& analyzer_;
  std::unordered_set<std::string> terms_;
  bool single_characters_ = false;  // a term is one Han character (text::is_cjk_character)
};

}  // namespace qabot::answer
