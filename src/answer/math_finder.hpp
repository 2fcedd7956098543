#pragma once
// Finds the TeX in a note's markdown: `$…$`, `$$…$$`, `\(…\)` and `\[…\]`, outside code spans and
// fenced code blocks. Pure string logic, no cmark: the spans are found *before* markdown parsing,
// so that `_` and `*` inside a formula never become emphasis (answer::MathPlaceholders).
//
// `$…$` follows pandoc's tex_math_dollars rules, which keep prices text ("costs $5 and $10"): the
// opening `$` is not followed by whitespace, the closing `$` is not preceded by whitespace nor
// followed by a digit, and `\$` is a literal dollar. No span crosses a blank line (a paragraph
// ends there); `$$…$$` and the bracket forms may span lines within a paragraph. An unclosed
// opener is text.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace qabot::answer {

struct MathSpan {
  std::size_t start = 0;  // the span in the markdown, delimiters included: [start, end)
  std::size_t end = 0;
  std::size_t tex_start = 0;  // the TeX between the delimiters: [tex_start, tex_end)
  std::size_t tex_end = 0;
  bool display = false;  // `$$…$$` or `\[…\]`

  friend bool operator==(const MathSpan&, const MathSpan&) = default;
};

class MathFinder {
 public:
  // Every math span of `markdown`, in order, disjoint.
  static std::vector<MathSpan> find(std::string_view markdown);

  // The span's TeX as a renderer wants it: display math trimmed, and on the continuation lines of
  // a formula inside a blockquote the `>` markers dropped (they belong to the markdown, not to TeX).
  static std::string tex(std::string_view markdown, const MathSpan& span);
};

// `markdown` with its math as code, for text-only output (the CLI): inline math → an inline code
// span holding its TeX, display math on lines of its own → a ```tex code block (inline code
// otherwise).
std::string math_as_code(std::string_view markdown);

// The markdown code span that shows `code` verbatim: a backtick run longer than any inside it.
std::string markdown_code_span(std::string_view code);

}  // namespace qabot::answer
