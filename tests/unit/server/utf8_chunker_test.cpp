#include "server/utf8_chunker.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace qabot::server {
namespace {

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

std::string join(const std::vector<std::string>& parts) {
  return std::accumulate(parts.begin(), parts.end(), std::string());
}

TEST(Utf8ChunkerTest, PrefixNeverSplitsACodePoint) {
  const std::string s = "a加速😀b";  // 1 + 3 + 3 + 4 + 1 bytes
  EXPECT_EQ(utf8_prefix_length(s, 1), 1u);
  EXPECT_EQ(utf8_prefix_length(s, 2), 1u);
  EXPECT_EQ(utf8_prefix_length(s, 3), 1u);
  EXPECT_EQ(utf8_prefix_length(s, 4), 4u);
  EXPECT_EQ(utf8_prefix_length(s, 10), 7u);
  EXPECT_EQ(utf8_prefix_length(s, 11), 11u);
  EXPECT_EQ(utf8_prefix_length(s, 100), s.size());
}

TEST(Utf8ChunkerTest, PrefixTakesAWholeCodePointWhenTheLimitIsSmaller) {
  EXPECT_EQ(utf8_prefix_length("😀x", 1), 4u);
  EXPECT_EQ(utf8_prefix_length("加", 2), 3u);
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
        EXPECT_TRUE(valid_utf8(c)) << c;
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
