#include "answer/math_finder.hpp"

#include <algorithm>
#include <optional>

namespace qabot::answer {
namespace {

constexpr std::size_t kMinFenceLength = 3;            // CommonMark: ``` or ~~~, at least three
constexpr std::string_view kContainerChars = " \t>";  // what may stand before a block inside a blockquote

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Index of the first byte of the line after the one holding `i` (or the end).
std::size_t next_line(std::string_view s, std::size_t i) {
  const std::size_t nl = s.find('\n', i);
  return nl == std::string_view::npos ? s.size() : nl + 1;
}

// Whether the line starting at `i` is blank: only whitespace, or only `>` markers in a blockquote.
// A blank line ends a paragraph, and no math or code span runs past one.
bool blank_line_at(std::string_view s, std::size_t i) {
  for (; i < s.size() && s[i] != '\n'; ++i)
    if (kContainerChars.find(s[i]) == std::string_view::npos && s[i] != '\r') return false;
  return true;
}

// Past a list marker ("- ", "* ", "+ ", "12. ", "3) ") at `i`, or `i` when there is none.
std::size_t skip_list_marker(std::string_view s, std::size_t i) {
  std::size_t j = i;
  while (j < s.size() && is_digit(s[j])) ++j;
  if (j > i && j < s.size() && (s[j] == '.' || s[j] == ')')) ++j;
  else if (j == i && j < s.size() && (s[j] == '-' || s[j] == '*' || s[j] == '+')) ++j;
  else return i;
  return j < s.size() && (s[j] == ' ' || s[j] == '\t') ? j + 1 : i;
}

struct Fence {
  char ch = 0;
  std::size_t length = 0;
  bool rest_blank = false;  // nothing but whitespace after the run (a closing fence)
};

// The code fence the line at `i` opens or closes ("```py", "> ~~~~", "- ```"), if it is one.
std::optional<Fence> fence_at(std::string_view s, std::size_t i) {
  while (i < s.size() && kContainerChars.find(s[i]) != std::string_view::npos) ++i;
  i = skip_list_marker(s, i);
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  if (i >= s.size() || (s[i] != '`' && s[i] != '~')) return std::nullopt;
  Fence fence{s[i], 0, true};
  while (i + fence.length < s.size() && s[i + fence.length] == fence.ch) ++fence.length;
  if (fence.length < kMinFenceLength) return std::nullopt;
  const std::string_view rest = s.substr(i + fence.length, next_line(s, i) - i - fence.length);
  // "```a```" at the start of a line is an inline code span: a backtick fence's info has no backtick.
  if (fence.ch == '`' && rest.find('`') != std::string_view::npos) return std::nullopt;
  fence.rest_blank = rest.find_first_not_of(" \t\r\n") == std::string_view::npos;
  return fence;
}

// Scans from `from` for the closer of a span; `closes(j)` says whether one starts at `j`. A
// backslash pair is skipped whole (`\$` is a dollar in TeX too); a blank line ends the search.
template <class Closes>
std::optional<std::size_t> find_closer(std::string_view s, std::size_t from, Closes closes) {
  for (std::size_t j = from; j < s.size(); ++j) {
    if (s[j] == '\n' && blank_line_at(s, j + 1)) return std::nullopt;
    if (closes(j)) return j;
    if (s[j] == '\\' && j + 1 < s.size() && s[j + 1] != '\n') ++j;
  }
  return std::nullopt;
}

bool has_text(std::string_view s, std::size_t from, std::size_t to) {
  return std::any_of(s.begin() + static_cast<std::ptrdiff_t>(from), s.begin() + static_cast<std::ptrdiff_t>(to),
                     [](char c) { return !is_space(c); });
}

// A span whose delimiters are `open_length` and `close_length` bytes, its closer at `closer`.
std::optional<MathSpan> span_of(std::string_view s, std::size_t start, std::size_t open_length,
                                std::optional<std::size_t> closer, std::size_t close_length, bool display) {
  if (!closer || !has_text(s, start + open_length, *closer)) return std::nullopt;
  return MathSpan{start, *closer + close_length, start + open_length, *closer, display};
}

// `$$…$$` or pandoc's `$…$` at `i` (s[i] == '$').
std::optional<MathSpan> dollar_math(std::string_view s, std::size_t i) {
  if (i + 1 < s.size() && s[i + 1] == '$') {
    const auto closer =
        find_closer(s, i + 2, [&](std::size_t j) { return s[j] == '$' && j + 1 < s.size() && s[j + 1] == '$'; });
    return span_of(s, i, 2, closer, 2, true);
  }
  if (i + 1 >= s.size() || is_space(s[i + 1])) return std::nullopt;
  const auto closer = find_closer(s, i + 1, [&](std::size_t j) {
    return s[j] == '$' && !is_space(s[j - 1]) && !(j + 1 < s.size() && is_digit(s[j + 1]));
  });
  return span_of(s, i, 1, closer, 1, false);
}

// `\(…\)` or `\[…\]` at `i` (s[i] == '\\').
std::optional<MathSpan> bracket_math(std::string_view s, std::size_t i) {
  if (i + 1 >= s.size() || (s[i + 1] != '(' && s[i + 1] != '[')) return std::nullopt;
  const bool display = s[i + 1] == '[';
  const char close = display ? ']' : ')';
  const auto closer =
      find_closer(s, i + 2, [&](std::size_t j) { return s[j] == '\\' && j + 1 < s.size() && s[j + 1] == close; });
  return span_of(s, i, 2, closer, 2, display);
}

// Past the code span whose backtick run starts at `i`; past the run alone when it is not closed
// (then the backticks are literal, CommonMark).
std::size_t skip_code_span(std::string_view s, std::size_t i) {
  std::size_t n = 0;
  while (i + n < s.size() && s[i + n] == '`') ++n;
  for (std::size_t j = i + n; j < s.size(); ++j) {
    if (s[j] == '\n' && blank_line_at(s, j + 1)) break;
    if (s[j] != '`') continue;
    std::size_t m = 0;
    while (j + m < s.size() && s[j + m] == '`') ++m;
    if (m == n) return j + m;
    j += m - 1;
  }
  return i + n;
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  std::vector<MathSpan> run() {
    bool line_start = true;
    while (i_ < s_.size()) {
      if (line_start && fenced_line()) continue;
      line_start = false;
      const char c = s_[i_];
      if (c == '\n') {
        ++i_;
        line_start = true;
      } else if (c == '`') {
        i_ = skip_code_span(s_, i_);
      } else if (c == '\\') {
        if (!take(bracket_math(s_, i_))) i_ += i_ + 1 < s_.size() && s_[i_ + 1] != '\n' ? 2 : 1;  // an escape
      } else if (c == '$') {
        if (!take(dollar_math(s_, i_))) i_ += i_ + 1 < s_.size() && s_[i_ + 1] == '$' ? 2 : 1;
      } else {
        ++i_;
      }
    }
    return std::move(spans_);
  }

 private:
  // At a line start: steps over the line when it opens, closes or is inside a fenced code block.
  bool fenced_line() {
    const auto fence = fence_at(s_, i_);
    if (open_) {
      if (fence && fence->ch == open_->ch && fence->length >= open_->length && fence->rest_blank) open_.reset();
    } else if (fence) {
      open_ = fence;
    } else {
      return false;
    }
    i_ = next_line(s_, i_);
    return true;
  }

  bool take(const std::optional<MathSpan>& span) {
    if (!span) return false;
    spans_.push_back(*span);
    i_ = span->end;
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::optional<Fence> open_;
  std::vector<MathSpan> spans_;
};

std::string_view line_prefix(std::string_view s, std::size_t pos) {
  const std::size_t nl = s.rfind('\n', pos == 0 ? 0 : pos - 1);
  const std::size_t start = nl == std::string_view::npos || pos == 0 ? 0 : nl + 1;
  return s.substr(start, pos - start);
}

bool only_container_chars(std::string_view s) { return s.find_first_not_of(kContainerChars) == std::string_view::npos; }

std::string trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const std::size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

std::vector<MathSpan> MathFinder::find(std::string_view markdown) { return Scanner(markdown).run(); }

std::string MathFinder::tex(std::string_view markdown, const MathSpan& span) {
  const std::string_view raw = markdown.substr(span.tex_start, span.tex_end - span.tex_start);
  const bool quoted = line_prefix(markdown, span.start).find('>') != std::string_view::npos;
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    out += raw[i];
    // Inside a blockquote every continuation line starts with markers that are not TeX.
    if (raw[i] == '\n' && quoted)
      while (i + 1 < raw.size() && kContainerChars.find(raw[i + 1]) != std::string_view::npos) ++i;
  }
  return span.display ? trim(out) : out;
}

std::string markdown_code_span(std::string_view code) {
  std::size_t longest = 0;
  for (std::size_t i = 0, run = 0; i < code.size(); ++i) {
    run = code[i] == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string ticks(longest + 1, '`');
  // CommonMark strips one space on each side, so a span that starts or ends with a backtick can be padded.
  const bool pad = !code.empty() && (code.front() == '`' || code.back() == '`');
  return ticks + (pad ? " " : "") + std::string(code) + (pad ? " " : "") + ticks;
}

std::string math_as_code(std::string_view markdown) {
  std::string out;
  std::size_t at = 0;
  for (const MathSpan& span : MathFinder::find(markdown)) {
    out.append(markdown.substr(at, span.start - at));
    std::string tex = MathFinder::tex(markdown, span);
    const std::string_view prefix = line_prefix(markdown, span.start);
    const std::size_t line_end = markdown.find('\n', span.end);
    const std::string_view after =
        markdown.substr(span.end, line_end == std::string_view::npos ? std::string_view::npos : line_end - span.end);
    if (span.display && only_container_chars(prefix) && trim(after).empty()) {
      out += "```tex\n";
      for (std::size_t b = 0; b <= tex.size();) {
        const std::size_t e = std::min(tex.find('\n', b), tex.size());
        out.append(prefix).append(tex, b, e - b).append("\n");
        b = e + 1;
      }
      out.append(prefix).append("```");
    } else {
      std::replace(tex.begin(), tex.end(), '\n', ' ');
      out += markdown_code_span(tex);
    }
    at = span.end;
  }
  out.append(markdown.substr(at));
  return out;
}

}  // namespace qabot::answer
