#include "ingest/note_scanner.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

using qabot::ingest::NoteScanner;
namespace fs = std::filesystem;

namespace {

// A fresh directory removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "qabot-scanner-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write(const fs::path& file, const std::string& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << bytes;
}

}  // namespace

TEST(NoteScannerTest, FindsMarkdownRecursivelySortedSkippingHiddenAndVendored) {
  TempDir dir;
  const fs::path& root = dir.path();
  write(root / "b" / "z.md", "# z");
  write(root / "a.markdown", "# a");
  write(root / "b" / "c" / "deep.MD", "# deep");
  write(root / "b" / "notes.txt", "not markdown");
  write(root / ".git" / "x.md", "# hidden dir");
  write(root / "b" / ".draft.md", "# hidden file");
  write(root / "node_modules" / "pkg" / "README.md", "# vendored");

  const auto files = NoteScanner{}.list_files({root});
  const std::vector<fs::path> expected{root / "a.markdown", root / "b" / "c" / "deep.MD", root / "b" / "z.md"};
  EXPECT_EQ(files, expected);
}

TEST(NoteScannerTest, NamedFilesAreTakenAndDuplicatesRemoved) {
  TempDir dir;
  write(dir.path() / "notes.txt", "# named explicitly");
  write(dir.path() / "q.md", "# q");
  const auto files =
      NoteScanner{}.list_files({dir.path() / "notes.txt", dir.path(), dir.path() / "q.md", dir.path() / "missing.md"});
  EXPECT_EQ(files, (std::vector<fs::path>{dir.path() / "notes.txt", dir.path() / "q.md"}));
}

TEST(NoteScannerTest, ReadsAndDecodes) {
  TempDir dir;
  write(dir.path() / "win.md", "\xEF\xBB\xBF## 问题\r\n\r\n答案\r\n");
  const auto r = NoteScanner{}.read_file(dir.path() / "win.md");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.text, "## 问题\n\n答案\n");
}

TEST(NoteScannerTest, ReadErrorsAreValues) {
  TempDir dir;
  const auto missing = NoteScanner{}.read_file(dir.path() / "missing.md");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error->message.find("missing.md"), std::string::npos);

  write(dir.path() / "image.md", std::string("\x89PNG\r\n\x1a\n\0\0", 10));
  const auto binary = NoteScanner{}.read_file(dir.path() / "image.md");
  ASSERT_FALSE(binary.ok());
  EXPECT_EQ(binary.error->offset, 0u);
}
