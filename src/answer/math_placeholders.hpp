#pragma once
// Keeps math out of cmark-gfm's inline parsing: each span MathFinder finds is replaced by a
// placeholder before parsing (private-use characters and a number, which no markdown rule
// touches), so `$x_i * y_i$` never turns into emphasis; after parsing the placeholders become math
// again. Used by answer::render_html (math elements for KaTeX) and the chat converters (TeX as code).
//
// MathFinder's code detection is a scan of the source, not cmark's parse: wherever a placeholder
// lands outside plain text anyway (code, raw HTML, link targets, image alt text), the original
// source is put back, so a misjudged span only ever shows as it was written.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct cmark_node;

namespace qabot::answer {

class MathPlaceholders {
 public:
  explicit MathPlaceholders(std::string_view markdown);

  // The markdown to parse: every math span replaced by its placeholder.
  const std::string& markdown() const { return protected_; }

  // Puts the source back where a placeholder landed outside plain text: code spans and blocks,
  // raw HTML, link and image targets and titles, image alt text.
  void restore_outside_text(cmark_node* document) const;

  // `text` (a text node's literal) cut into plain runs and math spans, in order.
  struct Piece {
    std::string_view text;            // a plain run; empty for math
    std::optional<std::size_t> math;  // the span's index, for tex() and display()
  };
  std::vector<Piece> split(std::string_view text) const;

  const std::string& tex(std::size_t index) const { return spans_[index].tex; }
  bool display(std::size_t index) const { return spans_[index].display; }
  std::string restore(std::string_view text) const;  // placeholders → the source as written

  // For HTML: restore_outside_text, then math in text as custom cmark nodes holding their escaped
  // TeX (`<span class="math math-inline">`; a paragraph of display math alone becomes
  // `<div class="math math-display">`). Math nodes are not text nodes, so the highlighter's <mark>
  // never reaches inside them. Call before any other rewrite of the tree's text.
  void to_html_nodes(cmark_node* document) const;
  // Math the tree could not hold as nodes (GFM table cells take no custom inline) is put in the
  // rendered HTML here.
  std::string finish_html(std::string html) const;

 private:
  struct Span {
    std::string source;  // as written, delimiters included
    std::string tex;
    bool display = false;
  };
  std::string element(std::size_t index) const;  // the span's HTML element
  void split_text_node(cmark_node* node) const;

  std::vector<Span> spans_;
  std::string protected_;
};

}  // namespace qabot::answer
