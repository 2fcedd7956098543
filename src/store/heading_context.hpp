#pragma once
// Headings that name no topic of their own ("两者到底有什么区别？", "如何解决呢？", "面试怎么回答？")
// mean something only under their parent heading. Such a heading is shown and indexed with its
// parent in front — "HashMap 和 Hashtable › 两者到底有什么区别？" — so that a reader of the bank and
// the ranker both see what it is about.
//
// A heading names no topic when every word of it is question scaffolding, an aspect or a stand-in
// (text::QuestionWords), or a word the bank's headings use across many of its files ("面试", "注意").
// A Han run the segmenter does not know as words (a rare term) always counts as a topic. Pure: the
// bank's statistics come in through observe().

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "text/word_segmenter.hpp"

namespace qabot::text {
class Analyzer;
}

namespace qabot::store {

class HeadingContext {
 public:
  static constexpr std::string_view kSeparator = " › ";
  // A heading word found in the headings of at least this share of the bank's files is common...
  static constexpr double kCommonFileShare = 0.10;
  // ...and in at least this many files...
  static constexpr std::size_t kMinCommonFiles = 3;
  // ...once the bank has enough files for spread to mean anything (a word of a heading is always in
  // its own file, so in a bank of a few files every word would be "common").
  static constexpr std::size_t kMinFilesForSpread = 20;
  // Words longer than this (in characters) are never taken apart into filler words.
  static constexpr std::size_t kMaxFillerSplit = 12;

  explicit HeadingContext(const text::Analyzer& analyzer);

  // Counts the words of one heading of file `path` (every heading of the bank, before decide()).
  void observe(std::string_view path, std::string_view heading);
  // True when `heading` names no topic of its own.
  bool names_no_topic(std::string_view heading) const;
  static std::string with_parent(std::string_view parent, std::string_view heading);
  // The words a heading is judged by (normalised): Latin terms, Han words, unknown Han runs.
  std::vector<std::string> words_of(std::string_view heading) const;

 private:
  bool common(const std::string& word) const;
  bool filler(const std::string& word) const;

  const text::Analyzer& analyzer_;
  text::WordSegmenter segmenter_;
  std::unordered_set<std::string> filler_;  // analysed QuestionWords
  std::unordered_map<std::string, std::set<std::string>> files_by_word_;
  std::set<std::string> files_;
};

}  // namespace qabot::store
