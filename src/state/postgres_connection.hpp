#pragma once
// One libpq connection, used by one thread at a time (PostgresStateStore's pool hands it out). The
// only file that includes libpq-fe.h, so the C API stays behind this small surface.
//
// Every statement goes through PQexecParams with text parameters: values are never spliced into SQL.
// When the server went away (a PostgreSQL restart, a failover, an idle connection cut by a proxy),
// the statement is retried once on a reset connection, so a replica recovers by itself on its next
// request instead of failing until it is restarted.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;

namespace qabot::state {

// `message` with every occurrence of `secret` replaced by "***" (nothing when `secret` is empty).
std::string scrub_secret(std::string message, std::string_view secret);

class PostgresConnection {
 public:
  using Row = std::vector<std::string>;  // text values; SQL NULL reads as ""

  // Throws StateError when the server cannot be reached or refuses; the message never carries the
  // password of `uri`.
  explicit PostgresConnection(const std::string& uri);
  ~PostgresConnection();
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // Runs one statement with $1…$n bound to `params`; returns its rows. Throws StateError.
  // `retry`: reconnect and run again once when the connection turns out to be broken. Off inside an
  // explicit transaction, whose earlier statements died with the old connection.
  std::vector<Row> exec(std::string_view sql, const std::vector<std::string>& params = {}, bool retry = true);

  // Times the connection was re-established after a break (for tests and logs).
  std::size_t resets() const { return resets_; }

 private:
  std::string scrub(std::string message) const;

  pg_conn* conn_ = nullptr;
  std::string password_;  // only to remove it from error messages
  std::string where_;     // user@host:port/db, for messages
  std::size_t resets_ = 0;
};

}  // namespace qabot::state
