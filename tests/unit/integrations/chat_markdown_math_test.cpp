// Math in Slack and Discord messages: chat platforms render no TeX, so its source is shown as code
// (inline math → inline code, a display formula on its own → a code block), never as emphasis.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integrations/chat_markdown.hpp"

namespace qabot::integrations {
namespace {

struct MathCase {
  const char* markdown;
  const char* slack;
  const char* discord;
};

const std::vector<MathCase> kCases = {
    // Inline math → inline code, emphasis around it still emphasis.
    {"weight $w_i * x_i$ and *b*", "weight `w_i * x_i` and _b_", "weight `w_i * x_i` and *b*"},
    {"\\(a_1\\) and $$b_2$$ inline", "`a_1` and `b_2` inline", "`a_1` and `b_2` inline"},
    // A display formula alone → a code block.
    {"Loss:\n\n$$\nL = \\sum_i x_i\n$$\n", "Loss:\n\n```\nL = \\sum_i x_i\n```", "Loss:\n\n```\nL = \\sum_i x_i\n```"},
    {"\\[\na < b\n\\]", "```\na &lt; b\n```", "```\na < b\n```"},
    // Prices and code stay as written.
    {"costs $5 and $10", "costs $5 and $10", "costs $5 and $10"},
    {"`$x_i$`", "`$x_i$`", "`$x_i$`"},
    {"```bash\necho $a_1$\n```", "```\necho $a_1$\n```", "```bash\necho $a_1$\n```"},
    // Tables and link labels are plain text: math as the note wrote it.
    {"| s | m |\n|---|---|\n| $\\alpha$ | rate |", "```\ns        | m\n---------+-----\n$\\alpha$ | rate\n```",
     "```\ns        | m\n---------+-----\n$\\alpha$ | rate\n```"},
    {"[$x$ notes](https://x.org)", "<https://x.org|$x$ notes>", "[$x$ notes](https://x.org)"},
};

}  // namespace

TEST(ChatMarkdownMathTest, TexIsShownAsCode) {
  for (const MathCase& c : kCases) {
    EXPECT_EQ(to_slack_mrkdwn(c.markdown), c.slack) << c.markdown;
    EXPECT_EQ(to_discord_markdown(c.markdown), c.discord) << c.markdown;
  }
}

}  // namespace qabot::integrations
