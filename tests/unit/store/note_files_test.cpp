#include "store/note_files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "ingest/image_type.hpp"
#include "support/temp_dir.hpp"

using qabot::store::NoteFile;
using qabot::store::NoteFiles;
using qabot::test_support::TempDir;

namespace {

const std::string kPng("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0", 29);

// A notes root with an image, a text file named like one, a private photo and
// links in and out.
class NoteFilesTest : public ::testing::Test {
 protected:
  NoteFilesTest() {
    dir_.write("notes/ml/images/conv.png", kPng);
    dir_.write("notes/ml/images/fake.png", "just text, not an image\n");
    dir_.write("notes/private/me.jpg", "\xFF\xD8\xFF\xE0 a private photo");
    dir_.write("outside/secret.png", kPng);
    std::filesystem::create_symlink(dir_ / "outside/secret.png", dir_ / "notes/ml/images/escape.png");
    std::filesystem::create_symlink("conv.png", dir_ / "notes/ml/images/alias.png");
  }

  NoteFiles files(std::optional<std::unordered_set<std::string>> referenced = std::nullopt) const {
    return NoteFiles({{"notes", dir_ / "notes"}}, std::move(referenced));
  }

  static std::string refusal(const std::variant<NoteFile, std::string>& opened) {
    const auto* why = std::get_if<std::string>(&opened);
    return why ? *why : std::string();
  }

  TempDir dir_;
};

}  // namespace

TEST_F(NoteFilesTest, ServesAnImageBelowItsRoot) {
  auto opened = files().open("notes/ml/images/conv.png");
  ASSERT_TRUE(std::holds_alternative<NoteFile>(opened)) << refusal(opened);
  const auto& file = std::get<NoteFile>(opened);
  EXPECT_EQ(file.body, kPng);
  EXPECT_EQ(file.content_type, "image/png");
  EXPECT_EQ(file.etag.front(), '"');
  EXPECT_GT(file.modified, 0);
}

TEST_F(NoteFilesTest, HeadReadsOnlyEnoughToTellTheType) {
  auto opened = files().open("notes/ml/images/conv.png", NoteFiles::Read::Head);
  ASSERT_TRUE(std::holds_alternative<NoteFile>(opened));
  EXPECT_EQ(std::get<NoteFile>(opened).body.size(), qabot::ingest::ImageType::kSniffBytes);
}

TEST_F(NoteFilesTest, ALinkInsideTheRootIsFollowed) {
  EXPECT_EQ(refusal(files().open("notes/ml/images/alias.png")), "");
}

TEST_F(NoteFilesTest, ALinkOutOfTheRootIsRefused) {
  EXPECT_EQ(refusal(files().open("notes/ml/images/escape.png")), "a link that leaves its indexed folder");
}

TEST_F(NoteFilesTest, TextNamedPngIsNotAnImage) {
  EXPECT_NE(refusal(files().open("notes/ml/images/fake.png")).find("not an image"), std::string::npos);
}

TEST_F(NoteFilesTest, OnlyImageNamesAreOpened) {
  dir_.write("notes/ml/a.svg", "<svg/>");
  dir_.write("notes/ml/n.md", "# note");
  EXPECT_NE(refusal(files().open("notes/ml/a.svg")).find("not a supported image type"), std::string::npos);
  EXPECT_NE(refusal(files().open("notes/ml/n.md")).find("not a supported image type"), std::string::npos);
}

TEST_F(NoteFilesTest, MissingFilesAndUnknownRootsAreRefused) {
  EXPECT_EQ(refusal(files().open("notes/ml/images/gone.png")), "missing");
  EXPECT_EQ(refusal(files().open("outside/secret.png")), "outside the indexed folders");
  EXPECT_EQ(refusal(files().open("secret.png")), "outside the indexed folders");
  // Names come normalised from NoteImage/NoteRequest; one that is not still
  // cannot climb out.
  EXPECT_EQ(refusal(files().open("notes/../outside/secret.png")), "a link that leaves its indexed folder");
}

TEST_F(NoteFilesTest, ADirectoryOrFifoNamedLikeAnImageIsRefused) {
  std::filesystem::create_directories(dir_ / "notes/dir.png");
  ASSERT_EQ(::mkfifo((dir_ / "notes/pipe.png").c_str(), 0600), 0);
  EXPECT_EQ(refusal(files().open("notes/dir.png")), "not a regular file");
  EXPECT_EQ(refusal(files().open("notes/pipe.png")), "not a regular file");
}

TEST_F(NoteFilesTest, FilesOverTheCapAreRefused) {
  const auto big = dir_.write("notes/big.png", kPng);
  std::filesystem::resize_file(big, NoteFiles::kMaxBytes + 1);  // sparse: no 20 MiB written
  EXPECT_EQ(refusal(files().open("notes/big.png")), "larger than 20 MiB");
}

TEST_F(NoteFilesTest, OnlyReferencedImagesAreServedWhenTheSetIsGiven) {
  const auto served = files(std::unordered_set<std::string>{"notes/ml/images/conv.png"});
  EXPECT_EQ(refusal(served.open("notes/ml/images/conv.png")), "");
  EXPECT_EQ(refusal(served.open("notes/private/me.jpg")), "not referenced by any note");
  EXPECT_EQ(refusal(files().open("notes/private/me.jpg")),
            "");  // the builder's check: any image
}
