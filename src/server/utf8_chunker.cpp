#include "server/utf8_chunker.hpp"

#include <algorithm>

#include "text/utf8.hpp"

namespace qabot::server {

std::vector<std::string> utf8_chunks(std::string_view text, std::size_t target_chunks, std::size_t min_chunk_bytes) {
  std::vector<std::string> chunks;
  if (text.empty()) return chunks;
  target_chunks = std::max<std::size_t>(target_chunks, 1);
  const std::size_t size =
      std::max({(text.size() + target_chunks - 1) / target_chunks, min_chunk_bytes, std::size_t{1}});
  while (!text.empty()) {
    std::size_t n = text::utf8_prefix_length(text, size);
    if (n == 0) n = text::decode_utf8(text, 0).length;  // a character longer than a chunk goes whole
    chunks.emplace_back(text.substr(0, n));
    text.remove_prefix(n);
  }
  return chunks;
}

}  // namespace qabot::server
