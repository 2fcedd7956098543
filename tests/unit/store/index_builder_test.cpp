#include "store/index_builder.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <set>

#include "sqlite/database.hpp"
#include "store/question_bank.hpp"
#include "support/temp_dir.hpp"
#include "text/fts5_tokenizer.hpp"

using namespace qabot;
using qabot::test_support::TempDir;

namespace {
constexpr const char* kNotes =
    "# Notes\n\n## ML\n\n### What is dropout?\n\nRandomly zeroes activations.\n\n"
    "### BN有什么作用\n\n加速训练。\n";
}

TEST(IndexBuilderTest, BuildsAndReads) {
  TempDir dir;
  dir.write("notes/a.md", kNotes);
  auto report = store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  EXPECT_EQ(report.files, 1u);
  EXPECT_EQ(report.questions, 2u);
  EXPECT_TRUE(report.errors.empty());
  store::QuestionBank bank(dir / "q.db");
  EXPECT_EQ(bank.question_count(), 2);
  auto all = bank.all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].question, "What is dropout?");
  EXPECT_EQ(all[0].answer.find("Randomly zeroes"), 0u);
  EXPECT_GT(all[0].line, 0);
  EXPECT_NE(all[0].category.find("ML"), std::string::npos);
}

TEST(IndexBuilderTest, IdsSurviveReindexing) {
  TempDir dir;
  dir.write("notes/a.md", kNotes);
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  auto before = store::QuestionBank(dir / "q.db").all();
  dir.write("notes/a.md", std::string("<!-- moved down -->\n\n\n") + kNotes);  // lines move
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  auto after = store::QuestionBank(dir / "q.db").all();
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(before[i].id, after[i].id);
    EXPECT_NE(before[i].line, after[i].line);
  }
}

TEST(IndexBuilderTest, UnchangedFilesAreNotReparsed) {
  TempDir dir;
  dir.write("notes/a.md", kNotes);
  dir.write("notes/b.md", "## Python\n\n### is和==的区别\n\nis 比较身份。\n");
  auto first = store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  EXPECT_EQ(first.parsed, 2u);
  dir.write("notes/b.md", "## Python\n\n### is和==的区别\n\nis 比较身份，== 比较值。\n");
  auto second = store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  EXPECT_EQ(second.parsed, 1u);
  EXPECT_EQ(second.reused, 1u);
  EXPECT_EQ(second.questions, 3u);
  std::filesystem::remove(dir / "notes/b.md");
  auto third = store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  EXPECT_EQ(third.removed, 1u);
  EXPECT_EQ(third.questions, 2u);
}

// Every title is indexed a second time as title-only twins (text::title_term), and re-indexing an
// edited file removes the old title's twins: FTS5 deletes an external-content row by re-tokenizing
// the values it is given, so the indexer must hand it the marked title again.
TEST(IndexBuilderTest, TitleTwinsFollowEdits) {
  TempDir dir;
  dir.write("notes/a.md",
            "## Norm\n\n### What is BN?\n\nBN normalises activations.\n\n"
            "### Why dropout?\n\nLike BN, a regulariser.\n");
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  {
    store::QuestionBank bank(dir / "q.db");
    EXPECT_EQ(bank.document_frequency("bn"), 2);
    EXPECT_EQ(bank.document_frequency(text::title_term("bn")), 1);
    EXPECT_EQ(bank.document_frequency(text::title_term("dropout")), 1);
    for (const auto& [term, rows] : bank.vocabulary()) EXPECT_FALSE(term.starts_with(text::kTitleMarker)) << term;
  }
  dir.write("notes/a.md",
            "## Norm\n\n### What is pooling?\n\nBN normalises activations.\n\n"
            "### Why dropout?\n\nLike BN, a regulariser.\n");
  auto report = store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  EXPECT_EQ(report.parsed, 1u);
  store::QuestionBank bank(dir / "q.db");
  EXPECT_EQ(bank.document_frequency("bn"), 2);
  EXPECT_EQ(bank.document_frequency(text::title_term("bn")), 0);
  EXPECT_EQ(bank.document_frequency(text::title_term("pool")), 1);
  EXPECT_EQ(bank.document_frequency(text::title_term("dropout")), 1);
}

