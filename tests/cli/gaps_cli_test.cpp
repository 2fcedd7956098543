// `qabot gaps` as a user runs it, over a state file seeded through the real SqliteStateStore.

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/qabot_cli.hpp"
#include "state/sqlite_state_store.hpp"
#include "support/temp_dir.hpp"

using qabot::test_support::TempDir;

namespace {

using qabot::test_support::run_qabot;
const auto quote = qabot::test_support::shell_quote;

class GapsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The default --state: qabot-state.db beside --db (the index itself need not exist).
    qabot::state::SqliteStateStore store(dir_ / "qabot-state.db");
    store.record_gap({"什么是区块链", 10, 0.1, "分布式一致性", "web"});
    store.record_gap({"what is a bloom filter", 20, 0.0, "", "api"});
    store.record_gap({"区块链是什么？", 30, 0.2, "分布式一致性", "slack"});
  }
  std::string db() const { return quote((dir_ / "missing.db").string()); }
  TempDir dir_;
};

}  // namespace

TEST_F(GapsCliTest, JsonGroupsParaphrasesMostAskedFirst) {
  const auto r = run_qabot(dir_, "gaps --db " + db() + " --json");
  ASSERT_EQ(r.status, 0) << qabot::test_support::read_all(dir_ / "stderr.txt");
  const auto groups = nlohmann::json::parse(r.out);
  ASSERT_EQ(groups.size(), 2u) << r.out;
  EXPECT_EQ(groups[0]["count"], 2);
  EXPECT_EQ(groups[0]["last_seen"], 30);
  EXPECT_EQ(groups[0]["closest"], "分布式一致性");
  EXPECT_EQ(groups[0]["examples"].size(), 1u);
  EXPECT_EQ(groups[1]["representative"], "what is a bloom filter");
  EXPECT_EQ(groups[1]["count"], 1);
}

TEST_F(GapsCliTest, TextListAndLimit) {
  auto r = run_qabot(dir_, "gaps --db " + db());
  ASSERT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("3 unanswered questions in 2 groups"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2x"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("also: "), std::string::npos) << r.out;
  r = run_qabot(dir_, "gaps --state " + quote("sqlite:" + (dir_ / "qabot-state.db").string()) + " --limit 1 --json");
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), 1u);
}

TEST_F(GapsCliTest, UnreachableStateIsAClearError) {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  const auto r = run_qabot(dir_, "gaps --state postgres://qabot:hunter2@127.0.0.1:1/qabot");
  EXPECT_NE(r.status, 0);
  const auto err = qabot::test_support::read_all(dir_ / "stderr.txt");
  EXPECT_NE(err.find("cannot connect"), std::string::npos) << err;
  EXPECT_EQ(err.find("hunter2"), std::string::npos) << "the password leaked: " << err;
}

TEST_F(GapsCliTest, NoStateFileIsNotCreated) {
  const auto missing = dir_ / "elsewhere" / "state.db";
  const auto r = run_qabot(dir_, "gaps --state " + quote(missing.string()));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("nothing has been logged"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(GapsCliTest, ControlCharactersFromAsksNeverReachTheTerminal) {
  qabot::state::SqliteStateStore store(dir_ / "qabot-state.db");
  store.record_gap(
      {"\x1b]0;owned\x07\x1b[31mred\nfake line\xc2\x9b"
       "2J",
       40, 0, "", "ws"});
  const auto r = run_qabot(dir_, "gaps --db " + db());
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\x07'), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\xc2\x9b"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\nfake line"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\\u001B[31mred\\u000Afake line\\u009B2J"), std::string::npos) << r.out;
}
