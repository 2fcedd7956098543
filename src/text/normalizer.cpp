#include "text/normalizer.hpp"

#include "text/bounded_map.hpp"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <unordered_map>

namespace qabot::text {
namespace {

// Traditional→Simplified is a per-character mapping inside U+3400..U+9FFF (ICU 72 maps nothing
// outside it and never maps one character to several). ICU's transliterator costs ~1 µs a call,
// so the whole block is converted once per process into an immutable table that every
// Normalizer reads without locking.
constexpr char32_t kHanFirst = 0x3400;
constexpr char32_t kHanLast = 0x9FFF;

const std::vector<char16_t>& simplified_table() {
  static const std::vector<char16_t> table = [] {
    UErrorCode status = U_ZERO_ERROR;
    const std::unique_ptr<icu::Transliterator> to_simplified(icu::Transliterator::createInstance(
        icu::UnicodeString::fromUTF8("Traditional-Simplified"), UTRANS_FORWARD, status));
    if (U_FAILURE(status) || !to_simplified) {
      throw std::runtime_error(std::string("ICU Traditional-Simplified transliterator unavailable: ") +
                               u_errorName(status));
    }
    // Blocks of characters per call: one call per character costs 20 ms more, one call for all
    // of them is quadratic (each replacement shifts the rest of the string).
    constexpr char32_t kBlock = 512;
    std::vector<char16_t> result(kHanLast - kHanFirst + 1);
    for (char32_t first = kHanFirst; first <= kHanLast; first += kBlock) {
      const char32_t last = std::min<char32_t>(kHanLast, first + kBlock - 1);
      icu::UnicodeString block;
      for (char32_t c = first; c <= last; ++c) block.append(static_cast<UChar>(c));
      icu::UnicodeString converted = block;
      to_simplified->transliterate(converted);
      const bool one_to_one = converted.length() == block.length();
      for (char32_t c = first; c <= last; ++c) {
        auto mapped = static_cast<char16_t>(c);
        if (one_to_one) {
          mapped = converted.charAt(static_cast<int32_t>(c - first));
        } else {  // not so in ICU 72; stay correct if a later version differs
          icu::UnicodeString one(static_cast<UChar>(c));
          to_simplified->transliterate(one);
          if (one.length() == 1) mapped = one.charAt(0);
        }
        // Han → Han only; anything else would break the one-to-one offset mapping.
        result[c - kHanFirst] = (mapped >= kHanFirst && mapped <= kHanLast) ? mapped : static_cast<char16_t>(c);
      }
    }
    return result;
  }();
  return table;
}

bool is_common_han(char32_t cp) { return cp >= kHanFirst && cp <= kHanLast; }

// NFKC_Casefold already drops Default_Ignorable code points; this list makes the documented
// promise independent of the ICU version.
bool is_invisible(char32_t cp) {
  return (cp >= 0x200B && cp <= 0x200D) || cp == 0xFEFF || cp == 0x2060 || cp == 0x00AD;
}

bool is_upper(UChar32 cp) { return u_isUUppercase(cp) || u_istitle(cp); }

void to_u32(const icu::UnicodeString& s, std::u32string& out) {
  out.clear();
  for (int32_t k = 0; k < s.length();) {
    const UChar32 c = s.char32At(k);
    out.push_back(static_cast<char32_t>(c));
    k += U16_LENGTH(c);
  }
}

}  // namespace

struct Normalizer::Impl {
  const icu::Normalizer2* nfkc_cf = nullptr;  // owned by ICU
  const std::vector<char16_t>* simplified = nullptr;
  // NFKC_Casefold of single characters that ICU does not report as inert (full-width forms,
  // capitals, accented letters…): computed once each. Bounded: hostile text can walk the whole
  // Unicode range, and notes in every script fold only a few thousand characters.
  static constexpr std::size_t kMaxFolded = 16384;
  BoundedMap<char32_t, std::u32string> folded{"case_folds", kMaxFolded, std::size_t{2} << 20};
  std::u32string scratch;

