#pragma once
// StateStore on PostgreSQL, for several `qabot serve` replicas behind a load balancer: every replica
// opens the same database, so a user's quiz progress and the gaps log follow the user to whichever
// replica answers next (deploy/README.md).
//
// Opening migrates the schema (table qabot_schema holds the version) inside one transaction under an
// advisory lock, so replicas that start together apply each migration exactly once. Calls are safe
// from any thread: each takes a connection from a small pool (opened on demand, at most
// `max_connections`) and gives it back.

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "state/postgres_connection.hpp"
#include "state/state_store.hpp"

namespace qabot::state {

class PostgresStateStore final : public StateStore {
 public:
  // `uri`: a libpq connection URI (postgres://USER[:PASSWORD]@HOST[:PORT]/DB?…). Throws StateError
  // when the database cannot be reached or its schema is newer than this build knows.
  explicit PostgresStateStore(const std::string& uri, std::size_t max_connections = 4);
  ~PostgresStateStore() override;

  std::vector<Card> cards(std::string_view user) override;
  std::optional<Card> card(std::string_view user, std::string_view question_key) override;
  void put_card(const Card& card) override;

  std::optional<PendingQuiz> pending(std::string_view user) override;
  void set_pending(const PendingQuiz& pending) override;
  void clear_pending(std::string_view user) override;
  bool record_review(const PendingQuiz& expected, const Card& reviewed) override;

  void record_gaps(std::span<const Gap> gaps) override;
  std::vector<Gap> gaps(std::size_t limit) override;
  void prune_gaps(std::size_t keep) override;

  std::string_view engine() const override { return "postgres"; }

  // The schema version this build migrates to.
  static int schema_version();

 private:
  // A connection borrowed from the pool for one call; returned by the destructor.
  class Lease {
   public:
    Lease(PostgresStateStore& store, std::unique_ptr<PostgresConnection> conn)
        : store_(store), conn_(std::move(conn)) {}
    ~Lease() { store_.give_back(std::move(conn_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    PostgresConnection* operator->() { return conn_.get(); }

   private:
    PostgresStateStore& store_;
    std::unique_ptr<PostgresConnection> conn_;
  };

  Lease borrow();
  void give_back(std::unique_ptr<PostgresConnection> conn);
  void migrate(PostgresConnection& conn);

  std::string uri_;
  std::size_t max_connections_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;
  std::size_t open_ = 0;  // idle + lent out + being opened
};

}  // namespace qabot::state
