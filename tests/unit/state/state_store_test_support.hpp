#pragma once
// Engines the StateStore tests run against. Each gives a spec for a fresh, empty store per test;
// opening that spec twice reaches the same data (two replicas). PostgreSQL needs a server:
// tests/support/pg_temp.sh run … starts a throwaway one and exports QABOT_TEST_PG_URI (ctest does
// this); without it the PostgreSQL cases are skipped with a message saying so.

#include <atomic>
#include <cstdlib>
#include <functional>
#include <string>
#include <unistd.h>

#include "state/postgres_connection.hpp"
#include "support/temp_dir.hpp"

namespace qabot::state::testing {

struct Engine {
  std::string name;
  // Returns a spec naming a new empty store, or "" when this engine cannot run here.
  std::function<std::string()> fresh;
};

inline std::string postgres_admin_uri() {
  const char* uri = std::getenv("QABOT_TEST_PG_URI");
  return uri == nullptr ? "" : uri;
}

// A new database on the test server, named uniquely for this process and call.
inline std::string fresh_postgres_database() {
  const auto admin = postgres_admin_uri();
  if (admin.empty()) return "";
  static std::atomic<int> counter{0};
  const auto name = "qabot_t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  PostgresConnection conn(admin);
  conn.exec("CREATE DATABASE " + name);  // identifiers cannot be parameters; this one is ours
  return admin.substr(0, admin.rfind('/') + 1) + name;
}

inline Engine postgres_engine() { return {"postgres", fresh_postgres_database}; }

// A new SQLite file, unique to this process and call, in a directory removed when the tests end.
inline std::string fresh_sqlite_file() {
  static std::atomic<int> counter{0};
  static const test_support::TempDir dir;
  return "sqlite:" + (dir / ("state-" + std::to_string(counter++) + ".db")).string();
}

inline Engine sqlite_engine() { return {"sqlite", fresh_sqlite_file}; }

}  // namespace qabot::state::testing
