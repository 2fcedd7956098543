#include "answer/highlighter.hpp"

#include <cmark-gfm.h>

#include <algorithm>

#include "text/utf8.hpp"

namespace qabot::answer {

Highlighter::Highlighter(const text::Analyzer& analyzer, const std::vector<std::string>& terms)
    : analyzer_(analyzer),
      terms_(terms.begin(), terms.end()),
      single_characters_(
          std::any_of(terms.begin(), terms.end(), [](const std::string& t) { return text::is_cjk_character(t); })) {}

std::vector<std::pair<int, int>> Highlighter::spans(std::string_view text) const {
  std::vector<std::pair<int, int>> out;
  if (terms_.empty()) return out;
  const auto tokens = analyzer_.analyze(text);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto& token = tokens[i];
    if (terms_.count(token.term)) {
      out.emplace_back(token.start, token.end);
    } else if (single_characters_ && token.kind == text::TokenKind::CjkBigram && i + 1 < tokens.size()) {
      // A one-character term matched this position through the bigram it starts (the index holds
      // no unigram there): mark that character alone. A bigram is always followed by the token of
      // its second character, which starts where the first character ends in the original text
      // (テ + a combining mark is one character, デ).
      const std::size_t first = text::decode_utf8(token.term, 0).length;
      if (terms_.count(token.term.substr(0, first)) && tokens[i + 1].start > token.start)
        out.emplace_back(token.start, tokens[i + 1].start);
    }
  }
  std::sort(out.begin(), out.end());
  std::vector<std::pair<int, int>> merged;
  for (const auto& s : out) {
    if (!merged.empty() && s.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, s.second);
    else merged.push_back(s);
  }
  return merged;
}

namespace {

bool inside_link_or_image(cmark_node* node) {
  for (cmark_node* p = cmark_node_parent(node); p; p = cmark_node_parent(p)) {
    const auto type = cmark_node_get_type(p);
    // A link's text may be its URL (autolinks), and an image's text is its alt attribute.
    if (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE) return true;
  }
  return false;
}

// Whether a mark may stand where `node` is: tried with a probe, which is then freed.
bool can_hold_mark(cmark_node* node) {
  cmark_node* probe = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
  const bool ok = cmark_node_insert_before(node, probe) != 0;
  cmark_node_free(probe);  // unlinks it when it was inserted
  return ok;
}

// Inserts `fresh` before `node`; a refused node is freed rather than left unowned.
void insert_before(cmark_node* node, cmark_node* fresh) {
  if (!cmark_node_insert_before(node, fresh)) cmark_node_free(fresh);
}

cmark_node* text_node(std::string_view s) {
  cmark_node* n = cmark_node_new(CMARK_NODE_TEXT);
  cmark_node_set_literal(n, std::string(s).c_str());
  return n;
}

}  // namespace

void Highlighter::apply(cmark_node* document) const {
  if (terms_.empty()) return;
  // Collected first: the tree is rewritten afterwards, never while iterating it.
  std::vector<cmark_node*> texts;
  cmark_iter* it = cmark_iter_new(document);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* node = cmark_iter_get_node(it);
    if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_TEXT && !inside_link_or_image(node))
      texts.push_back(node);
  }
  cmark_iter_free(it);

  for (cmark_node* node : texts) {
    // Some containers take only the inline types they know: a GFM table cell refuses a custom
    // inline. Inserting into one fails and leaves the new node unowned, so such text stays as it
    // is (unmarked) — once, this leaked two nodes per mark and dropped the marked words.
    if (!can_hold_mark(node)) continue;
    const char* literal = cmark_node_get_literal(node);
    const std::string text = literal ? literal : "";
    const auto marks = spans(text);
    if (marks.empty()) continue;
    int at = 0;
    for (const auto& [start, end] : marks) {
      if (start > at) insert_before(node, text_node(std::string_view(text).substr(at, start - at)));
      // A custom inline renders its fixed on_enter/on_exit around its (escaped) children: the mark
      // can never carry anything from the note.
      cmark_node* mark = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
      cmark_node_set_on_enter(mark, "<mark>");
      cmark_node_set_on_exit(mark, "</mark>");
      cmark_node_append_child(mark, text_node(std::string_view(text).substr(start, end - start)));
      insert_before(node, mark);
      at = end;
    }
    if (at < static_cast<int>(text.size())) insert_before(node, text_node(std::string_view(text).substr(at)));
    cmark_node_free(node);  // unlinks it
  }
}

}  // namespace qabot::answer
