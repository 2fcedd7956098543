#include "ingest/markdown_parser.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "ingest/dialect_normalizer.hpp"
#include "ingest/front_matter.hpp"
#include "ingest/link_list.hpp"
#include "ingest/question_shape.hpp"
#include "ingest/title_cleaner.hpp"
#include "text/utf8.hpp"

namespace qabot::ingest {
namespace {

// ---- cmark-gfm plumbing ----------------------------------------------------------------------

struct NodeFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct ParserFree {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
using DocumentPtr = std::unique_ptr<cmark_node, NodeFree>;

DocumentPtr parse_document(std::string_view text) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  static std::mutex cmark_global_state;
  const std::lock_guard lock(cmark_global_state);
  std::unique_ptr<cmark_parser, ParserFree> parser(cmark_parser_new(CMARK_OPT_SOURCEPOS));
  for (const char* name : {"table", "strikethrough"}) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
      cmark_parser_attach_syntax_extension(parser.get(), ext);
  }
  cmark_parser_feed(parser.get(), text.data(), text.size());
  return DocumentPtr(cmark_parser_finish(parser.get()));
}

cmark_node_type type_of(cmark_node* n) { return cmark_node_get_type(n); }

std::string_view literal_of(cmark_node* n) {
  const char* s = cmark_node_get_literal(n);
  return s ? std::string_view(s) : std::string_view();
}

bool has_descendant(cmark_node* n, cmark_node_type type) {
  for (cmark_node* c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
    if (type_of(c) == type || has_descendant(c, type)) return true;
  }
  return false;
}

// ---- small string helpers --------------------------------------------------------------------

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim_ascii(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\r\n\f\v");
  if (b == std::string_view::npos) return {};
  const std::size_t e = s.find_last_not_of(" \t\r\n\f\v");
  return s.substr(b, e - b + 1);
}

bool is_blank(std::string_view s) { return trim_ascii(s).empty(); }

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower_ascii(s.substr(0, prefix.size())) == lower_ascii(prefix);
}

bool is_br_tag(std::string_view html) {
  const std::string lower = lower_ascii(trim_ascii(html));
  return lower.starts_with("<br") && (lower.size() == 3 || lower[3] == '>' || lower[3] == '/' || lower[3] == ' ');
}

// Plain text of inline content: markup dropped, code spans kept with their backticks, images
// dropped, line breaks kept as '\n' so that line i of the text is source line i of the paragraph.
void append_plain(cmark_node* n, std::string& out) {
  for (cmark_node* c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
    const cmark_node_type t = type_of(c);
    if (t == CMARK_NODE_TEXT) {
      out.append(literal_of(c));
    } else if (t == CMARK_NODE_CODE) {
      // Code spans stay recognisable in titles: "`is`和`==`的区别".
      const std::string_view code = literal_of(c);
      const std::string_view fence = code.find('`') == std::string_view::npos ? "`" : "`` ";
      out.append(fence).append(code).append(fence == "`" ? "`" : " ``");
    } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
      out.push_back('\n');
    } else if (t == CMARK_NODE_HTML_INLINE) {
      if (is_br_tag(literal_of(c))) out.push_back(' ');
    } else if (t != CMARK_NODE_IMAGE) {
      append_plain(c, out);
    }
  }
}

std::string plain_text(cmark_node* n) {
  std::string out;
  append_plain(n, out);
  return out;
}

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t eol = s.find('\n', pos);
    lines.push_back(s.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos));
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  return lines;
}

std::string join_lines(std::span<const std::string_view> lines, char sep) {
  std::string out;
  for (std::string_view l : lines) {
    if (!out.empty()) out.push_back(sep);
    out.append(l);
  }
  return out;
}

// Byte length of the blockquote markers at the start of a raw line ("> ", ">> ", "  > ").
std::size_t quote_prefix_length(std::string_view line) {
  std::size_t i = 0;
  for (;;) {
    std::size_t j = i;
    while (j < line.size() && j - i < 3 && line[j] == ' ') ++j;
    if (j >= line.size() || line[j] != '>') return i;
    i = j + 1;
    if (i < line.size() && line[i] == ' ') ++i;
  }
}

std::string strip_tags(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') {
      in_tag = true;
    } else if (c == '>' && in_tag) {
      in_tag = false;
    } else if (!in_tag) {
      out.push_back(c);
    }
  }
  return out;
}

// HTML that renders as nothing but spacing: <br>, <hr>, <p></p>, comments.
bool is_spacing_html(std::string_view html) {
  std::size_t i = 0;
  while (i < html.size()) {
    if (html[i] == ' ' || html[i] == '\t' || html[i] == '\n' || html[i] == '\r') {
      ++i;
      continue;
    }
    const std::string_view rest = html.substr(i);
    if (rest.starts_with("<!--")) {
      const std::size_t end = rest.find("-->");
      if (end == std::string_view::npos) return false;
      i += end + 3;
      continue;
    }
    if (rest[0] != '<') return false;
    const std::size_t close = rest.find('>');
    if (close == std::string_view::npos) return false;
    std::string tag = lower_ascii(rest.substr(1, close - 1));
    if (!tag.empty() && tag[0] == '/') tag.erase(0, 1);
    const std::size_t name_end = tag.find_first_of(" /");
    const std::string name = tag.substr(0, name_end);
    if (name != "br" && name != "hr" && name != "p") return false;
    i += close + 1;
  }
  return true;
}

bool is_toc_marker(std::string_view plain) {
  const std::string s = lower_ascii(trim_ascii(plain));
  return s == "[toc]" || s == "[[toc]]" || s == "@[toc]" || s == "${toc}" || s == "{:toc}" || s == "[toc]:" ||
         s == "\\[toc]";
}

