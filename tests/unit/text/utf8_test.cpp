// The UTF-8 helper's contract: strict decoding on ICU's U8_* macros, one U+FFFD per ill-formed
// subpart, cuts that never split a character, display widths from ICU's properties.

#include "text/utf8.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace qabot::text {
namespace {

struct Decoded {
  char32_t code_point;
  std::size_t length;
  bool valid;
  bool operator==(const Decoded&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Decoded& d) {
  return os << "{U+" << std::hex << static_cast<unsigned>(d.code_point) << std::dec << ", " << d.length << ", "
            << (d.valid ? "valid" : "invalid") << "}";
}

// Every character of `s`, walking forward.
std::vector<Decoded> decode_all(std::string_view s) {
  std::vector<Decoded> out;
  for (std::size_t i = 0; i < s.size();) {
    const Utf8Char c = decode_utf8(s, i);
    out.push_back({c.code_point, c.length, c.valid});
    i += c.length;
  }
  return out;
}

constexpr char32_t kReplacement = 0xFFFD;

TEST(Utf8Test, DecodesAscii) {
  EXPECT_EQ(decode_all("aZ~"), (std::vector<Decoded>{{'a', 1, true}, {'Z', 1, true}, {'~', 1, true}}));
  EXPECT_EQ(utf8_length("hello"), 5u);
}

TEST(Utf8Test, DecodesTwoThreeAndFourByteSequences) {
  EXPECT_EQ(decode_all("é加😀"), (std::vector<Decoded>{{0xE9, 2, true}, {0x52A0, 3, true}, {0x1F600, 4, true}}));
  EXPECT_EQ(decode_all("\xF4\x8F\xBF\xBF"), (std::vector<Decoded>{{0x10FFFF, 4, true}}));
}

TEST(Utf8Test, CountsChineseAndEmojiAsOneCharacterEach) {
  EXPECT_EQ(utf8_length("批归一化"), 4u);
  EXPECT_EQ(utf8_length("BN 批归一化 😀"), 9u);
  EXPECT_EQ(utf8_length(""), 0u);
}

TEST(Utf8Test, TruncatedSequenceAtTheEndIsOneReplacement) {
  EXPECT_EQ(decode_all("a\xE4\xB8"), (std::vector<Decoded>{{'a', 1, true}, {kReplacement, 2, false}}));
  EXPECT_EQ(decode_all("\xF0\x9F\x98"), (std::vector<Decoded>{{kReplacement, 3, false}}));
  EXPECT_EQ(decode_all("\xC3"), (std::vector<Decoded>{{kReplacement, 1, false}}));
}

TEST(Utf8Test, TruncatedSequenceBeforeAsciiKeepsTheAscii) {
  EXPECT_EQ(decode_all("\xE4\xB8"
                       "A"),
            (std::vector<Decoded>{{kReplacement, 2, false}, {'A', 1, true}}));
}

TEST(Utf8Test, OverlongFormsAreInvalid) {
  // C0 and C1 never start a sequence; E0 80..9F and F0 80..8F would be overlong.
  EXPECT_EQ(decode_all("\xC0\xAF"), (std::vector<Decoded>{{kReplacement, 1, false}, {kReplacement, 1, false}}));
  EXPECT_EQ(decode_all("\xE0\x80\xAF").front(), (Decoded{kReplacement, 1, false}));
  EXPECT_EQ(decode_all("\xF0\x8F\xBF\xBF").front(), (Decoded{kReplacement, 1, false}));
  EXPECT_EQ(first_invalid_utf8("ab\xC0\xAF"), 2u);
}

TEST(Utf8Test, SurrogatesAndValuesAboveTheLastCodePointAreInvalid) {
  EXPECT_EQ(decode_all("\xED\xA0\x80").front(), (Decoded{kReplacement, 1, false}));
  EXPECT_EQ(decode_all("\xED\x9F\xBF"), (std::vector<Decoded>{{0xD7FF, 3, true}}));
  EXPECT_EQ(first_invalid_utf8("a\xED\xA0\x80"), 1u);
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8("\xFF"), 0u);
}

TEST(Utf8Test, StrayContinuationBytesReadOneAtATime) {
  EXPECT_EQ(decode_all("\x80\xBF"), (std::vector<Decoded>{{kReplacement, 1, false}, {kReplacement, 1, false}}));
  EXPECT_EQ(utf8_length("ok\x80"), 3u);
  EXPECT_EQ(first_invalid_utf8("ok\x80"), 2u);
}

TEST(Utf8Test, AnEncodedReplacementCharacterIsValid) {
  EXPECT_EQ(decode_all("\xEF\xBF\xBD"), (std::vector<Decoded>{{kReplacement, 3, true}}));
  EXPECT_FALSE(first_invalid_utf8("\xEF\xBF\xBD").has_value());
}

TEST(Utf8Test, WellFormedTextHasNoInvalidOffset) {
  EXPECT_FALSE(first_invalid_utf8("").has_value());
  EXPECT_FALSE(first_invalid_utf8("plain ascii").has_value());
  EXPECT_FALSE(first_invalid_utf8("中文 😀 é").has_value());
}

TEST(Utf8Test, DecodesBackwards) {
  const std::string s = "a加😀";
  const Utf8Char last = decode_utf8_before(s, s.size());
  EXPECT_EQ(last.code_point, 0x1F600u);
  EXPECT_EQ(last.length, 4u);
  EXPECT_TRUE(last.valid);
  const Utf8Char middle = decode_utf8_before(s, 4);
  EXPECT_EQ(middle.code_point, 0x52A0u);
  EXPECT_EQ(middle.length, 3u);
  const Utf8Char broken = decode_utf8_before("a\xE4\xB8", 3);
  EXPECT_FALSE(broken.valid);
  EXPECT_EQ(broken.length, 2u);
}

TEST(Utf8Test, NeverReadsOutsideTheText) {
  EXPECT_EQ(decode_utf8("ab", 2).length, 0u);
  EXPECT_EQ(decode_utf8("", 0).length, 0u);
  EXPECT_EQ(decode_utf8_before("ab", 0).length, 0u);
  EXPECT_EQ(decode_utf8_before("ab", 3).length, 0u);
  // A lead byte that promises more than the view holds: the byte after the view is never read.
  const std::string backing = "\xF0\x9F\x98\x80";
  EXPECT_EQ(decode_utf8(std::string_view(backing).substr(0, 2), 0).length, 2u);
  EXPECT_FALSE(decode_utf8(std::string_view(backing).substr(0, 2), 0).valid);
}

TEST(Utf8Test, PrefixNeverSplitsACharacter) {
  const std::string s = "a加速😀b";  // 1 + 3 + 3 + 4 + 1 bytes
  const std::size_t expected[] = {0, 1, 1, 1, 4, 4, 4, 7, 7, 7, 7, 11, 12};
  for (std::size_t max = 0; max <= s.size(); ++max) EXPECT_EQ(utf8_prefix_length(s, max), expected[max]) << max;
  EXPECT_EQ(utf8_prefix_length(s, 100), s.size());
}

TEST(Utf8Test, PrefixMayBeEmptyWhenTheFirstCharacterDoesNotFit) {
  EXPECT_EQ(utf8_prefix_length("😀x", 3), 0u);
  EXPECT_EQ(utf8_prefix_length("加", 2), 0u);
  EXPECT_EQ(utf8_prefix_length("", 0), 0u);
}

TEST(Utf8Test, PrefixOfInvalidBytesStaysWithinTheLimit) {
  const std::string bad = "\x80\x80\x80\x80\x80\x80\xFF\xFE";
  for (std::size_t max = 0; max <= bad.size(); ++max) EXPECT_LE(utf8_prefix_length(bad, max), max);
  EXPECT_EQ(utf8_prefix_length(bad, 5), 5u);
  // A cut after a lone lead byte drops it: it could start a character the cut would split.
  EXPECT_EQ(utf8_prefix_length("ab\xE4"
                               "cd",
                               3),
            2u);
}

TEST(Utf8Test, BoundaryAtOrAfterSkipsToTheNextCharacter) {
  const std::string s = "a加b";
  EXPECT_EQ(utf8_boundary_at_or_after(s, 0), 0u);
  EXPECT_EQ(utf8_boundary_at_or_after(s, 1), 1u);
  EXPECT_EQ(utf8_boundary_at_or_after(s, 2), 4u);
  EXPECT_EQ(utf8_boundary_at_or_after(s, 3), 4u);
  EXPECT_EQ(utf8_boundary_at_or_after(s, 4), 4u);
  EXPECT_EQ(utf8_boundary_at_or_after(s, 5), 5u);
  EXPECT_EQ(utf8_boundary_at_or_after(s, 99), 5u);
  EXPECT_EQ(utf8_boundary_at_or_after("\x80\x80x", 1), 1u);
}

TEST(Utf8Test, EncodesEveryLength) {
  std::string out;
  for (char32_t cp : {U'a', U'é', U'加', U'😀'}) append_utf8(out, cp);
  EXPECT_EQ(out, "aé加😀");
  char buffer[4];
  EXPECT_EQ(encode_utf8(0x10FFFF, buffer), 4);
  EXPECT_EQ(std::string(buffer, 4), "\xF4\x8F\xBF\xBF");
}

TEST(Utf8Test, EncodesNonScalarValuesAsReplacement) {
  std::string out;
  append_utf8(out, 0xD800);
  append_utf8(out, 0x110000);
  EXPECT_EQ(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Utf8Test, EncodeThenDecodeRoundTrips) {
  for (char32_t cp : {0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xD7FFu, 0xE000u, 0xFFFFu, 0x10000u, 0x10FFFFu}) {
    std::string s;
    append_utf8(s, cp);
    const Utf8Char c = decode_utf8(s, 0);
    EXPECT_TRUE(c.valid) << static_cast<unsigned>(cp);
    EXPECT_EQ(c.code_point, cp);
    EXPECT_EQ(c.length, s.size());
  }
}

TEST(Utf8Test, DisplayWidthOfAsciiIsOne) {
  EXPECT_EQ(display_width(U'a'), 1);
  EXPECT_EQ(display_width("- [x] item"), 10u);
}

TEST(Utf8Test, DisplayWidthOfCjkIsTwo) {
  EXPECT_EQ(display_width(U'加'), 2);
  EXPECT_EQ(display_width("批归一化"), 8u);
  EXPECT_EQ(display_width("한국어"), 6u);
  EXPECT_EQ(display_width("かな"), 4u);
  EXPECT_EQ(display_width(0x20000), 2);  // CJK Extension B
}

TEST(Utf8Test, DisplayWidthOfFullwidthFormsIsTwo) {
  EXPECT_EQ(display_width("ＡＢ１"), 6u);
  EXPECT_EQ(display_width("，。："), 6u);
  EXPECT_EQ(display_width(0x3000), 2);  // ideographic space
  EXPECT_EQ(display_width("ｱ"), 1u);    // halfwidth katakana
}

TEST(Utf8Test, DisplayWidthOfEmojiIsTwo) {
  EXPECT_EQ(display_width(0x1F600), 2);  // 😀, which the old hand table had
  EXPECT_EQ(display_width(0x1F680), 2);  // 🚀 Transport and Map Symbols, which it missed
  EXPECT_EQ(display_width(0x1FA90), 2);  // 🪐 Symbols and Pictographs Extended-A, missed too
  EXPECT_EQ(display_width(0x2705), 2);   // ✅ Emoji_Presentation in the Dingbats block
  EXPECT_EQ(display_width("😀!"), 3u);
}

TEST(Utf8Test, DisplayWidthOfCombiningMarksAndZeroWidthCharactersIsZero) {
  EXPECT_EQ(display_width(0x0301), 0);  // combining acute accent
  EXPECT_EQ(display_width("e\xCC\x81"), 1u);
  EXPECT_EQ(display_width(0x200B), 0);  // zero width space
  EXPECT_EQ(display_width(0x200D), 0);  // zero width joiner
  EXPECT_EQ(display_width(0xFE0F), 0);  // variation selector 16
  EXPECT_EQ(display_width(0x1160), 0);  // Hangul medial vowel filler
}

TEST(Utf8Test, DisplayWidthOfAmbiguousAndInvalidIsOne) {
  EXPECT_EQ(display_width(U'é'), 1);
  EXPECT_EQ(display_width(U'·'), 1);
  EXPECT_EQ(display_width("\xE4\xB8"), 1u);
  EXPECT_EQ(display_width("\x80\x80"), 2u);
}

}  // namespace
}  // namespace qabot::text
