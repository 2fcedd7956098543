#include "integrations/chat_markdown.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <optional>

#include "answer/math_placeholders.hpp"
#include "ingest/note_image.hpp"
#include "text/utf8.hpp"

namespace qabot::integrations {
namespace {

enum class Dialect { Slack, Discord };

using text::display_width;

// One character's length as the chat APIs count it, in UTF-16 code units: a character outside the
// Basic Multilingual Plane (an emoji) is two.
std::size_t chat_units(const text::Utf8Char& c) { return c.code_point > 0xFFFF ? 2 : 1; }

std::string escape_slack(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_discord(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\' || c == '*' || c == '_' || c == '~' || c == '`' || c == '|') out += '\\';
    out += c;
  }
  return out;
}

// Only web and mail links keep their target: a note's `javascript:` link becomes plain text.
bool is_safe_url(std::string_view url) {
  std::string lower(url.substr(0, 8));
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:");
}

// Characters that would end a link early in the dialect's syntax are percent-encoded.
std::string encode_url(std::string_view url, Dialect dialect) {
  std::string out;
  for (char c : url) {
    if (c == ' ') out += "%20";
    else if (dialect == Dialect::Slack && c == '|') out += "%7C";
    else if (dialect == Dialect::Slack && c == '<') out += "%3C";
    else if (dialect == Dialect::Slack && c == '>') out += "%3E";
    else if (dialect == Dialect::Slack && c == '&') out += "&amp;";
    else if (dialect == Dialect::Discord && c == '(') out += "%28";
    else if (dialect == Dialect::Discord && c == ')') out += "%29";
    else out += c;
  }
  return out;
}

std::string_view type_name(cmark_node* node) {
  const char* name = cmark_node_get_type_string(node);
  return name ? std::string_view(name) : std::string_view();
}

std::string_view literal(cmark_node* node) {
  const char* text = cmark_node_get_literal(node);
  return text ? std::string_view(text) : std::string_view();
}

// Text content without any markup (link labels, table cells, image alt text); with `math`, its
// placeholders as the note wrote them.
std::string plain_text(cmark_node* node, const answer::MathPlaceholders* math = nullptr) {
  std::string out;
  for (cmark_node* child = cmark_node_first_child(node); child; child = cmark_node_next(child)) {
    switch (cmark_node_get_type(child)) {
      case CMARK_NODE_TEXT: out += math ? math->restore(literal(child)) : std::string(literal(child)); break;
      case CMARK_NODE_CODE:
      case CMARK_NODE_HTML_INLINE: out += literal(child); break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK: out += ' '; break;
      default: out += plain_text(child, math);
    }
  }
  return out;
}

std::string prefix_lines(std::string_view text, std::string_view first, std::string_view rest) {
  std::string out(first);
  for (char c : text) {
    out += c;
    if (c == '\n') out += rest;
  }
  return out;
}

class Renderer {
 public:
  Renderer(Dialect dialect, const ImageLinks& images, const answer::MathPlaceholders& math)
      : dialect_(dialect), images_(images), math_(math) {}

  std::string children_blocks(cmark_node* parent, std::string_view separator) {
    std::string out;
    for (cmark_node* child = cmark_node_first_child(parent); child; child = cmark_node_next(child)) {
      std::string text = block(child);
      if (text.empty()) continue;
      if (!out.empty()) out += separator;
      out += text;
    }
    return out;
  }

 private:
  bool slack() const { return dialect_ == Dialect::Slack; }
  std::string text(std::string_view s) const { return slack() ? escape_slack(s) : escape_discord(s); }

  std::string block(cmark_node* node) {
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_PARAGRAPH:
        if (auto formula = display_math_alone(node)) return *formula;
        return inlines(node);
      case CMARK_NODE_HEADING: {
        const std::string body = inlines(node);
        if (slack()) return "*" + body + "*";
        const int level = cmark_node_get_heading_level(node);
        return level <= 3 ? std::string(static_cast<std::size_t>(level), '#') + " " + body : "**" + body + "**";
      }
      case CMARK_NODE_CODE_BLOCK: return code_block(node);
      case CMARK_NODE_BLOCK_QUOTE: return prefix_lines(children_blocks(node, "\n\n"), "> ", "> ");
      case CMARK_NODE_LIST: return list(node);
      case CMARK_NODE_THEMATIC_BREAK: return "──────────";
      case CMARK_NODE_HTML_BLOCK: {
        std::string_view raw = literal(node);
        while (!raw.empty() && raw.back() == '\n') raw.remove_suffix(1);
        return text(raw);
      }
      default:
        if (type_name(node) == "table") return table(node);
        return children_blocks(node, "\n\n");
    }
  }

  std::string code_block(cmark_node* node) {
    std::string body(literal(node));
    if (!body.empty() && body.back() != '\n') body += '\n';
    if (slack()) return "```\n" + escape_slack(body) + "```";  // Slack shows no language
    std::string info;
    if (const char* fence = cmark_node_get_fence_info(node)) {
      info = fence;
      info = info.substr(0, info.find_first_of(" \t`"));
    }
    return "```" + info + "\n" + body + "```";
  }

