#pragma once
// Cuts an answer into delta chunks for streaming without splitting a UTF-8 sequence.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace qabot::server {

// Length of the longest prefix of `text` no longer than `max_bytes` that ends on a code point
// boundary. Returns at least one whole code point when max_bytes > 0 and text is not empty, so a
// caller always makes progress. Invalid bytes count as one-byte code points.
std::size_t utf8_prefix_length(std::string_view text, std::size_t max_bytes);

// Splits `text` into about `target_chunks` pieces (fewer for short texts: no piece is shorter than
// `min_chunk_bytes` except the last), each ending on a code point boundary. Concatenating the pieces
// gives back `text`. An empty text gives no pieces.
std::vector<std::string> utf8_chunks(std::string_view text, std::size_t target_chunks,
                                     std::size_t min_chunk_bytes = 12);

}  // namespace qabot::server
