#include "ingest/text_decoder.hpp"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <string>

#include "ingest/markdown_parser.hpp"
#include "text/utf8.hpp"

using qabot::ingest::DecodeResult;
using qabot::ingest::MarkdownParser;
using qabot::ingest::SourceEncoding;
using qabot::ingest::TextDecoder;

namespace {

// Encodes UTF-8 text with ICU so the test needs no binary fixture.
std::string encode(const char* charset, const std::string& utf8) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 16, '\0');
  const int32_t n = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                                 static_cast<int32_t>(utf8.size()), &status);
  EXPECT_TRUE(U_SUCCESS(status)) << u_errorName(status);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

const std::string kChineseNote =
    "# 面试题\n\n## 深度学习\n\n### "
    "BN有什么作用？\n\n加速训练；防止过拟合；缓解梯度消失“爆炸”。\n\n"
    "### 激活函数的用处\n\n提供了非线性单元，使得整个网络变为非线性。\n";

}  // namespace

TEST(TextDecoderTest, ValidUtf8PassesThrough) {
  const DecodeResult r = TextDecoder{}.decode(kChineseNote);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.text, kChineseNote);
  EXPECT_EQ(r.encoding, SourceEncoding::Utf8);
  EXPECT_FALSE(r.had_bom);
}

TEST(TextDecoderTest, EmptyInputIsEmptyText) {
  const DecodeResult r = TextDecoder{}.decode("");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.text, "");
}

TEST(TextDecoderTest, StripsBomAndNormalisesLineEndings) {
  const DecodeResult r = TextDecoder{}.decode("\xEF\xBB\xBF# 标题\r\n\r\n正文\r第二行\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.text, "# 标题\n\n正文\n第二行\n");
  EXPECT_TRUE(r.had_bom);
}

TEST(TextDecoderTest, ConvertsGb18030) {
  const std::string gb = encode("GB18030", kChineseNote);
  ASSERT_NE(gb, kChineseNote);
  ASSERT_TRUE(qabot::text::first_invalid_utf8(gb).has_value());
  const DecodeResult r = TextDecoder{}.decode(gb);
  ASSERT_TRUE(r.ok()) << r.error->message;
  EXPECT_EQ(r.encoding, SourceEncoding::Gb18030);
  EXPECT_EQ(r.text, kChineseNote);
}

TEST(TextDecoderTest, ConvertsGb18030WithCrlf) {
  std::string crlf;
  for (char c : kChineseNote) {
    if (c == '\n') crlf.push_back('\r');
    crlf.push_back(c);
  }
  const DecodeResult r = TextDecoder{}.decode(encode("GB18030", crlf));
  ASSERT_TRUE(r.ok()) << r.error->message;
  EXPECT_EQ(r.text, kChineseNote);
}

TEST(TextDecoderTest, ValidUtf8WinsOverGb18030) {
  // "中文" in UTF-8 (E4 B8 AD E6 96 87) is also a valid GB18030 byte sequence.
  const DecodeResult r = TextDecoder{}.decode("中文笔记");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.encoding, SourceEncoding::Utf8);
  EXPECT_EQ(r.text, "中文笔记");
}

TEST(TextDecoderTest, StrayByteInUtf8IsAnErrorWithOffset) {
  const std::string bytes = "# 标题\n\n正文\xFF更多中文内容。\n";
  const DecodeResult r = TextDecoder{}.decode(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->offset, bytes.find('\xFF'));
  EXPECT_NE(r.error->message.find("0xFF"), std::string::npos) << r.error->message;
  EXPECT_NE(r.error->message.find("line 3"), std::string::npos) << r.error->message;
  EXPECT_TRUE(r.text.empty());
}

TEST(TextDecoderTest, TruncatedUtf8SequenceIsAnError) {
  const std::string bytes = "## 过拟合\n\n解释\xE5\x8F";  // cut in the middle of a character
  const DecodeResult r = TextDecoder{}.decode(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->offset, bytes.size() - 2);
}

