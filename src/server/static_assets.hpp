#pragma once
// The web page's files, embedded at build time by web/CMakeLists.txt (library qabot_web). Nothing
// the server sends comes from the file system.

#include <string_view>

namespace qabot::server {

struct StaticAsset {
  std::string_view path;          // "/index.html", "/app.js", ...
  std::string_view content_type;  // with charset for text types
  std::string_view body;
};

// The asset at exactly `path` (no decoding, no normalisation), or nullptr.
const StaticAsset* find_asset(std::string_view path);

}  // namespace qabot::server