namespace {
// Every term of the bank with the stable ids of the questions that hold it, as FTS5 finds them
// through its rowids (questions.seq).
std::map<std::string, std::set<std::int64_t>> postings_by_id(const std::filesystem::path& db) {
  store::QuestionBank bank(db);
  auto rows = bank.database().prepare(
      "SELECT q.id FROM questions_fts f JOIN questions q ON q.seq = f.rowid WHERE questions_fts MATCH ?1");
  std::map<std::string, std::set<std::int64_t>> out;
  for (const auto& [term, docs] : bank.vocabulary()) {
    for (const std::string& t : {term, text::title_term(term)}) {
      rows.reset();
      rows.bind(1, text::pre_analyzed_string(t));
      while (rows.step()) out[t].insert(rows.integer(0));
    }
    EXPECT_EQ(static_cast<std::int64_t>(out[term].size()), docs) << term;
  }
  return out;
}
}  // namespace

// Re-indexing replaces a changed file's rows (deleted from FTS5 under their old rowids, added under
// new ones after every other row) and drops a removed file's: what is found afterwards, term by
// term, is exactly what a build from scratch of the same notes finds, under the same question ids.
TEST(IndexBuilderTest, AnIncrementalBuildFindsExactlyWhatAFullBuildFinds) {
  TempDir dir;
  dir.write("notes/a.md", "## A\n\n### What is BN?\n\nBN 加速训练。\n\n### 过拟合怎么办\n\n用 dropout。\n");
  dir.write("notes/b.md", "## B\n\n### is和==的区别\n\nis 比较身份。\n");
  dir.write("notes/c.md", "## C\n\n### 梯度消失\n\n换 ReLU。\n\n### What is pooling?\n\n池化降采样。\n");
  dir.write("notes/d.md", "## D\n\n### LSTM 的门\n\n遗忘门、输入门、输出门。\n");
  store::IndexBuilder(dir / "inc.db").build({dir / "notes"});
  // The first and a middle file change, the last goes, a new one comes.
  dir.write("notes/a.md",
            "## A\n\n### What is BN?\n\nBN 稳定训练，像 dropout 一样正则化。\n\n### 欠拟合怎么办\n\n加容量。\n");
  dir.write("notes/c.md", "## C\n\n### 梯度爆炸\n\n梯度裁剪。\n");
  std::filesystem::remove(dir / "notes/d.md");
  dir.write("notes/e.md", "## E\n\n### What is pooling?\n\nmax pooling 取最大值。\n");
  const auto report = store::IndexBuilder(dir / "inc.db").build({dir / "notes"});
  EXPECT_EQ(report.parsed, 3u);
  EXPECT_EQ(report.reused, 1u);
  EXPECT_EQ(report.removed, 1u);
  store::IndexBuilder(dir / "full.db").build({dir / "notes"});

  const auto incremental = postings_by_id(dir / "inc.db");
  EXPECT_EQ(incremental, postings_by_id(dir / "full.db"));
  EXPECT_TRUE(incremental.count("稳定"));
  EXPECT_FALSE(incremental.count("加速"));  // the old answer of a.md
  EXPECT_FALSE(incremental.count("遗忘"));  // d.md
  EXPECT_EQ(store::QuestionBank(dir / "inc.db").question_count(), 5);
}

// Typo correction reads only the terms that start with a Latin letter: all of them, with the same
// counts as the whole vocabulary, and no Chinese, digit or symbol term.
TEST(IndexBuilderTest, LatinVocabularyIsTheWholeVocabularysLatinPart) {
  TempDir dir;
  dir.write("notes/a.md",
            "## 归一化\n\n### What is BN?\n\nBN 加速训练, zebra 2x == x86.\n\n"
            "### 为什么用 dropout?\n\n正则化; like BN.\n");
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  store::QuestionBank bank(dir / "q.db");
  std::vector<std::pair<std::string, std::int64_t>> expected;
  bool other = false;
  for (const auto& entry : bank.vocabulary()) {
    if (entry.first[0] >= 'a' && entry.first[0] <= 'z') expected.push_back(entry);
    else other = true;
  }
  ASSERT_TRUE(other);  // the bank has terms outside the range, so the range is tested
  EXPECT_EQ(bank.latin_vocabulary(), expected);
  EXPECT_NE(std::find(expected.begin(), expected.end(), std::pair<std::string, std::int64_t>{"zebra", 1}),
            expected.end());
}

