#pragma once
// One question in, one answer out: retrieval plus the answer text and its safe HTML. Used by the CLI,
// the server and the integrations. Not thread-safe (owns a SQLite connection): one per thread.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "retrieval/result.hpp"

namespace qabot::answer {

struct Answer {
  retrieval::Result result;
  std::string markdown;  // the best answer's markdown, or a helpful no-match message naming the closest questions
  std::string html;      // `markdown` rendered by cmark-gfm with raw HTML escaped
};

class Answerer {
 public:
  // Throws std::runtime_error when the index cannot be opened (clear message).
  Answerer(const std::filesystem::path& db, const std::filesystem::path& synonyms);
  ~Answerer();

  retrieval::Result search(std::string_view text, int top_k);  // retrieval only
  Answer ask(std::string_view text, int top_k);                  // retrieval + answer text + html
  std::int64_t question_count() const;
  std::string explain(std::string_view text);  // how the query was understood (debugging aid)
  nlohmann::json questions_by_category() const;  // for GET /api/questions

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The JSON shape shared by `qabot ask --json`, protocol v1 results and /api/ask:
// {"query", "matched", "hits": [{"id","question","category","score","confidence","source"}], ...}
nlohmann::json to_json(const retrieval::Result& result);
std::string render_html(std::string_view markdown);  // cmark-gfm, raw HTML escaped, GFM tables

}  // namespace qabot::answer
