#pragma once
// The metadata block at the top of a note file: YAML between `---` lines (Jekyll, Hugo, VuePress,
// Docusaurus, Obsidian) or TOML between `+++` lines (Hugo). It is read, never indexed as text: its
// `title` names the file, `category`/`categories` and `tags`/`tag` describe it.
//
// Pure: no I/O. YAML goes to yaml-cpp and TOML to toml11; a block that either refuses is still
// recognised by its delimiters (it is metadata, not prose) and comes back with a `problem`.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace qabot::ingest {

struct FrontMatter {
  std::string title;
  std::vector<std::string> categories;  // `category` or `categories`: a string or a list
  std::vector<std::string> tags;        // `tags` or `tag`: a string or a list
  int lines = 0;                        // source lines the block spans, delimiters included (0: no front matter)
  std::string problem;                  // non-empty when the block could not be read ("line 3: …")

  bool present() const { return lines > 0; }
};

class FrontMatterReader {
 public:
  // A block longer than this is not front matter (a stray `---` at the top of a long note).
  static constexpr int kMaxLines = 400;
  // Deeper bracket nesting than this is refused before the YAML/TOML parser sees it: both parse
  // recursively, and a hostile note must not exhaust the stack.
  static constexpr int kMaxNesting = 32;
  // A longer block is metadata nobody wrote by hand: recognised, not read.
  static constexpr std::size_t kMaxBytes = 64 * 1024;

  // Reads the block at the very start of `utf8` (after an optional BOM, which callers strip).
  static FrontMatter read(std::string_view utf8);
};

}  // namespace qabot::ingest