// Document frequency is looked up with an FTS5 MATCH on one pre-analysed term: whatever the term
// holds, it is one term, never FTS5 syntax, and a term the bank lacks counts 0.
TEST(IndexBuilderTest, DocumentFrequencyOfAnyTermIsACountNeverAnError) {
  TempDir dir;
  dir.write("notes/a.md", "## Py\n\n### is和==的区别\n\nis 比较身份，== 比较值。\n\n### BN\n\nbatch norm。\n");
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  store::QuestionBank bank(dir / "q.db");
  EXPECT_EQ(bank.document_frequency("=="), 1);
  EXPECT_EQ(bank.document_frequency("bn"), 1);
  for (std::string_view odd : {"", "\"", "a\"b", "NEAR(", "*", "bn OR is", "bn*", "^bn", "\xEE\x80\x80", "\xFF"})
    EXPECT_EQ(bank.document_frequency(odd), 0) << odd;
}

TEST(IndexBuilderTest, ReaderOfOldFileKeepsWorkingDuringReindex) {
  TempDir dir;
  dir.write("notes/a.md", kNotes);
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  store::QuestionBank old_reader(dir / "q.db");
  dir.write("notes/a.md", "## Other\n\n### Completely new question\n\nanswer\n");
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  // The old connection still sees the complete old index (its file was renamed over, not changed).
  EXPECT_EQ(old_reader.all().size(), 2u);
  EXPECT_EQ(old_reader.all()[0].question, "What is dropout?");
  store::QuestionBank new_reader(dir / "q.db");
  ASSERT_EQ(new_reader.all().size(), 1u);
  EXPECT_EQ(new_reader.all()[0].question, "Completely new question");
}

TEST(IndexBuilderTest, InvalidFileIsReportedOthersIndexed) {
  TempDir dir;
  dir.write("notes/good.md", kNotes);
  dir.write("notes/bad.md", std::string("## T\n\n### Q?\n\nok\xff\xfe\x00 binary", 25));
  auto report = store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_NE(report.errors[0].path.find("bad.md"), std::string::npos);
  EXPECT_NE(report.errors[0].message.find("byte"), std::string::npos);
  EXPECT_EQ(report.questions, 2u);
}

TEST(IndexBuilderTest, RefusesToReplaceAForeignFile) {
  TempDir dir;
  dir.write("notes/a.md", kNotes);
  auto precious = dir.write("precious.db", "this is not an index");
  EXPECT_THROW(store::IndexBuilder(precious).build({dir / "notes"}), std::runtime_error);
  EXPECT_EQ(test_support::read_all(precious), "this is not an index");
}

TEST(IndexBuilderTest, WrongSchemaVersionIsAClearError) {
  TempDir dir;
  dir.write("notes/a.md", kNotes);
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  {
    sqlite::Database db(dir / "q.db", sqlite::Database::Mode::ReadWriteCreate);
    db.exec("PRAGMA user_version = 99");
  }
  try {
    store::QuestionBank bank(dir / "q.db");
    FAIL() << "opened an index with the wrong schema";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("version 99"), std::string::npos) << e.what();
  }
  // Re-indexing repairs it.
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  EXPECT_EQ(store::QuestionBank(dir / "q.db").question_count(), 2);
}

TEST(IndexBuilderTest, MissingIndexIsAClearError) {
  TempDir dir;
  try {
    store::QuestionBank bank(dir / "nope.db");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("qabot index"), std::string::npos);
  }
}

TEST(IndexBuilderTest, TruncatedIndexIsAClearError) {
  TempDir dir;
  dir.write("notes/a.md", kNotes);
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  auto bytes = test_support::read_all(dir / "q.db");
  dir.write("q.db", bytes.substr(0, bytes.size() / 3));
  EXPECT_THROW(store::QuestionBank bank(dir / "q.db"), std::runtime_error);
}

