#include "state/postgres_state_store.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>
#include <system_error>

namespace qabot::state {
namespace {

// Each migration is a list of statements, applied in order inside the migration transaction. Append
// only: a replica running an older build must still recognise every version it knows.
const std::vector<std::vector<const char*>>& migrations() {
  static const std::vector<std::vector<const char*>> all = {
      // 1: quiz cards, the pending question per user, the gaps log.
      {
          R"(CREATE TABLE quiz_cards (
               user_id      text    NOT NULL,
               question_key text    NOT NULL,
               box          integer NOT NULL,
               due          bigint  NOT NULL,
               reviewed     bigint  NOT NULL,
               reviews      integer NOT NULL,
               correct      integer NOT NULL,
               last_score   double precision NOT NULL,
               PRIMARY KEY (user_id, question_key)))",
          R"(CREATE TABLE quiz_pending (
               user_id      text   PRIMARY KEY,
               question_key text   NOT NULL,
               question_id  bigint NOT NULL,
               category     text   NOT NULL,
               asked        bigint NOT NULL))",
          R"(CREATE TABLE gaps (
               id            bigserial PRIMARY KEY,
               text          text   NOT NULL,
               time          bigint NOT NULL,
               confidence    double precision NOT NULL,
               best_question text   NOT NULL,
               channel       text   NOT NULL))",
          // gaps(limit) reads the newest first; id breaks ties within one second in insert order.
          "CREATE INDEX gaps_newest ON gaps (time DESC, id DESC)",
      },
      // 2: the gaps log names channels as the metrics do (server/channel.hpp): "web" and "ws" are
      // both "ws", POST /api/ask's "api" is "http".
      {
          "UPDATE gaps SET channel = 'ws' WHERE channel = 'web'",
          "UPDATE gaps SET channel = 'http' WHERE channel = 'api'",
      },
  };
  return all;
}

// Any constant works as long as every replica uses the same one; this is "qabot" in ASCII.
constexpr const char* kMigrationLock = "113971548694644";

std::string number(std::int64_t v) { return std::to_string(v); }

std::string number(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
  return std::string(buf, end);
}

template <typename T>
T parse(const std::string& text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw StateError("postgres state store: unexpected value from the database: '" + text + "'");
  }
  return value;
}

constexpr const char* kCardColumns = "user_id, question_key, box, due, reviewed, reviews, correct, last_score";

Card card_from(const PostgresConnection::Row& r) {
  Card c;
  c.user = r.at(0);
  c.question_key = r.at(1);
  c.box = parse<int>(r.at(2));
  c.due = parse<std::int64_t>(r.at(3));
  c.reviewed = parse<std::int64_t>(r.at(4));
  c.reviews = parse<int>(r.at(5));
  c.correct = parse<int>(r.at(6));
  c.last_score = parse<double>(r.at(7));
  return c;
}

}  // namespace

int PostgresStateStore::schema_version() { return static_cast<int>(migrations().size()); }

PostgresStateStore::PostgresStateStore(const std::string& uri, std::size_t max_connections)
    : uri_(uri), max_connections_(max_connections == 0 ? 1 : max_connections) {
  auto first = std::make_unique<PostgresConnection>(uri_);
  migrate(*first);
  idle_.push_back(std::move(first));
  open_ = 1;
}

PostgresStateStore::~PostgresStateStore() = default;

void PostgresStateStore::migrate(PostgresConnection& conn) {
  // No retry inside the transaction: after a reconnect its BEGIN and lock would be gone.
  conn.exec("BEGIN");
  try {
    // Held until COMMIT/ROLLBACK: a second replica starting now waits here, then sees the new version.
    conn.exec("SELECT pg_advisory_xact_lock($1::bigint)", {kMigrationLock}, false);
    conn.exec("CREATE TABLE IF NOT EXISTS qabot_schema (version integer NOT NULL)", {}, false);
    const auto rows = conn.exec("SELECT coalesce(max(version), 0) FROM qabot_schema", {}, false);
    const int current = parse<int>(rows.at(0).at(0));
    const int known = schema_version();
    if (current > known) {
      throw StateError("postgres state store: the database has schema version " + std::to_string(current) +
                       ", newer than this qabot knows (" + std::to_string(known) + "): upgrade qabot");
    }
    for (int v = current + 1; v <= known; ++v) {
      for (const char* statement : migrations()[static_cast<std::size_t>(v - 1)]) conn.exec(statement, {}, false);
      conn.exec("INSERT INTO qabot_schema (version) VALUES ($1::integer)", {std::to_string(v)}, false);
    }
    conn.exec("COMMIT", {}, false);
  } catch (...) {
    try {
      conn.exec("ROLLBACK", {}, false);
    } catch (const StateError&) {
      // The connection is gone: the server rolled the transaction back itself.
    }
    throw;
  }
}

