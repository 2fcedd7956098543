#include "ingest/note_image.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <mutex>

namespace qabot::ingest {
namespace {

std::vector<std::string_view> split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = s.find(separator, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool is_unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

}  // namespace

bool NoteImage::is_relative(std::string_view url) {
  if (url.empty() || url.front() == '/' || url.front() == '#' || url.front() == '?') return false;
  // A scheme is letters, digits, + - . up to the first ':', before any '/', '?'
  // or '#' (RFC 3986 §3.1).
  const std::size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return true;
  if (url.find_first_of("/?#") < colon) return true;
  if (!std::isalpha(static_cast<unsigned char>(url.front()))) return true;
  for (char c : url.substr(0, colon))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return true;
  return false;
}

std::optional<std::string> NoteImage::percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    // Exactly two hex digits: from_chars takes no sign or "0x", so "%+1" and
    // "%0x" fail here.
    unsigned byte = 0;
    const char* end = s.data() + std::min(i + 3, s.size());
    const auto [stop, error] = std::from_chars(s.data() + i + 1, end, byte, 16);
    if (error != std::errc() || stop != s.data() + i + 3) return std::nullopt;
    out += static_cast<char>(byte);
    i += 2;
  }
  return out;
}

std::optional<std::string> NoteImage::resolve(std::string_view source, std::string_view url) {
  if (!is_relative(url)) return std::nullopt;
  url = url.substr(0, url.find_first_of("?#"));
  const auto decoded = percent_decode(url);
  if (!decoded || decoded->empty() || decoded->find_first_of(std::string_view("\0\\", 2)) != std::string::npos)
    return std::nullopt;
  std::vector<std::string_view> path = split(source, '/');
  path.pop_back();                                                // the note's own file name
  if (path.empty() || path.front().empty()) return std::nullopt;  // no root: a file indexed by itself
  for (std::string_view segment : split(*decoded, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment != "..") {
      path.push_back(segment);
    } else if (path.size() > 1) {
      path.pop_back();
    } else {
      return std::nullopt;  // above the root: nothing outside an indexed folder
                            // is ever served
    }
  }
  if (path.size() < 2) return std::nullopt;
  std::string out;
  for (std::string_view segment : path) out.append(out.empty() ? "" : "/").append(segment);
  return out;
}

std::string NoteImage::url_path(std::string_view resolved) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(kRoutePrefix);
  for (char c : resolved) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '/' || is_unreserved(byte)) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::vector<std::string> NoteImage::urls_in(std::string_view markdown) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  cmark_parser* parser = cmark_parser_new(CMARK_OPT_DEFAULT);
  // The extensions render_html uses: an image in a table cell is only an image
  // with the table one.
  for (const char* name : {"table", "strikethrough", "autolink"})
    if (auto* ext = cmark_find_syntax_extension(name)) cmark_parser_attach_syntax_extension(parser, ext);
  cmark_parser_feed(parser, markdown.data(), markdown.size());
  cmark_node* doc = cmark_parser_finish(parser);
  std::vector<std::string> urls;
  cmark_iter* it = cmark_iter_new(doc);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* node = cmark_iter_get_node(it);
    if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_IMAGE) continue;
    if (const char* url = cmark_node_get_url(node)) urls.emplace_back(url);
  }
  cmark_iter_free(it);
  cmark_node_free(doc);
  cmark_parser_free(parser);
  return urls;
}

std::string_view NoteImage::without_line(std::string_view source) {
  const std::size_t colon = source.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == source.size()) return source;
  for (char c : source.substr(colon + 1))
    if (c < '0' || c > '9') return source;
  return source.substr(0, colon);
}

}  // namespace qabot::ingest
