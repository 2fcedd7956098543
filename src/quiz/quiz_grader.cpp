#include "quiz/quiz_grader.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <set>
#include <unordered_set>
#include <utility>

#include "text/utf8.hpp"

namespace qabot::quiz {
namespace {

// Words of explanatory prose that retrieval keeps as (weak) topics because they
// are also code keywords or aspects, but that say nothing about whether a reply
// knows the answer. Analysed at start-up like retrieval's own lists.
constexpr const char* kProseWords[] = {
    "is",    "in",    "for",   "and",  "or",   "with", "if",    "not",     "as",    "from", "by",      "at",
    "they",  "them",  "their", "also", "more", "most", "less",  "will",    "has",   "have", "had",     "each",
    "other", "such",  "only",  "into", "all",  "no",   "very",  "can",     "may",   "but",  "because", "while",
    "same",  "both",  "just",  "like", "over", "then", "usual", "usually", "often", "e.g",  "i.e",     "etc",
    "make",  "makes", "let",   "lets", "set",  "因为", "所以",  "但是",    "然后",  "如果", "就是",    "而且",
    "或者",  "比如",  "例如",  "这样", "那么", "其中", "通过",  "进行",    "使用",  "使得", "可能",    "不会",
    "不是",  "没有",  "一样",  "因此", "由于", "所有", "每个",  "其他",    "等等",
};

bool is_latin_word_char(char c) { return (c & 0x80) == 0 && std::isalnum(static_cast<unsigned char>(c)); }

// Cuts a string to at most `max` bytes at a code point boundary, marking the
// cut.
std::string shorten(std::string s, std::size_t max) {
  if (s.size() <= max) return s;
  s.resize(text::utf8_prefix_length(s, max));
  while (!s.empty() && (s.back() == ' ' || s.back() == ',')) s.pop_back();
  return s + "…";
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

// Inline markdown → readable text: emphasis and code marks, links to their
// text, images and HTML tags dropped. Not a markdown parser: the result is only
// shown as plain text and analysed.
std::string strip_inline(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '!' && i + 1 < s.size() && s[i + 1] == '[') {  // image: drop ![alt](url)
      const auto close = s.find("](", i);
      const auto end = close == std::string_view::npos ? close : s.find(')', close);
      if (end != std::string_view::npos) {
        i = end + 1;
        continue;
      }
    }
    if (c == '[') {  // link: keep the text
      const auto close = s.find("](", i);
      const auto end = close == std::string_view::npos ? close : s.find(')', close);
      if (end != std::string_view::npos) {
        out += s.substr(i + 1, close - i - 1);
        i = end + 1;
        continue;
      }
    }
    if (c == '<') {  // an HTML tag: drop it
      const auto end = s.find('>', i);
      if (end != std::string_view::npos && end - i < 200 &&
          (i + 1 < s.size() && (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '/'))) {
        i = end + 1;
        continue;
      }
    }
    if (c == '*' || c == '`' || (c == '_' && (i == 0 || !is_latin_word_char(s[i - 1])))) {
      ++i;
      continue;
    }
    out += c;
    ++i;
  }
  return trim(out);
}

// A line's block marker (list bullet, ordered number, heading, quote) removed;
// `item` tells whether the line starts a new unit.
std::string_view strip_block_marker(std::string_view line, bool& item) {
  item = false;
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  while (i < line.size() && line[i] == '>') {
    ++i;
    while (i < line.size() && line[i] == ' ') ++i;
  }
  if (i < line.size() && line[i] == '#') {
    while (i < line.size() && line[i] == '#') ++i;
    item = true;
  } else if (i + 1 < line.size() && (line[i] == '-' || line[i] == '*' || line[i] == '+') && line[i + 1] == ' ') {
    i += 2;
    item = true;
  } else {
    std::size_t j = i;
    while (j < line.size() && std::isdigit(static_cast<unsigned char>(line[j]))) ++j;
    if (j > i && j < line.size() && (line[j] == '.' || line[j] == ')')) {
      i = j + 1;
      item = true;
    } else if (j > i && line.substr(j, 3) == "、") {
      i = j + 3;
      item = true;
    }
  }
  return line.substr(i);
}

// Splits a paragraph into sentences at Chinese and Latin sentence ends.
std::vector<std::string> sentences(const std::string& paragraph) {
  static constexpr std::string_view kEnds[] = {"。", "！", "？", "；", "!", "?", ";"};
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < paragraph.size();) {
    std::size_t len = 0;
    for (auto e : kEnds) {
      if (std::string_view(paragraph).substr(i, e.size()) == e) {
        len = e.size();
        break;
      }
    }
    // A Latin full stop ends a sentence only before white space or the end
    // ("0.5", "e.g.x" do not).
    if (len == 0 && paragraph[i] == '.' && (i + 1 == paragraph.size() || paragraph[i + 1] == ' ')) len = 1;
    if (len > 0) {
      out.push_back(trim(std::string_view(paragraph).substr(start, i + len - start)));
      start = i + len;
      i += len;
    } else {
      ++i;
    }
  }
  if (start < paragraph.size()) out.push_back(trim(std::string_view(paragraph).substr(start)));
  std::erase_if(out, [](const std::string& s) { return s.empty(); });
  return out;
}

