#pragma once
// One question in, one answer out: retrieval plus the answer text and its safe HTML. Used by the CLI,
// the server and the integrations. Not thread-safe (owns a SQLite connection): one per thread.

#include <optional>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "retrieval/conversation.hpp"
#include "retrieval/glossary.hpp"
#include "retrieval/result.hpp"
#include "store/note_files.hpp"

namespace qabot::text {
class Analyzer;
}

namespace qabot::answer {

struct Answer {
  retrieval::Result result;
  // The best answer's markdown; when the top hits are a near-tie, a short "Did you mean: A, or B?";
  // when nothing matched, a helpful message naming the closest questions.
  std::string markdown;
  std::string html;  // `markdown` rendered by cmark-gfm with raw HTML escaped, matched words in <mark>
};

class Answerer {
 public:
  // Throws std::runtime_error when the index cannot be opened (clear message).
  // Throws too when the glossary's user file cannot be read or parsed (naming the file and line).
  Answerer(const std::filesystem::path& db, const retrieval::GlossarySources& glossary);
  ~Answerer();

  retrieval::Result search(std::string_view text, int top_k);  // retrieval only
  // Retrieval + answer text + html. With a conversation, the question may be read as a follow-up of
  // the earlier ones, and is remembered in it (retrieval::Retriever::search).
  Answer ask(std::string_view text, int top_k, retrieval::Conversation* conversation = nullptr);
  std::int64_t question_count() const;
  std::string explain(std::string_view text);          // how the query was understood (debugging aid)
  nlohmann::json questions_by_category() const;        // for GET /api/questions
  std::optional<std::string> coverage_report() const;  // for GET /api/report (JSON text)
  store::NoteFiles note_files() const;                 // the images GET /notes/… may serve (read from the index)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The JSON shape shared by `qabot ask --json`, protocol v1 results and /api/ask:
// {"query", "matched", "hits": [{"id","question","category","score","confidence","source"}], ...}
// plus "choices" when clarify is set and "followup": {"previous","carried","kind"} when the
// question was read as a follow-up.
nlohmann::json to_json(const retrieval::Result& result);
nlohmann::json followup_json(const retrieval::FollowUp& followup);
// Its parts, for the writers that build a reply around them: the hits array and the corrections
// array ([] when none).
nlohmann::json hits_json(const retrieval::Result& result);
nlohmann::json corrections_json(const retrieval::Result& result);
// cmark-gfm, raw HTML escaped, GFM tables; with an analyzer, tokens whose analysed term is in
// `highlight` are wrapped in <mark> (text only: never in code, links or attributes). With the
// note's `source` ("root/dir/note.md"), its relative images point at GET /notes/… (ImageLinker).
std::string render_html(std::string_view markdown, const text::Analyzer* analyzer = nullptr,
                        const std::vector<std::string>& highlight = {}, std::string_view source = {});
// The clarifying question asked instead of an answer when the top hits are a near-tie.
std::string clarify_message(const retrieval::Result& result);

}  // namespace qabot::answer