TEST(IndexBuilderTest, FailedBuildLeavesOldIndexIntact) {
  TempDir dir;
  dir.write("notes/a.md", kNotes);
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  const auto before = test_support::read_all(dir / "q.db");
  // A file-size limit makes every write past 64 KiB fail, as a full disk would.
  std::string big;
  for (int i = 0; i < 3000; ++i)
    big += "### Question " + std::to_string(i) + "\n\nanswer text " + std::to_string(i) + "\n\n";
  dir.write("notes/big.md", big);
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit old{};
  getrlimit(RLIMIT_FSIZE, &old);
  rlimit small = old;
  small.rlim_cur = 64 * 1024;
  setrlimit(RLIMIT_FSIZE, &small);
  EXPECT_THROW(store::IndexBuilder(dir / "q.db").build({dir / "notes"}), std::exception);
  setrlimit(RLIMIT_FSIZE, &old);
  EXPECT_EQ(test_support::read_all(dir / "q.db"), before);
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

// What users see of a real folder: sources relative to the indexed root (by its name, whatever path
// the server was given), every question with a category, front matter as metadata only, and a
// heading without a topic of its own under its parent — searchable by the parent's words, with the
// bare heading and the id it always had.
TEST(IndexBuilderTest, RealFoldersReadAsAPersonWouldReadThem) {
  TempDir dir;
  dir.write("notes/java/collections.md",
            "---\ntitle: Java 集合\ntag: [容器]\n---\n\n## HashMap 和 Hashtable\n\n线程安全不同。\n\n"
            "### 两者到底有什么区别？\n\nHashtable 的方法加了 synchronized。\n");
  dir.write("notes/faq.md", "## 为什么选择 Java？\n\n生态成熟。\n");
  const auto absolute = std::filesystem::absolute(dir / "notes");
  store::IndexBuilder(dir / "q.db").build({absolute});
  store::QuestionBank bank(dir / "q.db");
  const auto all = bank.all();
  ASSERT_EQ(all.size(), 2u);  // the file's single top heading is its category
  std::map<std::string, store::StoredQuestion> by_heading;
  for (const auto& q : all) by_heading[q.heading] = q;
  const auto& generic = by_heading.at("两者到底有什么区别？");
  EXPECT_EQ(generic.question, "HashMap 和 Hashtable › 两者到底有什么区别？");
  EXPECT_EQ(generic.source, "notes/java/collections.md");
  EXPECT_EQ(generic.tags, "容器");
  EXPECT_EQ(generic.id, store::question_id(generic.path, "两者到底有什么区别？", 0));
  EXPECT_EQ(by_heading.at("为什么选择 Java？").category, "faq");  // no heading path, no front matter
  EXPECT_EQ(by_heading.at("为什么选择 Java？").source, "notes/faq.md");
  for (const auto& q : all) {
    EXPECT_EQ(q.source.find(absolute.string()), std::string::npos) << q.source;
    EXPECT_EQ(q.question.find("title:"), std::string::npos);
  }
  // A tag finds its file's questions like a category word.
  EXPECT_EQ(bank.document_frequency("容器"), 1);
}

// The coverage report: every file found, what became of it and why, stored in the index for whoever
// serves it.
TEST(IndexBuilderTest, CoverageReportNamesEveryFileAndWhy) {
  TempDir dir;
  dir.write("notes/a.md", kNotes);
  dir.write("notes/links.md", "## 目录\n\n- [A](a.md)\n- [B](b.md)\n");
  dir.write("notes/bad.md", std::string("## Q\n\n\xff\xfe\x00 bytes", 15));
  auto report = store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  std::map<std::string, store::FileReport> by_path;
  for (const auto& f : report.coverage) by_path[f.path] = f;
  ASSERT_EQ(by_path.size(), 3u);
  EXPECT_EQ(by_path["notes/a.md"].status, "parsed");
  EXPECT_EQ(by_path["notes/a.md"].questions, 2u);
  EXPECT_EQ(by_path["notes/links.md"].status, "skipped");
  EXPECT_FALSE(by_path["notes/links.md"].reason.empty());
  EXPECT_EQ(by_path["notes/bad.md"].status, "failed");
  EXPECT_FALSE(by_path["notes/bad.md"].reason.empty());
  const auto stored = store::QuestionBank(dir / "q.db").coverage_report();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(*stored, store::coverage_json(report));
  EXPECT_NE(stored->find("\"skipped\":1"), std::string::npos) << *stored;
  // A second build reports unchanged files with their questions.
  report = store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  bool found = false;
  for (const auto& f : report.coverage) {
    if (f.path != "notes/a.md") continue;
    found = true;
    EXPECT_EQ(f.status, "unchanged");
    EXPECT_EQ(f.questions, 2u);
  }
  EXPECT_TRUE(found);
}
