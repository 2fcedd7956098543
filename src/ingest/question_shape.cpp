#include "ingest/question_shape.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <span>
#include <string>

namespace qabot::ingest {
namespace {

char fold_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), fold_ascii);
  return out;
}

std::string_view trim_ascii(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const std::size_t b = s.find_first_not_of(kSpace);
  return b == std::string_view::npos ? std::string_view() : s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  const auto same = [](char a, char b) { return fold_ascii(a) == fold_ascii(b); };
  return s.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin(), same);
}

std::size_t label_length(std::string_view s, std::span<const std::string_view> words) {
  std::size_t i = 0;
  auto skip_spaces = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  };
  auto skip_emphasis = [&] {
    while (i < s.size() && (s[i] == '*' || s[i] == '_')) ++i;
  };
  skip_spaces();
  skip_emphasis();
  const std::size_t word_start = i;
  for (std::string_view word : words) {
    i = word_start;
    if (!starts_with_ci(s.substr(i), word)) continue;
    i += word.size();
    const bool latin = is_ascii_letter(word[0]);
    if (latin && i < s.size() && is_ascii_letter(s[i])) continue;     // "Quick", "Answers"
    while (latin && i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;  // Q1:
    skip_emphasis();
    skip_spaces();
    if (s.substr(i).starts_with(":")) {
      i += 1;
    } else if (s.substr(i).starts_with("：")) {
      i += std::string_view("：").size();
    } else {
      continue;
    }
    skip_emphasis();
    skip_spaces();
    return i;
  }
  return 0;
}

constexpr std::array<std::string_view, 5> kQuestionLabels{"问题", "提问", "问", "Question", "Q"};
constexpr std::array<std::string_view, 7> kAnswerLabels{"答案", "回答", "解答", "答", "Answer", "Ans", "A"};

bool is_placeholder_line(std::string_view line) {
  std::string_view s = trim_ascii(line);
  while (!s.empty() && s[0] == '>') s = trim_ascii(s.substr(1));
  if (s.size() >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' ') s = trim_ascii(s.substr(2));
  for (std::string_view box : {"[ ]", "[x]", "[X]"}) {
    if (s.starts_with(box)) s = trim_ascii(s.substr(box.size()));
  }
  const std::string lower = lower_ascii(s);
  static constexpr std::string_view kPlaceholders[] = {
      "",    "todo", "todo.",  "todo:",  "tbd",    "tbd.", "answer here", "answer here.", "your answer here",
      "...", "…",    "待补充", "待完善", "待更新", "<br>", "<br/>",       "<br />"};
  return std::find(std::begin(kPlaceholders), std::end(kPlaceholders), lower) != std::end(kPlaceholders);
}

}  // namespace

std::size_t QuestionShape::question_label_length(std::string_view text) { return label_length(text, kQuestionLabels); }

std::size_t QuestionShape::answer_label_length(std::string_view text) { return label_length(text, kAnswerLabels); }

std::size_t QuestionShape::difficulty_tag_length(std::string_view s) {
  if (!s.starts_with("[")) return 0;
  const std::size_t close = s.find(']');
  if (close == std::string_view::npos) return 0;
  const std::string tag = lower_ascii(s.substr(1, close - 1));
  if (tag != "e" && tag != "m" && tag != "h" && tag != "easy" && tag != "medium" && tag != "hard") return 0;
  std::size_t i = close + 1;
  while (i < s.size() && s[i] == ' ') ++i;
  return i;
}

bool QuestionShape::is_answer_summary(std::string_view summary) {
  std::string s = lower_ascii(trim_ascii(summary));
  while (!s.empty() && (s.back() == ':' || s.back() == '.')) s.pop_back();
  if (s.empty()) return true;
  static constexpr std::string_view kExact[] = {
      "answer",          "answers",       "solution", "solutions", "show answer", "show solution", "hint", "expand",
      "click to expand", "click to show", "details",  "答案",      "解答",        "参考答案",      "答",   "展开",
      "显示答案",        "查看答案",      "点击查看", "点击展开",  "代码",        "code"};
  if (std::find(std::begin(kExact), std::end(kExact), s) != std::end(kExact)) return true;
  for (std::string_view prefix : {"answer", "solution", "show ", "click", "查看", "点击"}) {
    if (s.starts_with(prefix)) return true;
  }
  return false;
}

bool QuestionShape::is_placeholder_answer(std::string_view answer) {
  for (std::size_t pos = 0;;) {
    const std::size_t eol = answer.find('\n', pos);
    if (!is_placeholder_line(answer.substr(pos, eol == std::string_view::npos ? eol : eol - pos))) return false;
    if (eol == std::string_view::npos) return true;
    pos = eol + 1;
  }
}

}  // namespace qabot::ingest