PostgresStateStore::Lease PostgresStateStore::borrow() {
  std::unique_lock lock(mutex_);
  // Every connection busy for this long means the database is stuck, not busy: fail the call (a
  // quiz request gets state_unavailable) rather than queue callers without bound.
  if (!returned_.wait_for(lock, std::chrono::seconds(15), [&] { return !idle_.empty() || open_ < max_connections_; })) {
    throw StateError("postgres state store: all " + std::to_string(max_connections_) +
                     " connections are busy (the database is not answering)");
  }
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(conn));
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<PostgresConnection>(uri_));
  } catch (...) {
    lock.lock();
    --open_;
    returned_.notify_one();
    throw;
  }
}

void PostgresStateStore::give_back(std::unique_ptr<PostgresConnection> conn) {
  {
    std::lock_guard lock(mutex_);
    // A broken connection goes back too: its next user resets it (PostgresConnection::exec).
    idle_.push_back(std::move(conn));
  }
  returned_.notify_one();
}

std::vector<Card> PostgresStateStore::cards(std::string_view user) {
  auto conn = borrow();
  const auto rows =
      conn->exec(std::string("SELECT ") + kCardColumns + " FROM quiz_cards WHERE user_id = $1 ORDER BY question_key",
                 {std::string(user)});
  std::vector<Card> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(card_from(r));
  return out;
}

std::optional<Card> PostgresStateStore::card(std::string_view user, std::string_view question_key) {
  auto conn = borrow();
  const auto rows =
      conn->exec(std::string("SELECT ") + kCardColumns + " FROM quiz_cards WHERE user_id = $1 AND question_key = $2",
                 {std::string(user), std::string(question_key)});
  if (rows.empty()) return std::nullopt;
  return card_from(rows.front());
}

namespace {

// Inserting a card, or replacing the one with the same user and question: `INSERT INTO quiz_cards
// (kCardColumns)` + a row source giving $1..$8 (kCardValues, as card_params() orders them) + this.
constexpr const char* kCardValues =
    "$1, $2, $3::integer, $4::bigint, $5::bigint, $6::integer, $7::integer, $8::double precision";
constexpr const char* kCardUpsert =
    " ON CONFLICT (user_id, question_key) DO UPDATE SET box = EXCLUDED.box, due = EXCLUDED.due, "
    "reviewed = EXCLUDED.reviewed, reviews = EXCLUDED.reviews, correct = EXCLUDED.correct, "
    "last_score = EXCLUDED.last_score";

std::vector<std::string> card_params(const Card& c) {
  return {c.user,
          c.question_key,
          std::to_string(c.box),
          number(c.due),
          number(c.reviewed),
          std::to_string(c.reviews),
          std::to_string(c.correct),
          number(c.last_score)};
}

}  // namespace

void PostgresStateStore::put_card(const Card& c) {
  auto conn = borrow();
  // Idempotent, so PostgresConnection's retry after a broken connection cannot apply it twice.
  conn->exec(std::string("INSERT INTO quiz_cards (") + kCardColumns + ") VALUES (" + kCardValues + ")" + kCardUpsert,
             card_params(c));
}

