// PostgreSQL-only behaviour: migrations under concurrent start, recovery from a broken connection,
// and error messages that keep the password out of logs.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "state/postgres_connection.hpp"
#include "state/postgres_state_store.hpp"
#include "unit/state/state_store_test_support.hpp"

namespace qabot::state {
namespace {

class PostgresStateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uri_ = testing::fresh_postgres_database();
    if (uri_.empty()) GTEST_SKIP() << "QABOT_TEST_PG_URI not set: run through tests/support/pg_temp.sh run";
  }
  std::string uri_;
};

TEST_F(PostgresStateStoreTest, ReplicasStartingTogetherMigrateOnce) {
  constexpr int kReplicas = 6;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&] {
      try {
        PostgresStateStore store(uri_);
      } catch (const StateError& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  PostgresConnection conn(uri_);
  const auto rows = conn.exec("SELECT version, count(*) FROM qabot_schema GROUP BY version ORDER BY version");
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(PostgresStateStore::schema_version()));
  for (const auto& r : rows) EXPECT_EQ(r.at(1), "1") << "version " << r.at(0) << " applied more than once";
}

TEST_F(PostgresStateStoreTest, RefusesASchemaNewerThanItKnows) {
  { PostgresStateStore store(uri_); }
  PostgresConnection conn(uri_);
  conn.exec("INSERT INTO qabot_schema (version) VALUES ($1::integer)",
            {std::to_string(PostgresStateStore::schema_version() + 1)});
  try {
    PostgresStateStore store(uri_);
    FAIL() << "opened a database migrated by a newer qabot";
  } catch (const StateError& e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
}

TEST_F(PostgresStateStoreTest, RecoversWhenTheServerDropsItsConnections) {
  PostgresStateStore store(uri_, 2);
  store.put_card({"alice", "k", 1, 10, 0, 1, 1, 1.0});
  // What a PostgreSQL restart does to a replica's pool: every connection is cut under it.
  PostgresConnection admin(testing::postgres_admin_uri());
  const auto db = uri_.substr(uri_.rfind('/') + 1);
  const auto killed = admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", {db});
  ASSERT_FALSE(killed.empty());
  ASSERT_TRUE(store.card("alice", "k").has_value());  // reconnected once, not failed
  store.put_card({"alice", "k", 2, 10, 0, 2, 2, 1.0});
  EXPECT_EQ(store.card("alice", "k")->box, 2);
}

TEST_F(PostgresStateStoreTest, CarriesOnAfterAServerRestart) {
  const char* restart = std::getenv("QABOT_TEST_PG_RESTART");
  if (restart == nullptr) GTEST_SKIP() << "QABOT_TEST_PG_RESTART not set: run through tests/support/pg_temp.sh run";
  PostgresStateStore store(uri_, 2);
  store.put_card({"alice", "k", 1, 10, 0, 1, 1, 1.0});
  ASSERT_EQ(std::system(restart), 0) << restart;
  // Every pooled connection now points at a server that is gone; the next calls must not fail.
  EXPECT_EQ(store.card("alice", "k")->box, 1);
  store.record_gap({"after restart", 1, 0, "", "ws"});
  EXPECT_EQ(store.gaps(5).size(), 1u);
}

TEST_F(PostgresStateStoreTest, ErrorsNeverShowThePassword) {
  // Nothing listens on port 1 of loopback: the connection is refused at once.
  const std::string password = "Sup3r-Secret-pw";
  for (const auto& uri : {"postgresql://qabot:" + password + "@127.0.0.1:1/qabot",
                          "postgres://qabot:" + password + "@127.0.0.1:1/qabot?sslmode=bogus",
                          "postgres://qabot:" + password + "@[not-an-address/qabot"}) {
    try {
      PostgresStateStore store(uri);
      FAIL() << "connected to " << uri;
    } catch (const StateError& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.find(password), std::string::npos) << message;
      EXPECT_NE(message.find("postgres state store"), std::string::npos) << message;
    }
  }
}

TEST(ScrubSecretTest, RemovesEveryOccurrenceAndEnds) {
  EXPECT_EQ(scrub_secret("auth failed for hunter2 (hunter2)", "hunter2"), "auth failed for *** (***)");
  EXPECT_EQ(scrub_secret("no secret here", ""), "no secret here");
  // A password made of the mask's own characters must not be found in the mask again.
  EXPECT_EQ(scrub_secret("a*b**c", "*"), "a***b******c");
  EXPECT_EQ(scrub_secret("***", "**"), "****");
}

TEST_F(PostgresStateStoreTest, PoolNeverOpensMoreThanItsLimit) {
  PostgresStateStore store(uri_, 2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) store.record_gap({"t" + std::to_string(t), i, 0, "", "ws"});
    });
  }
  for (auto& th : threads) th.join();
  PostgresConnection admin(testing::postgres_admin_uri());
  const auto db = uri_.substr(uri_.rfind('/') + 1);
  const auto rows =
      admin.exec("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'qabot'", {db});
  EXPECT_LE(std::stoi(rows.at(0).at(0)), 2);
  EXPECT_EQ(store.gaps(1000).size(), 120u);
}

}  // namespace
}  // namespace qabot::state
