// Note-file bytes → TextDecoder (what NoteScanner::read_file does with a file's bytes) → MarkdownParser.
// Decoding either fails with an offset inside the input or yields UTF-8 with LF line endings; every
// note found carries valid UTF-8 and a line inside the text.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "ingest/markdown_parser.hpp"
#include "ingest/text_decoder.hpp"

using qabot::fuzz::is_utf8;
using qabot::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto decoded = qabot::ingest::TextDecoder{}.decode(input);
  if (!decoded.ok()) {
    require(decoded.text.empty(), "a failed decode returned text");
    require(decoded.error->offset <= size, "decode error offset outside the input");
    require(!decoded.error->message.empty(), "decode error without a message");
    return 0;
  }
  const std::string& text = decoded.text;
  require(is_utf8(text), "decoded text is not valid UTF-8");
  require(text.find('\r') == std::string_view::npos, "a CR survived decoding");

  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const auto& note : qabot::ingest::MarkdownParser{}.parse(text)) {
    require(note.line >= 1 && note.line <= lines, "note line outside the text", note.question);
    require(is_utf8(note.question) && is_utf8(note.answer), "note text is not valid UTF-8", note.question);
    for (const auto& c : note.category) require(is_utf8(c), "category is not valid UTF-8", c);
  }
  return 0;
}