// Splits at commas (Chinese and Latin, 、).
std::vector<std::string> clauses(const std::string& sentence) {
  static constexpr std::string_view kCommas[] = {"，", "、", ",", "："};
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < sentence.size();) {
    std::size_t len = 0;
    for (auto c : kCommas) {
      if (std::string_view(sentence).substr(i, c.size()) == c) {
        len = c.size();
        break;
      }
    }
    if (len > 0) {
      out.push_back(trim(std::string_view(sentence).substr(start, i + len - start)));
      start = i + len;
      i += len;
    } else {
      ++i;
    }
  }
  if (start < sentence.size()) out.push_back(trim(std::string_view(sentence).substr(start)));
  std::erase_if(out, [](const std::string& s) { return s.empty(); });
  return out;
}

// The readable units of an answer: list items and headings on their own,
// paragraph text split into sentences; fenced code, tables and HTML blocks left
// out (a reply cannot be expected to recite them).
std::vector<std::string> units(std::string_view markdown) {
  std::vector<std::string> out;
  std::string paragraph;
  auto flush = [&] {
    for (auto& s : sentences(paragraph)) out.push_back(std::move(s));
    paragraph.clear();
  };
  bool in_fence = false;
  std::string fence;
  std::size_t pos = 0;
  while (pos <= markdown.size()) {
    auto nl = markdown.find('\n', pos);
    if (nl == std::string_view::npos) nl = markdown.size();
    const std::string line = trim(markdown.substr(pos, nl - pos));
    pos = nl + 1;
    if (in_fence) {
      if (line.starts_with(fence)) in_fence = false;
      continue;
    }
    if (line.starts_with("```") || line.starts_with("~~~")) {
      flush();
      in_fence = true;
      fence = line.substr(0, 3);
      continue;
    }
    if (line.empty() || line.starts_with("|") || line.starts_with("$$") || line == "---" || line == "***") {
      flush();
      continue;
    }
    bool item = false;
    const std::string text = strip_inline(strip_block_marker(line, item));
    if (item) flush();
    if (text.empty()) continue;
    if (!paragraph.empty()) paragraph += ' ';
    paragraph += text;
    if (item) flush();  // a list item or heading is one unit even without a full stop
  }
  flush();
  return out;
}

}  // namespace

QuizGrader::QuizGrader(const text::Analyzer& analyzer, TermShare share, std::size_t bank_size, GraderOptions options)
    : analyzer_(analyzer),
      roles_(analyzer_, no_synonyms_),
      share_(std::move(share)),
      bank_size_(bank_size),
      options_(options) {
  for (const char* w : kProseWords)
    for (const auto& t : analyzer_.analyze(w)) prose_terms_.insert(t.term);
}

