#pragma once
// Note markdown → the markdown dialects of chat platforms, by walking the cmark-gfm AST (never
// regexes: `*` inside code stays code). Pure functions, no I/O.
//
// Slack mrkdwn has no headings, tables or nested emphasis markers of its own: headings become bold
// lines, tables preformatted text, images links, and `&`, `<`, `>` are escaped everywhere (Slack's
// only control characters). Discord markdown is close to CommonMark: mostly kept as is, tables
// become code blocks (Discord renders no tables), and text is escaped so that a literal `*` in a
// note stays a star.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace qabot::integrations {

// Where a note's relative images (`![](img/a.png)`) can be fetched by a chat client: the server's
// GET /notes/… route under its public URL. Without a public URL (or a source to resolve against)
// such an image is its alt text; web images are links either way.
struct ImageLinks {
  std::string public_url;  // "https://qa.example.com" (serve --public-url), no trailing slash; "": none
  std::string source;      // the note the markdown comes from ("notes/ml/cnn.md", ":line" ignored)
};

std::string to_slack_mrkdwn(std::string_view markdown, const ImageLinks& images = {});
std::string to_discord_markdown(std::string_view markdown, const ImageLinks& images = {});

// Length as chat platforms count it: UTF-16 code units (what JavaScript's String.length says, the
// strictest of the usual counts: never less than the number of code points).
std::size_t chat_length(std::string_view utf8);

// At most `max_length` (chat_length) of `text`, cut on a code point boundary, with "…" appended
// when something was cut. For one-line labels: headers, buttons, embed titles.
std::string shorten(std::string_view text, std::size_t max_length);

// The longest prefix of `text` within `max_length` (chat_length) that ends on a code point boundary.
std::string_view prefix_within(std::string_view text, std::size_t max_length);

// Cuts converted text into parts of at most `max_length` each (chat_length), preferring block
// boundaries (blank lines), then line ends, then spaces, never inside a UTF-8 sequence. A code
// block that has to be cut is closed at the end of one part and reopened (same info string) at
// the start of the next, so every part renders on its own.
std::vector<std::string> split_for_chat(std::string_view text, std::size_t max_length);

}  // namespace qabot::integrations
