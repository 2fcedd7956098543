#pragma once
// Thin RAII over a SQLite connection with qabot's tokenizer and ranking function registered.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace qabot::store {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);  // throws std::runtime_error
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind_blob(int index, const void* data, int bytes);
  // sqlite3_bind_pointer: hands a C++ object to an SQL function for the next step only.
  Statement& bind_pointer(int index, void* pointer, const char* type);
  bool step();  // true while a row is available; throws on error
  void reset();  // also clears bindings

  std::string text(int column) const;
  std::string_view text_view(int column) const;  // valid until the next step/reset
  std::int64_t integer(int column) const;
  double real(int column) const;
  std::string_view blob(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  enum class Mode { ReadOnly, ReadWriteCreate };
  Database(const std::filesystem::path& file, Mode mode);  // throws std::runtime_error
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) const { return Statement(db_, sql); }
  int user_version();
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// Registers the `qabot` tokenizer and the `qabot_rank` auxiliary function on a connection.
void register_extensions(sqlite3* db);

}  // namespace qabot::store
