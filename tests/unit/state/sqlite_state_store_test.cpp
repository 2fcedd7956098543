#include "state/sqlite_state_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "sqlite/database.hpp"
#include "support/temp_dir.hpp"

namespace qabot::state {
namespace {

using test_support::TempDir;

Card make_card(std::string user, std::string key, int box, std::int64_t due) {
  Card c;
  c.user = std::move(user);
  c.question_key = std::move(key);
  c.box = box;
  c.due = due;
  c.reviewed = due - 100;
  c.reviews = box + 1;
  c.correct = box;
  c.last_score = 0.75;
  return c;
}

TEST(SqliteStateStoreTest, CardsRoundTripAndReplaceByUserAndKey) {
  TempDir dir;
  SqliteStateStore store(dir / "state.db");
  EXPECT_TRUE(store.cards("alice").empty());
  EXPECT_FALSE(store.card("alice", "a.md\nQ1").has_value());

  store.put_card(make_card("alice", "a.md\nQ1", 1, 1000));
  store.put_card(make_card("alice", "a.md\nQ2", 0, 500));
  store.put_card(make_card("bob", "a.md\nQ1", 3, 9000));
  store.put_card(make_card("alice", "a.md\nQ1", 2, 2000));  // replaces

  const auto alice = store.cards("alice");
  ASSERT_EQ(alice.size(), 2u);
  const auto q1 = store.card("alice", "a.md\nQ1");
  ASSERT_TRUE(q1.has_value());
  EXPECT_EQ(q1->box, 2);
  EXPECT_EQ(q1->due, 2000);
  EXPECT_EQ(q1->reviewed, 1900);
  EXPECT_EQ(q1->reviews, 3);
  EXPECT_EQ(q1->correct, 2);
  EXPECT_DOUBLE_EQ(q1->last_score, 0.75);
  EXPECT_EQ(store.card("bob", "a.md\nQ1")->box, 3);
  EXPECT_EQ(store.engine(), "sqlite");
}

TEST(SqliteStateStoreTest, PendingIsOnePerUser) {
  TempDir dir;
  SqliteStateStore store(dir / "state.db");
  EXPECT_FALSE(store.pending("alice").has_value());
  store.set_pending({"alice", "k1", 7, "ML", 100});
  store.set_pending({"alice", "k2", 8, "", 200});
  const auto p = store.pending("alice");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->question_key, "k2");
  EXPECT_EQ(p->question_id, 8);
  EXPECT_EQ(p->category, "");
  EXPECT_EQ(p->asked, 200);
  EXPECT_FALSE(store.pending("bob").has_value());
  store.clear_pending("alice");
  EXPECT_FALSE(store.pending("alice").has_value());
  store.clear_pending("nobody");  // not an error
}

TEST(SqliteStateStoreTest, GapsNewestFirstWithLimit) {
  TempDir dir;
  SqliteStateStore store(dir / "state.db");
  store.record_gap({"first", 10, 0.1, "Q?", "web"});
  store.record_gap({"third", 30, 0.0, "", "slack"});
  store.record_gap({"second", 20, 0.2, "Q2?", "api"});
  const auto all = store.gaps(10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].text, "third");
  EXPECT_EQ(all[0].channel, "slack");
  EXPECT_EQ(all[1].text, "second");
  EXPECT_DOUBLE_EQ(all[1].confidence, 0.2);
  EXPECT_EQ(all[1].best_question, "Q2?");
  EXPECT_EQ(all[2].text, "first");
  EXPECT_EQ(store.gaps(2).size(), 2u);
}

TEST(SqliteStateStoreTest, PersistsAcrossReopenAndRecordsSchemaVersion) {
  TempDir dir;
  {
    SqliteStateStore store(dir / "state.db");
    store.put_card(make_card("alice", "k", 4, 42));
    store.set_pending({"alice", "k", 1, "", 5});
  }
  SqliteStateStore again(dir / "state.db");
  EXPECT_EQ(again.card("alice", "k")->box, 4);
  EXPECT_EQ(again.pending("alice")->question_key, "k");
}

TEST(SqliteStateStoreTest, RefusesNewerSchemaAndForeignFiles) {
  TempDir dir;
  { SqliteStateStore store(dir / "newer.db"); }
  {
    sqlite::Database db(dir / "newer.db", sqlite::Database::Mode::ReadWriteCreate);
    db.exec("PRAGMA user_version = " + std::to_string(kStateSchemaVersion + 1));
  }
  EXPECT_THROW(SqliteStateStore(dir / "newer.db"), StateError);
  {
    sqlite::Database db(dir / "other.db", sqlite::Database::Mode::ReadWriteCreate);
    db.exec("CREATE TABLE invoices (id INTEGER)");
  }
  EXPECT_THROW(SqliteStateStore(dir / "other.db"), StateError);
  EXPECT_THROW(SqliteStateStore(dir / "missing-dir" / "x" / "state.db"), StateError);
}

// Gaps logged by a build that named the page's channel "web" and POST /api/ask's "api" read back under
// the names the metrics use once a newer build opens the file.
TEST(SqliteStateStoreTest, OldChannelNamesInTheGapsLogAreMigrated) {
  TempDir dir;
  {
    SqliteStateStore store(dir / "state.db");
    const std::vector<Gap> old = {{"from the page", 1, 0.1, "", "web"},
                                  {"from a script", 2, 0.1, "", "api"},
                                  {"from a relay", 3, 0.1, "", "ws"},
                                  {"from slack", 4, 0.1, "", "slack"}};
    store.record_gaps(old);
  }
  {
    sqlite::Database db(dir / "state.db", sqlite::Database::Mode::ReadWriteCreate);
    db.exec("PRAGMA user_version = 1");  // as the older build left it
  }
  SqliteStateStore again(dir / "state.db");
  std::vector<std::string> channels;
  for (const auto& g : again.gaps(10)) channels.push_back(g.channel);
  EXPECT_EQ(channels, (std::vector<std::string>{"slack", "ws", "http", "ws"}));
}

TEST(SqliteStateStoreTest, OpenStateStoreReadsSpecs) {
  TempDir dir;
  auto plain = open_state_store((dir / "a.db").string());
  EXPECT_EQ(plain->engine(), "sqlite");
  auto prefixed = open_state_store("sqlite:" + (dir / "b.db").string());
  prefixed->record_gap({"x", 1, 0, "", "ws"});
  EXPECT_TRUE(std::filesystem::exists(dir / "b.db"));
  EXPECT_THROW(open_state_store("postgres://localhost/qabot"), StateError);
  EXPECT_THROW(open_state_store("postgresql://localhost/qabot"), StateError);
  EXPECT_THROW(open_state_store("sqlite:"), StateError);
}

TEST(SqliteStateStoreTest, SafeFromManyThreads) {
  TempDir dir;
  SqliteStateStore store(dir / "state.db");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string user = "u" + std::to_string(t);
      for (int i = 0; i < 50; ++i) {
        try {
          store.put_card(make_card(user, "k" + std::to_string(i), i % 5, i));
          store.record_gap({"gap", i, 0, "", "ws"});
          if (store.card(user, "k" + std::to_string(i))->due != i) ++failures;
        } catch (const StateError&) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < 4; ++t) EXPECT_EQ(store.cards("u" + std::to_string(t)).size(), 50u);
  EXPECT_EQ(store.gaps(1000).size(), 200u);
}

}  // namespace
}  // namespace qabot::state
