#pragma once
// Raw note-file bytes → clean UTF-8 markdown.
//
// Notes exported on Windows arrive with a BOM, CRLF line endings or in GB18030; note apps leave
// zero-width spaces and `&emsp;` indentation behind. Everything downstream (the markdown parser,
// the tokenizer) may assume valid UTF-8 with LF line endings after this step.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace qabot::ingest {

struct DecodeError {
  std::size_t offset = 0;  // byte offset of the first bad byte in the raw input
  std::string message;     // for people: what is wrong and where (includes the line)
};

enum class SourceEncoding { Utf8, Utf16, Gb18030 };

struct DecodeResult {
  std::string text;  // normalised UTF-8; empty when error is set
  std::optional<DecodeError> error;
  SourceEncoding encoding = SourceEncoding::Utf8;
  bool had_bom = false;

  bool ok() const { return !error.has_value(); }
};

class TextDecoder {
 public:
  // Detects the encoding (valid UTF-8 always wins; UTF-16 only with a BOM; GB18030 only when the
  // whole file converts cleanly and reads like Chinese text), converts and normalises.
  DecodeResult decode(std::string_view bytes) const;

  // Normalisation of text that is already UTF-8 (exposed for tests):
  //  - CRLF and lone CR become LF; a leading BOM is dropped;
  //  - U+200B, U+2060 and U+FEFF are removed;
  //  - NBSP, U+3000, en/em/thin spaces and the entities &nbsp; &ensp; &emsp; &thinsp; &#x20; …
  //    become ordinary spaces;
  //  - such invisible characters at the start of a line (after any `>` quote markers) are removed
  //    together with the whitespace that follows them, so "ZWSP TAB text" or
  //    "&emsp;&emsp;&emsp;&emsp;text" stays a paragraph instead of turning into an indented code
  //    block;
  //  - lines inside ``` / ~~~ fences are left untouched apart from line endings.
  static std::string normalize(std::string_view utf8);
};

}  // namespace qabot::ingest
