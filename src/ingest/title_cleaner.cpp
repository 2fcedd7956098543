#include "ingest/title_cleaner.hpp"

#include <unicode/uchar.h>

#include <algorithm>
#include <array>

#include "text/utf8.hpp"

namespace qabot::ingest {
namespace {

constexpr std::string_view kCjkNumerals[] = {"零", "〇", "一", "二", "两", "三", "四",
                                             "五", "六", "七", "八", "九", "十", "百"};

using text::decode_utf8;
using text::decode_utf8_before;
using text::Utf8Char;

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0xA0 || c == 0x3000 ||
         (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x2060 || c == 0xFEFF;
}

bool is_emoji_part(char32_t c) {
  return u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) || c == 0xFE0F || c == 0xFE0E || c == 0x200D ||
         c == 0x20E3 || (c >= 0x1F3FB && c <= 0x1F3FF) || (c >= 0x1F1E6 && c <= 0x1F1FF) ||
         (c >= 0xE0020 && c <= 0xE007F);
}

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < s.size();) {
    const Utf8Char cp = decode_utf8(s, i);
    if (!cp.valid || is_space(cp.code_point)) {
      // ZWSP and friends vanish; real spaces collapse.
      if (cp.code_point != 0x200B && cp.code_point != 0x2060 && cp.code_point != 0xFEFF) pending_space = true;
    } else {
      if (pending_space && !out.empty()) out.push_back(' ');
      pending_space = false;
      out.append(s.substr(i, cp.length));
    }
    i += cp.length;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty()) {
    const Utf8Char cp = decode_utf8(s, 0);
    if (cp.valid && !is_space(cp.code_point)) break;
    s.remove_prefix(cp.length);
  }
  while (!s.empty()) {
    const Utf8Char cp = decode_utf8_before(s, s.size());
    if (cp.valid && !is_space(cp.code_point)) break;
    s.remove_suffix(cp.length);
  }
  return s;
}

std::string_view strip_emoji_edges(std::string_view s) {
  while (!s.empty()) {
    const Utf8Char cp = decode_utf8_before(s, s.size());
    if (!cp.valid || !(is_emoji_part(cp.code_point) || is_space(cp.code_point))) break;
    s.remove_suffix(cp.length);
  }
  while (!s.empty()) {
    const Utf8Char cp = decode_utf8(s, 0);
    if (!cp.valid || !(is_emoji_part(cp.code_point) || is_space(cp.code_point))) break;
    s.remove_prefix(cp.length);
  }
  return s;
}

// Bold/italic markers left in plain text (escaped markup like \*\*, or a half-closed pair).
std::string_view strip_emphasis_markers(std::string_view s) {
  // Underscores are left alone: cmark has already turned real __emphasis__ into markup, so what
  // remains is text such as `__init__`.
  for (std::string_view m : {"**", "*"}) {
    if (s.size() > 2 * m.size() && s.starts_with(m) && s.ends_with(m)) {
      s = trim(s.substr(m.size(), s.size() - 2 * m.size()));
    }
  }
  for (std::string_view m : {"**"}) {
    const std::size_t count = [&] {
      std::size_t n = 0;
      for (std::size_t p = s.find(m); p != std::string_view::npos; p = s.find(m, p + m.size())) ++n;
      return n;
    }();
    if (count == 1 && s.starts_with(m)) s = trim(s.substr(m.size()));
    if (count == 1 && s.ends_with(m)) s = trim(s.substr(0, s.size() - m.size()));
  }
  return s;
}

// Length of a run of CJK numerals or ASCII digits at i.
std::size_t numeral_run(std::string_view s, std::size_t i) {
  std::size_t j = i;
  for (;;) {
    if (j < s.size() && is_ascii_digit(s[j])) {
      ++j;
      continue;
    }
    bool matched = false;
    for (std::string_view n : kCjkNumerals) {
      if (s.substr(j).starts_with(n)) {
        j += n.size();
        matched = true;
        break;
      }
    }
    if (!matched) break;
  }
  return j - i;
}

std::size_t skip_spaces(std::string_view s, std::size_t i) {
  while (i < s.size()) {
    const Utf8Char cp = decode_utf8(s, i);
    if (!cp.valid || !is_space(cp.code_point)) break;
    i += cp.length;
  }
  return i;
}

