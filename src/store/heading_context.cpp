#include "store/heading_context.hpp"

#include <algorithm>

#include "text/analyzer.hpp"
#include "text/question_words.hpp"
#include "text/utf8.hpp"
#include "text/word_segmenter.hpp"

namespace qabot::store {

HeadingContext::HeadingContext(const text::Analyzer& analyzer) : analyzer_(analyzer) {
  for (auto list : {text::QuestionWords::templates(), text::QuestionWords::aspects(),
                    text::QuestionWords::keyword_like(), text::QuestionWords::stand_ins()}) {
    for (const char* w : list) {
      filler_.insert(analyzer_.normalize(w));
      // Not the lone last character of a run ("策" of 对策, "决" of 解决): together they would make
      // 决策 filler. A one-character filler word is in the lists as itself.
      for (const auto& token : analyzer_.analyze(w))
        if (token.kind != text::TokenKind::CjkUnigram) filler_.insert(token.term);
    }
  }
}

// The words a heading is made of: Latin words, the segmenter's Han words, and each run of Han
// characters that no word covers (two or more characters: a term the dictionary does not know).
std::vector<std::string> HeadingContext::words_of(std::string_view heading) const {
  const std::vector<text::Token> tokens = analyzer_.analyze(heading);
  const std::vector<std::pair<int, int>> han_words = segmenter_.han_words(heading);
  std::vector<std::string> words;
  for (const auto& [b, e] : han_words) words.push_back(analyzer_.normalize(heading.substr(b, e - b)));
  auto covered = [&](int at) {
    for (const auto& [b, e] : han_words)
      if (at >= b && at < e) return true;
    return false;
  };
  int run_begin = -1, run_end = -1, run_characters = 0;
  auto end_run = [&] {
    if (run_characters >= 2) words.push_back(analyzer_.normalize(heading.substr(run_begin, run_end - run_begin)));
    run_begin = run_end = -1;
    run_characters = 0;
  };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const text::Token& t = tokens[i];
    if (t.colocated) continue;
    if (t.kind != text::TokenKind::CjkBigram && t.kind != text::TokenKind::CjkUnigram) {
      end_run();
      words.push_back(t.term);
      continue;
    }
    // The character at this position: a bigram's first half (it ends where the next position
    // starts), or the unigram that ends a run.
    int end = t.end;
    if (t.kind == text::TokenKind::CjkBigram) {
      for (std::size_t k = i + 1; k < tokens.size(); ++k) {
        if (!tokens[k].colocated) {
          end = tokens[k].start;
          break;
        }
      }
    }
    if (covered(t.start) || (run_end >= 0 && t.start != run_end)) end_run();
    if (covered(t.start)) continue;
    if (run_begin < 0) run_begin = t.start;
    run_end = end;
    ++run_characters;
  }
  end_run();
  return words;
}

void HeadingContext::observe(std::string_view path, std::string_view heading) {
  files_.emplace(path);
  for (auto& w : words_of(heading)) files_by_word_[std::move(w)].emplace(path);
}

bool HeadingContext::common(const std::string& word) const {
  if (files_.size() < kMinFilesForSpread) return false;
  const auto it = files_by_word_.find(word);
  const double needed =
      std::max(static_cast<double>(kMinCommonFiles), kCommonFileShare * static_cast<double>(files_.size()));
  return it != files_by_word_.end() && static_cast<double>(it->second.size()) >= needed;
}

// Whether a word is made of filler words end to end: ICU's dictionary joins function words
// ("到底有" = 到底 + 有, "有啥" = 有 + 啥), and each piece is filler on its own.
bool HeadingContext::filler(const std::string& word) const {
  if (filler_.count(word)) return true;
  std::vector<std::size_t> starts{0};  // UTF-8 character boundaries
  for (std::size_t i = 0; i < word.size();) starts.push_back(i += text::decode_utf8(word, i).length);
  if (starts.size() - 1 > kMaxFillerSplit) return false;  // a long run names something
  std::vector<bool> reachable(starts.size(), false);
  reachable[0] = true;
  for (std::size_t a = 0; a < starts.size(); ++a) {
    if (!reachable[a]) continue;
    for (std::size_t b = a + 1; b < starts.size(); ++b)
      if (filler_.count(word.substr(starts[a], starts[b] - starts[a]))) reachable[b] = true;
  }
  return reachable.back();
}

bool HeadingContext::names_no_topic(std::string_view heading) const {
  for (const std::string& word : words_of(heading)) {
    if (!filler(word) && !common(word)) return false;
  }
  return true;  // a heading of punctuation alone has no topic either
}

std::string HeadingContext::with_parent(std::string_view parent, std::string_view heading) {
  std::string out(parent);
  out.append(kSeparator).append(heading);
  return out;
}

}  // namespace qabot::store
