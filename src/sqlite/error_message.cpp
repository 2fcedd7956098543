#include "sqlite/error_message.hpp"

#include <sqlite3.h>

#include <cstring>
#include <stdexcept>

namespace qabot::sqlite {

std::string error_message(sqlite3* db) {
  std::string message = sqlite3_errmsg(db);
  const int primary = sqlite3_extended_errcode(db) & 0xFF;
  const int os_error = sqlite3_system_errno(db);
  if (os_error != 0 &&
      (primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY)) {
    message += " (";
    message += std::strerror(os_error);
    message += ")";
  }
  return message;
}

void throw_error(sqlite3* db, std::string_view what) {
  throw std::runtime_error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace qabot::sqlite