// One of the separators that may follow a number: returns its byte length, 0 when none.
std::size_t separator_at(std::string_view s, std::size_t i) {
  if (i >= s.size()) return 0;
  if (s[i] == '.' || s[i] == ')' || s[i] == ':' || s[i] == ']') return 1;
  for (std::string_view sep : {"、", "）", "：", "．", "】", "。"}) {
    if (s.substr(i).starts_with(sep)) return sep.size();
  }
  return 0;
}

bool starts_with_letter(std::string_view s, std::size_t i) {
  if (i >= s.size()) return false;
  const Utf8Char cp = decode_utf8(s, i);
  return cp.valid && (u_isalpha(cp.code_point) || cp.code_point == '`' || cp.code_point == '$' ||
                      cp.code_point == '"' || cp.code_point == '(' || cp.code_point >= 0x2E80);
}

std::size_t chapter_prefix_length(std::string_view s) {
  if (!s.starts_with("第")) return 0;
  std::size_t j = std::string_view("第").size();
  const std::size_t run = numeral_run(s, j);
  if (run == 0) return 0;
  j += run;
  for (std::string_view unit : {"章", "节", "篇", "部分", "讲", "课", "回", "部"}) {
    if (s.substr(j).starts_with(unit)) {
      j += unit.size();
      j = skip_spaces(s, j);
      if (const std::size_t sep = separator_at(s, j)) j = skip_spaces(s, j + sep);
      return j;
    }
  }
  return 0;
}

// Length of the numbering marker at the start of s (with the spaces after it), 0 when none.
std::size_t number_prefix_length(std::string_view s, bool include_labels) {
  if (s.empty()) return 0;
  if (const std::size_t n = chapter_prefix_length(s)) return n;

  // Q3. / Q3: / Q3） / Q: — question labels and numbers.
  if (s[0] == 'Q' || s[0] == 'q') {
    std::size_t j = 1;
    while (j < s.size() && is_ascii_digit(s[j])) ++j;
    const bool digits = j > 1;
    const std::size_t sep = separator_at(s, j);
    if (digits && (sep || (j < s.size() && s[j] == ' '))) return skip_spaces(s, j + sep);
    if (!digits && include_labels && (s.substr(j).starts_with(":") || s.substr(j).starts_with("："))) {
      return skip_spaces(s, j + separator_at(s, j));
    }
    return 0;
  }
  if (include_labels) {
    for (std::string_view label : {"问题：", "问题:", "问：", "问:"}) {
      if (s.starts_with(label)) return skip_spaces(s, label.size());
    }
  }

  // (1) （1） 【1】 [1] （一）
  for (auto [open, close] : std::array<std::pair<std::string_view, std::string_view>, 4>{
           {{"(", ")"}, {"（", "）"}, {"【", "】"}, {"[", "]"}}}) {
    if (!s.starts_with(open)) continue;
    const std::size_t run = numeral_run(s, open.size());
    if (run == 0 || run > 9) return 0;
    const std::size_t j = open.size() + run;
    if (!s.substr(j).starts_with(close)) return 0;
    return skip_spaces(s, j + close.size());
  }

  // 1. / 1) / 1、 / 1.2 / 3.1.2 / 5 Title
  if (is_ascii_digit(s[0])) {
    std::size_t j = 0;
    while (j < s.size() && is_ascii_digit(s[j])) ++j;
    bool dotted = false;
    while (j + 1 < s.size() && s[j] == '.' && is_ascii_digit(s[j + 1])) {
      dotted = true;
      ++j;
      while (j < s.size() && is_ascii_digit(s[j])) ++j;
    }
    if (const std::size_t sep = separator_at(s, j)) return skip_spaces(s, j + sep);
    if (j < s.size() && s[j] == ' ') {
      const std::size_t k = skip_spaces(s, j);
      return starts_with_letter(s, k) ? k : 0;
    }
    if (dotted && j < s.size() && static_cast<unsigned char>(s[j]) >= 0x80) return j;
    return 0;
  }

  // 一、 十二．
  if (const std::size_t run = numeral_run(s, 0); run > 0) {
    if (const std::size_t sep = separator_at(s, run); sep && s[run] != ')' && s[run] != ':')
      return skip_spaces(s, run + sep);
  }
  return 0;
}

std::string_view strip_trailing_colon(std::string_view s) {
  for (;;) {
    if (s.ends_with(":")) {
      s.remove_suffix(1);
    } else if (s.ends_with("：")) {
      s.remove_suffix(std::string_view("：").size());
    } else {
      return trim(s);
    }
  }
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

}  // namespace

