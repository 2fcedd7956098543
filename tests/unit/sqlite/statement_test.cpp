#include "sqlite/statement.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "sqlite/database.hpp"

namespace qabot::sqlite {
namespace {

struct Table {
  Database db{":memory:", Database::Mode::ReadWriteCreate};
  Table() { db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT, i INTEGER, r REAL, b BLOB, n)"); }
};

TEST(StatementTest, ReadsBackWhatWasBound) {
  Table t;
  const std::string blob("a\0b", 3);  // a NUL inside: blobs are sized, not terminated
  t.db.prepare("INSERT INTO t(id, s, i, r, b) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, std::int64_t{1})
      .bind(2, std::string_view("批归一化"))
      .bind(3, std::int64_t{1} << 53)
      .bind(4, 0.25)
      .bind_blob(5, blob.data(), static_cast<int>(blob.size()))
      .step();
  auto row = t.db.prepare("SELECT s, i, r, b, n FROM t WHERE id = 1");
  ASSERT_TRUE(row.step());
  EXPECT_EQ(row.text(0), "批归一化");
  EXPECT_EQ(row.text_view(0), "批归一化");
  EXPECT_EQ(row.integer(1), std::int64_t{1} << 53);
  EXPECT_DOUBLE_EQ(row.real(2), 0.25);
  EXPECT_EQ(row.blob(3), blob);
  EXPECT_TRUE(row.is_null(4));
  EXPECT_FALSE(row.is_null(0));
  EXPECT_EQ(row.text(4), "");
  EXPECT_EQ(row.integer(4), 0);
  EXPECT_FALSE(row.step());
}

TEST(StatementTest, ResetClearsBindingsForTheNextUse) {
  Table t;
  auto insert = t.db.prepare("INSERT INTO t(id, s) VALUES (?1, ?2)");
  insert.bind(1, std::int64_t{1}).bind(2, std::string_view("x"));
  EXPECT_FALSE(insert.step());
  insert.reset();
  insert.bind(1, std::int64_t{2});
  EXPECT_FALSE(insert.step());
  auto s = t.db.prepare("SELECT s FROM t WHERE id = 2");
  ASSERT_TRUE(s.step());
  EXPECT_TRUE(s.is_null(0));
}

TEST(StatementTest, AFailedStepThrowsSqlitesMessageAndLeavesTheStatementUsable) {
  Table t;
  auto insert = t.db.prepare("INSERT INTO t(id) VALUES (?1)");
  insert.bind(1, std::int64_t{1});
  EXPECT_FALSE(insert.step());
  insert.reset();
  insert.bind(1, std::int64_t{1});
  try {
    insert.step();
    FAIL() << "inserted a duplicate key";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("UNIQUE constraint failed"), std::string::npos) << e.what();
  }
  insert.reset();
  insert.bind(1, std::int64_t{2});
  EXPECT_FALSE(insert.step());
}

TEST(StatementTest, BadSqlThrowsWhenPrepared) {
  Table t;
  try {
    t.db.prepare("SELECT x FROM nowhere");
    FAIL() << "prepared a query on a missing table";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "prepare: no such table: nowhere");
  }
}

TEST(StatementTest, AMovedStatementKeepsItsQuery) {
  Table t;
  t.db.exec("INSERT INTO t(id, s) VALUES (1, 'one')");
  Statement moved;
  {
    auto s = t.db.prepare("SELECT s FROM t WHERE id = ?1");
    moved = std::move(s);
  }
  moved.bind(1, std::int64_t{1});
  ASSERT_TRUE(moved.step());
  EXPECT_EQ(moved.text(0), "one");
}

}  // namespace
}  // namespace qabot::sqlite
