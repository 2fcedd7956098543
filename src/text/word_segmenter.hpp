#pragma once
// Dictionary word boundaries for Chinese, for short texts such as queries. Indexing does not use
// it (the index holds bigrams; see analyzer.cpp for why): a query uses it to tell a bigram that is
// a word ("数据", "均衡") from one that straddles two words ("据不" in 数据不均衡).

#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace qabot::text {

class WordSegmenter {
 public:
  WordSegmenter();  // throws std::runtime_error when ICU's dictionary is missing
  ~WordSegmenter();
  WordSegmenter(const WordSegmenter&) = delete;
  WordSegmenter& operator=(const WordSegmenter&) = delete;

  // Byte ranges [begin, end) of the words ICU's dictionary finds that hold two or more Han characters.
  std::vector<std::pair<int, int>> han_words(std::string_view utf8) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qabot::text