  std::string list(cmark_node* node) {
    const bool ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
    int number = cmark_node_get_list_start(node);
    static constexpr const char* kSlackBullets[] = {"•", "◦", "▪"};
    std::string out;
    ++list_depth_;
    for (cmark_node* item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
      std::string marker;
      if (ordered) marker = std::to_string(number++) + ". ";
      else if (slack()) marker = std::string(kSlackBullets[std::min(list_depth_ - 1, 2)]) + " ";
      else marker = "- ";
      const std::string indent(slack() ? 4 : display_width(marker), ' ');
      const std::string body = children_blocks(item, "\n");
      if (!out.empty()) out += '\n';
      out += prefix_lines(body, marker, indent);
    }
    --list_depth_;
    return out;
  }

  std::string table(cmark_node* node) {
    std::vector<std::vector<std::string>> rows;
    bool has_header = false;
    for (cmark_node* row = cmark_node_first_child(node); row; row = cmark_node_next(row)) {
      if (rows.empty()) has_header = cmark_gfm_extensions_get_table_row_is_header(row) != 0;
      auto& cells = rows.emplace_back();
      for (cmark_node* cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell)) {
        cells.push_back(plain_text(cell, &math_));
      }
    }
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
      if (widths.size() < row.size()) widths.resize(row.size(), 0);
      for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
    }
    std::string grid;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      std::string line;
      for (std::size_t i = 0; i < widths.size(); ++i) {
        const std::string cell = i < rows[r].size() ? rows[r][i] : std::string();
        if (i > 0) line += " | ";
        line += cell;
        if (i + 1 < widths.size()) line += std::string(widths[i] - display_width(cell), ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      grid += line + '\n';
      if (r == 0 && has_header) {
        std::string rule;
        for (std::size_t i = 0; i < widths.size(); ++i) {
          if (i > 0) rule += "-+-";
          rule += std::string(widths[i], '-');
        }
        grid += rule + '\n';
      }
    }
    return "```\n" + (slack() ? escape_slack(grid) : grid) + "```";
  }

  std::string inlines(cmark_node* parent) {
    std::string out;
    for (cmark_node* child = cmark_node_first_child(parent); child; child = cmark_node_next(child)) {
      out += inline_node(child);
    }
    return out;
  }

