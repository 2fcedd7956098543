#pragma once
// Every connection to an index is opened here, so each one has what reading or building an index
// needs: the `qabot` tokenizer (text/fts5_tokenizer.hpp) and the `qabot_rank` function
// (store/rank_function.hpp), both registered per connection.

#include <filesystem>

#include "sqlite/database.hpp"

namespace qabot::store {

// Opens `file` (":memory:" in tests) and registers the tokenizer and the rank function on the
// connection. An Immutable index is also memory-mapped, which is safe only because an index file
// is replaced by rename, never rewritten in place. Throws std::runtime_error: the file cannot be
// opened, this SQLite has no FTS5, or a registration failed.
sqlite::Database open_index(const std::filesystem::path& file, sqlite::Database::Mode mode);

}  // namespace qabot::store
