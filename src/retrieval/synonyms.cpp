#include "retrieval/synonyms.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>
#include <sstream>
#include <utility>

#include "text/utf8.hpp"

namespace qabot::retrieval {
namespace {

constexpr std::string_view kFullWidthComma = "\xEF\xBC\x8C";    // U+FF0C '，'
constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";  // U+3000
constexpr std::string_view kNoBreakSpace = "\xC2\xA0";          // U+00A0
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";     // U+FEFF as UTF-8

// Length of the blank character at the start of s, 0 if s does not start with one.
std::size_t blank_prefix(std::string_view s) {
  if (s.empty()) return 0;
  switch (s.front()) {
    case ' ':
    case '\t':
    case '\r':
    case '\v':
    case '\f': return 1;
    default: break;
  }
  if (s.starts_with(kIdeographicSpace)) return kIdeographicSpace.size();
  if (s.starts_with(kNoBreakSpace)) return kNoBreakSpace.size();
  return 0;
}

// Length of the blank character at the end of s, 0 if s does not end with one.
std::size_t blank_suffix(std::string_view s) {
  if (s.empty()) return 0;
  switch (s.back()) {
    case ' ':
    case '\t':
    case '\r':
    case '\v':
    case '\f': return 1;
    default: break;
  }
  if (s.ends_with(kIdeographicSpace)) return kIdeographicSpace.size();
  if (s.ends_with(kNoBreakSpace)) return kNoBreakSpace.size();
  return 0;
}

std::string_view trim(std::string_view s) {
  while (std::size_t n = blank_prefix(s)) s.remove_prefix(n);
  while (std::size_t n = blank_suffix(s)) s.remove_suffix(n);
  return s;
}

struct Split {
  std::vector<std::vector<std::string>> sides;  // one side, or two when the line has "=>"
};

// Splits one non-blank, non-comment line into sides and terms, unescaping as it goes.
// Terms are trimmed but may be empty; the caller decides which emptiness is an error.
std::variant<Split, std::string> split_line(std::string_view line) {
  Split out;
  out.sides.emplace_back();
  std::string current;
  auto finish_term = [&] {
    out.sides.back().emplace_back(trim(current));
    current.clear();
  };

  std::size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (c == '\\') {
      const std::string_view rest = line.substr(i + 1);
      if (rest.empty()) return std::string("backslash at the end of the line escapes nothing");
      if (rest.starts_with(kFullWidthComma)) {
        current.append(kFullWidthComma);
        i += 1 + kFullWidthComma.size();
        continue;
      }
      const char e = rest.front();
      if (e == ',' || e == '\\' || e == '#' || e == '=' || e == '>') {
        current.push_back(e);
        i += 2;
        continue;
      }
      std::string shown(1, e);
      if (static_cast<unsigned char>(e) >= 0x80 || e < 0x20) shown = "non-ASCII or control character";
      return "invalid escape '\\" + shown + "' (only \\, \\， \\\\ \\# \\= \\> are allowed)";
    }
    if (c == ',') {
      finish_term();
      ++i;
      continue;
    }
    if (line.substr(i).starts_with(kFullWidthComma)) {
      finish_term();
      i += kFullWidthComma.size();
      continue;
    }
    if (c == '=' && i + 1 < line.size() && line[i + 1] == '>') {
      if (out.sides.size() == 2) return std::string("more than one '=>' on the line");
      finish_term();
      out.sides.emplace_back();
      i += 2;
      continue;
    }
    current.push_back(c);
    ++i;
  }
  finish_term();
  return out;
}

// Checks the terms of one side; returns an error message or nothing.
std::optional<std::string> check_side(const std::vector<std::string>& terms, std::string_view side) {
  if (terms.size() == 1 && terms.front().empty()) {
    return "'=>' has an empty " + std::string(side) + " side";
  }
  for (std::size_t k = 0; k < terms.size(); ++k) {
    if (!terms[k].empty()) continue;
    std::string where;
    if (k == 0) where = "empty term before the first comma";
    else if (k + 1 == terms.size()) where = "empty term after the last comma";
    else where = "empty term between commas";
    if (!side.empty()) where += " on the " + std::string(side) + " side of '=>'";
    return where + " (term " + std::to_string(k + 1) + ")";
  }
  return std::nullopt;
}

}  // namespace

std::variant<Synonyms, SynonymError> Synonyms::parse(std::string_view text) {
  Synonyms result;
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());

  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);

    if (text::first_invalid_utf8(line)) return SynonymError{line_no, "invalid UTF-8"};
    const std::string_view body = trim(line);
    if (body.empty() || body.front() == '#') continue;

    auto split = split_line(body);
    if (auto* message = std::get_if<std::string>(&split)) {
      return SynonymError{line_no, std::move(*message)};
    }
    auto& sides = std::get<Split>(split).sides;

    SynonymRule rule;
    rule.line = line_no;
    if (sides.size() == 2) {
      if (auto err = check_side(sides[0], "left")) return SynonymError{line_no, std::move(*err)};
      if (auto err = check_side(sides[1], "right")) return SynonymError{line_no, std::move(*err)};
      rule.one_way = true;
      rule.from = std::move(sides[0]);
      rule.to = std::move(sides[1]);
    } else {
      if (auto err = check_side(sides[0], "")) return SynonymError{line_no, std::move(*err)};
      if (sides[0].size() < 2) {
        return SynonymError{line_no, "only one term '" + sides[0].front() +
                                         "': an equivalence needs at least two terms "
                                         "(or use 'a => b' for a one-way rule)"};
      }
      rule.from = sides[0];
      rule.to = std::move(sides[0]);
    }
    result.rules_.push_back(std::move(rule));
  }
  return result;
}

std::variant<Synonyms, SynonymError> Synonyms::load(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return SynonymError{0, "cannot read synonyms file '" + path.string() + "': it is a directory"};
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    std::string message = "cannot open synonyms file '" + path.string() + "'";
    if (err != 0) message += std::string(": ") + std::strerror(err);
    return SynonymError{0, std::move(message)};
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return SynonymError{0, "cannot read synonyms file '" + path.string() + "'"};
  }
  auto parsed = parse(buffer.str());
  if (auto* error = std::get_if<SynonymError>(&parsed)) {
    error->message = path.string() + ": " + error->message;
  }
  return parsed;
}

void Synonyms::add_equivalence(std::vector<std::string> terms) {
  std::vector<std::string> kept;
  kept.reserve(terms.size());
  for (auto& term : terms) {
    std::string trimmed(trim(term));
    if (trimmed.empty()) continue;
    if (std::find(kept.begin(), kept.end(), trimmed) != kept.end()) continue;
    kept.push_back(std::move(trimmed));
  }
  if (kept.size() < 2) return;
  SynonymRule rule;
  rule.from = kept;
  rule.to = std::move(kept);
  rule.one_way = false;
  rule.line = 0;
  rules_.push_back(std::move(rule));
}

void Synonyms::set_origin(const std::string& origin) {
  for (SynonymRule& rule : rules_) rule.origin = origin;
}

void Synonyms::add(const Synonyms& more) {
  for (const SynonymRule& rule : more.rules_) {
    const bool known = std::any_of(rules_.begin(), rules_.end(), [&](const SynonymRule& r) {
      return r.one_way == rule.one_way && r.from == rule.from && r.to == rule.to;
    });
    if (!known) rules_.push_back(rule);
  }
}

}  // namespace qabot::retrieval
