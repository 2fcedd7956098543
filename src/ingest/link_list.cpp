#include "ingest/link_list.hpp"

#include <cmark-gfm.h>

#include <cctype>
#include <string>
#include <string_view>

namespace qabot::ingest {

namespace {

// A label is a few words: longer text before a list is an answer's own prose.
constexpr std::size_t kMaxLabelBytes = 90;
// A quoted remark beside a list of links ("> 这两篇文章可能有内容重合部分，推荐都看一遍。[详见](x.md)").
constexpr std::size_t kMaxNoteBytes = 240;
// A list entry's blurb after its link ("[Java 优质开源项目](./p/)：精选适合学习、写进简历的开源项目。").
constexpr std::size_t kMaxBlurbBytes = 150;
// Text before a link in a list item or row that still reads as the link's label ("**Java 8**：").
constexpr std::size_t kMaxLeadBytes = 40;

cmark_node_type type_of(cmark_node* n) { return cmark_node_get_type(n); }

std::string_view literal_of(cmark_node* n) {
  const char* s = cmark_node_get_literal(n);
  return s ? std::string_view(s) : std::string_view();
}

// Spacing, ASCII punctuation and the CJK punctuation that separates links in a row ("A、B｜C").
bool insignificant(std::string_view s) {
  static constexpr std::string_view kCjkPunctuation[] = {"、", "，", "。", "：", "；", "（", "）", "｜", "·",
                                                         "—",  "–",  "【", "】", "《", "》", "→",  "•"};
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (std::isalnum(c)) return false;
      ++i;
      continue;
    }
    bool matched = false;
    for (std::string_view p : kCjkPunctuation) {
      if (s.substr(i).starts_with(p)) {
        i += p.size();
        matched = true;
        break;
      }
    }
    if (!matched) return false;
  }
  return true;
}

// Text of inline nodes outside links (and images, which a list of links may carry as icons).
void text_outside_links(cmark_node* n, std::string& out) {
  for (cmark_node* c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
    const cmark_node_type t = type_of(c);
    if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) continue;
    if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
      out.append(literal_of(c));
    } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
      out.push_back(' ');
    } else {
      text_outside_links(c, out);
    }
  }
}

bool has_link(cmark_node* n) {
  for (cmark_node* c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
    if (type_of(c) == CMARK_NODE_LINK || has_link(c)) return true;
  }
  return false;
}

// The first inline that says something is a link (emphasis around it allowed: "**[A](a)**").
bool starts_with_link(cmark_node* paragraph) {
  for (cmark_node* c = cmark_node_first_child(paragraph); c; c = cmark_node_next(c)) {
    const cmark_node_type t = type_of(c);
    if (t == CMARK_NODE_LINK) return true;
    if (t == CMARK_NODE_TEXT && insignificant(literal_of(c))) continue;
    if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK || t == CMARK_NODE_IMAGE) continue;
    if (t == CMARK_NODE_STRONG || t == CMARK_NODE_EMPH) return starts_with_link(c);
    return false;
  }
  return false;
}

// The text before the paragraph's first link ends like a label: "**Java 8**：[…](…)".
bool label_before_link(cmark_node* paragraph) {
  std::string before;
  for (cmark_node* c = cmark_node_first_child(paragraph); c && type_of(c) != CMARK_NODE_LINK; c = cmark_node_next(c)) {
    if (type_of(c) == CMARK_NODE_TEXT) {
      before.append(literal_of(c));
    } else {
      text_outside_links(c, before);
    }
  }
  while (!before.empty() && before.back() == ' ') before.pop_back();
  return before.ends_with(":") || before.ends_with("：");
}

}  // namespace

