#include "ingest/synonym_miner.hpp"

#include <algorithm>
#include <cctype>

#include "text/utf8.hpp"

namespace qabot::ingest {

namespace {

bool is_han(char32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF); }
bool is_latin_term_char(char32_t c) {
  return c < 0x80 && (std::isalnum(static_cast<int>(c)) || c == ' ' || c == '-' || c == '.' || c == '+');
}

struct Cp {
  char32_t c;
  std::size_t begin;
  std::size_t end;
};

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

// "Batch Normalization" ↔ "BN": the abbreviation is the initials of the words (or of their
// capitalised parts: "ResNet" → R, N).
bool initials_match(std::string_view phrase, std::string_view abbr) {
  std::string initials;
  bool at_word_start = true;
  for (char ch : phrase) {
    if (ch == ' ' || ch == '-') {
      at_word_start = true;
      continue;
    }
    if (at_word_start || std::isupper(static_cast<unsigned char>(ch))) initials += static_cast<char>(std::tolower(ch));
    at_word_start = false;
  }
  std::string lower;
  for (char ch : abbr)
    if (std::isalnum(static_cast<unsigned char>(ch))) lower += static_cast<char>(std::tolower(ch));
  return !lower.empty() && initials == lower;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> SynonymMiner::mine(std::string_view text) const {
  std::vector<Cp> cps;
  for (std::size_t i = 0; i < text.size();) {
    const text::Utf8Char c = text::decode_utf8(text, i);
    cps.push_back({c.code_point, i, i + c.length});
    i += c.length;
  }
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](std::string a, std::string b) {
    if (a.empty() || b.empty() || a == b) return;
    if (std::find(out.begin(), out.end(), std::make_pair(a, b)) == out.end())
      out.emplace_back(std::move(a), std::move(b));
  };
  for (std::size_t k = 0; k < cps.size(); ++k) {
    if (cps[k].c != U'(' && cps[k].c != U'（') continue;
    // Parenthesised content: Latin letters, digits, spaces, hyphens only, 2..40 bytes.
    std::size_t close = k + 1;
    while (close < cps.size() && is_latin_term_char(cps[close].c)) ++close;
    if (close >= cps.size() || (cps[close].c != U')' && cps[close].c != U'）')) continue;
    const std::string inner = trim(text.substr(cps[k].end, cps[close].begin - cps[k].end));
    if (inner.size() < 2 || inner.size() > 40 || !std::any_of(inner.begin(), inner.end(), ::isalpha)) continue;
    if (k == 0) continue;
    // Chinese term right before: the Han run (2..8 characters) that ends at the parenthesis.
    if (is_han(cps[k - 1].c)) {
      std::size_t start = k;
      while (start > 0 && is_han(cps[start - 1].c) && k - start < 8) --start;
      if (k - start >= 2) add(std::string(text.substr(cps[start].begin, cps[k].begin - cps[start].begin)), inner);
      continue;
    }
    // English phrase before an abbreviation: "Batch Normalization (BN)".
    std::size_t end = k;
    while (end > 0 && cps[end - 1].c == U' ') --end;
    std::size_t start = end;
    int words = 0;
    while (start > 0 && is_latin_term_char(cps[start - 1].c) && words < 5) {
      --start;
      if (cps[start].c == U' ') ++words;
    }
    while (start < end && cps[start].c == U' ') ++start;
    if (start >= end) continue;
    std::string phrase = std::string(text.substr(cps[start].begin, cps[end - 1].end - cps[start].begin));
    // Keep only the trailing words whose initials spell the abbreviation.
    for (std::size_t cut = 0; cut < phrase.size();) {
      std::string_view tail = std::string_view(phrase).substr(cut);
      if (initials_match(tail, inner) && tail.find(' ') != std::string_view::npos) {
        add(std::string(tail), inner);
        break;
      }
      std::size_t next = phrase.find(' ', cut);
      if (next == std::string::npos) break;
      cut = next + 1;
    }
  }
  return out;
}

}  // namespace qabot::ingest
