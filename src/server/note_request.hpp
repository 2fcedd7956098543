#pragma once
// The file a GET /notes/<root name>/<path> request names, read strictly before
// any file system call: the path is percent-decoded exactly once, segment by
// segment, and anything that could be a way around that — "..", ".", empty
// segments, a backslash, NUL, an encoded slash, backslash or dot
// (%2f, %5c, %2e: the server's own URLs never encode those) — refuses the
// request. Pure.

#include <optional>
#include <string>
#include <string_view>

namespace qabot::server {

class NoteRequest {
 public:
  // "root/dir/x.png" (decoded) for a request path "/notes/root/dir/x.png" (not
  // decoded, without the query), nullopt when the path is not under /notes/ or
  // breaks a rule above.
  static std::optional<std::string> name_of(std::string_view target_path);
};

}  // namespace qabot::server
