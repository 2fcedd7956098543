#include "answer/answerer.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <variant>
#include <vector>

#include "answer/highlighter.hpp"
#include "answer/image_linker.hpp"
#include "answer/math_placeholders.hpp"
#include "retrieval/retriever.hpp"
#include "store/question_bank.hpp"
#include "text/analyzer.hpp"
#include "text/utf8.hpp"

namespace qabot::answer {

namespace {

retrieval::Synonyms load_glossary(const retrieval::GlossarySources& sources) {
  auto loaded = retrieval::Glossary::load(sources);
  // The message already names its glossary (the user's file, or "built-in glossary").
  if (auto* error = std::get_if<retrieval::SynonymError>(&loaded))
    throw std::runtime_error(error->line > 0 ? error->message + " (line " + std::to_string(error->line) + ")"
                                             : error->message);
  return std::get<retrieval::Synonyms>(std::move(loaded));
}

std::string no_match_message(const retrieval::Result& r) {
  std::string text = "I have no note that answers this";
  if (!r.corrections.empty()) {
    text += " (I read";
    for (const auto& c : r.corrections) text += " \"" + c.from + "\" as \"" + c.to + "\"";
    text += ")";
  }
  text += ".";
  if (!r.hits.empty()) {
    text += " The closest questions in your notes are:\n\n";
    for (const auto& h : r.hits) text += "- " + h.question + "\n";
  } else {
    text += " Try other words, or browse the questions by category.\n";
  }
  return text;
}

// A question title inside our own markdown: its punctuation stays text ("is和==的区别", "__init__").
std::string escape_markdown(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\`*_[]<>#|~!").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// A chat message is read, not scrolled through: a note longer than this (a 10 MB table pasted into
// a note) is shown up to the last whole line that fits, with where the rest is.
constexpr std::size_t kMaxShownAnswerBytes = 64 * 1024;

std::string shown_answer(const store::StoredQuestion& q) {
  if (q.answer.size() <= kMaxShownAnswerBytes) return q.answer;
  std::size_t cut = q.answer.rfind('\n', kMaxShownAnswerBytes);
  if (cut == std::string::npos || cut == 0) cut = kMaxShownAnswerBytes;
  cut = text::utf8_prefix_length(q.answer, cut);  // whole characters
  std::string out = q.answer.substr(0, cut);
  bool open_fence = false;  // a cut inside a code block closes it, or the note below would be code
  for (std::size_t start = 0; start < out.size();) {
    const std::size_t end = std::min(out.find('\n', start), out.size());
    const std::string_view line = std::string_view(out).substr(start, end - start);
    const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
    if (indent < 4 && line.substr(indent).starts_with("```")) open_fence = !open_fence;
    start = end + 1;
  }
  if (open_fence) out += "\n```";
  out += "\n\n*… the answer goes on: see " + escape_markdown(q.source) + ", line " + std::to_string(q.line) + ".*\n";
  return out;
}

}  // namespace

std::string clarify_message(const retrieval::Result& r) {
  const std::size_t n = std::min(std::max<std::size_t>(r.choices, 2), r.hits.size());
  std::string text = "Did you mean: ";
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) text += i + 1 == n ? ", or " : ", ";
    text += "**" + escape_markdown(r.hits[i].question) + "**";
  }
  text += "?\n";
  return text;
}

struct Answerer::Impl {
  store::QuestionBank bank;
  retrieval::Synonyms synonyms;
  retrieval::Retriever retriever;
  text::Analyzer analyzer;  // cuts answers for highlighting, as the index cut them
  Impl(const std::filesystem::path& db, const retrieval::GlossarySources& glossary)
      : bank(db), synonyms(load_glossary(glossary)), retriever(bank, synonyms) {}
};

Answerer::Answerer(const std::filesystem::path& db, const retrieval::GlossarySources& glossary)
    : impl_(std::make_unique<Impl>(db, glossary)) {}

Answerer::~Answerer() = default;

retrieval::Result Answerer::search(std::string_view text, int top_k) { return impl_->retriever.search(text, top_k); }

Answer Answerer::ask(std::string_view text, int top_k, retrieval::Conversation* conversation) {
  Answer a;
  a.result = impl_->retriever.search(text, top_k, conversation);
  bool from_notes = false;
  std::string source;  // of the note answered with: its relative images are served under /notes/
  if (a.result.matched && a.result.clarify) {
    // Two notes fit about equally well: asking which one costs the user a click, answering the
    // wrong one costs them reading a whole answer to a question they did not ask.
    a.markdown = clarify_message(a.result);
  } else if (a.result.matched) {
    if (auto q = impl_->bank.get(a.result.hits.front().id)) {
      from_notes = !q->answer.empty();
      source = q->source;
      a.markdown = q->answer.empty() ? "*This question has no answer in your notes yet.*\n" : shown_answer(*q);
    }
  } else {
    a.markdown = no_match_message(a.result);
  }
  a.html = from_notes ? render_html(a.markdown, &impl_->analyzer, a.result.terms, source) : render_html(a.markdown);
  return a;
}

std::string Answerer::explain(std::string_view text) { return impl_->retriever.explain(text); }

