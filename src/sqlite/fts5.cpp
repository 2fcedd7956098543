#include "sqlite/fts5.hpp"

#include <sqlite3.h>

#include "sqlite/database.hpp"

namespace qabot::sqlite {

// Not through Statement: a missing fts5() function is an answer here (nullptr), not an exception.
fts5_api* fts5_of(const Database& db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db.handle(), "SELECT fts5(?1)", -1, &statement, nullptr) != SQLITE_OK) return nullptr;
  const bool bound = sqlite3_bind_pointer(statement, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr) == SQLITE_OK;
  const bool stepped = bound && sqlite3_step(statement) == SQLITE_ROW;
  const bool finalized = sqlite3_finalize(statement) == SQLITE_OK;
  if (!stepped || !finalized || api == nullptr || api->iVersion < 2) return nullptr;
  return api;
}

}  // namespace qabot::sqlite
