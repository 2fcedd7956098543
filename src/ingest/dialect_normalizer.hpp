#pragma once
// Note dialects → CommonMark, before the markdown walk. Pure: no I/O, same input → same output.
//
// Obsidian and VuePress/Docusaurus notes carry syntax CommonMark reads as literal text. It is rewritten
// into shapes the walk already knows, line for line (the output has exactly the input's line count, so
// every question keeps the line number of its file):
//  - `[[Note]]`, `[[Note|shown]]`, `[[Note#Part]]` wikilinks become their text ("Note", "shown",
//    "Note › Part"); `![[pic.png]]` / `![[pic.png|300]]` embeds of images become images
//    `![pic](<pic.png>)`, embeds of notes become the note's name;
//  - `> [!question] Title` / `[!faq]` / `[!help]` callouts (also foldable `[!faq]-`) become quoted
//    `Q:`/`A:` pairs, so the title is a question and the callout's text its answer; other callouts
//    (`[!note]`, `[!tip]`, …) stay quotes led by their title in bold;
//  - `::: tip Title` … `:::` containers become quotes led by the title in bold (asides, not literal
//    colons); layout-only containers (`::: center`, `::: code-group`) are unwrapped.
// Code (fenced, indented, inline spans) is never rewritten.

#include <string>
#include <string_view>

namespace qabot::ingest {

class DialectNormalizer {
 public:
  // `utf8`: a note without its front matter (LF or CRLF). Returns it unchanged when it holds no
  // dialect syntax.
  static std::string normalize(std::string_view utf8);
};

}  // namespace qabot::ingest