bool LinkList::is_link_paragraph(cmark_node* paragraph) {
  if (type_of(paragraph) != CMARK_NODE_PARAGRAPH || !has_link(paragraph)) return false;
  std::string outside;
  text_outside_links(paragraph, outside);
  // Only links; or a link with a short blurb after it ("[Gradle 核心概念](g.md)（可选）"); or a short
  // label before one ("**Java 8**：[新特性总结](j8.md)").
  return insignificant(outside) || (starts_with_link(paragraph) && outside.size() <= kMaxLabelBytes) ||
         (outside.size() <= kMaxLeadBytes && label_before_link(paragraph));
}

bool LinkList::is_list_label(cmark_node* paragraph) {
  if (type_of(paragraph) != CMARK_NODE_PARAGRAPH || has_link(paragraph)) return false;
  std::string text;
  text_outside_links(paragraph, text);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.pop_back();
  if (text.empty() || text.size() > kMaxLabelBytes) return false;
  // "重要知识点详解：", or a label in bold with a remark ("**知识点/面试题总结** : (必看 :+1:)").
  cmark_node* first = cmark_node_first_child(paragraph);
  return text.ends_with(":") || text.ends_with("：") || (first && type_of(first) == CMARK_NODE_STRONG);
}

bool LinkList::is_side_note(cmark_node* quote) {
  if (type_of(quote) != CMARK_NODE_BLOCK_QUOTE) return false;
  std::size_t bytes = 0;
  for (cmark_node* c = cmark_node_first_child(quote); c; c = cmark_node_next(c)) {
    if (type_of(c) == CMARK_NODE_LIST ? !is_link_list(c) : type_of(c) != CMARK_NODE_PARAGRAPH) return false;
    if (type_of(c) == CMARK_NODE_PARAGRAPH) {
      std::string text;
      text_outside_links(c, text);
      bytes += text.size();
    }
  }
  return bytes <= kMaxNoteBytes;
}

LinkList::Role LinkList::role_of(cmark_node* block) {
  switch (type_of(block)) {
    case CMARK_NODE_THEMATIC_BREAK: return Role::Aside;
    case CMARK_NODE_HTML_BLOCK: {
      // Comments (VuePress includes, lint switches) and line breaks.
      std::string_view html = literal_of(block);
      while (!html.empty() && (html.front() == ' ' || html.front() == '\n')) html.remove_prefix(1);
      return html.starts_with("<!--") || html.starts_with("<br") ? Role::Aside : Role::Content;
    }
    case CMARK_NODE_LIST: return is_link_list(block) ? Role::Links : Role::Content;
    case CMARK_NODE_BLOCK_QUOTE: return is_side_note(block) ? Role::Aside : Role::Content;
    case CMARK_NODE_PARAGRAPH: {
      if (is_link_paragraph(block)) return Role::Links;
      if (is_list_label(block)) return Role::Aside;
      std::string text;
      text_outside_links(block, text);
      return insignificant(text) ? Role::Aside : Role::Content;  // an image alone
    }
    default: return Role::Content;
  }
}

bool LinkList::is_link_list(cmark_node* list) {
  if (type_of(list) != CMARK_NODE_LIST) return false;
  bool any = false;
  for (cmark_node* item = cmark_node_first_child(list); item; item = cmark_node_next(item)) {
    cmark_node* first = cmark_node_first_child(item);
    if (first == nullptr || type_of(first) != CMARK_NODE_PARAGRAPH) return false;
    // An item that is a link with at most a blurb after it, or a label over a nested list of links
    // ("- SQL :" + links). An item with prose after its link is an answer's point, not an entry.
    const bool label = cmark_node_next(first) != nullptr && is_list_label(first);
    std::string outside;
    text_outside_links(first, outside);
    const bool entry = starts_with_link(first) && outside.size() <= kMaxBlurbBytes;
    if (!entry && !is_link_paragraph(first) && !label) return false;
    for (cmark_node* rest = cmark_node_next(first); rest; rest = cmark_node_next(rest)) {
      if (type_of(rest) == CMARK_NODE_LIST ? !is_link_list(rest) : !is_link_paragraph(rest)) return false;
    }
    any = true;
  }
  return any;
}

}  // namespace qabot::ingest
