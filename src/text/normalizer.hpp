#pragma once
// Unicode normalisation that remembers where every output character came from, so that tokens can
// report byte offsets into the ORIGINAL text (FTS5 highlight() and snippet() rely on them).
// Internal to qabot_text: include "text/analyzer.hpp" from other areas.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace qabot::text {

struct NormalizedChar {
  char32_t cp = 0;  // after NFKC + case folding + Traditional→Simplified
  int start = 0;    // byte range in the original input that produced this character
  int end = 0;
  bool upper =
      false;  // the original character was upper/title case (camelCase and "LSTMs" need it)
};

// Not thread-safe: keeps ICU objects and per-character caches.
class Normalizer {
 public:
  Normalizer();  // throws std::runtime_error when ICU data is missing
  ~Normalizer();
  Normalizer(Normalizer&&) noexcept;
  Normalizer& operator=(Normalizer&&) noexcept;

  // Replaces the contents of `out`. Invisible characters (zero-width space/joiners, BOM, word
  // joiner, soft hyphen) produce nothing; NBSP and U+3000 become U+0020; invalid UTF-8 bytes become
  // U+FFFD.
  void normalize(std::string_view utf8, std::vector<NormalizedChar>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes the UTF-8 form of `cp` (a valid scalar value) to `out[0..4)`; returns its length.
inline int encode_utf8(char32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

inline void append_utf8(std::string& out, char32_t cp) {
  char buffer[4];
  out.append(buffer, static_cast<std::size_t>(encode_utf8(cp, buffer)));
}

}  // namespace qabot::text
