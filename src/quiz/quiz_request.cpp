#include "quiz/quiz_request.hpp"

#include <array>
#include <cctype>

namespace qabot::quiz {
namespace {

std::string fold_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool strip_prefix(std::string& s, std::string_view p) {
  if (!s.starts_with(p)) return false;
  s.erase(0, p.size());
  return true;
}

bool strip_suffix(std::string& s, std::string_view p) {
  if (!s.ends_with(p)) return false;
  s.erase(s.size() - p.size());
  return true;
}

void trim(std::string& s) {
  static constexpr std::array<std::string_view, 10> kSpace = {" ", "\t", "\n", "\r", "\xE3\x80\x80",
                                                              ",", ":",  "，", "：", "、"};
  static constexpr std::array<std::string_view, 8> kEnd = {".", "!", "?", "。", "！", "？", "~", "～"};
  for (bool changed = true; changed;) {
    changed = false;
    for (auto p : kSpace) changed |= strip_prefix(s, p) | strip_suffix(s, p);
    for (auto p : kEnd) changed |= strip_suffix(s, p);
  }
}

// What may follow (or precede) a trigger: a category name, never a sentence of
// its own.
bool plausible_category(const std::string& s) { return s.size() <= 64 && s.find('\n') == std::string::npos; }

std::optional<std::string> english(std::string s) {
  for (std::string_view lead : {"please ", "pls ", "can you ", "could you "}) strip_prefix(s, lead);
  bool matched = false;
  for (std::string_view trigger : {"quiz me", "test me", "quiz"}) {
    if (s == trigger || s.starts_with(std::string(trigger) + " ")) {
      s.erase(0, trigger.size());
      matched = true;
      break;
    }
  }
  if (!matched) return std::nullopt;
  trim(s);
  strip_suffix(s, " please");
  trim(s);
  if (s.empty()) return std::string();
  for (std::string_view on : {"on ", "about ", "in ", "with "}) {
    if (strip_prefix(s, on)) {
      trim(s);
      return plausible_category(s) && !s.empty() ? std::optional(s) : std::nullopt;
    }
  }
  return std::nullopt;  // "quiz results are…", "test me if …": a sentence, not a
                        // request
}

bool ascii_words(const std::string& s) {
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != ' ' && c != '-' && c != '+' && c != '#' && c != '_' && c != '.') return false;
  }
  return true;
}

std::optional<std::string> chinese(std::string s) {
  // Longest first: "考一考我" contains "考我", and taking that would leave "考一" as a category.
  static constexpr std::array<std::string_view, 6> kTriggers = {"测试一下我", "考一考我", "考考我",
                                                                "测测我",     "测试我",   "考我"};
  for (auto trigger : kTriggers) {
    const auto at = s.find(trigger);
    if (at == std::string::npos) continue;
    std::string before = s.substr(0, at);
    std::string after = s.substr(at + trigger.size());
    if (after.starts_with("的")) return std::nullopt;  // "测试我的模型": about a test, not a request
    for (std::string_view lead : {"请", "你", "来", "帮我"}) strip_prefix(before, lead);
    trim(before);
    bool introduced = false;
    for (std::string_view lead : {"用", "拿", "就", "关于"}) introduced |= strip_prefix(before, lead);
    // Text before the trigger is a category only when introduced ("用python考考我") or a bare
    // technical name ("python考考我"); otherwise it is a sentence ("老师为什么考我") to be answered.
    trim(before);
    if (!before.empty() && !introduced && !ascii_words(before)) return std::nullopt;
    for (std::string_view tail : {"吧", "呗", "呀", "啊", "一下"}) strip_suffix(after, tail);
    trim(after);
    for (std::string_view lead : {"一下", "一道", "一题", "吧"}) strip_prefix(after, lead);
    trim(after);
    for (std::string_view lead : {"关于", "有关", "考"}) strip_prefix(after, lead);
    for (std::string_view tail : {"方面的问题", "方面的题", "的问题", "的题目", "的题", "方面", "的"})
      if (strip_suffix(after, tail)) break;
    trim(after);
    if (!before.empty() && !after.empty()) return std::nullopt;
    std::string category = before.empty() ? after : before;
    if (!plausible_category(category)) return std::nullopt;
    return category;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_quiz_request(std::string_view text) {
  if (text.size() > 200) return std::nullopt;
  std::string s = fold_ascii(text);
  trim(s);
  if (s.empty()) return std::nullopt;
  if (s.starts_with("/")) s.erase(0, 1);  // "/quiz" typed into the page
  if (auto en = english(s)) return en;
  return chinese(s);
}

}  // namespace qabot::quiz
