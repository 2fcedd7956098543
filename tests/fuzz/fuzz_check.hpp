#pragma once
// Invariant checks for the fuzz targets: a broken invariant is a crash, so libFuzzer keeps the input.

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace qabot::fuzz {

// Prints what broke (and the offending value when given) and aborts.
inline void require(bool ok, std::string_view what, std::string_view detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %.*s\n", static_cast<int>(what.size()), what.data());
  if (!detail.empty()) std::fprintf(stderr, "  value: %.*s\n", static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// Well-formed UTF-8 per RFC 3629 (no overlongs, surrogates or code points above U+10FFFF). Written
// here on purpose rather than calling text::first_invalid_utf8: the oracle must not be the
// code under test.
inline bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (b < 0x80) {
      ++i;
      continue;
    }
    if (b >= 0xC2 && b <= 0xDF) n = 1;
    else if (b == 0xE0) {
      n = 2;
      lo = 0xA0;
    } else if (b == 0xED) {
      n = 2;
      hi = 0x9F;
    } else if (b >= 0xE1 && b <= 0xEF) n = 2;
    else if (b == 0xF0) {
      n = 3;
      lo = 0x90;
    } else if (b == 0xF4) {
      n = 3;
      hi = 0x8F;
    } else if (b >= 0xF1 && b <= 0xF3) n = 3;
    else return false;
    if (i + n >= s.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace qabot::fuzz
