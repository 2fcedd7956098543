#include "server/utf8_chunker.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "text/utf8.hpp"

namespace qabot::server {
namespace {

std::string join(const std::vector<std::string>& parts) {
  return std::accumulate(parts.begin(), parts.end(), std::string());
}

// Where a prefix is cut is text::utf8_prefix_length's (tests/unit/text/utf8_test.cpp).
TEST(Utf8ChunkerTest, ACharacterLongerThanAChunkIsAChunk) {
  EXPECT_EQ(utf8_chunks("😀x", 2, 1), (std::vector<std::string>{"😀", "x"}));
  EXPECT_EQ(utf8_chunks("加加", 6, 1), (std::vector<std::string>{"加", "加"}));
}

TEST(Utf8ChunkerTest, ChunksConcatenateToTheInputAndAreValid) {
  const std::string text =
      "加速训练；\n\n防止过拟合；\n\n缓解梯度消失爆炸；\n\n降低参数初始化要求；Batch Normalization 😀 — done.";
  for (std::size_t target : {1u, 3u, 7u, 20u, 1000u}) {
    for (std::size_t min : {1u, 4u, 12u}) {
      const auto chunks = utf8_chunks(text, target, min);
      EXPECT_EQ(join(chunks), text) << target << "/" << min;
      for (const auto& c : chunks) {
        EXPECT_FALSE(c.empty());
        EXPECT_FALSE(text::first_invalid_utf8(c).has_value()) << c;
      }
    }
  }
}

TEST(Utf8ChunkerTest, AboutTheTargetNumberOfChunks) {
  const std::string text(2000, 'x');
  EXPECT_EQ(utf8_chunks(text, 20).size(), 20u);
}

TEST(Utf8ChunkerTest, ShortTextsGiveFewerChunks) {
  EXPECT_EQ(utf8_chunks("short", 20, 12).size(), 1u);
  EXPECT_EQ(utf8_chunks(std::string(30, 'y'), 20, 12).size(), 3u);
}

TEST(Utf8ChunkerTest, EmptyTextGivesNoChunks) { EXPECT_TRUE(utf8_chunks("", 20).empty()); }

TEST(Utf8ChunkerTest, InvalidBytesStillMakeProgress) {
  const std::string bad = "\x80\x80\x80\x80\x80\x80\xFF\xFE";
  EXPECT_EQ(join(utf8_chunks(bad, 8, 1)), bad);
}

}  // namespace
}  // namespace qabot::server
