#pragma once
// Text analysis shared by documents and queries: the one place that decides what a "term" is.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace qabot::text {

enum class TokenKind {
  Word,        // Latin/alphanumeric word, case-folded and stemmed ("normal", "f1", "resnet50", "c++")
  CjkBigram,   // two adjacent Han characters ("过拟")
  CjkUnigram,  // one Han character ("过"), only where a run ends or has one character
  CjkWord,     // a dictionary word from ICU's segmenter, 2+ Han characters ("过拟合")
  Symbol,      // a meaningful operator ("==", "->", "::")
  Compound,    // a joined form of adjacent words ("batchsize", "crossvalidation")
};

struct Token {
  std::string term;        // normalised form that goes into the index
  int start = 0;           // byte offset into the original input (inclusive)
  int end = 0;             // byte offset into the original input (exclusive)
  bool colocated = false;  // same position as the previous token (FTS5_TOKEN_COLOCATED)
  TokenKind kind = TokenKind::Word;
};

// Not thread-safe (ICU break iterators and transliterators hold state): use one per thread.
class Analyzer {
 public:
  Analyzer();  // throws std::runtime_error when ICU data is missing
  ~Analyzer();
  Analyzer(Analyzer&&) noexcept;
  Analyzer& operator=(Analyzer&&) noexcept;

  // Tokens in text order; the first token is never colocated.
  std::vector<Token> analyze(std::string_view utf8) const;

  // NFKC + case folding + Traditional→Simplified + invisible characters removed.
  std::string normalize(std::string_view utf8) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True when `term` is one Han or kana character: a CjkUnigram. The index holds such a term only
// where a run of them ends; elsewhere the character is the first half of the bigram at its
// position, so a query for it must also match the terms that start with it (a prefix query).
bool is_cjk_character(std::string_view term);

// True when `term` starts with a Han or kana character: a CJK bigram, unigram or word.
bool is_cjk_term(std::string_view term);

// True when tokens[i] is the unigram that ends a Han run of two or more characters: the bigram (or
// word) before it already holds that character. A query leaves it out, since the document's run
// may go on past it (过拟合 must match 过拟合怎么办, where 合 starts the bigram 合怎).
bool repeats_previous_bigram(const std::vector<Token>& tokens, std::size_t i);

}  // namespace qabot::text