TEST(TextDecoderTest, PngRenamedToMarkdownIsAnError) {
  const std::string png(
      "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1f\xf3\xff"
      "a",
      33);
  const DecodeResult r = TextDecoder{}.decode(png);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->offset, 0u);
  EXPECT_FALSE(r.error->message.empty());
}

TEST(TextDecoderTest, NulByteMeansBinary) {
  const std::string bytes("# title\n\nsome\0text", 18);
  const DecodeResult r = TextDecoder{}.decode(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->offset, 13u);
  EXPECT_NE(r.error->message.find("NUL"), std::string::npos);
}

TEST(TextDecoderTest, Latin1TextIsNotMistakenForGb18030) {
  const std::string bytes = "# Caf\xE9 notes\n\nThe r\xE9sum\xE9 is \xE0 jour.\n";
  const DecodeResult r = TextDecoder{}.decode(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->offset, bytes.find('\xE9'));
}

TEST(TextDecoderTest, Gb18030WithControlBytesIsRejected) {
  std::string gb = encode("GB18030", kChineseNote);
  gb.insert(gb.size() / 2, "\x01");
  EXPECT_FALSE(TextDecoder{}.decode(gb).ok());
}

TEST(TextDecoderTest, Utf16WithBomIsConverted) {
  const std::string utf16 = "\xFF\xFE" + encode("UTF-16LE", "# 标题\r\n正文\r\n");
  const DecodeResult r = TextDecoder{}.decode(utf16);
  ASSERT_TRUE(r.ok()) << r.error->message;
  EXPECT_EQ(r.encoding, SourceEncoding::Utf16);
  EXPECT_EQ(r.text, "# 标题\n正文\n");
}

TEST(TextDecoderTest, RemovesZeroWidthCharacters) {
  EXPECT_EQ(TextDecoder::normalize("过\xE2\x80\x8B拟\xE2\x81\xA0合\xEF\xBB\xBF了"), "过拟合了");
}

TEST(TextDecoderTest, SpaceEntitiesAndWideSpacesBecomeSpaces) {
  EXPECT_EQ(TextDecoder::normalize("a&nbsp;b&ensp;c&emsp;d&#x20;e\xC2\xA0"
                                   "f\xE3\x80\x80g"),
            "a b c d e f g");
}

TEST(TextDecoderTest, ZeroWidthSpaceAndTabAtLineStartAreDropped) {
  EXPECT_EQ(TextDecoder::normalize("\xE2\x80\x8B\tLeNet-5是一种网络。\n"), "LeNet-5是一种网络。\n");
  EXPECT_EQ(TextDecoder::normalize("\xE2\x80\x8B            图4.1 结构图\n"), "图4.1 结构图\n");
  EXPECT_EQ(TextDecoder::normalize("> \xE2\x80\x8B\t注释\n"), "> 注释\n");
  EXPECT_EQ(TextDecoder::normalize("&emsp;&emsp;&emsp;&emsp;段落\n"), "段落\n");
  EXPECT_EQ(TextDecoder::normalize("  - 列表\n    继续\n"), "  - 列表\n    继续\n");
}

TEST(TextDecoderTest, ZeroWidthSpaceTabLineStaysAParagraph) {
  const std::string raw = "## 模型介绍\n\n\xE2\x80\x8B\tLeNet-5是一种卷积网络。\n";
  const DecodeResult r = TextDecoder{}.decode(raw);
  ASSERT_TRUE(r.ok());
  const auto notes = MarkdownParser{}.parse(r.text);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].answer, "LeNet-5是一种卷积网络。");
}

TEST(TextDecoderTest, CodeFencesAreLeftUntouched) {
  const std::string text = "a&nbsp;b\n```python\nx = '&nbsp;'\xE2\x80\x8B\n\xE2\x80\x8B\tindented\n```\nc&nbsp;d\n";
  EXPECT_EQ(TextDecoder::normalize(text),
            "a b\n```python\nx = '&nbsp;'\xE2\x80\x8B\n\xE2\x80\x8B\tindented\n```\nc d\n");
}
