// The token scheme (documents and queries alike; positions are FTS5 positions):
//
// Han/kana runs c0..cn-1: position i holds the bigram c_i c_i+1 (CjkBigram); the last
//   character, and a 1-character run, hold the unigram c_n-1 (CjkUnigram). Consecutive bigrams
//   sit at consecutive positions, so a phrase of query bigrams matches the document. A character
//   is thus indexed at every position as the first half of a bigram or as a unigram, so a query
//   for one character is a prefix query (pre_analyzed_string): it matches both. Until index
//   format 3 (2026-12-03) every position also carried its unigram, colocated; those were half of
//   all the index's token writes, and only a one-character query read them.
//   No CjkWord tokens: ICU's dictionary segmenter (word BreakIterator, zh) was measured at ~1,500
//   instructions per Han character, 3x the rest of the analysis together (5.6 vs 17 MB/s on
//   data/interview-notes.md), while a 2-character word is the bigram already and a longer word
//   is a phrase of bigrams. The kind stays in the interface for a cheaper word source later.
//
// Latin "chunks": letters/digits joined by '_' or '-', '.' between digits (0.5, 1.2.3), an
//   apostrophe between letters (don't → dont, model's → model), and a suffix "++"/"++NN" (c++,
//   i++, c++11) or "#" after one letter (c#).
//   - A chunk splits into parts at '_' and '-', and letters-only pieces also at camelCase humps
//     (ResNet → res|net, HTTPServer → http|server) unless a part would be shorter than 2
//     characters (iPhone, IoU, mAP stay whole).
//   - Letters-only parts are Snowball-stemmed; parts with digits or a suffix are kept verbatim
//     (f1, resnet50, 1x1, c++). "LSTMs", "CNNs" (capitals + a lowercase s) lose the s.
//   - A chunk of 2+ parts emits the parts at consecutive positions and, colocated with the
//     first, a Compound: the unstemmed parts concatenated, stemmed when all are letters
//     (Batch_Size → batch|size + batchsiz; x86-64 → x86|64 + x8664; ResNet-50 → … + resnet50).
//     The Compound's offsets span the whole chunk so a query builder can tell which parts it joins.
//   - Two adjacent single-part letter words separated only by white space also get a
//     colocated Compound at the first word ("batch size" → batch+batchsiz|size), so "batchsize",
//     "batch size" and "Batch_Size" share a term. Only adjacent pairs: a bounded 2x at worst.
//   - A letters-then-digits part with 2+ letters also carries its stemmed letter prefix
//     colocated (resnet50 + resnet, vgg16 + vgg), so "ResNet" finds "ResNet50"; c++11 carries c++.
//   - A size written with a multiplication sign between digits — 3×3, 3*3, 3 * 3, LaTeX 3\times3 —
//     is read as 3x3 (the sign becomes one 'x'), as users type it (index format 5).
//
// Symbols (kind Symbol), longest match first: === !== <=> <<= >>= **= //= == != <= >= << >> &&
//   || -> => :: ** // += -= *= /= %= &= |= ^= ++ @ % & ^. A run of 4+ identical punctuation
//   characters ("====", "****", "----") is markdown decoration and yields nothing. All other
//   punctuation only separates.

#include "text/analyzer.hpp"

#include "text/bounded_map.hpp"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "text/normalizer.hpp"
#include "text/stemmer.hpp"
#include "text/utf8.hpp"

namespace qabot::text {
namespace {

enum class CharClass : std::uint8_t { Space, Punct, Letter, Digit, Cjk };

constexpr std::array<CharClass, 128> kAsciiClass = [] {
  std::array<CharClass, 128> table{};
  for (auto& c : table) c = CharClass::Punct;
  for (char c : {' ', '\t', '\n', '\r', '\v', '\f'}) table[static_cast<unsigned char>(c)] = CharClass::Space;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = CharClass::Letter;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = CharClass::Letter;
  for (int c = '0'; c <= '9'; ++c) table[c] = CharClass::Digit;
  return table;
}();

CharClass classify(char32_t cp) {
  if (cp < 0x80) return kAsciiClass[cp];
  if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)) return CharClass::Cjk;
  if (cp == 0x30FC) return CharClass::Cjk;  // ー: Common script, but part of katakana words
  const auto c = static_cast<UChar32>(cp);
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  if (script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA) {
    return CharClass::Cjk;
  }
  if (u_isUWhiteSpace(c)) return CharClass::Space;
  const std::uint32_t mask = U_GET_GC_MASK(c);
  if ((mask & U_GC_ND_MASK) != 0) return CharClass::Digit;
  if (u_isUAlphabetic(c) || (mask & (U_GC_M_MASK | U_GC_NL_MASK | U_GC_NO_MASK)) != 0) {
    return CharClass::Letter;
  }
  return CharClass::Punct;
}