  std::string inline_node(cmark_node* node) {
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_TEXT: return text_with_math(literal(node));
      case CMARK_NODE_HTML_INLINE: return text(literal(node));
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK: return "\n";
      case CMARK_NODE_CODE: return code_span(literal(node));
      case CMARK_NODE_EMPH: return slack() ? "_" + inlines(node) + "_" : "*" + inlines(node) + "*";
      case CMARK_NODE_STRONG: return slack() ? "*" + inlines(node) + "*" : "**" + inlines(node) + "**";
      case CMARK_NODE_LINK: return link(node, plain_text(node, &math_));
      case CMARK_NODE_IMAGE: return image(node);
      default:
        if (type_name(node) == "strikethrough")
          return slack() ? "~" + inlines(node) + "~" : "~~" + inlines(node) + "~~";
        return inlines(node);
    }
  }

  // Chat platforms render no TeX: its source is shown as code, so `x_i` keeps its underscore.
  std::string text_with_math(std::string_view s) const {
    std::string out;
    for (const auto& piece : math_.split(s))
      out += piece.math ? code_span(tex_on_one_line(*piece.math)) : text(piece.text);
    return out;
  }

  std::string tex_on_one_line(std::size_t index) const {
    std::string tex = math_.tex(index);
    std::replace(tex.begin(), tex.end(), '\n', ' ');
    return tex;
  }

  // A paragraph that is one display formula: a code block of its TeX.
  std::optional<std::string> display_math_alone(cmark_node* paragraph) const {
    cmark_node* only = cmark_node_first_child(paragraph);
    if (!only || only != cmark_node_last_child(paragraph) || cmark_node_get_type(only) != CMARK_NODE_TEXT)
      return std::nullopt;
    const auto pieces = math_.split(literal(only));
    if (pieces.size() != 1 || !pieces[0].math || !math_.display(*pieces[0].math)) return std::nullopt;
    const std::string& tex = math_.tex(*pieces[0].math);
    return "```\n" + (slack() ? escape_slack(tex) : tex) + "\n```";
  }

  std::string code_span(std::string_view code) const {
    if (slack()) return "`" + escape_slack(code) + "`";
    if (code.find('`') != std::string_view::npos) return "`` " + std::string(code) + " ``";
    return "`" + std::string(code) + "`";
  }

  // A note's own image links to the server's copy when the server has a public URL.
  std::string image(cmark_node* node) const {
    std::string alt = plain_text(node, &math_);
    if (alt.empty()) alt = "image";
    const char* raw = cmark_node_get_url(node);
    const std::string_view url = raw ? std::string_view(raw) : std::string_view();
    if (!ingest::NoteImage::is_relative(url)) return link(node, alt);
    const auto name = ingest::NoteImage::resolve(ingest::NoteImage::without_line(images_.source), url);
    if (images_.public_url.empty() || !name) return text(alt);
    return link_to(images_.public_url + ingest::NoteImage::url_path(*name), alt);
  }

  std::string link(cmark_node* node, const std::string& label) const {
    const char* raw = cmark_node_get_url(node);
    return link_to(raw ? std::string_view(raw) : std::string_view(), label);
  }

  std::string link_to(std::string_view url, const std::string& label) const {
    if (url.empty() || !is_safe_url(url)) return text(label);
    const std::string target = encode_url(url, dialect_);
    if (slack())
      return label.empty() || label == url ? "<" + target + ">" : "<" + target + "|" + escape_slack(label) + ">";
    return label.empty() || label == url ? target : "[" + escape_discord(label) + "](" + target + ")";
  }

  Dialect dialect_;
  const ImageLinks& images_;
  const answer::MathPlaceholders& math_;
  int list_depth_ = 0;
};

std::string convert(std::string_view markdown, Dialect dialect, const ImageLinks& images) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  const int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
  cmark_parser* parser = cmark_parser_new(options);
  for (const char* name : {"table", "strikethrough", "autolink"}) {
    if (auto* ext = cmark_find_syntax_extension(name)) cmark_parser_attach_syntax_extension(parser, ext);
  }
  // Math is kept out of markdown parsing (answer::MathPlaceholders) and shown as code.
  const answer::MathPlaceholders math(markdown);
  cmark_parser_feed(parser, math.markdown().data(), math.markdown().size());
  cmark_node* doc = cmark_parser_finish(parser);
  math.restore_outside_text(doc);
  std::string out = Renderer(dialect, images, math).children_blocks(doc, "\n\n");
  cmark_node_free(doc);
  cmark_parser_free(parser);
  return out;
}

// ---- splitting -------------------------------------------------------------------------------

// A fence line ("```", "> ```py", "    ```"): what precedes the backticks is its prefix.
std::optional<std::size_t> fence_position(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '>' || line[i] == '\t')) ++i;
  if (line.substr(i).starts_with("```")) return i;
  return std::nullopt;
}

struct OpenFence {
  std::string opener;  // the whole opening line, repeated at the top of the next part
  std::string closer;  // prefix + "```"
};

class Splitter {
 public:
  explicit Splitter(std::size_t max_length) : max_(max_length) {}

  std::vector<std::string> run(std::string_view text) {
    for (const auto& block : blocks(text)) add_block(block);
    flush();
    return std::move(parts_);
  }

 private:
  static std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (;;) {
      const std::size_t end = text.find('\n', start);
      lines.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    return lines;
  }

  // Runs of lines separated by blank lines that are not inside a code block.
  static std::vector<std::vector<std::string_view>> blocks(std::string_view text) {
    std::vector<std::vector<std::string_view>> out(1);
    bool in_fence = false;
    for (std::string_view line : lines_of(text)) {
      if (!in_fence && line.find_first_not_of(" \t") == std::string_view::npos) {
        if (!out.back().empty()) out.emplace_back();
        continue;
      }
      if (fence_position(line)) in_fence = !in_fence;
      out.back().push_back(line);
    }
    if (out.back().empty()) out.pop_back();
    return out;
  }

  void flush() {
    if (!current_.empty()) parts_.push_back(std::move(current_));
    current_.clear();
    length_ = 0;
  }

