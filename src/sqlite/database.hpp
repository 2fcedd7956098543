#pragma once
// An RAII SQLite connection, confined to one thread (opened NOMUTEX). Plain SQLite: nothing is
// registered on it; the store adds its FTS5 tokenizer and rank function to the index connections it
// opens (store/open_index.hpp). Failures throw std::runtime_error with a message a user can act on.

#include <chrono>
#include <filesystem>
#include <string_view>

#include "sqlite/statement.hpp"

struct sqlite3;

namespace qabot::sqlite {

class Database {
 public:
  enum class Mode {
    // Read and write; the file is created when missing.
    ReadWriteCreate,
    // Read only, and SQLite is told the file never changes while it is open (URI `immutable=1`), so
    // no query takes or releases a file lock. Only for files that are replaced by rename, never
    // written in place, as qabot's indexes are.
    Immutable,
  };

  // `file` may be ":memory:". Throws std::runtime_error("cannot open FILE: why").
  Database(const std::filesystem::path& file, Mode mode);
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements, discarding rows.
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) const { return Statement(db_, sql); }
  // How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
  void set_busy_timeout(std::chrono::milliseconds timeout);
  int user_version() const;  // PRAGMA user_version
  // The raw connection, for SQLite calls this class does not wrap; owned by the Database.
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace qabot::sqlite
