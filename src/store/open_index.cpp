#include "store/open_index.hpp"

#include <sqlite3.h>

#include <stdexcept>
#include <string>

#include "sqlite/fts5.hpp"
#include "store/rank_function.hpp"
#include "text/fts5_tokenizer.hpp"

namespace qabot::store {

namespace {

// Bytes of a read-only index mapped into memory (SQLite caps it at its compile-time maximum; the
// rest is read as usual). Address space only: pages are the kernel's, shared between connections.
constexpr long long kReadOnlyMmapBytes = 1LL << 30;

void register_index_functions(const sqlite::Database& db) {
  fts5_api* api = sqlite::fts5_of(db);
  if (api == nullptr) throw std::runtime_error("this SQLite has no FTS5 (fts5_api version 2 or later)");
  if (const int rc = text::register_fts5_tokenizer(api); rc != SQLITE_OK)
    throw std::runtime_error(std::string("registering the qabot tokenizer: ") + sqlite3_errstr(rc));
  if (const int rc = register_rank_function(api); rc != SQLITE_OK)
    throw std::runtime_error(std::string("registering qabot_rank: ") + sqlite3_errstr(rc));
}

}  // namespace

sqlite::Database open_index(const std::filesystem::path& file, sqlite::Database::Mode mode) {
  sqlite::Database db(file, mode);
  if (mode == sqlite::Database::Mode::Immutable) {
    // Read index pages straight from the page cache instead of copying each one through read(2)
    // into SQLite's own cache: posting lists of common terms span many pages and are read on every
    // ask that names them. A mapped file that shrank would fault, hence rename-only replacement.
    db.exec("PRAGMA mmap_size = " + std::to_string(kReadOnlyMmapBytes));
  }
  register_index_functions(db);
  return db;
}

}  // namespace qabot::store
