#pragma once
// An RAII prepared statement. Made by Database::prepare and used on the connection's thread only;
// it must not outlive its Database. Every failure throws std::runtime_error with SQLite's message.

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace qabot::sqlite {

class Database;

class Statement {
 public:
  Statement() = default;  // empty: only to be assigned a prepared one
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;

  // Parameters are numbered from 1, as in SQL's ?1. Text and blobs are copied.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind_blob(int index, const void* data, int bytes);
  // sqlite3_bind_pointer: hands a C++ object to an SQL function for the next step only; `type`
  // must be a string literal (SQLite keeps the pointer, not a copy).
  Statement& bind_pointer(int index, void* pointer, const char* type);
  bool step();   // true while a row is available; throws on error (the statement is then reset)
  void reset();  // also clears bindings

  // Columns are numbered from 0. NULL reads as "", 0 or 0.0.
  std::string text(int column) const;
  std::string_view text_view(int column) const;  // valid until the next step/reset
  std::int64_t integer(int column) const;
  double real(int column) const;
  std::string_view blob(int column) const;  // valid until the next step/reset
  bool is_null(int column) const;

 private:
  friend class Database;
  Statement(sqlite3* db, std::string_view sql);  // throws std::runtime_error

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace qabot::sqlite
