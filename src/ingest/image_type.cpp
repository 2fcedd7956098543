#include "ingest/image_type.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace qabot::ingest {
namespace {

struct Extension {
  std::string_view suffix;
  std::string_view type;
};

constexpr std::array<Extension, 7> kExtensions{{
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".bmp", "image/bmp"},
    {".ico", "image/x-icon"},
}};

bool has_prefix(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

std::optional<std::string_view> ImageType::from_name(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string suffix(name.substr(dot));
  std::transform(suffix.begin(), suffix.end(), suffix.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const Extension& e : kExtensions)
    if (suffix == e.suffix) return e.type;
  return std::nullopt;
}

std::optional<std::string_view> ImageType::sniff(std::string_view head) {
  using namespace std::string_view_literals;
  head = head.substr(0, kSniffBytes);
  if (has_prefix(head, "\x89PNG\r\n\x1A\n"sv)) return "image/png";
  if (has_prefix(head, "\xFF\xD8\xFF"sv)) return "image/jpeg";
  if (has_prefix(head, "GIF87a"sv) || has_prefix(head, "GIF89a"sv)) return "image/gif";
  if (head.size() >= 12 && has_prefix(head, "RIFF"sv) && head.substr(8, 4) == "WEBP"sv) return "image/webp";
  if (head.size() >= 6 && has_prefix(head, "BM"sv)) return "image/bmp";
  // ICO: reserved 0, type 1 (icon), then a non-zero image count.
  if (head.size() >= 6 && has_prefix(head, "\0\0\1\0"sv) && (head[4] != '\0' || head[5] != '\0')) return "image/x-icon";
  return std::nullopt;
}

}  // namespace qabot::ingest
