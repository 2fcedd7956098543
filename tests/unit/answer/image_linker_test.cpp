#include "answer/image_linker.hpp"

#include <gtest/gtest.h>

#include "answer/answerer.hpp"
#include "store/index_builder.hpp"
#include "support/temp_dir.hpp"

using namespace qabot;

namespace {
std::string render(std::string_view markdown, std::string_view source = "notes/ml/cnn.md:7") {
  return answer::render_html(markdown, nullptr, {}, source);
}
}  // namespace

TEST(ImageLinkerTest, RelativeImagesPointAtTheNotesRoute) {
  EXPECT_NE(render("![conv](./images/x.png)").find("<img src=\"/notes/notes/ml/images/x.png\" alt=\"conv\""),
            std::string::npos);
  EXPECT_NE(render("![a](img/ch9/a%20b.jpg)").find("src=\"/notes/notes/ml/img/ch9/a%20b.jpg\""), std::string::npos);
  EXPECT_NE(render("![up](../shared/x.png)").find("src=\"/notes/notes/shared/x.png\""), std::string::npos);
  EXPECT_NE(render("| t |\n|---|\n| ![c](c.png) |\n").find("src=\"/notes/notes/ml/c.png\""), std::string::npos);
}

TEST(ImageLinkerTest, OtherUrlsAreLeftAlone) {
  for (const char* url : {"https://e.com/x.png", "http://e.com/x.png", "//cdn.e.com/x.png", "/static/x.png"}) {
    EXPECT_NE(render("![w](" + std::string(url) + ")").find("src=\"" + std::string(url) + "\""), std::string::npos)
        << url;
  }
  EXPECT_NE(render("![d](data:image/png;base64,AAAA)").find("<img"), std::string::npos);
}

TEST(ImageLinkerTest, AnImageThatLeavesItsRootBecomesItsAltText) {
  const auto html = render("see ![the *secret* file](../../../etc/x.png) here");
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  EXPECT_NE(html.find("see the <em>secret</em> file here"), std::string::npos) << html;
  EXPECT_EQ(render("![alone](x.png)", "cnn.md").find("<img"),
            std::string::npos);  // a note without a root
}

TEST(ImageLinkerTest, WithoutASourceNothingChanges) {
  EXPECT_NE(answer::render_html("![fig](img/a.png)").find("src=\"img/a.png\""), std::string::npos);
}

TEST(ImageLinkerTest, AnAnswerFromTheBankPointsAtItsNotesFolder) {
  test_support::TempDir dir;
  dir.write("notes/ml/cnn.md", "## 什么是卷积\n\n卷积是滑动窗口。\n\n![卷积](./img/conv.png)\n");
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  answer::Answerer answerer(dir / "q.db", {});
  const auto a = answerer.ask("什么是卷积", 3);
  ASSERT_TRUE(a.result.matched);
  EXPECT_NE(a.html.find("src=\"/notes/notes/ml/img/conv.png\""), std::string::npos) << a.html;
  EXPECT_NE(a.markdown.find("./img/conv.png"),
            std::string::npos);  // the markdown stays the note's own
}
