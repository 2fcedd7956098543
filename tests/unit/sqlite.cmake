# SQLite plumbing: connections, statements and the FTS5 lookup against real in-memory and temporary
# databases.
qabot_add_test(sqlite_test unit
  SOURCES sqlite/database_test.cpp sqlite/statement_test.cpp sqlite/fts5_test.cpp
  LIBS qabot_sqlite PkgConfig::SQLITE3)
