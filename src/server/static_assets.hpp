#pragma once
// The web page's files, embedded at build time by web/CMakeLists.txt (library qabot_web). Nothing
// the server sends comes from the file system.

#include <string_view>

namespace qabot::server {

struct StaticAsset {
  std::string_view path;          // "/index.html", "/app.js", ...
  std::string_view content_type;  // with charset for text types
  std::string_view body;
  std::string_view etag;  // a strong entity tag from the content, quoted: "\"3fa9…\""
};

// The asset at exactly `path` (no decoding, no normalisation), or nullptr. Looks in the page's own
// files, then in the libraries it loads (find_vendor_asset).
const StaticAsset* find_asset(std::string_view path);
// KaTeX (with its fonts) and highlight.js from Debian's packages, under /vendor/ (web/CMakeLists.txt).
const StaticAsset* find_vendor_asset(std::string_view path);

}  // namespace qabot::server
