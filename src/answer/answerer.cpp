#include "answer/answerer.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <variant>

#include "retrieval/retriever.hpp"
#include "store/question_bank.hpp"

namespace qabot::answer {

namespace {

retrieval::Synonyms load_synonyms(const std::filesystem::path& file) {
  if (file.empty()) return {};
  auto loaded = retrieval::Synonyms::load(file);
  if (auto* error = std::get_if<retrieval::SynonymError>(&loaded)) {
    throw std::runtime_error(error->line > 0 ? file.string() + ":" + std::to_string(error->line) + ": " + error->message
                                             : error->message);
  }
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

}  // namespace

struct Answerer::Impl {
  store::QuestionBank bank;
  retrieval::Synonyms synonyms;
  retrieval::Retriever retriever;
  Impl(const std::filesystem::path& db, const std::filesystem::path& syn)
      : bank(db), synonyms(load_synonyms(syn)), retriever(bank, synonyms) {}
};

Answerer::Answerer(const std::filesystem::path& db, const std::filesystem::path& synonyms)
    : impl_(std::make_unique<Impl>(db, synonyms)) {}

Answerer::~Answerer() = default;

retrieval::Result Answerer::search(std::string_view text, int top_k) { return impl_->retriever.search(text, top_k); }

Answer Answerer::ask(std::string_view text, int top_k) {
  Answer a;
  a.result = impl_->retriever.search(text, top_k);
  if (a.result.matched) {
    if (auto q = impl_->bank.get(a.result.hits.front().id)) {
      a.markdown = q->answer.empty() ? "*This question has no answer in your notes yet.*\n" : q->answer;
    }
  } else {
    a.markdown = no_match_message(a.result);
  }
  a.html = render_html(a.markdown);
  return a;
}

std::string Answerer::explain(std::string_view text) { return impl_->retriever.explain(text); }

std::int64_t Answerer::question_count() const { return impl_->bank.question_count(); }

nlohmann::json Answerer::questions_by_category() const {
  // Categories in the order they first appear in the notes.
  nlohmann::json categories = nlohmann::json::array();
  std::map<std::string, std::size_t> index;
  for (const auto& q : impl_->bank.all()) {
    auto [it, fresh] = index.emplace(q.category, categories.size());
    if (fresh) categories.push_back({{"category", q.category}, {"questions", nlohmann::json::array()}});
    categories[it->second]["questions"].push_back(
        {{"id", q.id}, {"question", q.question}, {"source", q.path + ":" + std::to_string(q.line)},
         {"answered", !q.answer.empty()}});
  }
  return {{"questions", impl_->bank.question_count()}, {"categories", std::move(categories)}};
}

nlohmann::json to_json(const retrieval::Result& r) {
  nlohmann::json hits = nlohmann::json::array();
  for (const auto& h : r.hits)
    hits.push_back({{"id", h.id},
                    {"question", h.question},
                    {"category", h.category},
                    {"score", h.score},
                    {"confidence", h.confidence},
                    {"source", h.source}});
  nlohmann::json out = {{"query", r.query}, {"matched", r.matched}, {"clarify", r.clarify}, {"hits", std::move(hits)}};
  if (!r.corrections.empty()) {
    nlohmann::json c = nlohmann::json::array();
    for (const auto& x : r.corrections) c.push_back({{"from", x.from}, {"to", x.to}});
    out["corrections"] = std::move(c);
  }
  return out;
}

std::string render_html(std::string_view markdown) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  // Without CMARK_OPT_UNSAFE, raw HTML and javascript: links are dropped from the output: a note
  // containing <script> renders as nothing runnable.
  const int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_GITHUB_PRE_LANG;
  cmark_parser* parser = cmark_parser_new(options);
  for (const char* name : {"table", "strikethrough", "autolink", "tagfilter"})
    if (auto* ext = cmark_find_syntax_extension(name)) cmark_parser_attach_syntax_extension(parser, ext);
  cmark_parser_feed(parser, markdown.data(), markdown.size());
  cmark_node* doc = cmark_parser_finish(parser);
  char* html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
  std::string out = html ? html : "";
  std::free(html);
  cmark_node_free(doc);
  cmark_parser_free(parser);
  return out;
}

}  // namespace qabot::answer
