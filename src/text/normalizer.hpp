#pragma once
// Unicode normalisation that remembers where every output character came from, so that tokens can
// report byte offsets into the ORIGINAL text (FTS5 highlight() and snippet() rely on them).
// Internal to qabot_text: include "text/analyzer.hpp" from other areas.

#include <memory>
#include <string_view>
#include <vector>

namespace qabot::text {

struct NormalizedChar {
  char32_t cp = 0;  // after NFKC + case folding + Traditional→Simplified
  int start = 0;    // byte range in the original input that produced this character
  int end = 0;
  bool upper = false;  // the original character was upper/title case (camelCase and "LSTMs" need it)
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

}  // namespace qabot::text