// Longest first: the first match wins.
constexpr std::array<std::string_view, 33> kSymbols = {
    "===", "!==", "<=>", "<<=", ">>=", "**=", "//=", "==", "!=", "<=", ">=", "<<", ">>", "&&", "||", "->", "=>",
    "::",  "**",  "//",  "+=",  "-=",  "*=",  "/=",  "%=", "&=", "|=", "^=", "++", "@",  "%",  "&",  "^"};

constexpr bool may_start_symbol(char32_t c) {
  return c < 0x80 && std::string_view("=!<>*/&|-:+%^@").find(static_cast<char>(c)) != std::string_view::npos;
}

// Function words never join a pair Compound: "is the", "of a" are not anybody's spelling of one
// word, and English prose would otherwise double its index entries.
constexpr std::array<std::string_view, 24> kNoPairWords = {"a",    "an", "the", "is", "are", "was",  "were", "be",
                                                           "been", "of", "to",  "in", "on",  "at",   "by",   "for",
                                                           "and",  "or", "as",  "it", "its", "this", "that", "with"};

bool joins_pairs(std::string_view base) {
  for (std::string_view w : kNoPairWords) {
    if (w == base) return false;
  }
  return true;
}

constexpr std::size_t kStemCacheSize = 1 << 14;
// ...and at most this many bytes: 16k words of ~8 letters and their stems take about 1.5 MiB. A
// document's or a question's words repeat; a bank's whole Latin vocabulary is rarely larger.
constexpr std::size_t kStemCacheBytes = std::size_t{2} << 20;

// Longer joins are identifiers or junk (hashes, base64), not something a user types as one word.
constexpr std::size_t kMaxCompoundBytes = 64;

}  // namespace

struct Analyzer::Impl {
  Normalizer normalizer;
  Stemmer stemmer;

  // Scratch space reused across calls.
  std::vector<NormalizedChar> chars;
  std::vector<CharClass> classes;

  struct Segment {
    std::size_t begin = 0;       // first character
    std::size_t end = 0;         // one past the last letter/digit
    std::size_t suffix_end = 0;  // one past "++", "++11" or "#" when present, else == end
    bool has_digit = false;
    bool has_apostrophe = false;
  };
  std::vector<Segment> segments;

  struct Part {
    std::string base;  // case-folded, unstemmed
    std::string alt;   // colocated alternative ("resnet" for "resnet50"), may be empty
    std::size_t first = 0;
    std::size_t last = 0;  // inclusive
    bool letters = false;  // letters only: stemmed
  };
  std::vector<Part> parts;

  // The previous single-part letter word, while only white space follows it.
  struct PreviousWord {
    bool valid = false;
    std::string base;
    int start = 0;
  } previous;

  std::vector<Token>* out = nullptr;
  std::size_t group_start = 0;  // index of the first token at the current position

  std::string utf8(std::size_t begin, std::size_t end) const {
    std::string s;
    for (std::size_t k = begin; k < end; ++k) append_utf8(s, chars[k].cp);
    return s;
  }

  // Snowball costs ~2,000 instructions a word and prose repeats its words: remember the stems,
  // dropping them all when the map passes kStemCacheSize entries or kStemCacheBytes.
  BoundedMap<std::string, std::string> stems{"stems", kStemCacheSize, kStemCacheBytes};

  std::string stem(const std::string& word) {
    if (const std::string* known = stems.find(word)) return *known;
    std::string stemmed(stemmer.stem(word));
    stems.put(word, stemmed);
    return stemmed;
  }

  void push(std::string term, int start, int end, TokenKind kind) {
    group_start = out->size();
    out->push_back(Token{std::move(term), start, end, false, kind});
  }

  void push_colocated(std::string term, int start, int end, TokenKind kind) {
    if (out->empty()) return push(std::move(term), start, end, kind);
    for (std::size_t k = group_start; k < out->size(); ++k) {
      if ((*out)[k].term == term) return;
    }
    out->push_back(Token{std::move(term), start, end, true, kind});
  }

