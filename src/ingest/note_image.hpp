#pragma once
// Where a note's image lives. Notes point at images relative to themselves
// (`![](./images/x.png)`, `img/ch9/a.jpg`); the bank names a file by its
// indexed root's name and the path below that root
// (`questions.source`, "notes/ml/cnn.md"), so an image is named the same way
// ("notes/ml/img/a.jpg") and served at GET /notes/<that name>. Pure: no I/O
// (whether the file exists is NoteFiles' business).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qabot::ingest {

class NoteImage {
 public:
  // The URL route the server serves note images under.
  static constexpr std::string_view kRoutePrefix = "/notes/";

  // True for a URL that is relative to the note: no scheme (http:, data:, …),
  // not protocol-relative
  // (//host), not absolute (/x), not empty and not only a fragment or query.
  static bool is_relative(std::string_view url);

  // "<root>/<path below it>" of the image `url` points at from the note
  // `source` ("root/dir/n.md"), normalised (".", "..", repeated slashes) and
  // percent-decoded once; the query and fragment are dropped. nullopt when the
  // URL is not relative, climbs out of the note's root, is not valid
  // percent-encoding, holds a NUL or a backslash, or the note has no root (a
  // file indexed alone).
  static std::optional<std::string> resolve(std::string_view source, std::string_view url);

  // The URL path the server answers for a resolved name: kRoutePrefix + each
  // segment percent-encoded (everything but RFC 3986's unreserved characters).
  static std::string url_path(std::string_view resolved);

  // The destinations of the image nodes of `markdown`, in document order
  // (cmark-gfm, as rendered).
  static std::vector<std::string> urls_in(std::string_view markdown);

  // A hit's source without its line ("notes/a.md:42" → "notes/a.md").
  static std::string_view without_line(std::string_view source);

  // Percent-decodes once; nullopt on a malformed escape ("%", "%G1").
  static std::optional<std::string> percent_decode(std::string_view s);
};

}  // namespace qabot::ingest