  void append(std::string_view s) {
    current_ += s;
    length_ += chat_length(s);
  }

  void add_block(const std::vector<std::string_view>& lines) {
    std::size_t block_length = 0;
    for (auto line : lines) block_length += chat_length(line) + 1;
    block_length -= 1;
    const std::size_t separator = current_.empty() ? 0 : 2;
    if (length_ + separator + block_length <= max_) {
      if (separator) append("\n\n");
      for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i) append("\n");
        append(lines[i]);
      }
      return;
    }
    if (block_length <= max_) {
      flush();
      return add_block(lines);
    }
    // Larger than a part: line by line, closing and reopening code blocks at the cuts.
    std::optional<OpenFence> fence;
    bool first = true;
    for (std::string_view line : lines) {
      std::optional<OpenFence> after = fence;
      if (const auto pos = fence_position(line)) {
        if (fence) after.reset();
        else after = OpenFence{std::string(line), std::string(line.substr(0, *pos)) + "```"};
      }
      add_line(line, first ? std::string_view("\n\n") : std::string_view("\n"), fence, after);
      fence = std::move(after);
      first = false;
    }
  }

  void add_line(std::string_view line, std::string_view separator, const std::optional<OpenFence>& before,
                const std::optional<OpenFence>& after) {
    for (;;) {
      const std::size_t sep = current_.empty() ? 0 : chat_length(separator);
      const std::size_t reserve = after ? chat_length(after->closer) + 1 : 0;
      const std::size_t line_length = chat_length(line);
      if (length_ + sep + line_length + reserve <= max_) {
        if (sep) append(separator);
        append(line);
        return;
      }
      // Whatever of the line fits still goes here when the part is fresh; otherwise start anew.
      const bool fresh = current_.empty() || (before && current_ == before->opener);
      if (!fresh) {
        cut_here(before);
        continue;
      }
      const std::size_t room = max_ - std::min(max_, length_ + sep + (before ? chat_length(before->closer) + 1 : 0));
      const std::size_t cut = cut_point(line, std::max<std::size_t>(room, 1));
      if (sep) append(separator);
      append(line.substr(0, cut));
      line.remove_prefix(cut);
      cut_here(before);
      if (line.empty()) return;
    }
  }

  // Ends the current part (closing an open code block) and starts the next (reopening it).
  void cut_here(const std::optional<OpenFence>& open) {
    if (open) append("\n" + open->closer);
    flush();
    if (open) append(open->opener);
  }

  // Bytes of `line` that fit in `room` (chat_length), on a code point boundary, after a space
  // when one is in the second half.
  static std::size_t cut_point(std::string_view line, std::size_t room) {
    std::size_t i = prefix_within(line, room).size();
    if (i == 0) i = text::decode_utf8(line, 0).length;       // always progress
    const std::size_t space = line.substr(0, i).rfind(' ');  // a space byte is always a whole character
    const std::size_t last_space = space == std::string_view::npos ? 0 : space + 1;
    if (i < line.size() && last_space > i / 2) return last_space;
    return i;
  }

  std::size_t max_;
  std::vector<std::string> parts_;
  std::string current_;
  std::size_t length_ = 0;
};

}  // namespace

std::string to_slack_mrkdwn(std::string_view markdown, const ImageLinks& images) {
  return convert(markdown, Dialect::Slack, images);
}
std::string to_discord_markdown(std::string_view markdown, const ImageLinks& images) {
  return convert(markdown, Dialect::Discord, images);
}

std::size_t chat_length(std::string_view utf8) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const text::Utf8Char c = text::decode_utf8(utf8, i);
    units += chat_units(c);
    i += c.length;
  }
  return units;
}

std::string_view prefix_within(std::string_view text, std::size_t max_length) {
  std::size_t used = 0, i = 0;
  while (i < text.size()) {
    const text::Utf8Char c = text::decode_utf8(text, i);
    if (used + chat_units(c) > max_length) break;
    used += chat_units(c);
    i += c.length;
  }
  return text.substr(0, i);
}

std::string shorten(std::string_view text, std::size_t max_length) {
  if (chat_length(text) <= max_length) return std::string(text);
  std::string out(prefix_within(text, max_length > 0 ? max_length - 1 : 0));  // "…" is one unit
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "…";
}

std::vector<std::string> split_for_chat(std::string_view text, std::size_t max_length) {
  return Splitter(std::max<std::size_t>(max_length, 16)).run(text);
}

}  // namespace qabot::integrations