bool QuizGrader::is_key_term(const std::string& term) const {
  if (roles_.role_of(term) == retrieval::ConceptRole::Template) return false;
  if (prose_terms_.count(term)) return false;
  if (share_ && bank_size_ >= options_.common_min_docs && share_(term) > options_.common_share) return false;
  return true;
}

std::vector<std::string> QuizGrader::topic_terms(std::string_view text) const {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (const auto& t : analyzer_.analyze(text)) {
    // One term per position: compounds, stem prefixes and unigrams under a
    // bigram are alternatives of a term already counted. A lone Han character
    // or Latin letter names too little to grade on.
    if (t.colocated) continue;
    if (t.kind == text::TokenKind::CjkUnigram || t.kind == text::TokenKind::Symbol) continue;
    if (t.kind == text::TokenKind::Word && t.term.size() < 2) continue;
    if (!is_key_term(t.term)) continue;
    if (seen.insert(t.term).second) out.push_back(t.term);
  }
  return out;
}

std::vector<KeyPoint> QuizGrader::key_points(std::string_view answer_markdown) const {
  std::vector<KeyPoint> points;
  std::set<std::vector<std::string>> seen;  // the same point said twice counts once
  auto add = [&](const std::string& text, std::vector<std::string> terms) {
    if (terms.empty()) return;
    auto sorted = terms;
    std::sort(sorted.begin(), sorted.end());
    if (!seen.insert(sorted).second) return;
    points.push_back({shorten(text, options_.max_point_chars), std::move(terms)});
  };
  for (const auto& unit : units(answer_markdown)) {
    auto terms = topic_terms(unit);
    if (terms.size() <= options_.max_terms_per_point) {
      add(unit, std::move(terms));
      continue;
    }
    // A long sentence holds several points: group its clauses up to the term
    // budget.
    std::string text;
    std::vector<std::string> group;
    for (const auto& clause : clauses(unit)) {
      auto ct = topic_terms(clause);
      if (!group.empty() && group.size() + ct.size() > options_.max_terms_per_point) {
        add(text, std::move(group));
        text.clear();
        group.clear();
      }
      text += clause;
      for (auto& t : ct) {
        if (std::find(group.begin(), group.end(), t) == group.end()) group.push_back(std::move(t));
      }
    }
    add(text, std::move(group));
  }
  if (points.size() > options_.max_points) {
    // Keep the most distinctive points (rarer terms weigh more), in answer
    // order.
    std::vector<double> weight(points.size(), 0);
    for (std::size_t i = 0; i < points.size(); ++i) {
      for (const auto& t : points[i].terms) weight[i] += share_ ? 1.0 - std::min(1.0, share_(t)) : 1.0;
    }
    std::vector<std::size_t> order(points.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return weight[a] > weight[b]; });
    order.resize(options_.max_points);
    std::sort(order.begin(), order.end());
    std::vector<KeyPoint> kept;
    for (auto i : order) kept.push_back(std::move(points[i]));
    points = std::move(kept);
  }
  return points;
}

Grade QuizGrader::grade(const std::vector<KeyPoint>& points, std::string_view reply) const {
  Grade g;
  // Every term of the reply, alternatives included: the point terms were
  // filtered already, and a reply's compound or stem prefix may be what
  // matches.
  std::unordered_set<std::string> said;
  for (const auto& t : analyzer_.analyze(reply)) said.insert(t.term);
  double total = 0;
  for (const auto& p : points) {
    std::size_t found = 0;
    for (const auto& t : p.terms) found += said.count(t);
    const double coverage = p.terms.empty() ? 0.0 : static_cast<double>(found) / static_cast<double>(p.terms.size());
    const bool hit = coverage >= options_.hit_coverage;
    total += hit ? 1.0 : coverage;
    (hit ? g.hit : g.missed).push_back(p.text);
  }
  g.score = points.empty() ? 0.0 : total / static_cast<double>(points.size());
  g.passed = !points.empty() && g.score >= options_.pass_score;
  return g;
}

}  // namespace qabot::quiz