  // Notes write kernel and matrix sizes as 3×3, 3*3 or LaTeX $3 \times 3$; users type 3x3. The
  // sign between two digits (spaces around it allowed) becomes one 'x' spanning the sign, so every
  // spelling is the chunk "3x3". "**" (a power) is left alone.
  void join_dimensions() {
    static constexpr char32_t kTimes[] = U"\\times";
    const auto digit = [](char32_t c) { return c >= '0' && c <= '9'; };
    const std::size_t n = chars.size();
    std::size_t w = 0;
    for (std::size_t r = 0; r < n;) {
      if (w > 0 && digit(chars[w - 1].cp) && !digit(chars[r].cp)) {
        std::size_t k = r;
        while (k < n && chars[k].cp == ' ') ++k;
        std::size_t op_end = 0;
        if (k < n && (chars[k].cp == 0xD7 || (chars[k].cp == '*' && (k + 1 >= n || chars[k + 1].cp != '*'))))
          op_end = k + 1;
        else if (k + 6 <= n && std::equal(kTimes, kTimes + 6, chars.begin() + static_cast<std::ptrdiff_t>(k),
                                          [](char32_t a, const NormalizedChar& b) { return a == b.cp; }))
          op_end = k + 6;
        std::size_t m = op_end;
        while (op_end && m < n && chars[m].cp == ' ') ++m;
        if (op_end && m < n && digit(chars[m].cp)) {
          chars[w++] = NormalizedChar{U'x', chars[k].start, chars[op_end - 1].end, false};
          r = m;
          continue;
        }
      }
      if (w != r) chars[w] = chars[r];  // nothing moves until a sign has been joined
      ++w;
      ++r;
    }
    chars.resize(w);
  }

  bool is_word(std::size_t k) const { return classes[k] == CharClass::Letter || classes[k] == CharClass::Digit; }

  std::vector<Token> analyze(std::string_view text) {
    std::vector<Token> tokens;
    out = &tokens;
    group_start = 0;
    previous.valid = false;
    normalizer.normalize(text, chars);
    join_dimensions();
    const std::size_t n = chars.size();
    classes.resize(n);
    std::size_t cjk = 0;
    for (std::size_t k = 0; k < n; ++k) {
      classes[k] = classify(chars[k].cp);
      cjk += classes[k] == CharClass::Cjk ? 1 : 0;
    }
    tokens.reserve(2 * cjk + (n - cjk) / 4 + 4);  // about what the scheme produces

    for (std::size_t i = 0; i < n;) {
      switch (classes[i]) {
        case CharClass::Space: ++i; break;
        case CharClass::Letter:
        case CharClass::Digit: i = emit_chunk(i); break;
        case CharClass::Cjk: {
          std::size_t j = i;
          while (j < n && classes[j] == CharClass::Cjk) ++j;
          emit_cjk_run(i, j);
          previous.valid = false;
          i = j;
          break;
        }
        case CharClass::Punct:
          previous.valid = false;
          i = emit_symbol(i);
          break;
      }
    }
    out = nullptr;
    return tokens;
  }

  // ---- Han / kana ----------------------------------------------------------------------------

  void emit_cjk_run(std::size_t begin, std::size_t end) {
    // The hottest loop for Chinese notes: one token per character, built in place.
    char pair[8];
    int first_len = encode_utf8(chars[begin].cp, pair);
    for (std::size_t k = begin; k + 1 < end; ++k) {
      const NormalizedChar& c = chars[k];
      const NormalizedChar& d = chars[k + 1];
      const int second_len = encode_utf8(d.cp, pair + first_len);
      group_start = out->size();
      // Token{...} rather than emplace_back(args): clang 14 (the fuzz build) lacks C++20's
      // parenthesised aggregate initialisation.
      out->push_back(Token{std::string(pair, static_cast<std::size_t>(first_len + second_len)), c.start, d.end, false,
                           TokenKind::CjkBigram});
      std::memmove(pair, pair + first_len, static_cast<std::size_t>(second_len));
      first_len = second_len;
    }
    const NormalizedChar& last = chars[end - 1];
    push(std::string(pair, static_cast<std::size_t>(first_len)), last.start, last.end, TokenKind::CjkUnigram);
  }

  // ---- symbols -------------------------------------------------------------------------------

