#pragma once
// UTF-8 on ICU's U8_* macros: the one place qabot decodes, encodes, measures or cuts UTF-8 by hand
// (issue 25: there were eight private decoders, each with its own idea of invalid input).
//
// The contract, for every function here:
// - Any bytes are accepted. Nothing reads outside the given string, nothing throws.
// - Decoding is strict, as ICU's U8_NEXT: an overlong form (C0 AF), a surrogate (ED A0 80), a value
//   above U+10FFFF (F4 90 80 80), a lead byte C0, C1 or F5..FF, a stray continuation byte and a
//   sequence cut short (E4 B8 followed by 'A' or by the end) are ill-formed. Each maximal ill-formed
//   subpart (Unicode's recommended practice: E4 B8 together, 80 alone) reads as one U+FFFD with
//   `valid == false`, so a walk always advances by at least one byte and counts the damage the way
//   a browser shows it. A U+FFFD that was in the text as EF BF BD is valid.
// - Offsets and lengths are in bytes; every boundary returned is one a walk from the start reaches
//   on well-formed text.
// The public interface is std only, like the rest of qabot_text; ICU stays private.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace qabot::text {

// One decoded character: its code point (U+FFFD when ill-formed) and its size in the text.
struct Utf8Char {
  char32_t code_point = 0xFFFD;
  std::size_t length = 0;  // bytes, at least 1 when decoded from a non-empty range
  bool valid = false;
};

// The character that starts at byte `i`; {U+FFFD, 0, false} when i >= s.size().
Utf8Char decode_utf8(std::string_view s, std::size_t i);

// The character that ends at byte `end` (reading backwards, as ICU's U8_PREV); {U+FFFD, 0, false}
// when end == 0 or end > s.size().
Utf8Char decode_utf8_before(std::string_view s, std::size_t end);

// Number of characters (code points, an ill-formed subpart counting as one).
std::size_t utf8_length(std::string_view s);

// Offset of the first ill-formed subpart, none when `s` is well-formed UTF-8.
std::optional<std::size_t> first_invalid_utf8(std::string_view s);

// Length of the longest prefix of `s` no longer than `max_bytes` that does not end inside a
// well-formed sequence (ICU's U8_TRUNCATE_IF_INCOMPLETE). May be 0: with max_bytes = 2 and "加…"
// nothing fits. A caller that must make progress takes decode_utf8(s, 0).length instead.
std::size_t utf8_prefix_length(std::string_view s, std::size_t max_bytes);

// `i` moved forward to the nearest character boundary (i itself when it is one, s.size() at most):
// where a text cut at a computed column may start without beginning inside a character.
std::size_t utf8_boundary_at_or_after(std::string_view s, std::size_t i);

// Writes `cp` as UTF-8 to out[0..4) and returns its length; a value that is not a Unicode scalar
// value (a surrogate, above U+10FFFF) is written as U+FFFD.
int encode_utf8(char32_t cp, char* out);
void append_utf8(std::string& out, char32_t cp);

// Columns `cp` takes in a monospaced font, from ICU's properties: 2 for East Asian Wide and
// Fullwidth characters and for emoji shown as emoji by default (Emoji_Presentation: U+1F600, U+2705);
// 0 for combining marks (Mn, Me), format characters (Cf: ZWJ, ZWSP, the soft hyphen), other
// default-ignorable characters (variation selectors) and Hangul medial and final jamo, which join
// the character before them; 1 for everything else, East Asian Ambiguous included (chat clients
// are not CJK terminals), and controls.
int display_width(char32_t cp);

// Sum of display_width over the characters of `s`; an ill-formed subpart is one U+FFFD, width 1.
std::size_t display_width(std::string_view s);

}  // namespace qabot::text
