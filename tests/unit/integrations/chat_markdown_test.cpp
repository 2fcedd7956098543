#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>

#include "integrations/chat_markdown.hpp"

namespace qabot::integrations {
namespace {

struct Case {
  const char* markdown;
  const char* expected;
};

// Test names in CTest: the input's ASCII letters and digits, not the struct's bytes.
void PrintTo(const Case& c, std::ostream* os) {
  std::string name;
  for (const char* p = c.markdown; *p && name.size() < 24; ++p) {
    const unsigned char ch = static_cast<unsigned char>(*p);
    name += (ch < 0x80 && std::isalnum(ch)) ? static_cast<char>(ch) : '_';
  }
  *os << name;
}

class SlackMrkdwnTest : public ::testing::TestWithParam<Case> {};

TEST_P(SlackMrkdwnTest, Converts) { EXPECT_EQ(to_slack_mrkdwn(GetParam().markdown), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(
    Table, SlackMrkdwnTest,
    ::testing::Values(Case{"**bold**", "*bold*"}, Case{"*it* and _it_", "_it_ and _it_"}, Case{"~~gone~~", "~gone~"},
                      Case{"[docs](https://x.org/a?b=1&c=2)", "<https://x.org/a?b=1&amp;c=2|docs>"},
                      Case{"<https://x.org>", "<https://x.org>"},
                      Case{"![diagram](https://x.org/d.png)", "<https://x.org/d.png|diagram>"},
                      Case{"[bad](javascript:alert(1))", "bad"}, Case{"a < b && c > d", "a &lt; b &amp;&amp; c &gt; d"},
                      Case{"- one\n- two\n  - nested", "• one\n• two\n    ◦ nested"},
                      Case{"3. three\n4. four", "3. three\n4. four"}, Case{"# Title\n\ntext", "*Title*\n\ntext"},
                      Case{"`a<b`", "`a&lt;b`"},
                      Case{"```python\nif a < b:\n    pass\n```", "```\nif a &lt; b:\n    pass\n```"},
                      Case{"> quoted\n> more", "> quoted\n> more"},
                      Case{"| a | bb |\n|---|---|\n| 批归一化 | 2 |",
                           "```\na        | bb\n---------+---\n批归一化 | 2\n```"},
                      Case{"line one\nline two", "line one\nline two"}, Case{"**加速**训练", "*加速*训练"}));

class DiscordMarkdownTest : public ::testing::TestWithParam<Case> {};

TEST_P(DiscordMarkdownTest, Converts) { EXPECT_EQ(to_discord_markdown(GetParam().markdown), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(Table, DiscordMarkdownTest,
                         ::testing::Values(Case{"**bold** *it*", "**bold** *it*"}, Case{"~~gone~~", "~~gone~~"},
                                           Case{"[docs](https://x.org/a_(b))", "[docs](https://x.org/a_%28b%29)"},
                                           Case{"snake\\_case 2\\*3", "snake\\_case 2\\*3"},
                                           Case{"## Heading", "## Heading"}, Case{"#### Deep", "**Deep**"},
                                           Case{"- one\n- two", "- one\n- two"},
                                           Case{"```cpp\nint x = a*b;\n```", "```cpp\nint x = a*b;\n```"},
                                           Case{"| a | b |\n|---|---|\n| 1 | 2 |", "```\na | b\n--+--\n1 | 2\n```"},
                                           Case{"![alt](https://x.org/i.png)", "[alt](https://x.org/i.png)"}));

TEST(ChatLengthTest, CountsUtf16Units) {
  EXPECT_EQ(chat_length("abc"), 3u);
  EXPECT_EQ(chat_length("批归一化"), 4u);
  EXPECT_EQ(chat_length("😀"), 2u);
}

TEST(ShortenTest, CutsOnCodePointsWithEllipsis) {
  EXPECT_EQ(shorten("short", 10), "short");
  EXPECT_EQ(shorten("批归一化有什么作用", 5), "批归一化…");
  EXPECT_EQ(shorten("ab😀cd", 3), "ab…");
  EXPECT_EQ(prefix_within("批归一化", 2), "批归");
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Every ``` fence in a part is matched: the part renders on its own.
bool balanced_fences(std::string_view part) {
  std::size_t count = 0;
  for (std::size_t pos = 0; (pos = part.find("```", pos)) != std::string_view::npos; pos += 3) ++count;
  return count % 2 == 0;
}

TEST(SplitForChatTest, KeepsShortTextWhole) {
  const auto parts = split_for_chat("one\n\ntwo", 100);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0], "one\n\ntwo");
}

TEST(SplitForChatTest, PrefersBlockBoundaries) {
  const std::string a(60, 'a'), b(60, 'b');
  const auto parts = split_for_chat(a + "\n\n" + b, 100);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], a);
  EXPECT_EQ(parts[1], b);
}

TEST(SplitForChatTest, ClosesAndReopensACutCodeBlock) {
  std::string code = "```python\n";
  for (int i = 0; i < 40; ++i) code += "print('line " + std::to_string(i) + "')\n";
  code += "```";
  const auto parts = split_for_chat("intro\n\n" + code + "\n\nafter", 200);
  ASSERT_GT(parts.size(), 2u);
  std::string rejoined;
  for (const auto& part : parts) {
    EXPECT_LE(chat_length(part), 200u) << part;
    EXPECT_TRUE(balanced_fences(part)) << part;
  }
  EXPECT_TRUE(parts[1].starts_with("```python\n"));
  EXPECT_EQ(parts.back().substr(parts.back().size() - 5), "after");
}

TEST(SplitForChatTest, NeverCutsInsideAUtf8Sequence) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "批归一化😀";  // one long line: no break but code points
  const auto parts = split_for_chat(text, 97);
  ASSERT_GT(parts.size(), 1u);
  std::string rejoined;
  for (const auto& part : parts) {
    EXPECT_LE(chat_length(part), 97u);
    EXPECT_TRUE(valid_utf8(part));
    rejoined += part;
  }
  EXPECT_EQ(rejoined, text);
}

TEST(SplitForChatTest, CutsAVeryLongCodeLineInsideItsFence) {
  const std::string code = "```\n" + std::string(500, 'x') + "\n```";
  const auto parts = split_for_chat(code, 120);
  ASSERT_GT(parts.size(), 3u);
  for (const auto& part : parts) {
    EXPECT_LE(chat_length(part), 120u);
    EXPECT_TRUE(part.starts_with("```")) << part;
    EXPECT_TRUE(balanced_fences(part)) << part;
  }
}

// A note's relative images: links to the server's /notes/ route with --public-url, else alt text.
TEST(ChatImagesTest, RelativeImagesLinkToThePublicUrl) {
  const ImageLinks images{"https://qa.example.com", "notes/ml/cnn.md:12"};
  EXPECT_EQ(to_slack_mrkdwn("![卷积](<./img/a b.png>)", images),
            "<https://qa.example.com/notes/notes/ml/img/a%20b.png|卷积>");
  EXPECT_EQ(to_discord_markdown("![conv](img/a.png)", images),
            "[conv](https://qa.example.com/notes/notes/ml/img/a.png)");
  EXPECT_EQ(to_discord_markdown("![](img/a.png)", images), "[image](https://qa.example.com/notes/notes/ml/img/a.png)");
}

TEST(ChatImagesTest, WithoutAPublicUrlOrOutsideTheRootTheyAreAltText) {
  EXPECT_EQ(to_slack_mrkdwn("![卷积](img/a.png)", {"", "notes/ml/cnn.md"}), "卷积");
  EXPECT_EQ(to_slack_mrkdwn("![up](../../../x.png)", {"https://qa.example.com", "notes/ml/cnn.md"}), "up");
  EXPECT_EQ(to_slack_mrkdwn("![alone](x.png)", {"https://qa.example.com", "cnn.md"}), "alone");
}

TEST(ChatImagesTest, WebImagesStayLinks) {
  const ImageLinks images{"https://qa.example.com", "notes/ml/cnn.md"};
  EXPECT_EQ(to_slack_mrkdwn("![w](https://e.com/x.png)", images), "<https://e.com/x.png|w>");
  EXPECT_EQ(to_slack_mrkdwn("![d](data:image/png;base64,AA)", images), "d");
}

}  // namespace
}  // namespace qabot::integrations
