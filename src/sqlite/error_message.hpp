#pragma once
// How the sqlite module words SQLite's errors. Internal to qabot::sqlite's classes, but plain enough
// for anyone holding a raw connection.

#include <string>
#include <string_view>

struct sqlite3;

namespace qabot::sqlite {

// The connection's last error message. SQLite's message for a failed write is "disk I/O error"
// whatever the cause; for I/O, full-disk, cannot-open and read-only errors the errno behind it
// (EFBIG, ENOSPC, EROFS, EACCES…) is appended, since that is what tells a user what to do.
std::string error_message(sqlite3* db);

// Throws std::runtime_error("WHAT: <SQLite's message>"); "out of memory" when `db` is null (SQLite
// could not even allocate the connection).
[[noreturn]] void throw_error(sqlite3* db, std::string_view what);

}  // namespace qabot::sqlite
