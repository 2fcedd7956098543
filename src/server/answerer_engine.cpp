// AnswerEngine over answer::Answerer: the only file of the server that knows about retrieval types.

#include <utility>

#include "answer/answerer.hpp"
#include "server/answer_engine.hpp"

namespace qabot::server {
namespace {

class AnswererEngine final : public AnswerEngine {
 public:
  AnswererEngine(const std::filesystem::path& db, const std::filesystem::path& synonyms) : answerer_(db, synonyms) {}

  AskOutcome ask(std::string_view text, int top_k) override {
    answer::Answer a = answerer_.ask(text, top_k);
    AskOutcome out;
    nlohmann::json j = answer::to_json(a.result);
    out.matched = a.result.matched;
    out.clarify = a.result.clarify;
    if (auto it = j.find("hits"); it != j.end()) out.hits = std::move(*it);
    for (const auto& c : a.result.corrections) out.corrections.push_back({{"from", c.from}, {"to", c.to}});
    out.markdown = std::move(a.markdown);
    out.html = std::move(a.html);
    return out;
  }

  std::int64_t question_count() const override { return answerer_.question_count(); }
  nlohmann::json questions_by_category() const override { return answerer_.questions_by_category(); }

 private:
  answer::Answerer answerer_;
};

}  // namespace

EngineFactory make_answerer_factory(std::filesystem::path synonyms) {
  return [synonyms = std::move(synonyms)](const std::filesystem::path& db) -> std::unique_ptr<AnswerEngine> {
    return std::make_unique<AnswererEngine>(db, synonyms);
  };
}

}  // namespace qabot::server
