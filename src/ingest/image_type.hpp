#pragma once
// Which image formats qabot serves from the notes, told by file name and by
// content. Both must say "image" before a byte of a note's file is served (GET
// /notes/…) or the build reports it fine: a text file named x.png, or a real
// image named x.html, is refused either way. SVG is not served at all: it is a
// document that may carry scripts and links, and no CSP makes that worth the
// risk.

#include <cstddef>
#include <optional>
#include <string_view>

namespace qabot::ingest {

class ImageType {
 public:
  // Enough leading bytes for every signature below (WebP's is the longest:
  // RIFF….WEBP).
  static constexpr std::size_t kSniffBytes = 12;

  // The content type a file name promises (.png, .jpg/.jpeg, .gif, .webp, .bmp,
  // .ico; any case), nullopt for every other name.
  static std::optional<std::string_view> from_name(std::string_view name);

  // The content type of the bytes' magic number (PNG, JPEG, GIF87a/89a, WebP,
  // BMP, ICO), nullopt when they are none of those. Only the first kSniffBytes
  // are looked at.
  static std::optional<std::string_view> sniff(std::string_view head);
};

}  // namespace qabot::ingest
