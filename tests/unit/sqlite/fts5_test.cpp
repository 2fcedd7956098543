#include "sqlite/fts5.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "sqlite/database.hpp"

namespace qabot::sqlite {
namespace {

// Debian's SQLite has FTS5 built in: the lookup must find it, at a version qabot registers with.
TEST(Fts5Test, FindsTheApiOnANormalBuild) {
  Database db(":memory:", Database::Mode::ReadWriteCreate);
  fts5_api* api = fts5_of(db);
  ASSERT_NE(api, nullptr);
  EXPECT_GE(api->iVersion, 2);
  void* user_data = nullptr;
  fts5_tokenizer builtin{};
  EXPECT_EQ(api->xFindTokenizer(api, "unicode61", &user_data, &builtin), SQLITE_OK);
}

// The api belongs to a connection: each one finds its own, and the lookup leaves no statement open
// (a leaked one would keep the connection from closing).
TEST(Fts5Test, EveryConnectionHasItsOwnApi) {
  Database first(":memory:", Database::Mode::ReadWriteCreate);
  Database second(":memory:", Database::Mode::ReadWriteCreate);
  fts5_api* api = fts5_of(first);
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(fts5_of(first), api);
  EXPECT_NE(fts5_of(second), nullptr);
  EXPECT_NE(fts5_of(second), api);
  EXPECT_EQ(sqlite3_next_stmt(first.handle(), nullptr), nullptr);
}

}  // namespace
}  // namespace qabot::sqlite