bool only_chars(std::string_view s, std::string_view allowed) {
  s = trim_ascii(s);
  return !s.empty() && s.find_first_not_of(allowed) == std::string_view::npos;
}

// The bold a paragraph starts with, after any blank text: the inline holding it (`first`) and the
// strong node itself, which differ for `***text***`. No strong when it does not start bold.
struct LeadingBold {
  cmark_node* first = nullptr;
  cmark_node* strong = nullptr;
};
LeadingBold leading_bold(cmark_node* paragraph) {
  cmark_node* first = cmark_node_first_child(paragraph);
  while (first && type_of(first) == CMARK_NODE_TEXT && is_blank(literal_of(first))) first = cmark_node_next(first);
  if (!first) return {};
  cmark_node* strong = first;
  if (type_of(strong) == CMARK_NODE_EMPH && cmark_node_first_child(strong) &&
      type_of(cmark_node_first_child(strong)) == CMARK_NODE_STRONG && !cmark_node_next(cmark_node_first_child(strong)))
    strong = cmark_node_first_child(strong);  // ***text***
  if (type_of(strong) != CMARK_NODE_STRONG) return {};
  return {first, strong};
}

// Plain text of the inlines after `first`, line breaks kept; an image leaves a mark, so a bold line
// with a picture after it is not a bold line alone.
std::string text_after(cmark_node* first) {
  std::string rest;
  for (cmark_node* c = cmark_node_next(first); c; c = cmark_node_next(c)) {
    if (type_of(c) == CMARK_NODE_SOFTBREAK || type_of(c) == CMARK_NODE_LINEBREAK) {
      rest.push_back('\n');
    } else if (type_of(c) == CMARK_NODE_TEXT || type_of(c) == CMARK_NODE_CODE) {
      rest.append(literal_of(c));
    } else if (type_of(c) != CMARK_NODE_HTML_INLINE) {
      rest.append(plain_text(c));
      if (type_of(c) == CMARK_NODE_IMAGE) rest.append("[image]");
    }
  }
  return rest;
}

// ---- the walk --------------------------------------------------------------------------------

struct Block {
  cmark_node* node = nullptr;
  int start = 0;  // 1-based source lines, inclusive
  int end = 0;
};

Block block_of(cmark_node* n) {
  Block b{n, cmark_node_get_start_line(n), cmark_node_get_end_line(n)};
  // An end at column 0 means "before the first character of that line": the line above.
  if (cmark_node_get_end_column(n) == 0 && b.end > b.start) --b.end;
  return b;
}

enum class ItemKind {
  Content,
  Ignorable,       // separators: <br/>, ---, [TOC], lines of '#'
  ReferenceLabel,  // **参考资料** — what follows is not an answer
  BoldQuestion,
  PairQuestion,
  DetailsQuestion,
  TaggedList,
  AnswerLabel,  // 答：/A:/Answer: paragraph
};

struct TaggedQuestion {
  std::string question;
  std::vector<std::string> lead_ins;  // untagged ancestor items: extra category levels
  std::string answer;
  int line = 0;
};

struct Item {
  Block block;
  bool quoted = false;  // taken out of a blockquote: answer lines get their '>' removed
  ItemKind kind = ItemKind::Content;
  std::string question{};
  int head_line = 0;  // answer starts inside this item at (head_line, head_col)
  std::size_t head_col = 0;
  std::size_t group_end = 0;   // details: index of the item holding </details>
  std::string fixed_answer{};  // details: the text between </summary> and </details>
  std::vector<TaggedQuestion> tagged{};
};

bool is_question_kind(ItemKind k) {
  return k == ItemKind::BoldQuestion || k == ItemKind::PairQuestion || k == ItemKind::DetailsQuestion ||
         k == ItemKind::TaggedList;
}

enum class SectionKind {
  Root,
  Skipped,  // references / table of contents, with everything under it
  Category,
  IndexPage,          // a body of links only: not a question; its sub-headings are still read
  Question,           // leaf heading with its own answer
  QuestionWithParts,  // own text + sub-sections that are parts of the answer
  QuestionOwnBody,    // own text is the answer; sub-headings are questions of their own
  EmptyLeaf,          // resolved into EmptyQuestion or EmptyCategory
  EmptyQuestion,
  EmptyCategory,
};

struct Section {
  int heading = -1;  // block index, -1 for the root
  int level = 0;
  std::string title;
  std::string raw_title;
  int line = 0;
  int parent = -1;
  std::vector<int> children;
  std::size_t body_begin = 0, body_end = 0;  // block indices
  std::size_t subtree_end = 0;
  SectionKind kind = SectionKind::Category;
  bool has_content = false;
  bool has_inline = false;
  bool has_intro = false;  // content before the first inline question
  bool link_only = false;  // the body is links (lists, rows) and their labels
};

struct Pending {
  std::string question{};
  std::vector<std::string> category{};
  int line = 0;
  int from_line = 0;  // 0 = no answer range yet
  std::size_t from_col = 0;
  int to_line = 0;
  std::string fixed_answer{};
  bool accepts_content = true;
  bool ends_at_break = false;  // bold-line entries are separated by <br/> lines
};

class Walk {
 public:
  explicit Walk(std::string_view text) : text_(text) {
    split_source_lines();
    doc_ = parse_document(text);
    collect_blocks();
    build_sections();
  }

  std::vector<Note> run() {
    classify();
    emit(0, {});
    std::stable_sort(notes_.begin(), notes_.end(), [](const Note& a, const Note& b) { return a.line < b.line; });
    disambiguate_repeated_titles();
    return std::move(notes_);
  }

