#include "answer/math_finder.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using qabot::answer::MathFinder;
using qabot::answer::MathSpan;

namespace {

struct Found {
  std::string tex;
  bool display;
  friend bool operator==(const Found&, const Found&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Found& f) {
    return os << (f.display ? "display:" : "inline:") << f.tex;
  }
};

std::vector<Found> found(std::string_view markdown) {
  std::vector<Found> out;
  for (const MathSpan& span : MathFinder::find(markdown))
    out.push_back({MathFinder::tex(markdown, span), span.display});
  return out;
}

}  // namespace

TEST(MathFinderTest, FindsInlineDollarMath) {
  EXPECT_EQ(found("the weight $w_i$ and $x^2$."), (std::vector<Found>{{"w_i", false}, {"x^2", false}}));
  const std::string_view md = "a $b$ c";
  const auto spans = MathFinder::find(md);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0], (MathSpan{2, 5, 3, 4, false}));
}

TEST(MathFinderTest, FindsDisplayMathAcrossLines) {
  EXPECT_EQ(found("$$\\sum_i a_i$$"), (std::vector<Found>{{"\\sum_i a_i", true}}));
  EXPECT_EQ(found("before\n$$\nL = \\sum_i (y_i - \\hat y_i)^2\n$$\nafter"),
            (std::vector<Found>{{"L = \\sum_i (y_i - \\hat y_i)^2", true}}));
  EXPECT_EQ(found("$a +\nb$"), (std::vector<Found>{{"a +\nb", false}}));
}

TEST(MathFinderTest, FindsBackslashDelimiters) {
  EXPECT_EQ(found("inline \\(a_1\\) and \\[\\frac{1}{2}\\]"),
            (std::vector<Found>{{"a_1", false}, {"\\frac{1}{2}", true}}));
  EXPECT_EQ(found("\\[\na \\\\ b\n\\]"), (std::vector<Found>{{"a \\\\ b", true}}));
}

TEST(MathFinderTest, PricesStayText) {
  EXPECT_TRUE(found("costs $5 and $10").empty());
  EXPECT_TRUE(found("from $ 5 to $ 10").empty());
  EXPECT_TRUE(found("a $x $ b").empty());  // the closer follows a space
  EXPECT_TRUE(found("$20,000 and $30,000 a year").empty());
}

TEST(MathFinderTest, EscapedDollarIsLiteral) {
  EXPECT_TRUE(found("\\$5 and \\$x\\$").empty());
  EXPECT_EQ(found("$a\\$b$"), (std::vector<Found>{{"a\\$b", false}}));
}

TEST(MathFinderTest, CodeIsNeverMath) {
  EXPECT_TRUE(found("`$x_i$` and ``a $b$ ` c``").empty());
  EXPECT_TRUE(found("```bash\necho $HOME $PATH\nx=$y$\n```\n").empty());
  EXPECT_TRUE(found("~~~~\n$a$\n```\n$b$\n~~~~\n").empty());
  EXPECT_TRUE(found("> ```\n> $a$\n> ```\n").empty());
  EXPECT_TRUE(found("- ```\n  $a$\n  ```\n").empty());
  // After the fence closes, math is math again; an unclosed backtick is literal.
  EXPECT_EQ(found("```\n$a$\n```\n`tick $b$"), (std::vector<Found>{{"b", false}}));
  // A code span at the start of a line is not a fence.
  EXPECT_EQ(found("```x``` $c$"), (std::vector<Found>{{"c", false}}));
}

TEST(MathFinderTest, UnclosedAndEmptyAreText) {
  EXPECT_TRUE(found("$x_i and no end").empty());
  EXPECT_TRUE(found("$$\\sum no end").empty());
  EXPECT_TRUE(found("\\(a no end").empty());
  EXPECT_TRUE(found("$$ $$").empty());
}

TEST(MathFinderTest, NoSpanCrossesABlankLine) {
  EXPECT_TRUE(found("$a\n\nb$").empty());
  EXPECT_TRUE(found("$$a\n\nb$$").empty());
  EXPECT_TRUE(found("> $a\n>\n> b$").empty());
}

TEST(MathFinderTest, QuotedDisplayMathDropsTheQuoteMarkers) {
  EXPECT_EQ(found("> $$\n> a = b\n> $$\n"), (std::vector<Found>{{"a = b", true}}));
}

TEST(MathFinderTest, MathAsCodeForText) {
  using qabot::answer::math_as_code;
  EXPECT_EQ(math_as_code("weight $w_i$ costs $5"), "weight `w_i` costs $5");
  EXPECT_EQ(math_as_code("sum:\n$$\n\\sum_i a_i\n$$\nend"), "sum:\n```tex\n\\sum_i a_i\n```\nend");
  EXPECT_EQ(math_as_code("> $$a$$"), "> ```tex\n> a\n> ```");
  EXPECT_EQ(math_as_code("inline $$a$$ here"), "inline `a` here");
  EXPECT_EQ(math_as_code("`$x$`"), "`$x$`");
}

TEST(MathFinderTest, CodeSpanHoldsBackticks) {
  using qabot::answer::markdown_code_span;
  EXPECT_EQ(markdown_code_span("a"), "`a`");
  EXPECT_EQ(markdown_code_span("a`b"), "``a`b``");
  EXPECT_EQ(markdown_code_span("`a"), "`` `a ``");
}
