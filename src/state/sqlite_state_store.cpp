#include "state/sqlite_state_store.hpp"

#include <chrono>
#include <exception>
#include <string>
#include <type_traits>
#include <utility>

#include "sqlite/database.hpp"

namespace qabot::state {
namespace {

// Migration N takes a file from user_version N-1 to N. Never edit a released
// step: add one.
constexpr const char* kMigrations[] = {
    // 1: cards, the pending question per user, the gaps log.
    R"sql(
CREATE TABLE cards (
  user TEXT NOT NULL,
  question_key TEXT NOT NULL,
  box INTEGER NOT NULL DEFAULT 0,
  due INTEGER NOT NULL DEFAULT 0,
  reviewed INTEGER NOT NULL DEFAULT 0,
  reviews INTEGER NOT NULL DEFAULT 0,
  correct INTEGER NOT NULL DEFAULT 0,
  last_score REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (user, question_key)
) WITHOUT ROWID;
CREATE TABLE pending (
  user TEXT PRIMARY KEY,
  question_key TEXT NOT NULL,
  question_id INTEGER NOT NULL,
  category TEXT NOT NULL,
  asked INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE gaps (
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL,
  time INTEGER NOT NULL,
  confidence REAL NOT NULL,
  best_question TEXT NOT NULL,
  channel TEXT NOT NULL
);
CREATE INDEX gaps_by_time ON gaps(time);
)sql",
    // 2: the gaps log names channels as the metrics do (server/channel.hpp): the page's and other
    // WebSocket clients' "web" and "ws" are both "ws", POST /api/ask's "api" is "http".
    R"sql(
UPDATE gaps SET channel = 'ws' WHERE channel = 'web';
UPDATE gaps SET channel = 'http' WHERE channel = 'api';
)sql",
};
constexpr int kMigrationCount = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
static_assert(kMigrationCount == kStateSchemaVersion);

// The file holds something other than qabot state when it has tables but no
// user_version we wrote.
bool has_foreign_tables(sqlite::Database& db) {
  auto stmt = db.prepare(
      "SELECT count(*) FROM sqlite_schema WHERE name NOT IN "
      "('cards','pending','gaps')");
  return stmt.step() && stmt.integer(0) > 0;
}

Card read_card(const sqlite::Statement& s) {
  Card c;
  c.user = s.text(0);
  c.question_key = s.text(1);
  c.box = static_cast<int>(s.integer(2));
  c.due = s.integer(3);
  c.reviewed = s.integer(4);
  c.reviews = static_cast<int>(s.integer(5));
  c.correct = static_cast<int>(s.integer(6));
  c.last_score = s.real(7);
  return c;
}

void bind_card(sqlite::Statement& s, const Card& c) {
  s.bind(1, c.user)
      .bind(2, c.question_key)
      .bind(3, std::int64_t{c.box})
      .bind(4, c.due)
      .bind(5, c.reviewed)
      .bind(6, std::int64_t{c.reviews})
      .bind(7, std::int64_t{c.correct})
      .bind(8, c.last_score);
}

// SQLite's runtime_error (and anything else a store operation throws) as StateError, which the
// server turns into an error reply for that one request.
template <typename F>
auto as_state_error(F&& body) {
  try {
    return body();
  } catch (const StateError&) {
    throw;
  } catch (const std::exception& e) {
    throw StateError(std::string("state store: ") + e.what());
  }
}

// A prepared statement for one use: reset before it and after it, whatever happens in between,
// so the next caller finds it ready.
class StatementUse {
 public:
  explicit StatementUse(sqlite::Statement& stmt) : stmt_(stmt) { stmt_.reset(); }
  ~StatementUse() { stmt_.reset(); }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  sqlite::Statement& operator*() const { return stmt_; }

