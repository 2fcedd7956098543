#pragma once
// Markdown note file → question units. Pure: no I/O, same input → same output.
//
// Structure comes from the cmark-gfm syntax tree (never from regexes over raw lines: notes hold
// hundreds of `#` lines inside code fences); answers are cut from the original source lines, so
// code fences, tables, math, images and HTML reach the index exactly as written.
//
// Shapes recognised (see /work/shared/NOTES-FORMATS.md):
//  - headings at any level, levels may be skipped; enclosing headings form the category path;
//  - a heading with only sub-headings is a category; a heading with its own text and sub-headings
//    is a question whose answer also holds the sub-sections when they read like parts of it
//    ("输入层", "卷积层": leaves without a question form), otherwise the sub-headings are questions
//    of their own under it;
//  - bold-line questions (`**…?**`, `**1.2 …**`, `**1)** text`, `**1) FizzBuzz.** text`),
//    `问：/答：` and `Q:/A:` pairs (also bold or inside `>` quotes),
//    `<details><summary>Q</summary>` blocks, and numbered-list items tagged `[E]`/`[M]`/`[H]`; a
//    heading whose body holds such questions is their category, and any text before the first of
//    them becomes the heading's own question when the heading has no sub-headings (nothing is
//    dropped silently);
//  - empty answers (nothing before the next question, TODO checkboxes, "Answer here") give "";
//  - `[TOC]` blocks, tables of contents and reference sections are skipped, and so are index
//    pages: headings whose bodies are only links (LinkList);
//  - front matter is metadata (parse_file).
//
// Thread-safe: parse() keeps no state between calls. The cmark-gfm parse step itself is serialised
// behind a mutex, because cmark-gfm 0.29 mutates a global special-character table while parsing
// with extensions attached (github/cmark-gfm#176); the tree walk runs unlocked.

#include <string_view>
#include <vector>

#include "ingest/note.hpp"

namespace qabot::ingest {

// One file's questions and what the file says about itself.
struct ParsedFile {
  std::vector<Note> notes;
  std::string title;    // front matter `title`, else the file's single `#` heading, else ""
  std::string problem;  // something in the file could not be read (broken front matter); the rest was
};

class MarkdownParser {
 public:
  // Input must be UTF-8 (see TextDecoder); LF or CRLF line endings both work.
  std::vector<Note> parse(std::string_view utf8) const;
  // Front matter (YAML `---` / TOML `+++`, see FrontMatterReader) is read, never indexed as text:
  // a question without a heading path takes the file's category — the front matter's title or
  // category, else its single `#` heading, else `file_name` — and every question carries the front
  // matter's categories and tags.
  ParsedFile parse_file(std::string_view utf8, std::string_view file_name) const;
};

}  // namespace qabot::ingest