  // The file's own title: its one top-level heading, if it has exactly one.
  std::string document_title() const {
    int min_level = 7, at_min = 0;
    std::string title;
    for (std::size_t s = 1; s < sections_.size(); ++s) {
      if (sections_[s].level < min_level) {
        min_level = sections_[s].level;
        at_min = 0;
        title = sections_[s].title;
      }
      if (sections_[s].level == min_level) ++at_min;
    }
    return at_min == 1 && min_level == 1 ? title : std::string();
  }

  // Chapters written per topic repeat generic titles ("LeNet-5 > 模型介绍", "AlexNet > 模型介绍");
  // alone, "模型介绍" means nothing in a list of questions, so such titles carry their innermost
  // category in front: "LeNet-5 模型介绍".
  void disambiguate_repeated_titles() {
    struct Seen {
      const std::vector<std::string>* category;
      bool in_several_categories;
    };
    std::map<std::string, Seen> seen;
    for (const Note& n : notes_) {
      auto [it, inserted] = seen.try_emplace(n.question, Seen{&n.category, false});
      if (!inserted && *it->second.category != n.category) it->second.in_several_categories = true;
    }
    for (Note& n : notes_) {
      if (!n.category.empty() && seen.at(n.question).in_several_categories)
        n.question = n.category.back() + " " + n.question;
    }
  }

 private:
  // -- source ---------------------------------------------------------------------------------

  void split_source_lines() {
    // cmark-gfm counts \n, \r\n and \r as line ends; so do we.
    std::size_t pos = 0;
    while (pos <= text_.size()) {
      const std::size_t eol = text_.find_first_of("\r\n", pos);
      if (eol == std::string_view::npos) {
        lines_.push_back(text_.substr(pos));
        break;
      }
      lines_.push_back(text_.substr(pos, eol - pos));
      pos = eol + ((text_[eol] == '\r' && eol + 1 < text_.size() && text_[eol + 1] == '\n') ? 2 : 1);
    }
    quoted_.assign(lines_.size() + 2, false);
  }

  int line_count() const { return static_cast<int>(lines_.size()); }

  std::string_view line(int n) const {
    return (n >= 1 && n <= line_count()) ? lines_[static_cast<std::size_t>(n - 1)] : std::string_view();
  }

  // Source text from (from_line, from_col) to the end of to_line, blank edge lines dropped.
  std::string slice(int from_line, std::size_t from_col, int to_line) const {
    std::vector<std::string_view> out;
    for (int n = from_line; n <= to_line; ++n) {
      std::string_view l = line(n);
      if (n == from_line && from_col > 0) {
        // Never start inside a character, whatever column a caller computed.
        l = l.substr(text::utf8_boundary_at_or_after(l, from_col));
      } else if (quoted_[static_cast<std::size_t>(n)]) {
        l = l.substr(quote_prefix_length(l));
      }
      out.push_back(l);
    }
    while (!out.empty() && is_blank(out.front())) out.erase(out.begin());
    while (!out.empty() && is_blank(out.back())) out.pop_back();
    return join_lines(out, '\n');
  }

  // -- blocks ---------------------------------------------------------------------------------

