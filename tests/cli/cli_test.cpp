// Runs the real qabot binary the way a user or a script does.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>
#include <string>

#include "cli/qabot_cli.hpp"
#include "support/temp_dir.hpp"

using qabot::test_support::TempDir;

namespace {

using qabot::test_support::run_qabot;
const auto quote = qabot::test_support::shell_quote;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (dir_ / "q.db").string();
    auto r = run_qabot(dir_, "index data --db " + quote(db_));
    ASSERT_EQ(r.status, 0) << r.out << qabot::test_support::read_all(dir_ / "stderr.txt");
  }
  TempDir dir_;
  std::string db_;
};

}  // namespace

TEST_F(CliTest, IndexReportsWhatItDid) {
  auto r = run_qabot(dir_, "index data --db " + quote(db_));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("24 questions"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 unchanged"), std::string::npos) << r.out;
}

TEST_F(CliTest, AskPrintsTheBnAnswer) {
  auto r = run_qabot(dir_, "ask --db " + quote(db_) + " BN有什么作用");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("BN有什么作用"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("加速训练"), std::string::npos) << r.out;
}

// The shipped glossary is what bridges an English question to a Chinese note; running qabot from
// another directory (here the test's temp dir, which has no data/) must not silently lose it.
TEST_F(CliTest, TheGlossaryIsFoundFromAnyWorkingDirectory) {
  const std::string ask = "ask --json --db " + quote(db_) + " " + quote("how to prevent overfitting");
  auto elsewhere = run_qabot(dir_, ask, "", dir_.path().string());
  ASSERT_EQ(elsewhere.status, 0) << qabot::test_support::read_all(dir_ / "stderr.txt");
  EXPECT_NE(elsewhere.out.find("\"matched\":true"), std::string::npos) << elsewhere.out;
  EXPECT_NE(elsewhere.out.find("如何防止过拟合"), std::string::npos) << elsewhere.out;

  // Without the built-in glossary the same question finds nothing: the check above depends on it.
  auto bare = run_qabot(dir_, ask + " --no-default-synonyms", "", dir_.path().string());
  ASSERT_EQ(bare.status, 0);
  EXPECT_EQ(bare.out.find("\"matched\":true"), std::string::npos) << bare.out;
}

// A mistake in the user's own glossary stops the command with the file and the line, said once.
TEST_F(CliTest, ABrokenGlossaryFileIsNamedWithItsLine) {
  const auto bad = dir_.write("my-glossary.txt", "ok, fine\n=> nothing on the left\n");
  auto r = run_qabot(dir_, "ask --db " + quote(db_) + " --synonyms " + quote(bad.string()) + " BN有什么作用");
  EXPECT_NE(r.status, 0);
  const std::string err = qabot::test_support::read_all(dir_ / "stderr.txt");
  const auto named = err.find("my-glossary.txt");
  ASSERT_NE(named, std::string::npos) << err;
  EXPECT_EQ(err.find("my-glossary.txt", named + 1), std::string::npos) << err;
  EXPECT_NE(err.find("line 2"), std::string::npos) << err;
}

TEST_F(CliTest, JsonLinesFromStdin) {
  auto r = run_qabot(dir_, "ask --json --top-k 2 --db " + quote(db_), "BN有什么作用\nhello\n\n");
  ASSERT_EQ(r.status, 0);
  std::istringstream lines(r.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(j.contains("matched"));
    EXPECT_TRUE(j["hits"].is_array());
    EXPECT_LE(j["hits"].size(), 2u);
    for (const auto& h : j["hits"]) {
      for (const char* key : {"id", "question", "category", "score", "confidence", "source"})
        EXPECT_TRUE(h.contains(key)) << key;
    }
    if (n == 0) {
      EXPECT_TRUE(j["matched"].get<bool>());
      EXPECT_EQ(j["hits"][0]["question"], "BN有什么作用");
    } else if (n == 1) {
      EXPECT_FALSE(j["matched"].get<bool>());
    }
    ++n;
  }
  EXPECT_EQ(n, 3);  // one line per input line, blank included
}

TEST_F(CliTest, HostileQueriesNeverFail) {
  const std::string hostile =
      "\"\n\"\"\"\n*\nNEAR(\nNEAR(bn pooling, 2)\nbn AND\nAND OR NOT\n-\n^bn\ncategory:bn\nquestion : BN\n((((\n"
      "bn\" OR \"x\n😀🔥🎉\n" +
      std::string("a\0b", 3) + "\n" + std::string(10000, 'x') + "\n" + "是" + std::string(3000, '?') +
      "\n'; DROP TABLE questions; --\n\\\n{bn}\n\xEE\x80\x80"
      "bn\n\xff\xfe invalid\n";
  auto r = run_qabot(dir_, "ask --json --db " + quote(db_), hostile);
  EXPECT_EQ(r.status, 0) << qabot::test_support::read_all(dir_ / "stderr.txt");
  std::istringstream lines(r.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
    ++n;
  }
  EXPECT_EQ(n, 22);
  EXPECT_EQ(qabot::test_support::read_all(dir_ / "stderr.txt"), "");
}

TEST_F(CliTest, MissingIndexIsAClearError) {
  auto r = run_qabot(dir_, "ask --db " + quote((dir_ / "none.db").string()) + " hi");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(qabot::test_support::read_all(dir_ / "stderr.txt").find("qabot index"), std::string::npos);
}

TEST_F(CliTest, MissingNotesPathIsAClearError) {
  auto r = run_qabot(dir_, "index /no/such/dir --db " + quote(db_));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(qabot::test_support::read_all(dir_ / "stderr.txt").find("/no/such/dir"), std::string::npos);
}

TEST_F(CliTest, BadFileGivesExitTwoAndOthersAreIndexed) {
  dir_.write("notes/good.md", "## T\n\n### 什么是dropout\n\n随机失活。\n");
  dir_.write("notes/bad.md", std::string("### Q\n\n\x00\x01\xff", 10));
  auto r = run_qabot(dir_, "index " + quote((dir_ / "notes").string()) + " --db " + quote((dir_ / "n.db").string()));
  EXPECT_EQ(r.status, 2);
  const auto err = qabot::test_support::read_all(dir_ / "stderr.txt");
  EXPECT_NE(err.find("bad.md"), std::string::npos) << err;
  EXPECT_NE(err.find("byte"), std::string::npos) << err;
  auto a = run_qabot(dir_, "ask --json --db " + quote((dir_ / "n.db").string()) + " dropout");
  EXPECT_NE(a.out.find("什么是dropout"), std::string::npos) << a.out;
}

// A terminal renders no TeX: `ask` shows a note's math as code (inline → `…`, display → ```tex).
TEST(CliMathTest, AskShowsMathAsCode) {
  TempDir dir;
  const std::string db = (dir / "m.db").string();
  ASSERT_EQ(run_qabot(dir, "index tests/fixtures/math --db " + quote(db)).status, 0);
  auto r = run_qabot(dir, "ask --db " + quote(db) + " KL散度的定义和公式");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("下标 `p_i` 和 `q_i`"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("```tex\nD_{KL}(P \\| Q) = \\sum_i p_i \\log \\frac{p_i}{q_i}\n```"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("熵写作 `H(p) = -\\sum_i p_i \\log p_i`"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('$'), std::string::npos) << r.out;
}
