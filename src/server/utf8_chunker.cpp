#include "server/utf8_chunker.hpp"

#include <algorithm>

namespace qabot::server {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::size_t utf8_prefix_length(std::string_view text, std::size_t max_bytes) {
  if (max_bytes >= text.size()) return text.size();
  if (max_bytes == 0) return 0;
  // Step back from the cut while it sits inside a sequence; a sequence is at most 4 bytes, so more
  // than 3 continuation bytes means invalid input and the cut stays where it was.
  std::size_t cut = max_bytes;
  std::size_t steps = 0;
  while (cut > 0 && steps < 4 && is_continuation(static_cast<unsigned char>(text[cut]))) {
    --cut;
    ++steps;
  }
  if (steps == 4) return max_bytes;
  if (cut > 0) return cut;
  // The first code point is longer than max_bytes: take it whole.
  std::size_t end = 1;
  while (end < text.size() && end < 4 && is_continuation(static_cast<unsigned char>(text[end]))) ++end;
  return end;
}

std::vector<std::string> utf8_chunks(std::string_view text, std::size_t target_chunks,
                                     std::size_t min_chunk_bytes) {
  std::vector<std::string> chunks;
  if (text.empty()) return chunks;
  target_chunks = std::max<std::size_t>(target_chunks, 1);
  const std::size_t size = std::max({(text.size() + target_chunks - 1) / target_chunks, min_chunk_bytes,
                                     std::size_t{1}});
  while (!text.empty()) {
    const std::size_t n = utf8_prefix_length(text, size);
    chunks.emplace_back(text.substr(0, n));
    text.remove_prefix(n);
  }
  return chunks;
}

}  // namespace qabot::server