std::int64_t Answerer::question_count() const { return impl_->bank.question_count(); }

std::optional<std::string> Answerer::coverage_report() const { return impl_->bank.coverage_report(); }

store::NoteFiles Answerer::note_files() const { return impl_->bank.note_files(); }

nlohmann::json Answerer::questions_by_category() const {
  // Categories in the order they first appear in the notes.
  nlohmann::json categories = nlohmann::json::array();
  std::map<std::string, std::size_t> index;
  for (const auto& q : impl_->bank.all()) {
    auto [it, fresh] = index.emplace(q.category, categories.size());
    if (fresh) categories.push_back({{"category", q.category}, {"questions", nlohmann::json::array()}});
    categories[it->second]["questions"].push_back({{"id", q.id},
                                                   {"question", q.question},
                                                   {"heading", q.heading},
                                                   {"source", q.source + ":" + std::to_string(q.line)},
                                                   {"answered", !q.answer.empty()}});
  }
  return {{"questions", impl_->bank.question_count()}, {"categories", std::move(categories)}};
}

nlohmann::json followup_json(const retrieval::FollowUp& f) {
  return {{"previous", f.previous}, {"carried", f.carried}, {"kind", f.kind}};
}

nlohmann::json hits_json(const retrieval::Result& r) {
  nlohmann::json hits = nlohmann::json::array();
  for (const auto& h : r.hits)
    hits.push_back({{"id", h.id},
                    {"question", h.question},
                    {"heading", h.heading},
                    {"category", h.category},
                    {"score", h.score},
                    {"confidence", h.confidence},
                    {"source", h.source}});
  return hits;
}

nlohmann::json corrections_json(const retrieval::Result& r) {
  nlohmann::json c = nlohmann::json::array();
  for (const auto& x : r.corrections) c.push_back({{"from", x.from}, {"to", x.to}});
  return c;
}

nlohmann::json to_json(const retrieval::Result& r) {
  nlohmann::json out = {{"query", r.query}, {"matched", r.matched}, {"clarify", r.clarify}, {"hits", hits_json(r)}};
  if (r.clarify) out["choices"] = r.choices;
  if (r.followup) out["followup"] = followup_json(*r.followup);
  if (!r.corrections.empty()) out["corrections"] = corrections_json(r);
  return out;
}

namespace {

// Raw HTML in a note becomes visible text: a note that mentions <script> shows it, as the notes'
// author wrote it, and nothing in it runs. (cmark-gfm's safe mode would drop it silently.)
void escape_raw_html(cmark_node* root) {
  std::vector<cmark_node*> raw;
  cmark_iter* it = cmark_iter_new(root);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* node = cmark_iter_get_node(it);
    const auto type = cmark_node_get_type(node);
    if (ev == CMARK_EVENT_ENTER && (type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE))
      raw.push_back(node);
  }
  cmark_iter_free(it);
  for (cmark_node* node : raw) {
    const char* literal = cmark_node_get_literal(node);
    std::string text = literal ? literal : "";
    if (cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK) {
      while (!text.empty() && text.back() == '\n') text.pop_back();
      cmark_node* para = cmark_node_new(CMARK_NODE_PARAGRAPH);
      cmark_node* content = cmark_node_new(CMARK_NODE_CODE);
      cmark_node_set_literal(content, text.c_str());
      cmark_node_append_child(para, content);
      cmark_node_replace(node, para);
    } else {
      cmark_node* content = cmark_node_new(CMARK_NODE_TEXT);
      cmark_node_set_literal(content, text.c_str());
      cmark_node_replace(node, content);
    }
    cmark_node_free(node);
  }
}

}  // namespace

std::string render_html(std::string_view markdown, const text::Analyzer* analyzer,
                        const std::vector<std::string>& highlight, std::string_view source) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  // No CMARK_OPT_UNSAFE: javascript:/vbscript:/file: links lose their target. Raw HTML is turned
  // into text before rendering (escape_raw_html), so nothing from a note is ever markup.
  const int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_GITHUB_PRE_LANG;
  cmark_parser* parser = cmark_parser_new(options);
  for (const char* name : {"table", "strikethrough", "autolink", "tagfilter"})
    if (auto* ext = cmark_find_syntax_extension(name)) cmark_parser_attach_syntax_extension(parser, ext);
  // Math is kept out of inline parsing (`_` in `$x_i$` is no emphasis) and becomes math elements
  // before the highlighter runs, so no <mark> lands inside a formula.
  const MathPlaceholders math(markdown);
  cmark_parser_feed(parser, math.markdown().data(), math.markdown().size());
  cmark_node* doc = cmark_parser_finish(parser);
  math.to_html_nodes(doc);
  escape_raw_html(doc);
  if (!source.empty()) ImageLinker(source).apply(doc);
  if (analyzer && !highlight.empty()) Highlighter(*analyzer, highlight).apply(doc);
  char* html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
  std::string out = math.finish_html(html ? html : "");
  std::free(html);
  cmark_node_free(doc);
  cmark_parser_free(parser);
  return out;
}

}  // namespace qabot::answer
