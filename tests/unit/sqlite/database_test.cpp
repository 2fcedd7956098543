#include "sqlite/database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>

#include "support/temp_dir.hpp"

namespace qabot::sqlite {
namespace {

using test_support::TempDir;

// The exception's message, or "" when `body` does not throw std::runtime_error.
template <typename F>
std::string error_of(F&& body) {
  try {
    body();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(DatabaseTest, UserVersionReadsWhatThePragmaWrote) {
  Database db(":memory:", Database::Mode::ReadWriteCreate);
  EXPECT_EQ(db.user_version(), 0);
  db.exec("PRAGMA user_version = 7");
  EXPECT_EQ(db.user_version(), 7);
}

TEST(DatabaseTest, ExecThrowsSqlitesMessage) {
  Database db(":memory:", Database::Mode::ReadWriteCreate);
  EXPECT_NE(error_of([&] { db.exec("CREATE TABLE t(x); CREATE TABLE t(x);"); }).find("table t already exists"),
            std::string::npos);
}

TEST(DatabaseTest, AFileIsCreatedAndReopenedEvenWithUriCharactersInItsName) {
  TempDir dir;
  const auto file = dir / "a?b#c%d.db";
  {
    Database db(file, Database::Mode::ReadWriteCreate);
    db.exec("CREATE TABLE t(x); INSERT INTO t VALUES (42);");
  }
  ASSERT_TRUE(std::filesystem::exists(file));
  Database db(file, Database::Mode::Immutable);
  auto s = db.prepare("SELECT x FROM t");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.integer(0), 42);
}

TEST(DatabaseTest, AnImmutableFileIsNeverWritten) {
  TempDir dir;
  Database(dir / "db", Database::Mode::ReadWriteCreate).exec("CREATE TABLE t(x)");
  Database db(dir / "db", Database::Mode::Immutable);
  EXPECT_NE(error_of([&] { db.exec("INSERT INTO t VALUES (1)"); }).find("readonly"), std::string::npos);
}

TEST(DatabaseTest, AMissingFileIsNamedInTheError) {
  TempDir dir;
  const auto file = dir / "missing.db";
  const std::string error = error_of([&] { Database db(file, Database::Mode::Immutable); });
  EXPECT_NE(error.find("cannot open " + file.string()), std::string::npos) << error;
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(DatabaseTest, AMovedConnectionStaysOpen) {
  Database first(":memory:", Database::Mode::ReadWriteCreate);
  first.exec("CREATE TABLE t(x); INSERT INTO t VALUES (1);");
  Database second = std::move(first);
  auto s = second.prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.integer(0), 1);
}

// A writer that finds the file locked waits for the busy timeout, then fails with SQLITE_BUSY.
TEST(DatabaseTest, ALockedFileIsWaitedForUntilTheBusyTimeout) {
  TempDir dir;
  Database holder(dir / "db", Database::Mode::ReadWriteCreate);
  holder.exec("CREATE TABLE t(x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);");
  Database waiter(dir / "db", Database::Mode::ReadWriteCreate);
  waiter.set_busy_timeout(std::chrono::milliseconds(50));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_NE(error_of([&] { waiter.exec("INSERT INTO t VALUES (2)"); }).find("database is locked"), std::string::npos);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(40));
  holder.exec("COMMIT");
  waiter.exec("INSERT INTO t VALUES (2)");
}

}  // namespace
}  // namespace qabot::sqlite
