#include "server/note_request.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "ingest/note_image.hpp"

namespace qabot::server {
namespace {

// Escapes that decode to a path separator, a dot or NUL: an encoded "..", "/"
// or "\" is the classic way past a check made before decoding, so they are
// refused rather than decoded.
constexpr std::array<std::string_view, 4> kRefusedEscapes = {"%2e", "%2f", "%5c", "%00"};

bool has_refused_escape(std::string_view path) {
  std::string lower(path);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::any_of(kRefusedEscapes.begin(), kRefusedEscapes.end(),
                     [&](std::string_view escape) { return lower.find(escape) != std::string::npos; });
}

}  // namespace

std::optional<std::string> NoteRequest::name_of(std::string_view target_path) {
  constexpr std::string_view prefix = ingest::NoteImage::kRoutePrefix;
  if (!target_path.starts_with(prefix)) return std::nullopt;
  std::string_view rest = target_path.substr(prefix.size());
  if (rest.find('\\') != std::string_view::npos || has_refused_escape(rest)) return std::nullopt;
  std::string name;
  int segments = 0;
  for (;;) {
    const std::size_t slash = rest.find('/');
    const std::string_view raw = rest.substr(0, slash);
    const auto segment = ingest::NoteImage::percent_decode(raw);
    if (!segment || segment->empty() || *segment == "." || *segment == ".." ||
        segment->find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) {
      return std::nullopt;
    }
    name.append(segments++ ? "/" : "").append(*segment);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (segments < 2) return std::nullopt;  // a root name and a file below it
  return name;
}

}  // namespace qabot::server