  void collect_blocks() {
    for (cmark_node* n = cmark_node_first_child(doc_.get()); n; n = cmark_node_next(n)) {
      blocks_.push_back(block_of(n));
    }
    // cmark's end lines can run past trailing blank lines (lists, unclosed fences); never let a
    // block reach into the next one.
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
      const int limit = i + 1 < blocks_.size() ? blocks_[i + 1].start - 1 : line_count();
      Block& b = blocks_[i];
      if (b.end < b.start || b.end > limit) b.end = std::max(b.start, limit);
    }
  }

  static void fix_child_ends(std::vector<Block>& children, int parent_end) {
    for (std::size_t i = 0; i < children.size(); ++i) {
      const int limit = i + 1 < children.size() ? children[i + 1].start - 1 : parent_end;
      Block& b = children[i];
      if (b.end < b.start || b.end > limit) b.end = std::max(b.start, limit);
    }
  }

  std::vector<Block> child_blocks(const Block& parent) const {
    std::vector<Block> out;
    for (cmark_node* n = cmark_node_first_child(parent.node); n; n = cmark_node_next(n)) {
      out.push_back(block_of(n));
    }
    fix_child_ends(out, parent.end);
    return out;
  }

  // A heading that gives structure: not empty, not a row of '#', not a merge marker's setext.
  bool is_structural_heading(const Block& b) const {
    if (type_of(b.node) != CMARK_NODE_HEADING) return false;
    const std::string text = plain_text(b.node);
    if (is_blank(text) || only_chars(text, "# ")) return false;
    const std::string_view first = trim_ascii(line(b.start));
    const bool setext = !first.starts_with("#");
    if (setext && trim_ascii(line(b.end)) == "=======") return false;  // leftover merge marker
    return true;
  }

  // -- sections -------------------------------------------------------------------------------

  void build_sections() {
    sections_.push_back(Section{});
    sections_[0].kind = SectionKind::Root;
    std::vector<int> stack{0};
    int last = 0;
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
      if (!is_structural_heading(blocks_[i])) continue;
      const int level = cmark_node_get_heading_level(blocks_[i].node);
      while (sections_[static_cast<std::size_t>(stack.back())].level >= level) {
        sections_[static_cast<std::size_t>(stack.back())].subtree_end = i;
        stack.pop_back();
      }
      sections_[static_cast<std::size_t>(last)].body_end = i;
      Section s;
      s.heading = static_cast<int>(i);
      s.level = level;
      s.raw_title = plain_text(blocks_[i].node);
      s.title = TitleCleaner::clean(s.raw_title);
      s.line = blocks_[i].start;
      s.parent = stack.back();
      s.body_begin = i + 1;
      const int index = static_cast<int>(sections_.size());
      sections_[static_cast<std::size_t>(s.parent)].children.push_back(index);
      sections_.push_back(std::move(s));
      stack.push_back(index);
      last = index;
    }
    sections_[static_cast<std::size_t>(last)].body_end = blocks_.size();
    for (int s : stack) sections_[static_cast<std::size_t>(s)].subtree_end = blocks_.size();
  }

  Section& section(int i) { return sections_[static_cast<std::size_t>(i)]; }

  std::vector<int> live_children(int s) {
    std::vector<int> out;
    for (int c : section(s).children) {
      if (section(c).kind != SectionKind::Skipped) out.push_back(c);
    }
    return out;
  }

  // -- items ----------------------------------------------------------------------------------

  // Blocks [begin, end) as items; blockquotes that hold 问/答 pairs are opened up.
  std::vector<Item> items_of(std::size_t begin, std::size_t end, bool open_pair_quotes, bool mark_quoted) {
    std::vector<Item> items;
    for (std::size_t i = begin; i < end; ++i) {
      const Block& b = blocks_[i];
      if (open_pair_quotes && type_of(b.node) == CMARK_NODE_BLOCK_QUOTE && quote_holds_pairs(b)) {
        for (const Block& child : child_blocks(b)) items.push_back(Item{.block = child, .quoted = true});
        if (mark_quoted) {
          for (int n = b.start; n <= b.end; ++n) quoted_[static_cast<std::size_t>(n)] = true;
        }
        continue;
      }
      items.push_back(Item{.block = b});
    }
    return items;
  }

  bool quote_holds_pairs(const Block& quote) const {
    for (cmark_node* c = cmark_node_first_child(quote.node); c; c = cmark_node_next(c)) {
      if (type_of(c) != CMARK_NODE_PARAGRAPH) continue;
      const std::string text = plain_text(c);
      if (QuestionShape::question_label_length(text) > 0 || QuestionShape::answer_label_length(text) > 0) return true;
    }
    return false;
  }

  // Classifies every item; with detect_questions false only separators, reference labels and
  // answer labels are recognised.
  void classify_items(std::vector<Item>& items, bool detect_questions, bool allow_bold) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      Item& item = items[i];
      cmark_node* n = item.block.node;
      switch (type_of(n)) {
        case CMARK_NODE_THEMATIC_BREAK: item.kind = ItemKind::Ignorable; break;
        case CMARK_NODE_HEADING: {
          const std::string text = plain_text(n);
          if (is_blank(text) || only_chars(text, "# ")) item.kind = ItemKind::Ignorable;
          break;
        }
        case CMARK_NODE_HTML_BLOCK: {
          const std::string_view html = literal_of(n);
          if (is_spacing_html(html)) {
            item.kind = ItemKind::Ignorable;
          } else if (starts_with_ci(trim_ascii(html), "<details")) {
            i = classify_details(items, i, detect_questions);
          }
          break;
        }
        case CMARK_NODE_PARAGRAPH: classify_paragraph(item, detect_questions, allow_bold); break;
        case CMARK_NODE_LIST:
          if (detect_questions) classify_list(item);
          break;
        default: break;
      }
    }
  }

  void classify_paragraph(Item& item, bool detect_questions, bool allow_bold) {
    cmark_node* n = item.block.node;
    const std::string text = plain_text(n);
    if (is_toc_marker(text) || (only_chars(text, "#=") && !has_descendant(n, CMARK_NODE_IMAGE))) {
      item.kind = ItemKind::Ignorable;
      return;
    }
    if (is_blank(text) && !has_descendant(n, CMARK_NODE_IMAGE) && !has_descendant(n, CMARK_NODE_HTML_INLINE)) {
      item.kind = ItemKind::Ignorable;
      return;
    }
    if (is_blank(text) && has_descendant(n, CMARK_NODE_HTML_INLINE) && !has_descendant(n, CMARK_NODE_IMAGE) &&
        is_spacing_html(raw_text(item))) {
      item.kind = ItemKind::Ignorable;
      return;
    }
    if (TitleCleaner::is_reference_title(TitleCleaner::clean(text)) && text.size() < 64) {
      item.kind = ItemKind::ReferenceLabel;
      return;
    }
    if (QuestionShape::answer_label_length(text) > 0) {
      item.kind = ItemKind::AnswerLabel;
      return;
    }
    if (!detect_questions) return;
    if (classify_pair(item, text)) return;
    if (allow_bold) classify_bold(item, text);
  }

  std::string raw_text(const Item& item) const {
    std::vector<std::string_view> out;
    for (int n = item.block.start; n <= item.block.end; ++n) out.push_back(line(n));
    return join_lines(out, '\n');
  }

  // Raw byte column just past the answer label on a source line (quote markers included).
  std::size_t column_after_answer_label(int line_no) const {
    const std::string_view l = line(line_no);
    const std::size_t quote = quote_prefix_length(l);
    const std::size_t label = QuestionShape::answer_label_length(l.substr(quote));
    return label > 0 ? quote + label : 0;
  }

  bool classify_pair(Item& item, const std::string& text) {
    if (QuestionShape::question_label_length(text) == 0) return false;
    const std::vector<std::string_view> text_lines = split_lines(text);
    std::size_t answer_at = text_lines.size();
    for (std::size_t k = 1; k < text_lines.size(); ++k) {
      if (QuestionShape::answer_label_length(text_lines[k]) > 0) {
        answer_at = k;
        break;
      }
    }
    std::string question = join_lines(std::span(text_lines).first(answer_at), ' ');
    question.erase(0, QuestionShape::question_label_length(question));
    item.kind = ItemKind::PairQuestion;
    item.question = TitleCleaner::clean(question);
    if (answer_at < text_lines.size()) {
      item.head_line = item.block.start + static_cast<int>(answer_at);
      item.head_col = column_after_answer_label(item.head_line);
    }
    return true;
  }

  // Where the answer starts after a bold question that ends on `line`: the end of its closing
  // delimiter. cmark reports an inline's end column relative to the paragraph's content, which
  // lacks a continuation line's leading spaces (and `>` markers), so on a line after the one the
  // bold starts on the column falls short by that prefix — possibly inside a multi-byte character.
  // In order: the reported column moved past that prefix, the reported column as it is, and as a
  // last resort the first `**`/`__` ending after it. npos when none fits.
  static std::size_t closing_delimiter_end(std::string_view line, std::size_t reported_end, bool continuation) {
    // A closer ends here: `**`/`__`, or the `*`/`_` of an emphasis around the bold (`_**Q?**_`).
    const auto closes_at = [&](std::size_t end) {
      if (end == 0 || end > line.size()) return false;
      if (end >= 2 && (line.compare(end - 2, 2, "**") == 0 || line.compare(end - 2, 2, "__") == 0)) return true;
      return line[end - 1] == '*' || line[end - 1] == '_';
    };
    if (continuation) {
      const std::size_t prefix = std::min(line.find_first_not_of(" \t>"), line.size());
      if (prefix > 0 && closes_at(reported_end + prefix)) return reported_end + prefix;
    }
    if (closes_at(reported_end)) return reported_end;
    for (std::size_t pos = reported_end >= 2 ? reported_end - 2 : 0; pos + 2 <= line.size(); ++pos) {
      if (line.compare(pos, 2, "**") == 0 || line.compare(pos, 2, "__") == 0) return pos + 2;
    }
    return std::string_view::npos;
  }

  void classify_bold(Item& item, const std::string& text) {
    const LeadingBold lead = leading_bold(item.block.node);
    if (!lead.strong) return;
    const std::string bold = plain_text(lead.strong);
    const std::string rest = text_after(lead.first);
    const std::string cleaned_bold = TitleCleaner::clean(bold);
    if (cleaned_bold.empty()) return;
    const bool bold_only = TitleCleaner::clean(rest).empty();
    const bool numbered = TitleCleaner::starts_with_number(bold);
    const bool asks = TitleCleaner::ends_with_question_mark(cleaned_bold);
    const std::size_t rest_first_break = rest.find('\n');
    const bool rest_on_same_line = !is_blank(rest.substr(0, rest_first_break));

    if (bold_only) {
      if (asks || (numbered && TitleCleaner::starts_with_section_number(bold))) {
        item.kind = ItemKind::BoldQuestion;
        item.question = cleaned_bold;
      }
      return;
    }
    if (numbered && rest_on_same_line) {
      // "**1)** The number of active ads." / "**2) Factorial**. Calculate …": the whole first
      // line is the question; later lines of the paragraph start the answer.
      const std::vector<std::string_view> text_lines = split_lines(text);
      item.kind = ItemKind::BoldQuestion;
      item.question = TitleCleaner::clean(text_lines.front());
      if (text_lines.size() > 1) {
        item.head_line = item.block.start + 1;
        item.head_col = 0;
      }
      return;
    }
    if (asks || (numbered && TitleCleaner::starts_with_section_number(bold))) {
      // "**What is X?** X is …" or the bold question alone on its first line.
      item.kind = ItemKind::BoldQuestion;
      item.question = cleaned_bold;
      start_answer_after(item, lead.first);
    }
  }

  // The answer of a bold question starts past the bold's closing delimiter, else on the next line.
  void start_answer_after(Item& item, cmark_node* first) const {
    const int strong_end_line = cmark_node_get_end_line(first);
    const int strong_end_col = cmark_node_get_end_column(first);
    const bool continuation = strong_end_line != cmark_node_get_start_line(first);
    const std::size_t head_col =
        strong_end_col > 0
            ? closing_delimiter_end(line(strong_end_line), static_cast<std::size_t>(strong_end_col), continuation)
            : std::string_view::npos;
    if (strong_end_line >= item.block.start && strong_end_line <= item.block.end &&
        head_col != std::string_view::npos) {
      item.head_line = strong_end_line;
      item.head_col = head_col;
    } else {
      item.head_line = item.block.start + 1;
    }
  }

  // Returns the index of the last item of the <details> group; items inside an answer wrapper
  // (<summary>Answer</summary>) are plain content of the question before it.
  std::size_t classify_details(std::vector<Item>& items, std::size_t i, bool detect_questions) {
    std::size_t end = i;
    for (std::size_t k = i; k < items.size(); ++k) {
      if (type_of(items[k].block.node) == CMARK_NODE_HTML_BLOCK &&
          lower_ascii(literal_of(items[k].block.node)).find("</details>") != std::string::npos) {
        end = k;
        break;
      }
    }
    std::string group;
    for (int n = items[i].block.start; n <= items[end].block.end; ++n) {
      if (!group.empty() || n > items[i].block.start) group.push_back('\n');
      std::string_view l = line(n);
      if (items[i].quoted) l = l.substr(quote_prefix_length(l));
      group.append(l);
    }
    const std::string lower = lower_ascii(group);
    const std::size_t summary_open = lower.find("<summary");
    const std::size_t summary_text =
        summary_open == std::string::npos ? std::string::npos : lower.find('>', summary_open);
    const std::size_t summary_close = lower.find("</summary>");
    std::string summary;
    std::size_t answer_begin = lower.find('>') + 1;  // after <details …>
    if (summary_text != std::string::npos && summary_close != std::string::npos && summary_close > summary_text) {
      summary = strip_tags(std::string_view(group).substr(summary_text + 1, summary_close - summary_text - 1));
      answer_begin = summary_close + std::string_view("</summary>").size();
    }
    if (!detect_questions || QuestionShape::is_answer_summary(summary)) return end;  // an answer wrapper

    std::size_t answer_end = lower.rfind("</details>");
    if (answer_end == std::string::npos || answer_end < answer_begin) answer_end = group.size();
    Item& item = items[i];
    item.kind = ItemKind::DetailsQuestion;
    item.question = TitleCleaner::clean(summary);
    item.group_end = end;
    const std::vector<std::string_view> answer_lines =
        split_lines(std::string_view(group).substr(answer_begin, answer_end - answer_begin));
    std::vector<std::string_view> kept(answer_lines.begin(), answer_lines.end());
    while (!kept.empty() && is_blank(kept.front())) kept.erase(kept.begin());
    while (!kept.empty() && is_blank(kept.back())) kept.pop_back();
    item.fixed_answer = join_lines(kept, '\n');
    if (item.question.empty()) item.kind = ItemKind::Content;
    return end;
  }

  void classify_list(Item& item) {
    std::vector<TaggedQuestion> found;
    collect_tagged(item.block, {}, found);
    if (found.empty()) return;
    item.kind = ItemKind::TaggedList;
    item.tagged = std::move(found);
  }

  static bool list_has_tag(cmark_node* list) {
    for (cmark_node* it = cmark_node_first_child(list); it; it = cmark_node_next(it)) {
      cmark_node* first = cmark_node_first_child(it);
      if (first && type_of(first) == CMARK_NODE_PARAGRAPH &&
          QuestionShape::difficulty_tag_length(trim_ascii(plain_text(first))) > 0)
        return true;
      for (cmark_node* c = cmark_node_first_child(it); c; c = cmark_node_next(c)) {
        if (type_of(c) == CMARK_NODE_LIST && list_has_tag(c)) return true;
      }
    }
    return false;
  }

  void collect_tagged(const Block& list, std::vector<std::string> lead_ins, std::vector<TaggedQuestion>& out) const {
    for (const Block& it : child_blocks(list)) {
      const std::vector<Block> parts = child_blocks(it);
      if (parts.empty()) continue;
      std::string text;
      if (type_of(parts[0].node) == CMARK_NODE_PARAGRAPH) text = plain_text(parts[0].node);
      const std::string_view trimmed = trim_ascii(text);
      const std::size_t tag = QuestionShape::difficulty_tag_length(trimmed);
      if (tag > 0) {
        TaggedQuestion q;
        q.question = TitleCleaner::clean(trimmed.substr(tag));
        q.lead_ins = lead_ins;
        q.line = it.start;
        std::vector<std::string_view> answer_lines;
        for (std::size_t k = 1; k < parts.size(); ++k) {
          if (type_of(parts[k].node) == CMARK_NODE_LIST && list_has_tag(parts[k].node)) continue;
          for (int n = parts[k].start; n <= parts[k].end; ++n) answer_lines.push_back(line(n));
        }
        q.answer = dedent(answer_lines);
        out.push_back(std::move(q));
      }
      std::vector<std::string> nested = lead_ins;
      if (tag == 0 && !TitleCleaner::clean(text).empty()) nested.push_back(TitleCleaner::clean(text));
      for (std::size_t k = 1; k < parts.size(); ++k) {
        if (type_of(parts[k].node) == CMARK_NODE_LIST) collect_tagged(parts[k], nested, out);
      }
    }
  }

  static std::string dedent(std::vector<std::string_view> lines) {
    while (!lines.empty() && is_blank(lines.front())) lines.erase(lines.begin());
    while (!lines.empty() && is_blank(lines.back())) lines.pop_back();
    std::size_t indent = std::string_view::npos;
    for (std::string_view l : lines) {
      if (!is_blank(l)) indent = std::min(indent, l.find_first_not_of(' '));
    }
    std::string out;
    for (std::size_t k = 0; k < lines.size(); ++k) {
      if (k > 0) out.push_back('\n');
      if (!is_blank(lines[k])) out.append(lines[k].substr(std::min(indent, lines[k].size())));
    }
    return out;
  }

  // -- classification -------------------------------------------------------------------------

  // Which kinds of inline questions a heading allows in its body. A heading that is itself a
  // question keeps its body whole; one that merely reads like a question ("pooling作用") still
  // takes pairs, details and tagged items, but not bold lines (those are points of its answer).
  struct InlinePolicy {
    bool detect = true;
    bool bold = true;
  };

  InlinePolicy policy_for(int s) {
    const Section& sec = section(s);
    if (sec.kind == SectionKind::Root) return {};
    if (TitleCleaner::ends_with_question_mark(sec.title)) return {false, false};
    return {true, !TitleCleaner::reads_like_question(sec.title)};
  }

  void classify() {
    // Skipped subtrees first, so that "live children" means something below.
    mark_skipped_subtrees();
    for (std::size_t s = 0; s < sections_.size(); ++s) {
      if (sections_[s].kind != SectionKind::Skipped) scan_body(static_cast<int>(s));
    }
    const int title_section = document_title_section();
    for (std::size_t s = 1; s < sections_.size(); ++s) {
      if (sections_[s].kind == SectionKind::Skipped) continue;
      sections_[s].kind = kind_of(static_cast<int>(s), static_cast<int>(s) == title_section);
    }
    resolve_empty_leaves();
  }

  // References and tables of contents, with everything under them.
  void mark_skipped_subtrees() {
    for (std::size_t s = 1; s < sections_.size(); ++s) {
      Section& sec = sections_[s];
      if (sections_[static_cast<std::size_t>(sec.parent)].kind == SectionKind::Skipped ||
          TitleCleaner::is_reference_title(sec.title)) {
        sec.kind = SectionKind::Skipped;
      }
    }
  }

  // What the body of section `s` holds: inline questions, text before the first of them, anything.
  void scan_body(int s) {
    const InlinePolicy policy = policy_for(s);
    std::vector<Item> items = items_of(section(s).body_begin, section(s).body_end, policy.detect, false);
    classify_items(items, policy.detect, policy.bold);
    Section& sec = section(s);
    for (const Item& item : items) {
      if (is_question_kind(item.kind)) {
        sec.has_inline = true;
        break;
      }
      if (item.kind == ItemKind::Content || item.kind == ItemKind::AnswerLabel) sec.has_intro = true;
    }
    sec.has_content = std::any_of(items.begin(), items.end(), [](const Item& i) {
      return i.kind != ItemKind::Ignorable && i.kind != ItemKind::ReferenceLabel;
    });
  }

  // The section whose heading is the document's title (the first heading, alone at the top level),
  // or -1.
  int document_title_section() const {
    int min_level = 7;
    for (std::size_t s = 1; s < sections_.size(); ++s) min_level = std::min(min_level, sections_[s].level);
    const auto at_min_level =
        std::count_if(sections_.begin() + 1, sections_.end(), [&](const Section& s) { return s.level == min_level; });
    return sections_.size() > 1 && sections_[1].level == min_level && at_min_level == 1 ? 1 : -1;
  }

  // A live section's kind, from its body and its live sub-sections.
  SectionKind kind_of(int s, bool document_title) {
    const Section& sec = section(s);
    const std::vector<int> kids = live_children(s);
    // Even a heading that asks something: a body of links answers nothing here (it points to
    // the notes that do, which are indexed themselves).
    if (body_is_links(sec.body_begin, sec.body_end)) return SectionKind::IndexPage;
    if (!kids.empty() && (document_title || TitleCleaner::is_chapter_title(sec.raw_title)))
      return SectionKind::Category;
    if (sec.has_inline) return SectionKind::Category;
    if (kids.empty()) return sec.has_content ? SectionKind::Question : SectionKind::EmptyLeaf;
    if (!sec.has_content) return SectionKind::Category;
    return kind_with_own_text(sec, kids);
  }

  // A heading with its own text and sub-headings: a question whose answer holds the sub-sections
  // when they read like parts of it, else one whose own text is the answer, else a category.
  SectionKind kind_with_own_text(const Section& sec, const std::vector<int>& kids) {
    bool parts = true, any_branch = false;
    for (int c : kids) {
      const Section& kid = section(c);
      const bool branch = !live_children(c).empty() || kid.has_inline;
      any_branch = any_branch || branch;
      if (branch || !kid.has_content || TitleCleaner::reads_like_question(kid.title)) parts = false;
    }
    if (parts) return SectionKind::QuestionWithParts;
    if (TitleCleaner::ends_with_question_mark(sec.title) || !any_branch) return SectionKind::QuestionOwnBody;
    return SectionKind::Category;
  }

  // Index pages: every block of the body is a link list, a row of links or an aside (LinkList).
  bool body_is_links(std::size_t begin, std::size_t end) const {
    bool links = false;
    for (std::size_t i = begin; i < end; ++i) {
      switch (LinkList::role_of(blocks_[i].node)) {
        case LinkList::Role::Content: return false;
        case LinkList::Role::Links: links = true; break;
        case LinkList::Role::Aside: break;
      }
    }
    return links;
  }

  // An empty heading without sub-headings is a question nobody answered yet — unless its siblings
  // are mostly categories (`## 深度学习理论` followed by `## A`, `## B` holding the questions).
  void resolve_empty_leaves() {
    for (std::size_t s = 1; s < sections_.size(); ++s) {
      Section& sec = sections_[s];
      if (sec.kind != SectionKind::EmptyLeaf) continue;
      if (TitleCleaner::ends_with_question_mark(sec.title)) {
        sec.kind = SectionKind::EmptyQuestion;
        continue;
      }
      int categories = 0, questions = 0;
      for (int c : live_children(sec.parent)) {
        const SectionKind k = section(c).kind;
        if (k == SectionKind::Category || k == SectionKind::IndexPage) ++categories;
        if (k == SectionKind::Question || k == SectionKind::QuestionWithParts || k == SectionKind::QuestionOwnBody)
          ++questions;
      }
      sec.kind = categories > questions ? SectionKind::EmptyCategory : SectionKind::EmptyQuestion;
    }
  }

  // -- emission -------------------------------------------------------------------------------

  void emit(int s, const std::vector<std::string>& path) {
    const Section& sec = section(s);
    std::vector<std::string> inner = path;
    if (s != 0 && !sec.title.empty()) inner.push_back(sec.title);
    switch (sec.kind) {
      case SectionKind::Skipped:
      case SectionKind::EmptyCategory:
      case SectionKind::EmptyLeaf: return;
      case SectionKind::IndexPage: break;
      case SectionKind::Root:
      case SectionKind::Category: {
        const bool leaf = live_children(s).empty();
        std::optional<Pending> intro;
        if (s != 0 && leaf && sec.has_intro) intro = Pending{.question = sec.title, .category = path, .line = sec.line};
        const InlinePolicy policy = policy_for(s);
        assemble(sec.body_begin, sec.body_end, policy, inner, std::move(intro));
        break;
      }
      case SectionKind::Question:
      case SectionKind::QuestionOwnBody:
        assemble(sec.body_begin, sec.body_end, {false, false}, inner,
                 Pending{.question = sec.title, .category = path, .line = sec.line});
        break;
      case SectionKind::QuestionWithParts: {
        std::size_t end = sec.body_end;
        for (int c : sec.children) {
          if (section(c).kind == SectionKind::Skipped) break;
          end = section(c).subtree_end;
        }
        assemble(sec.body_begin, end, {false, false}, inner,
                 Pending{.question = sec.title, .category = path, .line = sec.line});
        // ...and each part is a question of its own too, under this one: "令牌桶算法" under "常见限流
        // 算法有哪些？" answers "how does a token bucket work" better than the whole list does.
        break;
      }
      case SectionKind::EmptyQuestion: notes_.push_back(Note{path, sec.title, "", sec.line}); return;
    }
    for (int c : sec.children) emit(c, inner);
  }

  // Walks items in order: each question item opens a new question, content extends the answer of
  // the open one, a reference label closes it.
  void assemble(std::size_t begin, std::size_t end, InlinePolicy policy, const std::vector<std::string>& category,
                std::optional<Pending> open) {
    std::vector<Item> items = items_of(begin, end, policy.detect, true);
    classify_items(items, policy.detect, policy.bold);
    for (std::size_t i = 0; i < items.size(); ++i) {
      Item& item = items[i];
      switch (item.kind) {
        case ItemKind::Ignorable:
          if (open && open->ends_at_break && type_of(item.block.node) == CMARK_NODE_HTML_BLOCK &&
              is_br_tag(literal_of(item.block.node))) {
            finish(*open);
            open.reset();
          }
          break;
        case ItemKind::ReferenceLabel:
          if (open) finish(*open);
          open.reset();
          break;
        case ItemKind::BoldQuestion:
        case ItemKind::PairQuestion:
          if (open) finish(*open);
          open = Pending{.question = item.question,
                         .category = category,
                         .line = item.block.start,
                         .ends_at_break = item.kind == ItemKind::BoldQuestion};
          if (item.head_line > 0) {
            open->from_line = item.head_line;
            open->from_col = item.head_col;
            open->to_line = item.block.end;
          }
          break;
        case ItemKind::DetailsQuestion:
          if (open) finish(*open);
          open = Pending{.question = item.question,
                         .category = category,
                         .line = item.block.start,
                         .fixed_answer = item.fixed_answer,
                         .accepts_content = false};
          i = item.group_end;
          break;
        case ItemKind::TaggedList:
          if (open) finish(*open);
          open.reset();
          for (TaggedQuestion& q : item.tagged) {
            if (open) finish(*open);
            std::vector<std::string> path = category;
            path.insert(path.end(), q.lead_ins.begin(), q.lead_ins.end());
            open = Pending{.question = q.question,
                           .category = std::move(path),
                           .line = q.line,
                           .fixed_answer = std::move(q.answer)};
          }
          break;
        case ItemKind::AnswerLabel:
        case ItemKind::Content:
          if (!open || !open->accepts_content) break;
          if (open->from_line == 0) {
            open->from_line = item.block.start;
            open->from_col = item.kind == ItemKind::AnswerLabel ? column_after_answer_label(item.block.start) : 0;
          }
          open->to_line = item.block.end;
          break;
      }
    }
    if (open) finish(*open);
  }

  void finish(Pending& p) {
    if (p.question.empty()) return;
    std::string answer = p.fixed_answer;
    if (p.from_line > 0) {
      std::string range = slice(p.from_line, p.from_col, p.to_line);
      if (!range.empty()) answer = answer.empty() ? std::move(range) : answer + "\n\n" + range;
    }
    if (QuestionShape::is_placeholder_answer(answer)) answer.clear();
    notes_.push_back(Note{std::move(p.category), std::move(p.question), std::move(answer), p.line});
  }

  std::string_view text_;
  std::vector<std::string_view> lines_;
  std::vector<bool> quoted_;  // by line number: '>' markers are stripped from answers
  DocumentPtr doc_;
  std::vector<Block> blocks_;
  std::vector<Section> sections_;
  std::vector<Note> notes_;
};

}  // namespace