std::optional<PendingQuiz> PostgresStateStore::pending(std::string_view user) {
  auto conn = borrow();
  const auto rows =
      conn->exec("SELECT user_id, question_key, question_id, category, asked FROM quiz_pending WHERE user_id = $1",
                 {std::string(user)});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows.front();
  PendingQuiz p;
  p.user = r.at(0);
  p.question_key = r.at(1);
  p.question_id = parse<std::int64_t>(r.at(2));
  p.category = r.at(3);
  p.asked = parse<std::int64_t>(r.at(4));
  return p;
}

void PostgresStateStore::set_pending(const PendingQuiz& p) {
  auto conn = borrow();
  conn->exec(
      "INSERT INTO quiz_pending (user_id, question_key, question_id, category, asked) "
      "VALUES ($1, $2, $3::bigint, $4, $5::bigint) "
      "ON CONFLICT (user_id) DO UPDATE SET question_key = EXCLUDED.question_key, "
      "question_id = EXCLUDED.question_id, category = EXCLUDED.category, asked = EXCLUDED.asked",
      {p.user, p.question_key, number(p.question_id), p.category, number(p.asked)});
}

void PostgresStateStore::clear_pending(std::string_view user) {
  auto conn = borrow();
  conn->exec("DELETE FROM quiz_pending WHERE user_id = $1", {std::string(user)});
}

bool PostgresStateStore::record_review(const PendingQuiz& expected, const Card& c) {
  auto conn = borrow();
  // One statement, so one transaction: the card is stored only if this call removed the pending
  // question. Not retried after a broken connection: had the first attempt committed, the retry
  // would find nothing pending and report a recorded review as lost.
  auto params = card_params(c);
  params.insert(params.end(), {expected.user, expected.question_key, number(expected.asked)});
  return !conn->exec(std::string("WITH taken AS (DELETE FROM quiz_pending "
                                 "WHERE user_id = $9 AND question_key = $10 AND asked = $11::bigint RETURNING 1) "
                                 "INSERT INTO quiz_cards (") +
                         kCardColumns + ") SELECT " + kCardValues + " FROM taken" + kCardUpsert + " RETURNING 1",
                     params, /*retry=*/false)
              .empty();
}

void PostgresStateStore::record_gaps(std::span<const Gap> gaps) {
  if (gaps.empty()) return;
  // One multi-row INSERT: one statement, so all or none. Not idempotent: if the connection breaks
  // after the server committed but before the reply, the retry logs the gaps twice. A duplicate line
  // in a log of unanswered questions is harmless; losing the write on every PostgreSQL restart would
  // not be.
  std::string sql = "INSERT INTO gaps (text, time, confidence, best_question, channel) VALUES ";
  std::vector<std::string> params;
  params.reserve(gaps.size() * 5);
  for (const auto& g : gaps) {
    const auto n = params.size();
    if (n > 0) sql += ", ";
    sql += "($" + std::to_string(n + 1) + ", $" + std::to_string(n + 2) + "::bigint, $" + std::to_string(n + 3) +
           "::double precision, $" + std::to_string(n + 4) + ", $" + std::to_string(n + 5) + ")";
    params.insert(params.end(), {g.text, number(g.time), number(g.confidence), g.best_question, g.channel});
  }
  borrow()->exec(sql, params);
}

void PostgresStateStore::prune_gaps(std::size_t keep) {
  auto conn = borrow();
  // gaps.id is a serial: insertion order. With fewer than keep+1 rows the subquery is NULL.
  conn->exec("DELETE FROM gaps WHERE id <= (SELECT id FROM gaps ORDER BY id DESC LIMIT 1 OFFSET $1::bigint)",
             {std::to_string(sql_count(keep))});
}

std::vector<Gap> PostgresStateStore::gaps(std::size_t limit) {
  auto conn = borrow();
  const auto rows = conn->exec(
      "SELECT text, time, confidence, best_question, channel FROM gaps ORDER BY time DESC, id DESC LIMIT $1::bigint",
      // LIMIT is a bigint: a "no limit" of SIZE_MAX would not fit.
      {std::to_string(sql_count(limit))});
  std::vector<Gap> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    Gap g;
    g.text = r.at(0);
    g.time = parse<std::int64_t>(r.at(1));
    g.confidence = parse<double>(r.at(2));
    g.best_question = r.at(3);
    g.channel = r.at(4);
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace qabot::state
