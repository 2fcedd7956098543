#include "answer/math_placeholders.hpp"

#include <cmark-gfm.h>

#include "answer/math_finder.hpp"

namespace qabot::answer {
namespace {

// U+E000 and U+E001 (private use) around the span's number: no markdown rule reads them.
constexpr std::string_view kOpen = "\xEE\x80\x80";
constexpr std::string_view kClose = "\xEE\x80\x81";

// TeX becomes element text: nothing in it may read as markup (quotes too, should it ever be an attribute).
std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const std::string_view entity = c == '&'   ? "&amp;"
                                    : c == '<' ? "&lt;"
                                    : c == '>' ? "&gt;"
                                    : c == '"' ? "&quot;"
                                               : "";
    if (entity.empty()) out += c;
    else out += entity;
  }
  return out;
}

std::string_view literal_of(cmark_node* node) {
  const char* text = cmark_node_get_literal(node);
  return text ? std::string_view(text) : std::string_view();
}

bool inside_image(cmark_node* node) {
  for (cmark_node* p = cmark_node_parent(node); p; p = cmark_node_parent(p))
    if (cmark_node_get_type(p) == CMARK_NODE_IMAGE) return true;
  return false;
}

bool holds_placeholder(const char* s) { return s && std::string_view(s).find(kOpen) != std::string_view::npos; }

// Every node of the tree, collected first: callers rewrite the tree afterwards.
std::vector<cmark_node*> all_nodes(cmark_node* document) {
  std::vector<cmark_node*> nodes;
  cmark_iter* it = cmark_iter_new(document);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;)
    if (ev == CMARK_EVENT_ENTER) nodes.push_back(cmark_iter_get_node(it));
  cmark_iter_free(it);
  return nodes;
}

}  // namespace

MathPlaceholders::MathPlaceholders(std::string_view markdown) {
  // A note that already holds the marker characters is parsed as written (its math then shows as
  // text, as before) rather than risk a placeholder the note wrote itself.
  if (markdown.find(kOpen) != std::string_view::npos || markdown.find(kClose) != std::string_view::npos) {
    protected_ = std::string(markdown);
    return;
  }
  std::size_t at = 0;
  for (const MathSpan& span : MathFinder::find(markdown)) {
    protected_.append(markdown.substr(at, span.start - at));
    protected_.append(kOpen).append(std::to_string(spans_.size())).append(kClose);
    spans_.push_back({std::string(markdown.substr(span.start, span.end - span.start)), MathFinder::tex(markdown, span),
                      span.display});
    at = span.end;
  }
  protected_.append(markdown.substr(at));
}

std::vector<MathPlaceholders::Piece> MathPlaceholders::split(std::string_view text) const {
  std::vector<Piece> pieces;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find(kOpen, at);
    const std::size_t close = open == std::string_view::npos ? open : text.find(kClose, open);
    std::size_t index = spans_.size();
    if (close != std::string_view::npos) {
      const std::string_view number = text.substr(open + kOpen.size(), close - open - kOpen.size());
      if (!number.empty() && number.find_first_not_of("0123456789") == std::string_view::npos)
        index = std::stoul(std::string(number));
    }
    if (index >= spans_.size()) {  // no (valid) placeholder left: the rest is text
      pieces.push_back({text.substr(at), std::nullopt});
      break;
    }
    if (open > at) pieces.push_back({text.substr(at, open - at), std::nullopt});
    pieces.push_back({{}, index});
    at = close + kClose.size();
  }
  return pieces;
}

std::string MathPlaceholders::restore(std::string_view text) const {
  std::string out;
  for (const Piece& piece : split(text)) out += piece.math ? spans_[*piece.math].source : std::string(piece.text);
  return out;
}

void MathPlaceholders::restore_outside_text(cmark_node* document) const {
  if (spans_.empty()) return;
  for (cmark_node* node : all_nodes(document)) {
    const auto type = cmark_node_get_type(node);
    const bool code_or_html = type == CMARK_NODE_CODE || type == CMARK_NODE_CODE_BLOCK ||
                              type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE;
    // An image's text is its alt attribute: plain text only.
    if (code_or_html || (type == CMARK_NODE_TEXT && inside_image(node))) {
      if (holds_placeholder(cmark_node_get_literal(node)))
        cmark_node_set_literal(node, restore(literal_of(node)).c_str());
    }
    if (type == CMARK_NODE_CODE_BLOCK && holds_placeholder(cmark_node_get_fence_info(node)))
      cmark_node_set_fence_info(node, restore(cmark_node_get_fence_info(node)).c_str());
    if (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE) {
      if (holds_placeholder(cmark_node_get_url(node)))
        cmark_node_set_url(node, restore(cmark_node_get_url(node)).c_str());
      if (holds_placeholder(cmark_node_get_title(node)))
        cmark_node_set_title(node, restore(cmark_node_get_title(node)).c_str());
    }
  }
}

std::string MathPlaceholders::element(std::size_t index) const {
  const Span& span = spans_[index];
  return std::string(span.display ? "<span class=\"math math-display\">" : "<span class=\"math math-inline\">") +
         escape_html(span.tex) + "</span>";
}

void MathPlaceholders::to_html_nodes(cmark_node* document) const {
  if (spans_.empty()) return;
  restore_outside_text(document);
  for (cmark_node* node : all_nodes(document)) {
    if (cmark_node_get_type(node) == CMARK_NODE_TEXT && holds_placeholder(cmark_node_get_literal(node)))
      split_text_node(node);
  }
}

void MathPlaceholders::split_text_node(cmark_node* node) const {
  const std::string text(literal_of(node));
  const auto pieces = split(text);
  cmark_node* parent = cmark_node_parent(node);
  // Display math alone in its paragraph is a block of its own.
  if (pieces.size() == 1 && pieces[0].math && display(*pieces[0].math) && parent &&
      cmark_node_get_type(parent) == CMARK_NODE_PARAGRAPH && cmark_node_first_child(parent) == node &&
      cmark_node_last_child(parent) == node) {
    cmark_node* block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
    cmark_node_set_on_enter(
        block, ("<div class=\"math math-display\">" + escape_html(tex(*pieces[0].math)) + "</div>").c_str());
    if (cmark_node_replace(parent, block)) {
      cmark_node_free(parent);
      return;
    }
    cmark_node_free(block);
  }
  // A custom inline renders its fixed on_enter: escaped TeX, nothing from the note as markup. A
  // container that refuses one (a table cell) keeps the placeholder for finish_html.
  cmark_node* probe = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
  const bool accepted = cmark_node_insert_before(node, probe) != 0;
  cmark_node_free(probe);
  if (!accepted) return;
  for (const Piece& piece : pieces) {
    cmark_node* fresh = cmark_node_new(piece.math ? CMARK_NODE_CUSTOM_INLINE : CMARK_NODE_TEXT);
    if (piece.math) cmark_node_set_on_enter(fresh, element(*piece.math).c_str());
    else cmark_node_set_literal(fresh, std::string(piece.text).c_str());
    if (!cmark_node_insert_before(node, fresh)) cmark_node_free(fresh);
  }
  cmark_node_free(node);  // unlinks it
}

std::string MathPlaceholders::finish_html(std::string html) const {
  if (spans_.empty() || html.find(kOpen) == std::string::npos) return html;
  std::string out;
  for (const Piece& piece : split(html)) out += piece.math ? element(*piece.math) : std::string(piece.text);
  return out;
}

}  // namespace qabot::answer
