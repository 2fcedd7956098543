#pragma once
// Cuts an answer into delta chunks for streaming without splitting a UTF-8 sequence.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace qabot::server {

// Splits `text` into about `target_chunks` pieces (fewer for short texts: no piece is shorter than
// `min_chunk_bytes` except the last), each ending on a code point boundary (text::utf8_prefix_length;
// a character longer than a piece is one piece). Concatenating the pieces gives back `text`. An
// empty text gives no pieces.
std::vector<std::string> utf8_chunks(std::string_view text, std::size_t target_chunks,
                                     std::size_t min_chunk_bytes = 12);

}  // namespace qabot::server
