// AnswerEngine over answer::Answerer: the only file of the server that knows about retrieval types.

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "answer/answerer.hpp"
#include "quiz/quiz_master.hpp"
#include "server/answer_engine.hpp"
#include "store/question_bank.hpp"
#include "text/analyzer.hpp"

namespace qabot::server {
namespace {

class AnswererEngine final : public AnswerEngine {
 public:
  AnswererEngine(const std::filesystem::path& db, const retrieval::GlossarySources& glossary)
      : answerer_(db, glossary), db_(db), note_files_(answerer_.note_files()) {}

  AskOutcome ask(std::string_view text, int top_k) override { return outcome(answerer_.ask(text, top_k)); }

  AskOutcome ask_in_conversation(std::string_view text, int top_k, const ConversationPtr& conversation) override {
    auto next = conversation ? std::make_shared<retrieval::Conversation>(*conversation)
                             : std::make_shared<retrieval::Conversation>();
    AskOutcome out = outcome(answerer_.ask(text, top_k, next.get()));
    out.conversation = std::move(next);
    return out;
  }

  std::int64_t question_count() const override { return answerer_.question_count(); }
  nlohmann::json questions_by_category() const override { return answerer_.questions_by_category(); }
  std::optional<std::string> coverage_report() const override { return answerer_.coverage_report(); }
  const store::NoteFiles* note_files() const override { return &note_files_; }

  quiz::QuizMaster* quiz_master() override {
    if (!quiz_) {
      quiz_analyzer_ = std::make_unique<text::Analyzer>();
      const store::QuestionBank bank(db_);
      const double size = static_cast<double>(std::max<std::int64_t>(1, bank.question_count()));
      // The grader asks a term's document frequency for every term of every answer (the QuizMaster
      // analyses them all once). One lookup in FTS5's vocabulary table counts through the term's
      // posting list (2.4 ms for a term in 72 % of a 100k bank), so millions of them never finished;
      // one pass over the whole vocabulary into a hash map takes about a second.
      auto df = std::make_shared<std::unordered_map<std::string, std::int64_t>>();
      for (auto& [term, docs] : bank.vocabulary()) df->emplace(std::move(term), docs);
      auto share = [df, size](std::string_view term) {
        const auto it = df->find(std::string(term));
        return it == df->end() ? 0.0 : static_cast<double>(it->second) / size;
      };
      auto grader = std::make_unique<quiz::QuizGrader>(*quiz_analyzer_, std::move(share),
                                                       static_cast<std::size_t>(bank.question_count()));
      quiz_ = std::make_unique<quiz::QuizMaster>(bank.all(), std::move(grader));
    }
    return quiz_.get();
  }

 private:
  static AskOutcome outcome(answer::Answer a) {
    AskOutcome out;
    out.answer = std::move(a);
    return out;
  }

  answer::Answerer answerer_;
  std::filesystem::path db_;
  store::NoteFiles note_files_;  // read once per (re)opened index, like the engine itself
  std::unique_ptr<text::Analyzer> quiz_analyzer_;
  std::unique_ptr<quiz::QuizMaster> quiz_;  // after quiz_analyzer_: destroyed first
};

}  // namespace

EngineFactory make_answerer_factory(retrieval::GlossarySources glossary) {
  return [glossary = std::move(glossary)](const std::filesystem::path& db) -> std::unique_ptr<AnswerEngine> {
    return std::make_unique<AnswererEngine>(db, glossary);
  };
}

}  // namespace qabot::server
