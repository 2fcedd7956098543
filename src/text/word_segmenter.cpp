#include "text/word_segmenter.hpp"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>

#include <stdexcept>

namespace qabot::text {

struct WordSegmenter::Impl {
  std::unique_ptr<icu::BreakIterator> words;
};

WordSegmenter::WordSegmenter() : impl_(std::make_unique<Impl>()) {
  UErrorCode status = U_ZERO_ERROR;
  impl_->words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getChinese(), status));
  if (U_FAILURE(status) || !impl_->words)
    throw std::runtime_error(std::string("ICU word break iterator: ") + u_errorName(status));
}

WordSegmenter::~WordSegmenter() = default;

std::vector<std::pair<int, int>> WordSegmenter::han_words(std::string_view utf8) const {
  std::vector<std::pair<int, int>> out;
  const auto text = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  // UTF-16 index → UTF-8 byte offset.
  std::vector<int> byte_at(static_cast<std::size_t>(text.length()) + 1, 0);
  int bytes = 0;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    const int n = U16_LENGTH(c);
    for (int k = 0; k < n; ++k) byte_at[static_cast<std::size_t>(i + k)] = bytes;
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    i += n;
  }
  byte_at[static_cast<std::size_t>(text.length())] = bytes;

  auto& it = *impl_->words;
  it.setText(text);
  for (int32_t start = it.first(), end = it.next(); end != icu::BreakIterator::DONE; start = end, end = it.next()) {
    int han = 0;
    for (int32_t i = start; i < end;) {
      const UChar32 c = text.char32At(i);
      UErrorCode status = U_ZERO_ERROR;
      if (uscript_getScript(c, &status) == USCRIPT_HAN) ++han;
      i += U16_LENGTH(c);
    }
    if (han >= 2 && han == end - start)
      out.emplace_back(byte_at[static_cast<std::size_t>(start)], byte_at[static_cast<std::size_t>(end)]);
  }
  return out;
}

}  // namespace qabot::text