std::vector<Note> MarkdownParser::parse(std::string_view utf8) const { return parse_file(utf8, "").notes; }

ParsedFile MarkdownParser::parse_file(std::string_view utf8, std::string_view file_name) const {
  if (utf8.starts_with("\xEF\xBB\xBF")) utf8.remove_prefix(3);
  ParsedFile out;
  const FrontMatter front = FrontMatterReader::read(utf8);
  out.problem = front.problem;
  std::string body;
  if (front.present()) {
    // The block's lines become empty lines: line numbers stay those of the file.
    std::size_t pos = 0;
    for (int n = 0; n < front.lines && pos != std::string_view::npos; ++n) {
      pos = utf8.find('\n', pos);
      if (pos != std::string_view::npos) ++pos;
    }
    body.assign(static_cast<std::size_t>(front.lines), '\n');
    if (pos != std::string_view::npos) body.append(utf8.substr(pos));
    utf8 = body;
  }
  const std::string normalized = DialectNormalizer::normalize(utf8);
  Walk walk(normalized);
  out.notes = walk.run();
  out.title = !front.title.empty() ? front.title : walk.document_title();
  // Every question has a category: its heading path, else what the file calls itself.
  std::string fallback = !front.title.empty()        ? front.title
                         : !front.categories.empty() ? front.categories.front()
                         : !out.title.empty()        ? out.title
                                                     : std::string(file_name);
  std::vector<std::string> tags = front.categories;
  tags.insert(tags.end(), front.tags.begin(), front.tags.end());
  for (Note& note : out.notes) {
    if (note.category.empty() && !fallback.empty()) note.category.push_back(fallback);
    note.tags = tags;
  }
  return out;
}

}  // namespace qabot::ingest