 private:
  sqlite::Statement& stmt_;
};

// Runs one statement use under the store's mutex.
template <typename F>
auto guarded(std::mutex& mutex, sqlite::Statement& stmt, F&& body) {
  std::lock_guard lock(mutex);
  const StatementUse use(stmt);
  return as_state_error([&] { return body(*use); });
}

// Runs `body` in one IMMEDIATE transaction (the write lock taken first, so no other process on the
// file slips in between its statements): committed when it returns, rolled back when it throws.
template <typename F>
auto in_transaction(sqlite::Database& db, F&& body) {
  db.exec("BEGIN IMMEDIATE");
  try {
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      db.exec("COMMIT");
    } else {
      auto out = body();
      db.exec("COMMIT");
      return out;
    }
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (const std::exception&) {
      // SQLite may have rolled back already (an I/O error ends the transaction).
    }
    throw;
  }
}

constexpr const char* kCardColumns = "user, question_key, box, due, reviewed, reviews, correct, last_score";

}  // namespace

struct SqliteStateStore::Impl {
  explicit Impl(const std::filesystem::path& file) : db(file, sqlite::Database::Mode::ReadWriteCreate) {
    // Another process (qabot gaps, a second server on the same file) may hold
    // the write lock for a moment: wait for it rather than failing the request.
    db.set_busy_timeout(std::chrono::seconds(5));
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    migrate();
    cards = db.prepare(std::string("SELECT ") + kCardColumns + " FROM cards WHERE user = ?1 ORDER BY question_key");
    card = db.prepare(std::string("SELECT ") + kCardColumns + " FROM cards WHERE user = ?1 AND question_key = ?2");
    put_card = db.prepare(std::string("INSERT OR REPLACE INTO cards (") + kCardColumns +
                          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    pending = db.prepare(
        "SELECT user, question_key, question_id, category, "
        "asked FROM pending WHERE user = ?1");
    set_pending = db.prepare(
        "INSERT OR REPLACE INTO pending (user, question_key, "
        "question_id, category, asked) VALUES (?1, ?2, ?3, ?4, ?5)");
    clear_pending = db.prepare("DELETE FROM pending WHERE user = ?1");
    take_pending =
        db.prepare("DELETE FROM pending WHERE user = ?1 AND question_key = ?2 AND asked = ?3 RETURNING user");
    record_gap = db.prepare(
        "INSERT INTO gaps (text, time, confidence, best_question, "
        "channel) VALUES (?1, ?2, ?3, ?4, ?5)");
    gaps = db.prepare(
        "SELECT text, time, confidence, best_question, channel "
        "FROM gaps ORDER BY time DESC, id DESC LIMIT ?1");
    // With fewer than keep+1 rows the subquery is NULL and nothing matches.
    prune_gaps = db.prepare(
        "DELETE FROM gaps WHERE id <= "
        "(SELECT id FROM gaps ORDER BY id DESC LIMIT 1 OFFSET ?1)");
  }

  void migrate() {
    int version = db.user_version();
    if (version > kStateSchemaVersion) {
      throw StateError("the state file was written by a newer qabot (schema " + std::to_string(version) +
                       ", this build knows " + std::to_string(kStateSchemaVersion) + ")");
    }
    if (version == 0 && has_foreign_tables(db)) {
      throw StateError("the file is not a qabot state file (it has other tables)");
    }
    for (; version < kStateSchemaVersion; ++version) {
      // Each step and its version bump commit together: a crash leaves the file
      // at a known version.
      in_transaction(db, [&] {
        db.exec(kMigrations[version]);
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
      });
    }
  }

  sqlite::Database db;
  sqlite::Statement cards, card, put_card, pending, set_pending, clear_pending, take_pending, record_gap, gaps,
      prune_gaps;
};

SqliteStateStore::SqliteStateStore(const std::filesystem::path& file) {
  try {
    impl_ = std::make_unique<Impl>(file);
  } catch (const StateError& e) {
    throw StateError(file.string() + ": " + e.what());
  } catch (const std::exception& e) {
    throw StateError("cannot open the state file " + file.string() + ": " + e.what());
  }
}

SqliteStateStore::~SqliteStateStore() = default;

std::vector<Card> SqliteStateStore::cards(std::string_view user) {
  return guarded(mutex_, impl_->cards, [&](sqlite::Statement& s) {
    s.bind(1, user);
    std::vector<Card> out;
    while (s.step()) out.push_back(read_card(s));
    return out;
  });
}

std::optional<Card> SqliteStateStore::card(std::string_view user, std::string_view question_key) {
  return guarded(mutex_, impl_->card, [&](sqlite::Statement& s) -> std::optional<Card> {
    s.bind(1, user).bind(2, question_key);
    if (!s.step()) return std::nullopt;
    return read_card(s);
  });
}

void SqliteStateStore::put_card(const Card& c) {
  guarded(mutex_, impl_->put_card, [&](sqlite::Statement& s) {
    bind_card(s, c);
    s.step();
  });
}

std::optional<PendingQuiz> SqliteStateStore::pending(std::string_view user) {
  return guarded(mutex_, impl_->pending, [&](sqlite::Statement& s) -> std::optional<PendingQuiz> {
    s.bind(1, user);
    if (!s.step()) return std::nullopt;
    PendingQuiz p;
    p.user = s.text(0);
    p.question_key = s.text(1);
    p.question_id = s.integer(2);
    p.category = s.text(3);
    p.asked = s.integer(4);
    return p;
  });
}

void SqliteStateStore::set_pending(const PendingQuiz& p) {
  guarded(mutex_, impl_->set_pending, [&](sqlite::Statement& s) {
    s.bind(1, p.user).bind(2, p.question_key).bind(3, p.question_id).bind(4, p.category).bind(5, p.asked);
    s.step();
  });
}

void SqliteStateStore::clear_pending(std::string_view user) {
  guarded(mutex_, impl_->clear_pending, [&](sqlite::Statement& s) {
    s.bind(1, user);
    s.step();
  });
}

bool SqliteStateStore::record_review(const PendingQuiz& expected, const Card& reviewed) {
  std::lock_guard lock(mutex_);
  return as_state_error([&] {
    return in_transaction(impl_->db, [&] {
      bool taken = false;
      {
        const StatementUse take(impl_->take_pending);
        (*take).bind(1, expected.user).bind(2, expected.question_key).bind(3, expected.asked);
        while ((*take).step()) taken = true;  // to the end: the delete is done when the statement is
      }
      if (taken) {
        const StatementUse put(impl_->put_card);
        bind_card(*put, reviewed);
        (*put).step();
      }
      return taken;
    });
  });
}

void SqliteStateStore::record_gaps(std::span<const Gap> gaps) {
  if (gaps.empty()) return;
  std::lock_guard lock(mutex_);
  as_state_error([&] {
    in_transaction(impl_->db, [&] {
      for (const auto& g : gaps) {
        const StatementUse use(impl_->record_gap);
        (*use).bind(1, g.text).bind(2, g.time).bind(3, g.confidence).bind(4, g.best_question).bind(5, g.channel);
        (*use).step();
      }
    });
  });
}

void SqliteStateStore::prune_gaps(std::size_t keep) {
  guarded(mutex_, impl_->prune_gaps, [&](sqlite::Statement& s) {
    s.bind(1, sql_count(keep));
    s.step();
  });
}

std::vector<Gap> SqliteStateStore::gaps(std::size_t limit) {
  return guarded(mutex_, impl_->gaps, [&](sqlite::Statement& s) {
    s.bind(1, sql_count(limit));
    std::vector<Gap> out;
    while (s.step()) {
      Gap g;
      g.text = s.text(0);
      g.time = s.integer(1);
      g.confidence = s.real(2);
      g.best_question = s.text(3);
      g.channel = s.text(4);
      out.push_back(std::move(g));
    }
    return out;
  });
}

}  // namespace qabot::state
