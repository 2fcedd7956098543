#include "ingest/text_decoder.hpp"

#include <unicode/ucnv.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>

#include "text/utf8.hpp"

namespace qabot::ingest {
namespace {

std::uint8_t byte_at(std::string_view s, std::size_t i) { return static_cast<std::uint8_t>(s[i]); }

struct Utf8Census {
  std::size_t multibyte = 0;  // well-formed sequences of 2–4 bytes
  std::size_t invalid = 0;    // bytes that start no well-formed sequence
};

Utf8Census utf8_census(std::string_view s) {
  Utf8Census census;
  for (std::size_t i = 0; i < s.size();) {
    const text::Utf8Char c = text::decode_utf8(s, i);
    // An ill-formed subpart is a lead byte and continuation bytes, and no continuation byte starts
    // a sequence: every byte of it counts.
    if (!c.valid) census.invalid += c.length;
    else if (c.length > 1) ++census.multibyte;
    i += c.length;
  }
  return census;
}

std::size_t line_of(std::string_view bytes, std::size_t offset) {
  offset = std::min(offset, bytes.size());
  return 1 + static_cast<std::size_t>(std::count(bytes.begin(), bytes.begin() + offset, '\n'));
}

DecodeError make_error(std::string_view bytes, std::size_t offset, std::string what) {
  char where[96];
  std::snprintf(where, sizeof where, " at byte offset %zu (line %zu)", offset, line_of(bytes, offset));
  return DecodeError{offset, std::move(what) + where};
}

std::string hex_byte(std::uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

// UTF-16 (with BOM) decoded by hand: the only thing to check is surrogate pairing.
std::optional<std::u16string> utf16_units(std::string_view bytes, bool little_endian, std::size_t& bad_offset) {
  if (bytes.size() % 2 != 0) {
    bad_offset = bytes.size() - 1;
    return std::nullopt;
  }
  std::u16string units;
  units.reserve(bytes.size() / 2);
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    const auto a = byte_at(bytes, i), b = byte_at(bytes, i + 1);
    units.push_back(static_cast<char16_t>(little_endian ? (b << 8 | a) : (a << 8 | b)));
  }
  for (std::size_t i = 0; i < units.size(); ++i) {
    const char16_t u = units[i];
    if (U16_IS_LEAD(u) && i + 1 < units.size() && U16_IS_TRAIL(units[i + 1])) {
      ++i;
    } else if (U16_IS_SURROGATE(u) || u == 0) {
      bad_offset = i * 2;
      return std::nullopt;
    }
  }
  return units;
}

std::optional<std::string> utf16_to_utf8(const std::u16string& units) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t needed = 0;
  u_strToUTF8(nullptr, 0, &needed, units.data(), static_cast<int32_t>(units.size()), &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return std::nullopt;
  std::string out(static_cast<std::size_t>(needed), '\0');
  status = U_ZERO_ERROR;
  u_strToUTF8(out.data(), needed, &needed, units.data(), static_cast<int32_t>(units.size()), &status);
  if (U_FAILURE(status)) return std::nullopt;
  return out;
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

// Whole-input GB18030 → UTF-16, stopping at the first byte sequence without a mapping.
std::optional<std::u16string> gb18030_units(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> cnv(ucnv_open("GB18030", &status));
  if (U_FAILURE(status)) return std::nullopt;
  ucnv_setToUCallBack(cnv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  if (U_FAILURE(status)) return std::nullopt;
  // One GB18030 byte never yields more than one UTF-16 unit (4-byte sequences give at most 2).
  std::u16string units(bytes.size() + 1, u'\0');
  const int32_t n = ucnv_toUChars(cnv.get(), units.data(), static_cast<int32_t>(units.size()), bytes.data(),
                                  static_cast<int32_t>(bytes.size()), &status);
  if (U_FAILURE(status)) return std::nullopt;
  units.resize(static_cast<std::size_t>(n));
  return units;
}

bool is_chinese_text_char(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  if (uscript_getScript(c, &status) == USCRIPT_HAN && U_SUCCESS(status)) return true;
  return (c >= 0x3000 && c <= 0x30FF)     // CJK punctuation, kana
         || (c >= 0xFF00 && c <= 0xFFEF)  // full-width forms
         || (c >= 0x2000 && c <= 0x206F)  // general punctuation: “” ‘’ … —
         || (c >= 0x2190 && c <= 0x22FF)  // arrows, mathematical operators
         || (c >= 0x2460 && c <= 0x25FF)  // ①, box drawing, ■ □ ▲
         || (c >= 0x0391 && c <= 0x03C9)  // Greek, common in formulas
         || c == 0x00B7 || c == 0x00D7 || c == 0x00F7 || c == 0x00B0;
}

// GB18030 decodes almost any run of high bytes into *something*, so a clean conversion alone
// proves little: also require the result to read like Chinese text and to contain no
// user-defined (private use) characters, which real text does not use.
bool reads_like_chinese(const std::u16string& units) {
  std::size_t non_ascii = 0, chinese = 0, private_use = 0;
  for (int32_t i = 0, n = static_cast<int32_t>(units.size()); i < n;) {
    UChar32 c;
    U16_NEXT(units.data(), i, n, c);
    if (c < 0x80) continue;
    ++non_ascii;
    if (is_chinese_text_char(c)) ++chinese;
    if ((c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000) ++private_use;
  }
  if (non_ascii == 0) return false;
  return private_use * 100 <= non_ascii && chinese * 10 >= non_ascii * 6;
}

bool has_binary_control_byte(std::string_view bytes) {
  return std::any_of(bytes.begin(), bytes.end(), [](char ch) {
    const auto b = static_cast<std::uint8_t>(ch);
    return (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7F;
  });
}

// ---- normalisation -------------------------------------------------------------------------

enum class Invisible { None, Remove, Space };

struct InvisibleMatch {
  Invisible kind = Invisible::None;
  std::size_t length = 0;
};

InvisibleMatch match_invisible(std::string_view line, std::size_t i) {
  const std::string_view rest = line.substr(i);
  struct Pattern {
    std::string_view text;
    Invisible kind;
  };
  static constexpr std::array<Pattern, 32> kPatterns{{
      {"\xE2\x80\x8B", Invisible::Remove},  // U+200B zero width space
      {"\xE2\x81\xA0", Invisible::Remove},  // U+2060 word joiner
      {"\xEF\xBB\xBF", Invisible::Remove},  // U+FEFF mid-file BOM
      {"&#8203;", Invisible::Remove},      {"&#x200b;", Invisible::Remove},    {"&#x200B;", Invisible::Remove},
      {"\xC2\xA0", Invisible::Space},      // U+00A0 no-break space
      {"\xE3\x80\x80", Invisible::Space},  // U+3000 ideographic space
      {"\xE2\x80\x80", Invisible::Space},  // U+2000..U+200A typographic spaces
      {"\xE2\x80\x81", Invisible::Space},  {"\xE2\x80\x82", Invisible::Space}, {"\xE2\x80\x83", Invisible::Space},
      {"\xE2\x80\x84", Invisible::Space},  {"\xE2\x80\x85", Invisible::Space}, {"\xE2\x80\x86", Invisible::Space},
      {"\xE2\x80\x87", Invisible::Space},  {"\xE2\x80\x88", Invisible::Space}, {"\xE2\x80\x89", Invisible::Space},
      {"\xE2\x80\x8A", Invisible::Space},  {"\xE2\x80\xAF", Invisible::Space},  // U+202F narrow no-break space
      {"&nbsp;", Invisible::Space},        {"&ensp;", Invisible::Space},       {"&emsp;", Invisible::Space},
      {"&thinsp;", Invisible::Space},      {"&#x20;", Invisible::Space},       {"&#X20;", Invisible::Space},
      {"&#32;", Invisible::Space},         {"&#160;", Invisible::Space},       {"&#xa0;", Invisible::Space},
      {"&#xA0;", Invisible::Space},        {"&#12288;", Invisible::Space},     {"&#8195;", Invisible::Space},
  }};
  if (rest.empty()) return {};
  // Every pattern starts with '&' or one of these UTF-8 lead bytes: most text (ASCII, Han) leaves here.
  const auto lead = static_cast<std::uint8_t>(rest[0]);
  if (lead != '&' && lead != 0xC2 && lead != 0xE2 && lead != 0xE3 && lead != 0xEF) return {};
  for (const auto& p : kPatterns) {
    if (rest.starts_with(p.text)) return {p.kind, p.text.size()};
  }
  return {};
}

std::string normalize_line(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  std::size_t i = 0;
  // Leading indentation: ASCII whitespace and quote markers are kept; once an invisible character
  // shows up, it and all whitespace after it go (it was visual indentation from a note app).
  bool dropping = false;
  while (i < line.size()) {
    const char ch = line[i];
    if (!dropping && (ch == ' ' || ch == '\t' || ch == '>')) {
      out.push_back(ch);
      ++i;
      continue;
    }
    if (dropping && (ch == ' ' || ch == '\t')) {
      ++i;
      continue;
    }
    const InvisibleMatch m = match_invisible(line, i);
    if (m.kind == Invisible::None) break;
    dropping = true;
    i += m.length;
  }
  while (i < line.size()) {
    const InvisibleMatch m = match_invisible(line, i);
    if (m.kind == Invisible::None) {
      out.push_back(line[i]);
      ++i;
      continue;
    }
    if (m.kind == Invisible::Space) out.push_back(' ');
    i += m.length;
  }
  return out;
}

struct Fence {
  char marker = 0;
  std::size_t length = 0;
};

std::optional<Fence> fence_opener(std::string_view line) {
  std::size_t i = line.find_first_not_of(" \t");
  if (i == std::string_view::npos) return std::nullopt;
  const char marker = line[i];
  if (marker != '`' && marker != '~') return std::nullopt;
  const std::size_t run_end = line.find_first_not_of(marker, i);
  const std::size_t length = (run_end == std::string_view::npos ? line.size() : run_end) - i;
  if (length < 3) return std::nullopt;
  // A backtick fence's info string cannot contain backticks (```x``` is inline code).
  if (marker == '`' && run_end != std::string_view::npos && line.find('`', run_end) != std::string_view::npos)
    return std::nullopt;
  return Fence{marker, length};
}

bool closes_fence(std::string_view line, const Fence& fence) {
  const std::size_t i = line.find_first_not_of(" \t");
  if (i == std::string_view::npos || line[i] != fence.marker) return false;
  const std::size_t run_end = line.find_first_not_of(fence.marker, i);
  const std::size_t length = (run_end == std::string_view::npos ? line.size() : run_end) - i;
  if (length < fence.length) return false;
  return run_end == std::string_view::npos || line.find_first_not_of(" \t", run_end) == std::string_view::npos;
}

}  // namespace

std::string TextDecoder::normalize(std::string_view utf8) {
  if (utf8.starts_with("\xEF\xBB\xBF")) utf8.remove_prefix(3);
  std::string out;
  out.reserve(utf8.size());
  std::optional<Fence> fence;
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    std::size_t eol = utf8.find_first_of("\r\n", pos);
    const bool has_eol = eol != std::string_view::npos;
    if (!has_eol) eol = utf8.size();
    const std::string_view line = utf8.substr(pos, eol - pos);
    if (fence) {
      out.append(line);
      if (closes_fence(line, *fence)) fence.reset();
    } else {
      std::string clean = normalize_line(line);
      fence = fence_opener(clean);
      out.append(clean);
    }
    if (!has_eol) break;
    out.push_back('\n');
    pos = eol + ((utf8[eol] == '\r' && eol + 1 < utf8.size() && utf8[eol + 1] == '\n') ? 2 : 1);
  }
  return out;
}

DecodeResult TextDecoder::decode(std::string_view bytes) const {
  DecodeResult result;
  auto fail = [&](std::size_t offset, std::string what) {
    result.text.clear();
    result.error = make_error(bytes, offset, std::move(what));
    return result;
  };

  // UTF-16 is recognised only by its BOM: without one it is indistinguishable from binary.
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    const bool little = bytes[0] == '\xFF';
    std::size_t bad = 0;
    auto units = utf16_units(bytes.substr(2), little, bad);
    std::optional<std::string> utf8 = units ? utf16_to_utf8(*units) : std::nullopt;
    if (!utf8) return fail(bad + 2, "invalid UTF-16 (NUL, unpaired surrogate or odd length)");
    result.encoding = SourceEncoding::Utf16;
    result.had_bom = true;
    result.text = normalize(*utf8);
    return result;
  }

  const std::size_t nul = bytes.find('\0');
  const std::optional<std::size_t> invalid = text::first_invalid_utf8(bytes);
  if (nul != std::string_view::npos && (!invalid || nul <= *invalid))
    return fail(nul, "NUL byte: this looks like a binary file, not markdown");

  if (!invalid) {
    result.had_bom = bytes.starts_with("\xEF\xBB\xBF");
    result.text = normalize(bytes);
    return result;
  }

  const std::string utf8_problem = "invalid UTF-8 byte " + hex_byte(byte_at(bytes, *invalid));
  if (nul != std::string_view::npos) return fail(*invalid, utf8_problem + " in a file with NUL bytes (binary data)");
  if (bytes.starts_with("\xEF\xBB\xBF")) return fail(*invalid, utf8_problem + " after a UTF-8 BOM");

  // Mostly well-formed UTF-8 with a few bad bytes is damaged UTF-8, not another encoding:
  // GB18030 text only rarely forms valid UTF-8 multi-byte sequences by accident.
  const Utf8Census census = utf8_census(bytes);
  const bool damaged_utf8 = census.multibyte > census.invalid;

  std::string_view gb_bytes = bytes;
  const bool gb_bom = gb_bytes.starts_with("\x84\x31\x95\x33");
  if (gb_bom) gb_bytes.remove_prefix(4);
  if (!damaged_utf8 || gb_bom) {
    if (!has_binary_control_byte(gb_bytes)) {
      if (auto units = gb18030_units(gb_bytes); units && (gb_bom || reads_like_chinese(*units))) {
        if (auto utf8 = utf16_to_utf8(*units)) {
          result.encoding = SourceEncoding::Gb18030;
          result.had_bom = gb_bom;
          result.text = normalize(*utf8);
          return result;
        }
      }
    }
  }
  return fail(*invalid,
              utf8_problem + (damaged_utf8 ? " (damaged UTF-8 text)" : " and the file is not GB18030 text either"));
}

}  // namespace qabot::ingest