  Impl() : simplified(&simplified_table()) {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status) || nfkc_cf == nullptr) {
      throw std::runtime_error(std::string("ICU NFKC_Casefold data unavailable: ") + u_errorName(status));
    }
  }

  void push(char32_t cp, int start, int end, bool upper, std::vector<NormalizedChar>& out) const {
    if (is_common_han(cp)) cp = (*simplified)[cp - kHanFirst];
    out.push_back({cp, start, end, upper});
  }

  // The reference lives until the next call (a put may drop the map).
  const std::u32string& fold_single(char32_t cp) {
    const std::u32string* known = folded.find(cp);
    if (!known) {
      UErrorCode status = U_ZERO_ERROR;
      const icu::UnicodeString result = nfkc_cf->normalize(icu::UnicodeString(static_cast<UChar32>(cp)), status);
      std::u32string chars;
      if (U_SUCCESS(status)) to_u32(result, chars);
      else chars.push_back(cp);
      folded.put(cp, std::move(chars));
      known = folded.find(cp);
    }
    return *known;
  }

  void emit_segment(const std::uint8_t* s, int32_t seg_start, int32_t seg_end, UChar32 first, bool single,
                    std::vector<NormalizedChar>& out) {
    if (single) {
      if (first < 0x80) {
        const bool upper = first >= 'A' && first <= 'Z';
        out.push_back({static_cast<char32_t>(upper ? first + ('a' - 'A') : first), seg_start, seg_end, upper});
      } else if (is_common_han(static_cast<char32_t>(first))) {  // inert, never upper
        push(static_cast<char32_t>(first), seg_start, seg_end, false, out);
      } else if (is_invisible(static_cast<char32_t>(first))) {
        // dropped: tokens on either side become adjacent
      } else if (nfkc_cf->isInert(first)) {
        push(static_cast<char32_t>(first), seg_start, seg_end, is_upper(first), out);
      } else {
        const bool upper = is_upper(first);
        for (char32_t c : fold_single(static_cast<char32_t>(first))) push(c, seg_start, seg_end, upper, out);
      }
      return;
    }
    // A base character followed by combining marks: normalise the whole segment together and
    // let every resulting character point at all of its bytes.
    const bool upper = is_upper(first);
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString source = icu::UnicodeString::fromUTF8(
        icu::StringPiece(reinterpret_cast<const char*>(s) + seg_start, seg_end - seg_start));
    const icu::UnicodeString result = nfkc_cf->normalize(source, status);
    to_u32(U_SUCCESS(status) ? result : source, scratch);
    for (char32_t c : scratch) {
      if (!is_invisible(c)) push(c, seg_start, seg_end, upper, out);
    }
  }
};

Normalizer::Normalizer() : impl_(std::make_unique<Impl>()) {}
Normalizer::~Normalizer() = default;
Normalizer::Normalizer(Normalizer&&) noexcept = default;
Normalizer& Normalizer::operator=(Normalizer&&) noexcept = default;

void Normalizer::normalize(std::string_view utf8, std::vector<NormalizedChar>& out) {
  out.clear();
  if (utf8.empty()) return;
  // Offsets are ints (the Token interface); FTS5 documents are far below 2 GiB.
  const auto* s = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const auto n = static_cast<int32_t>(utf8.size());

  // Segments start at characters with a normalisation boundary before them, so normalising
  // segment by segment equals normalising the whole text, and each output character can be
  // traced to its segment's bytes. `cp`/`next` always hold the character at `i` (lookahead).
  int32_t i = 0;
  int32_t next = 0;
  UChar32 cp = 0;
  U8_NEXT(s, next, n, cp);
  if (cp < 0) cp = 0xFFFD;
  while (i < n) {
    const int32_t seg_start = i;
    const UChar32 first = cp;
    bool single = true;
    i = next;
    while (i < n) {
      if (s[i] < 0x80) {  // ASCII never combines with what precedes it
        cp = s[i];
        next = i + 1;
        break;
      }
      next = i;
      U8_NEXT(s, next, n, cp);
      if (cp < 0) cp = 0xFFFD;
      // An invisible character is cut off as its own (dropped) segment even where ICU reports
      // no boundary (U+200D), so the character before it keeps its own byte range.
      if (is_common_han(static_cast<char32_t>(cp)) || is_invisible(static_cast<char32_t>(cp)) ||
          impl_->nfkc_cf->hasBoundaryBefore(cp)) {
        break;
      }
      single = false;
      i = next;
    }
    impl_->emit_segment(s, seg_start, i, first, single, out);
  }
}

}  // namespace qabot::text