std::string TitleCleaner::clean(std::string_view title) {
  const std::string collapsed = collapse_whitespace(title);
  std::string_view s = trim(collapsed);
  for (int round = 0; round < 4; ++round) {
    const std::string_view before = s;
    s = strip_emphasis_markers(strip_emoji_edges(s));
    if (const std::size_t n = number_prefix_length(s, /*include_labels=*/true); n > 0) {
      const std::string_view rest = trim(s.substr(n));
      if (!strip_emoji_edges(rest).empty()) s = rest;
    }
    s = strip_trailing_colon(s);
    if (s == before) break;
  }
  return std::string(s);
}

bool TitleCleaner::ends_with_question_mark(std::string_view cleaned) {
  const std::string_view s = strip_emoji_edges(trim(cleaned));
  return s.ends_with("?") || s.ends_with("？");
}

bool TitleCleaner::reads_like_question(std::string_view cleaned) {
  if (ends_with_question_mark(cleaned)) return true;
  static constexpr std::string_view kChinese[] = {"为什么", "为何",   "如何", "怎么", "怎样", "什么",
                                                  "哪些",   "哪个",   "哪种", "是否", "能否", "可否",
                                                  "区别",   "优缺点", "作用", "原理", "吗",   "呢"};
  for (std::string_view word : kChinese) {
    if (cleaned.find(word) != std::string_view::npos) return true;
  }
  const std::string lower = ascii_lower(trim(cleaned));
  static constexpr std::string_view kEnglish[] = {"what ",   "why ",     "how ",      "when ",    "where ",    "which ",
                                                  "who ",    "is ",      "are ",      "do ",      "does ",     "can ",
                                                  "should ", "explain ", "describe ", "compare ", "difference"};
  for (std::string_view word : kEnglish) {
    if (lower.starts_with(word) || (word == "difference" && lower.find(word) != std::string::npos)) return true;
  }
  return false;
}

bool TitleCleaner::starts_with_number(std::string_view text) {
  const std::string collapsed = collapse_whitespace(text);
  const std::string_view s = strip_emphasis_markers(trim(collapsed));
  if (chapter_prefix_length(s) > 0) return false;
  return number_prefix_length(s, /*include_labels=*/false) > 0;
}

bool TitleCleaner::starts_with_section_number(std::string_view text) {
  const std::string collapsed = collapse_whitespace(text);
  const std::string_view s = strip_emphasis_markers(trim(collapsed));
  std::size_t j = 0;
  while (j < s.size() && is_ascii_digit(s[j])) ++j;
  return j > 0 && j + 1 < s.size() && s[j] == '.' && is_ascii_digit(s[j + 1]);
}

bool TitleCleaner::is_chapter_title(std::string_view text) {
  const std::string collapsed = collapse_whitespace(text);
  const std::string_view s = strip_emphasis_markers(trim(collapsed));
  if (s.starts_with("第")) {
    const std::size_t j = std::string_view("第").size();
    const std::size_t run = numeral_run(s, j);
    if (run > 0) {
      const std::string_view unit = s.substr(j + run);
      return unit.starts_with("章") || unit.starts_with("篇") || unit.starts_with("部分");
    }
    return false;
  }
  const std::string lower = ascii_lower(s);
  for (std::string_view word : {"chapter ", "part "}) {
    if (lower.starts_with(word) && lower.size() > word.size() && is_ascii_digit(lower[word.size()])) return true;
  }
  return false;
}

bool TitleCleaner::is_reference_title(std::string_view cleaned) {
  const std::string lower = ascii_lower(strip_trailing_colon(trim(cleaned)));
  static constexpr std::string_view kExact[] = {
      "参考",     "参考文献",  "参考资料",   "参考链接",          "参考文章",
      "相关链接", "延伸阅读",  "扩展阅读",   "拓展阅读",          "推荐阅读",
      "相关阅读", "引用",      "references", "reference",         "further reading",
      "see also", "resources", "links",      "table of contents", "contents",
      "toc",      "目录",      "[toc]"};
  for (std::string_view word : kExact) {
    if (lower == word) return true;
  }
  for (std::string_view prefix : {"参考文献", "参考资料", "references", "reference:"}) {
    if (lower.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace qabot::ingest
