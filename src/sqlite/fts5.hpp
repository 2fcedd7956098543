#pragma once
// The one way qabot reaches a connection's FTS5 extension API, to register tokenizers and auxiliary
// functions on it.

struct fts5_api;

namespace qabot::sqlite {

class Database;

// The connection's fts5_api (valid as long as the connection), or nullptr when this SQLite has no
// FTS5 or its fts5_api is older than version 2 (the v1 tokenizer struct and xCreateFunction that
// qabot registers with; Debian 12's SQLite 3.40 has version 2). Callers must check: registering
// through a null api would crash.
fts5_api* fts5_of(const Database& db);

}  // namespace qabot::sqlite
