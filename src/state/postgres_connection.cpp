#include "state/postgres_connection.hpp"

#include <libpq-fe.h>

#include <memory>

#include "state/state_store.hpp"

namespace qabot::state {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The connection parameters a URI names, read by libpq's own parser so that every form it accepts
// (URI, key=value, percent-encoding) is understood the same way here.
struct Target {
  std::string password;
  std::string where;
};

Target parse_target(const std::string& uri) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (options == nullptr) {
    // libpq's message quotes the whole string, password included: say what is wrong without it.
    if (error != nullptr) PQfreemem(error);
    throw StateError(
        "postgres state store: not a valid connection URI (expected postgres://USER[:PASSWORD]@HOST[:PORT]/DB)");
  }
  Target t;
  std::string user, host, port, db;
  for (auto* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view key = o->keyword;
    if (key == "password") t.password = o->val;
    if (key == "user") user = o->val;
    if (key == "host" || (key == "hostaddr" && host.empty())) host = o->val;
    if (key == "port") port = o->val;
    if (key == "dbname") db = o->val;
  }
  PQconninfoFree(options);
  t.where = (user.empty() ? "" : user + "@") + (host.empty() ? "localhost" : host) + (port.empty() ? "" : ":" + port) +
            "/" + db;
  return t;
}

}  // namespace

PostgresConnection::PostgresConnection(const std::string& uri) {
  auto target = parse_target(uri);
  password_ = std::move(target.password);
  where_ = std::move(target.where);
  // Defaults first, the URI last: with expand_dbname, later entries override earlier ones, so a
  // setting in the URI wins over ours. Without these bounds a database that stops answering would
  // hold each call for the kernel's TCP timeouts (minutes): connect_timeout bounds connecting,
  // keepalives and tcp_user_timeout a connection whose packets vanish, statement_timeout a query.
  const char* keywords[] = {"connect_timeout",  "keepalives",
                            "keepalives_idle",  "keepalives_interval",
                            "keepalives_count", "tcp_user_timeout",
                            "options",          "application_name",
                            "dbname",           nullptr};
  const char* values[] = {"10",    "1",         "30",   "10", "3", "10000", "-c statement_timeout=10000",
                          "qabot", uri.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, 1);
  if (conn_ == nullptr) throw StateError("postgres state store: out of memory");
  // libpq prints server notices ("relation … already exists, skipping" from the migrations'
  // IF NOT EXISTS) on stderr by default, where they would read as problems in a replica's log.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = scrub(trim(PQerrorMessage(conn_)));
    PQfinish(conn_);
    conn_ = nullptr;
    throw StateError("postgres state store: cannot connect to " + where_ + ": " + message);
  }
}

PostgresConnection::~PostgresConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

std::string scrub_secret(std::string message, std::string_view secret) {
  if (secret.empty()) return message;
  // Go on after each "***": a secret such as "*" would otherwise be found in it again forever.
  for (auto at = message.find(secret); at != std::string::npos; at = message.find(secret, at + 3)) {
    message.replace(at, secret.size(), "***");
  }
  return message;
}

std::string PostgresConnection::scrub(std::string message) const { return scrub_secret(std::move(message), password_); }

std::vector<PostgresConnection::Row> PostgresConnection::exec(std::string_view sql,
                                                              const std::vector<std::string>& params, bool retry) {
  const std::string statement(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());

  for (int attempt = 0;; ++attempt) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      // Broken earlier (the server restarted while this connection sat in the pool): try to come
      // back before giving up on the request.
      PQreset(conn_);
      ++resets_;
      if (PQstatus(conn_) != CONNECTION_OK) {
        throw StateError("postgres state store: connection to " + where_ +
                         " lost and not re-established: " + scrub(trim(PQerrorMessage(conn_))));
      }
    }
    Result result(PQexecParams(conn_, statement.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                               nullptr, nullptr, 0));
    const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      std::vector<Row> rows;
      const int n = PQntuples(result.get());
      const int columns = PQnfields(result.get());
      rows.reserve(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) {
        Row row;
        row.reserve(static_cast<std::size_t>(columns));
        for (int c = 0; c < columns; ++c) row.emplace_back(PQgetvalue(result.get(), i, c));
        rows.push_back(std::move(row));
      }
      return rows;
    }
    // A statement that failed on a live connection (a constraint, a syntax error) is not retried;
    // one that failed because the connection died is, once: the server may be back already.
    if (PQstatus(conn_) == CONNECTION_BAD && retry && attempt == 0) continue;
    const char* detail = result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_);
    throw StateError("postgres state store: " + scrub(trim(detail)));
  }
}

}  // namespace qabot::state