  std::size_t emit_symbol(std::size_t i) {
    const char32_t c = chars[i].cp;
    if (!may_start_symbol(c)) return i + 1;
    std::size_t run = 1;
    while (i + run < chars.size() && chars[i + run].cp == c) ++run;
    if (run >= 4) return i + run;
    for (std::string_view op : kSymbols) {
      if (i + op.size() > chars.size()) continue;
      bool match = true;
      for (std::size_t k = 0; k < op.size() && match; ++k) {
        match = chars[i + k].cp == static_cast<unsigned char>(op[k]);
      }
      if (match) {
        push(std::string(op), chars[i].start, chars[i + op.size() - 1].end, TokenKind::Symbol);
        return i + op.size();
      }
    }
    return i + 1;
  }

  // ---- Latin chunks --------------------------------------------------------------------------

  std::size_t scan_chunk(std::size_t i) {
    segments.clear();
    const std::size_t n = chars.size();
    Segment seg{i, i, i, false, false};
    std::size_t j = i;
    for (;;) {
      if (j < n && is_word(j)) {
        seg.has_digit = seg.has_digit || classes[j] == CharClass::Digit;
        ++j;
        continue;
      }
      if (j + 1 < n && j > seg.begin) {
        const char32_t c = chars[j].cp;
        if ((c == '_' || c == '-') && is_word(j + 1)) {
          seg.end = seg.suffix_end = j;
          segments.push_back(seg);
          seg = Segment{j + 1, j + 1, j + 1, false, false};
          ++j;
          continue;
        }
        if (c == '.' && classes[j - 1] == CharClass::Digit && classes[j + 1] == CharClass::Digit) {
          ++j;
          continue;
        }
        if ((c == '\'' || c == 0x2019) && classes[j - 1] == CharClass::Letter && classes[j + 1] == CharClass::Letter) {
          seg.has_apostrophe = true;
          ++j;
          continue;
        }
      }
      break;
    }
    seg.end = seg.suffix_end = j;
    if (j + 1 < n && chars[j].cp == '+' && chars[j + 1].cp == '+' &&
        (j + 2 >= n || (classes[j + 2] != CharClass::Letter && chars[j + 2].cp != '+'))) {
      std::size_t k = j + 2;
      while (k < n && classes[k] == CharClass::Digit) ++k;
      seg.suffix_end = k;
    } else if (j < n && chars[j].cp == '#' && j - seg.begin == 1 && classes[seg.begin] == CharClass::Letter &&
               (j + 1 >= n || !is_word(j + 1))) {
      seg.suffix_end = j + 1;
    }
    segments.push_back(seg);
    return seg.suffix_end;
  }

  void add_verbatim_part(const Segment& g) {
    Part& p = parts.emplace_back();
    p.base = utf8(g.begin, g.suffix_end);
    p.first = g.begin;
    p.last = g.suffix_end - 1;
    if (g.suffix_end > g.end + 2) {  // c++11 also answers to c++
      p.alt = utf8(g.begin, g.end + 2);
      return;
    }
    if (g.suffix_end > g.end) return;
    std::size_t letters_end = g.begin;
    while (letters_end < g.end && classes[letters_end] == CharClass::Letter) ++letters_end;
    bool digits_after = letters_end < g.end;
    for (std::size_t k = letters_end; k < g.end && digits_after; ++k) {
      digits_after = classes[k] == CharClass::Digit;
    }
    if (letters_end - g.begin >= 2 && digits_after) p.alt = stem(utf8(g.begin, letters_end));
  }

  void add_apostrophe_part(const Segment& g) {
    Part& p = parts.emplace_back();
    std::size_t end = g.end;
    if (end - g.begin >= 3 && chars[end - 1].cp == 's' && (chars[end - 2].cp == '\'' || chars[end - 2].cp == 0x2019)) {
      end -= 2;  // possessive 's
    }
    for (std::size_t k = g.begin; k < end; ++k) {
      if (chars[k].cp != '\'' && chars[k].cp != 0x2019) append_utf8(p.base, chars[k].cp);
    }
    p.first = g.begin;
    p.last = g.end - 1;
    p.letters = true;
  }

  void add_letters_part(std::size_t begin, std::size_t end) {
    Part& p = parts.emplace_back();
    bool acronym_plural = end - begin >= 3 && chars[end - 1].cp == 's' && !chars[end - 1].upper;
    for (std::size_t k = begin; k + 1 < end && acronym_plural; ++k) acronym_plural = chars[k].upper;
    p.base = utf8(begin, acronym_plural ? end - 1 : end);
    p.first = begin;
    p.last = end - 1;
    p.letters = true;
  }

