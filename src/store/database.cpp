#include "store/database.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <mutex>
#include <cstring>
#include <stdexcept>

#include "store/rank_function.hpp"
#include "text/fts5_tokenizer.hpp"

namespace qabot::store {

namespace {

// Bytes of a read-only index mapped into memory (SQLite caps it at its compile-time maximum; the
// rest is read as usual). Address space only: pages are the kernel's, shared between connections.
constexpr long long kReadOnlyMmapBytes = 1LL << 30;

// SQLite's message for a failed write is "disk I/O error" whatever the cause; the errno behind it
// (EFBIG, ENOSPC, EROFS, EACCES…) is what tells a user what to do.
std::string error_message(sqlite3* db) {
  std::string message = sqlite3_errmsg(db);
  const int primary = sqlite3_extended_errcode(db) & 0xFF;
  const int os_error = sqlite3_system_errno(db);
  if (os_error != 0 && (primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN ||
                        primary == SQLITE_READONLY)) {
    message += " (";
    message += std::strerror(os_error);
    message += ")";
  }
  return message;
}

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw std::runtime_error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// SQLite's default keeps allocation statistics behind one process-wide mutex taken on every malloc
// and free; with a connection per worker thread that mutex is both overhead and contention, and
// nothing here reads the statistics. It can only be switched off before SQLite initialises, so the
// first connection does it (SQLITE_MISUSE, if something initialised SQLite earlier, is harmless).
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}
}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                         nullptr) != SQLITE_OK)
    fail(db, "prepare");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

Statement& Statement::bind_blob(int index, const void* data, int bytes) {
  if (sqlite3_bind_blob(stmt_, index, data, bytes, SQLITE_TRANSIENT) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

Statement& Statement::bind_pointer(int index, void* pointer, const char* type) {
  if (sqlite3_bind_pointer(stmt_, index, pointer, type, nullptr) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string message = error_message(db_);
  sqlite3_reset(stmt_);
  throw std::runtime_error("query failed: " + message);
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int column) const { return std::string(text_view(column)); }

std::string_view Statement::text_view(int column) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string_view();
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string_view Statement::blob(int column) const {
  auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string_view();
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Database::Database(const std::filesystem::path& file, Mode mode) {
  configure_sqlite_once();
  int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // NOMUTEX: every connection is confined to one thread by design.
  flags |= SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  // An index file is never changed in place: IndexBuilder writes a new file and renames it over the
  // old one, and an open connection keeps reading the old inode. So readers can tell SQLite the file
  // is immutable, which skips the file locks every query would otherwise take and release.
  std::string uri = "file:";
  for (char c : file.string()) {
    if (c == '%' || c == '?' || c == '#') {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      uri += hex;
    } else {
      uri += c;
    }
  }
  if (mode == Mode::ReadOnly) uri += "?immutable=1";
  if (sqlite3_open_v2(uri.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = db_ ? error_message(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open " + file.string() + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  try {
    if (mode == Mode::ReadOnly) {
      // Read index pages straight from the page cache instead of copying each one through
      // read(2) into SQLite's own cache: posting lists of common terms span many pages and are
      // read on every ask that names them. Safe because an index file is only ever replaced by
      // rename, never truncated in place (a mapped file that shrinks would fault).
      exec("PRAGMA mmap_size = " + std::to_string(kReadOnlyMmapBytes));
    }
    register_extensions(db_);
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Database::~Database() { sqlite3_close_v2(db_); }

void Database::exec(std::string_view sql) {
  char* error = nullptr;
  std::string owned(sql);
  if (sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    if (const std::string detail = error_message(db_); detail.size() > message.size() && detail.starts_with(message)) {
      message = detail;
    }
    throw std::runtime_error(message);
  }
}

int Database::user_version() {
  Statement stmt(db_, "PRAGMA user_version");
  return stmt.step() ? static_cast<int>(stmt.integer(0)) : 0;
}

void register_extensions(sqlite3* db) {
  if (text::register_fts5_tokenizer(db) != SQLITE_OK) fail(db, "registering the qabot tokenizer");
  if (register_rank_function(db) != SQLITE_OK) fail(db, "registering qabot_rank");
}

}  // namespace qabot::store
