// The page's compiled-in files: everything index.html loads from /vendor/ (KaTeX, highlight.js) is
// there, and every font KaTeX's stylesheet names resolves where its relative URL points, with a
// font type. A missing one would be a silent 404 in the browser and a formula in the wrong font.

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "server/static_assets.hpp"

using qabot::server::find_asset;

namespace {

std::string body_of(std::string_view path) {
  const auto* asset = find_asset(path);
  return asset ? std::string(asset->body) : std::string();
}

}  // namespace

TEST(WebAssetsTest, EverythingThePageLoadsIsServed) {
  const std::string page = body_of("/index.html");
  ASSERT_FALSE(page.empty());
  const std::regex reference(R"re((?:src|href)="(vendor/[^"]+)")re");
  int references = 0;
  for (std::sregex_iterator it(page.begin(), page.end(), reference), end; it != end; ++it, ++references)
    EXPECT_NE(find_asset("/" + (*it)[1].str()), nullptr) << (*it)[1].str();
  EXPECT_EQ(references, 5);  // katex css + js, highlight.js + its light and dark themes
  EXPECT_EQ(find_asset("/vendor/katex/katex.min.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(find_asset("/vendor/highlight/atom-one-dark.css")->content_type, "text/css; charset=utf-8");
}

TEST(WebAssetsTest, EveryKatexFontIsServedWithItsType) {
  const std::string css = body_of("/vendor/katex/katex.min.css");
  ASSERT_FALSE(css.empty());
  const std::regex font(R"re(url\(fonts/([^)]+)\.(woff2|woff|ttf)\))re");
  int fonts = 0;
  for (std::sregex_iterator it(css.begin(), css.end(), font), end; it != end; ++it, ++fonts) {
    const auto* asset = find_asset("/vendor/katex/fonts/" + (*it)[1].str() + "." + (*it)[2].str());
    ASSERT_NE(asset, nullptr) << (*it)[0].str();
    EXPECT_EQ(asset->content_type, "font/" + (*it)[2].str());
    EXPECT_GT(asset->body.size(), 1000u);
  }
  EXPECT_GE(fonts, 60);  // 20 faces in three formats (KaTeX 0.16)
}

TEST(WebAssetsTest, UnknownPathsAreNotFound) {
  EXPECT_EQ(find_asset("/vendor/katex/"), nullptr);
  EXPECT_EQ(find_asset("/vendor/../app.js"), nullptr);
  EXPECT_NE(find_asset("/app.js"), nullptr);
}