  // camelCase humps: "maxPooling" → max|Pooling, "HTTPServer" → HTTP|Server, but "LSTMs" whole.
  void split_camel(std::size_t begin, std::size_t end) {
    std::size_t last = begin;
    for (std::size_t k = begin + 1; k < end; ++k) {
      const bool prev_upper = chars[k - 1].upper;
      const bool cur_upper = chars[k].upper;
      bool cut = !prev_upper && cur_upper;
      if (prev_upper && cur_upper && k + 1 < end && !chars[k + 1].upper) {
        cut = !(k + 2 == end && chars[k + 1].cp == 's');
      }
      if (cut && k - last >= 2 && end - k >= 2) {
        add_letters_part(last, k);
        last = k;
      }
    }
    add_letters_part(last, end);
  }

  std::string term_of(const Part& p) { return p.letters ? stem(p.base) : p.base; }

  std::size_t emit_chunk(std::size_t i) {
    const std::size_t j = scan_chunk(i);
    parts.clear();
    for (const Segment& g : segments) {
      if (g.has_digit || g.suffix_end > g.end) add_verbatim_part(g);
      else if (g.has_apostrophe) add_apostrophe_part(g);
      else split_camel(g.begin, g.end);
    }
    const int chunk_start = chars[i].start;
    const int chunk_end = chars[j - 1].end;

    if (parts.size() == 1) {
      const Part& p = parts.front();
      if (p.letters && previous.valid && joins_pairs(p.base) &&
          previous.base.size() + p.base.size() <= kMaxCompoundBytes) {
        push_colocated(stem(previous.base + p.base), previous.start, chunk_end, TokenKind::Compound);
      }
      push(term_of(p), chunk_start, chunk_end, TokenKind::Word);
      if (!p.alt.empty()) push_colocated(p.alt, chunk_start, chunk_end, TokenKind::Word);
      previous.valid = p.letters && joins_pairs(p.base);
      if (previous.valid) {
        previous.base = p.base;
        previous.start = chunk_start;
      }
      return j;
    }

    std::string joined;
    bool all_letters = true;
    for (const Part& p : parts) {
      joined += p.base;
      all_letters = all_letters && p.letters;
    }
    for (std::size_t k = 0; k < parts.size(); ++k) {
      const Part& p = parts[k];
      const int start = chars[p.first].start;
      const int end = chars[p.last].end;
      push(term_of(p), start, end, TokenKind::Word);
      if (k == 0 && joined.size() <= kMaxCompoundBytes) {
        push_colocated(all_letters ? stem(joined) : joined, chunk_start, chunk_end, TokenKind::Compound);
      }
      if (!p.alt.empty()) push_colocated(p.alt, start, end, TokenKind::Word);
    }
    previous.valid = false;
    return j;
  }
};

Analyzer::Analyzer() : impl_(std::make_unique<Impl>()) {}
Analyzer::~Analyzer() = default;
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;

std::vector<Token> Analyzer::analyze(std::string_view utf8) const {
  if (!impl_) throw std::logic_error("Analyzer used after move");
  return impl_->analyze(utf8);
}

std::string Analyzer::normalize(std::string_view utf8) const {
  if (!impl_) throw std::logic_error("Analyzer used after move");
  impl_->normalizer.normalize(utf8, impl_->chars);
  std::string result;
  result.reserve(utf8.size());
  for (const NormalizedChar& c : impl_->chars) append_utf8(result, c.cp);
  return result;
}

bool repeats_previous_bigram(const std::vector<Token>& tokens, std::size_t i) {
  if (i >= tokens.size() || tokens[i].kind != TokenKind::CjkUnigram || tokens[i].colocated) return false;
  std::size_t p = i;
  do {  // back to the previous position's primary token
    if (p == 0) return false;
    --p;
  } while (tokens[p].colocated);
  return (tokens[p].kind == TokenKind::CjkBigram || tokens[p].kind == TokenKind::CjkWord) &&
         tokens[p].end > tokens[i].start;
}

namespace {
// The first character of `term` is Han or kana; `length` receives its size in bytes.
bool starts_with_cjk(std::string_view term, std::size_t& length) {
  const Utf8Char c = decode_utf8(term, 0);
  length = c.length;
  return c.valid && classify(c.code_point) == CharClass::Cjk;
}
}  // namespace

bool is_cjk_character(std::string_view term) {
  std::size_t length = 0;
  return !term.empty() && term.size() <= 4 && starts_with_cjk(term, length) && length == term.size();
}

bool is_cjk_term(std::string_view term) {
  std::size_t length = 0;
  return !term.empty() && starts_with_cjk(term, length);
}

}  // namespace qabot::text
