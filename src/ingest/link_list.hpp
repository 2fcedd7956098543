#pragma once
// Index pages: sections whose body is only links (a README listing the notes of a folder, a
// "面试准备" heading over a list of articles). They lead somewhere else and answer nothing, so the
// parser does not turn them into questions. Pure functions over cmark-gfm block nodes.

struct cmark_node;

namespace qabot::ingest {

class LinkList {
 public:
  // What a block of a section's body is to an index page.
  enum class Role {
    Links,    // a link list or a row of links
    Aside,    // a label above links, a short quoted remark, an image alone, a separator
    Content,  // prose, code, a table: something that answers
  };
  static Role role_of(cmark_node* block);

  // A list every item of which starts with a link ("[HashMap 详解](./hashmap.md)：源码分析"); the
  // text after an item's link is its blurb. Nested lists must be link lists too.
  static bool is_link_list(cmark_node* list);
  // A paragraph whose text outside its links is only spacing and punctuation.
  static bool is_link_paragraph(cmark_node* paragraph);
  // A short paragraph that introduces the list below it: "**重要知识点详解**：", "See:".
  static bool is_list_label(cmark_node* paragraph);
  // A short quoted remark: a blockquote of little text and perhaps links.
  static bool is_side_note(cmark_node* quote);
};

}  // namespace qabot::ingest
