#include "text/utf8.hpp"

#include <unicode/uchar.h>
#include <unicode/utf.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace qabot::text {
namespace {

const std::uint8_t* bytes(std::string_view s) { return reinterpret_cast<const std::uint8_t*>(s.data()); }

// ICU's macros index with int32_t; no text qabot handles comes near 2 GiB, but a longer one is read
// as its first 2 GiB rather than with a wrapped length.
std::int32_t length_of(std::string_view s) {
  return static_cast<std::int32_t>(std::min<std::size_t>(s.size(), std::numeric_limits<std::int32_t>::max()));
}

Utf8Char from_icu(UChar32 c, std::size_t length) {
  if (c < 0) return {0xFFFD, length, false};
  return {static_cast<char32_t>(c), length, true};
}

}  // namespace

Utf8Char decode_utf8(std::string_view s, std::size_t i) {
  const std::int32_t n = length_of(s);
  if (i >= static_cast<std::size_t>(n)) return {};
  std::int32_t pos = static_cast<std::int32_t>(i);
  UChar32 c = 0;
  U8_NEXT(bytes(s), pos, n, c);
  return from_icu(c, static_cast<std::size_t>(pos) - i);
}

Utf8Char decode_utf8_before(std::string_view s, std::size_t end) {
  if (end == 0 || end > static_cast<std::size_t>(length_of(s))) return {};
  std::int32_t pos = static_cast<std::int32_t>(end);
  UChar32 c = 0;
  U8_PREV(bytes(s), 0, pos, c);
  return from_icu(c, end - static_cast<std::size_t>(pos));
}

std::size_t utf8_length(std::string_view s) {
  const std::int32_t n = length_of(s);
  std::size_t count = 0;
  for (std::int32_t i = 0; i < n; ++count) U8_FWD_1(bytes(s), i, n);
  return count;
}

std::optional<std::size_t> first_invalid_utf8(std::string_view s) {
  const std::int32_t n = length_of(s);
  for (std::int32_t i = 0; i < n;) {
    const std::int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(bytes(s), i, n, c);
    if (c < 0) return static_cast<std::size_t>(start);
  }
  return std::nullopt;
}

std::size_t utf8_prefix_length(std::string_view s, std::size_t max_bytes) {
  if (max_bytes >= s.size()) return s.size();
  // Only the bytes before the cut are read: a sequence the cut splits looks incomplete from there.
  std::int32_t length =
      static_cast<std::int32_t>(std::min<std::size_t>(max_bytes, std::numeric_limits<std::int32_t>::max()));
  U8_TRUNCATE_IF_INCOMPLETE(bytes(s), 0, length);
  return static_cast<std::size_t>(length);
}

std::size_t utf8_boundary_at_or_after(std::string_view s, std::size_t i) {
  const std::int32_t n = length_of(s);
  if (i >= static_cast<std::size_t>(n)) return static_cast<std::size_t>(n);
  std::int32_t pos = static_cast<std::int32_t>(i);
  U8_SET_CP_LIMIT(bytes(s), 0, pos, n);
  return std::max(static_cast<std::size_t>(pos), i);
}

int encode_utf8(char32_t cp, char* out) {
  if (cp > 0x10FFFF || U_IS_SURROGATE(cp)) cp = 0xFFFD;
  std::int32_t length = 0;
  U8_APPEND_UNSAFE(reinterpret_cast<std::uint8_t*>(out), length, static_cast<UChar32>(cp));
  return length;
}

void append_utf8(std::string& out, char32_t cp) {
  char buffer[U8_MAX_LENGTH];
  out.append(buffer, static_cast<std::size_t>(encode_utf8(cp, buffer)));
}

int display_width(char32_t cp) {
  const auto c = static_cast<UChar32>(cp);
  const auto category = u_charType(c);
  if (category == U_NON_SPACING_MARK || category == U_ENCLOSING_MARK || category == U_FORMAT_CHAR ||
      u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
    return 0;
  const auto hangul = u_getIntPropertyValue(c, UCHAR_HANGUL_SYLLABLE_TYPE);
  if (hangul == U_HST_VOWEL_JAMO || hangul == U_HST_TRAILING_JAMO) return 0;
  const auto east_asian = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
  if (east_asian == U_EA_WIDE || east_asian == U_EA_FULLWIDTH || u_hasBinaryProperty(c, UCHAR_EMOJI_PRESENTATION))
    return 2;
  return 1;
}

std::size_t display_width(std::string_view s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    const Utf8Char c = decode_utf8(s, i);
    width += static_cast<std::size_t>(display_width(c.code_point));
    i += c.length;
  }
  return width;
}

}  // namespace qabot::text
