#include "ingest/note_image.hpp"

#include <gtest/gtest.h>

#include "ingest/image_type.hpp"

using qabot::ingest::ImageType;
using qabot::ingest::NoteImage;

TEST(NoteImageTest, RelativeUrlsAreTheNotesOwn) {
  for (const char* url : {"x.png", "./images/x.png", "img/ch9/a.jpg", "../shared/a.png", "dir/a:b.png", "%41.png"})
    EXPECT_TRUE(NoteImage::is_relative(url)) << url;
  for (const char* url : {"", "/abs/x.png", "//cdn.example.com/x.png", "http://e.com/x.png", "HTTPS://e.com/x.png",
                          "data:image/png;base64,AAAA", "javascript:alert(1)", "#frag", "?q", "file:///etc/x.png"})
    EXPECT_FALSE(NoteImage::is_relative(url)) << url;
}

TEST(NoteImageTest, ResolvesAgainstTheNotesFolder) {
  EXPECT_EQ(NoteImage::resolve("notes/ml/cnn.md", "./images/x.png"), "notes/ml/images/x.png");
  EXPECT_EQ(NoteImage::resolve("notes/ml/cnn.md", "img/ch9/a.jpg"), "notes/ml/img/ch9/a.jpg");
  EXPECT_EQ(NoteImage::resolve("notes/ml/cnn.md", "../img//a.png"), "notes/img/a.png");
  EXPECT_EQ(NoteImage::resolve("notes/cnn.md", "a.png?raw=true#top"), "notes/a.png");
  EXPECT_EQ(NoteImage::resolve("notes/cnn.md", "my%20figure.png"), "notes/my figure.png");
  EXPECT_EQ(NoteImage::resolve("notes/cnn.md", "%E5%9B%BE.png"), "notes/图.png");
  EXPECT_EQ(NoteImage::resolve("notes/cnn.md", "%2541.png"),
            "notes/%41.png");  // decoded once, not twice
}

TEST(NoteImageTest, NothingLeavesTheRoot) {
  EXPECT_EQ(NoteImage::resolve("notes/ml/cnn.md", "../../x.png"), std::nullopt);
  EXPECT_EQ(NoteImage::resolve("notes/cnn.md", "../other/x.png"), std::nullopt);
  EXPECT_EQ(NoteImage::resolve("notes/cnn.md", "%2e%2e/x.png"), std::nullopt);
  EXPECT_EQ(NoteImage::resolve("notes/cnn.md", "..%2fx.png"), std::nullopt);
  EXPECT_EQ(NoteImage::resolve("notes/cnn.md", "img\\..\\..\\x.png"), std::nullopt);
  EXPECT_EQ(NoteImage::resolve("notes/cnn.md", "a%00.png"), std::nullopt);
  EXPECT_EQ(NoteImage::resolve("notes/cnn.md", "a%zz.png"), std::nullopt);
  EXPECT_EQ(NoteImage::resolve("notes/cnn.md", "."), std::nullopt);
  EXPECT_EQ(NoteImage::resolve("cnn.md", "x.png"),
            std::nullopt);  // a note indexed by itself has no root
  EXPECT_EQ(NoteImage::resolve("notes/cnn.md", "https://e.com/x.png"), std::nullopt);
}

TEST(NoteImageTest, PercentDecodingWantsTwoHexDigits) {
  EXPECT_EQ(NoteImage::percent_decode("a%20b%E5%9B%BE"), "a b图");
  for (const char* bad : {"%", "%2", "%+1", "%-1", "%0x", "% 1", "%zz"})
    EXPECT_EQ(NoteImage::percent_decode(bad), std::nullopt) << bad;
}

TEST(NoteImageTest, UrlPathEncodesEverySegment) {
  EXPECT_EQ(NoteImage::url_path("notes/ml/a b.png"), "/notes/notes/ml/a%20b.png");
  EXPECT_EQ(NoteImage::url_path("notes/图.png"), "/notes/notes/%E5%9B%BE.png");
  EXPECT_EQ(NoteImage::url_path("notes/%41?#.png"), "/notes/notes/%2541%3F%23.png");
}

TEST(NoteImageTest, FindsImagesOnTheMarkdownTree) {
  const auto urls = NoteImage::urls_in(
      "![a](x.png) `![code](no.png)`\n\n| t |\n|---|\n| ![c](cell.png) |\n\n"
      "```\n![fenced](no2.png)\n```\n\n[link](page.png)\n");
  EXPECT_EQ(urls, (std::vector<std::string>{"x.png", "cell.png"}));
}

TEST(NoteImageTest, LineNumbersAreNotPartOfTheSource) {
  EXPECT_EQ(NoteImage::without_line("notes/a.md:42"), "notes/a.md");
  EXPECT_EQ(NoteImage::without_line("notes/a.md"), "notes/a.md");
  EXPECT_EQ(NoteImage::without_line("notes/a:b.md"), "notes/a:b.md");
}

TEST(ImageTypeTest, NamesAndContentBothCount) {
  EXPECT_EQ(ImageType::from_name("a/B.PNG"), "image/png");
  EXPECT_EQ(ImageType::from_name("x.jpeg"), "image/jpeg");
  EXPECT_EQ(ImageType::from_name("x.svg"), std::nullopt);
  EXPECT_EQ(ImageType::from_name("x.png.html"), std::nullopt);
  EXPECT_EQ(ImageType::from_name("png"), std::nullopt);
  using namespace std::string_view_literals;
  EXPECT_EQ(ImageType::sniff("\x89PNG\r\n\x1A\n\0\0\0\x0D"sv), "image/png");
  EXPECT_EQ(ImageType::sniff("\xFF\xD8\xFF\xE0"sv), "image/jpeg");
  EXPECT_EQ(ImageType::sniff("GIF89a\1\0"sv), "image/gif");
  EXPECT_EQ(ImageType::sniff("RIFF\0\0\0\0WEBPVP8 "sv), "image/webp");
  EXPECT_EQ(ImageType::sniff("BM\x3A\0\0\0"sv), "image/bmp");
  EXPECT_EQ(ImageType::sniff("\0\0\1\0\1\0"sv), "image/x-icon");
  EXPECT_EQ(ImageType::sniff("not an image, just text"sv), std::nullopt);
  EXPECT_EQ(ImageType::sniff("<svg xmlns="sv), std::nullopt);
  EXPECT_EQ(ImageType::sniff("RIFF\0\0\0\0WAVE"sv), std::nullopt);
  EXPECT_EQ(ImageType::sniff(""sv), std::nullopt);
}
