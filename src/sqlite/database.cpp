#include "sqlite/database.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>

#include "sqlite/error_message.hpp"

namespace qabot::sqlite {

namespace {

// SQLite's default keeps allocation statistics behind one process-wide mutex taken on every malloc
// and free; with a connection per worker thread that mutex is both overhead and contention, and
// nothing here reads the statistics. It can only be switched off before SQLite initialises, so the
// first connection does it (SQLITE_MISUSE, if something initialised SQLite earlier, is harmless).
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

// The file as an SQLite URI, so that query parameters (immutable=1) can follow it: the characters a
// URI gives meaning to are percent-encoded.
std::string file_uri(const std::filesystem::path& file) {
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
  return uri;
}

}  // namespace

Database::Database(const std::filesystem::path& file, Mode mode) {
  configure_sqlite_once();
  int flags = mode == Mode::Immutable ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // NOMUTEX: every connection is confined to one thread by design.
  flags |= SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  std::string uri = file_uri(file);
  if (mode == Mode::Immutable) uri += "?immutable=1";
  if (sqlite3_open_v2(uri.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = db_ ? error_message(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open " + file.string() + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

// close_v2: a statement still open (a bug elsewhere) delays the close instead of leaking the connection.
Database::~Database() { sqlite3_close_v2(db_); }

Database::Database(Database&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = other.db_;
    other.db_ = nullptr;
  }
  return *this;
}

void Database::exec(std::string_view sql) {
  char* error = nullptr;
  const std::string owned(sql);  // sqlite3_exec reads up to a NUL
  if (sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    // exec's own message lacks the errno that error_message adds; keep the longer one.
    if (const std::string detail = error_message(db_); detail.size() > message.size() && detail.starts_with(message)) {
      message = detail;
    }
    throw std::runtime_error(message);
  }
}

void Database::set_busy_timeout(std::chrono::milliseconds timeout) {
  if (sqlite3_busy_timeout(db_, static_cast<int>(timeout.count())) != SQLITE_OK) throw_error(db_, "busy timeout");
}

int Database::user_version() const {
  Statement stmt(db_, "PRAGMA user_version");
  return stmt.step() ? static_cast<int>(stmt.integer(0)) : 0;
}

}  // namespace qabot::sqlite
