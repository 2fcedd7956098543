// What a build records of the notes' images: the roots (meta 'roots', names
// made unique), the images the notes reference (meta 'images'), and every
// referenced image that cannot be shown, named in its file's coverage entry
// while everything else indexes.

#include <gtest/gtest.h>

#include <algorithm>

#include "store/index_builder.hpp"
#include "store/question_bank.hpp"
#include "support/temp_dir.hpp"

using namespace qabot;
using qabot::test_support::TempDir;

namespace {

const std::string kPng("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0", 29);

const store::FileReport* entry(const store::IndexReport& report, std::string_view path) {
  const auto it = std::find_if(report.coverage.begin(), report.coverage.end(),
                               [&](const store::FileReport& f) { return f.path == path; });
  return it == report.coverage.end() ? nullptr : &*it;
}

}  // namespace

TEST(NoteImagesIndexTest, BrokenImagesAreReportedAndEverythingElseIndexes) {
  TempDir dir;
  dir.write("notes/ml/img/ok.png", kPng);
  dir.write("notes/ml/img/fake.png", "text, not an image");
  dir.write("notes/ml/cnn.md",
            "## What is a convolution?\n\n![ok](img/ok.png) ![fake](img/fake.png)\n"
            "![gone](img/missing.png) ![out](../../out.png) "
            "![web](https://e.com/a.png)\n");
  dir.write("notes/ml/rnn.md", "## What is an RNN?\n\nA recurrent network.\n");
  const auto report = store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  EXPECT_EQ(report.questions, 2u);
  EXPECT_TRUE(report.errors.empty());
  const auto* cnn = entry(report, "notes/ml/cnn.md");
  ASSERT_NE(cnn, nullptr);
  EXPECT_EQ(cnn->status, "parsed");
  EXPECT_NE(cnn->reason.find("image img/fake.png: not an image"), std::string::npos) << cnn->reason;
  EXPECT_NE(cnn->reason.find("image img/missing.png: missing"), std::string::npos) << cnn->reason;
  EXPECT_NE(cnn->reason.find("image ../../out.png: points outside its indexed folder"), std::string::npos);
  EXPECT_EQ(cnn->reason.find("ok.png"), std::string::npos);
  EXPECT_EQ(cnn->reason.find("e.com"), std::string::npos);
  EXPECT_EQ(entry(report, "notes/ml/rnn.md")->reason, "");
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].message.find("missing"), std::string::npos);
  // The stored report says the same.
  EXPECT_NE(store::QuestionBank(dir / "q.db").coverage_report()->find("img/fake.png: not an image"), std::string::npos);
}

TEST(NoteImagesIndexTest, TheServedSetIsTheReferencedImages) {
  TempDir dir;
  dir.write("notes/img/ok.png", kPng);
  dir.write("notes/img/private.png", kPng);
  dir.write("notes/a.md", "## Q?\n\n![ok](./img/ok.png)\n");
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  const auto files = store::QuestionBank(dir / "q.db").note_files();
  ASSERT_EQ(files.roots().size(), 1u);
  EXPECT_EQ(files.roots().begin()->first, "notes");
  EXPECT_TRUE(std::holds_alternative<store::NoteFile>(files.open("notes/img/ok.png")));
  EXPECT_FALSE(std::holds_alternative<store::NoteFile>(files.open("notes/img/private.png")));
}

TEST(NoteImagesIndexTest, AnImageThatGoesMissingIsReportedForAnUnchangedNote) {
  TempDir dir;
  const auto png = dir.write("notes/img/ok.png", kPng);
  dir.write("notes/a.md", "## Q?\n\n![ok](img/ok.png)\n");
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  std::filesystem::remove(png);
  const auto report = store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  ASSERT_EQ(report.coverage.size(), 1u);
  EXPECT_EQ(report.coverage[0].status, "unchanged");
  EXPECT_EQ(report.coverage[0].reason, "image img/ok.png: missing");
}

TEST(NoteImagesIndexTest, RootsOfTheSameNameGetUniqueNamesWhateverTheirOrder) {
  TempDir dir;
  dir.write("a/notes/x.md", "## Q1?\n\nA1.\n");
  dir.write("b/notes/y.md", "## Q2?\n\nA2.\n");
  store::IndexBuilder(dir / "1.db").build({dir / "b/notes", dir / "a/notes"});
  store::IndexBuilder(dir / "2.db").build({dir / "a/notes", dir / "b/notes"});
  for (const char* db : {"1.db", "2.db"}) {
    const auto roots = store::QuestionBank(dir / db).note_files().roots();
    ASSERT_EQ(roots.size(), 2u);
    EXPECT_EQ(roots.at("notes"), std::filesystem::canonical(dir / "a/notes"));
    EXPECT_EQ(roots.at("notes-2"), std::filesystem::canonical(dir / "b/notes"));
    std::vector<std::string> sources;
    for (const auto& q : store::QuestionBank(dir / db).all()) sources.push_back(q.source);
    std::sort(sources.begin(), sources.end());
    EXPECT_EQ(sources, (std::vector<std::string>{"notes-2/y.md", "notes/x.md"}));
  }
}
