#pragma once
// What the server needs from retrieval, behind an interface so that transport tests can run with a
// scripted engine and the worker pool can reopen engines after a reload. Implementations need not be
// thread-safe: each worker owns one.

#include <optional>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "answer/answerer.hpp"
#include "retrieval/glossary.hpp"

namespace qabot::retrieval {
struct Conversation;
}
namespace qabot::quiz {
class QuizMaster;
}
namespace qabot::store {
class NoteFiles;
}

namespace qabot::server {

// A conversation snapshot (ConversationStore::Value); null: a question on its own.
using ConversationPtr = std::shared_ptr<const retrieval::Conversation>;

// What the engine answered, typed; JSON is written only at the edges (the protocol writer, the
// HTTP reply, the integrations' formatters).
struct AskOutcome {
  // result: hits, corrections, clarify choices, follow-up; markdown: the best answer, the "Did you
  // mean" question or the helpful no-match message; html: markdown rendered and sanitised.
  answer::Answer answer;
  ConversationPtr conversation;  // the conversation after this ask; null: leave it as it was
};

class AnswerEngine {
 public:
  virtual ~AnswerEngine() = default;
  virtual AskOutcome ask(std::string_view text, int top_k) = 0;
  // The same question read against a conversation (follow-ups). Engines without conversations
  // answer it on its own.
  virtual AskOutcome ask_in_conversation(std::string_view text, int top_k, const ConversationPtr& conversation) {
    (void)conversation;
    return ask(text, top_k);
  }
  virtual std::int64_t question_count() const = 0;
  virtual nlohmann::json questions_by_category() const = 0;
  // The index's coverage report (JSON text), when the build that wrote it left one.
  virtual std::optional<std::string> coverage_report() const { return std::nullopt; }
  // Quizzes over this engine's bank, built on first use (it analyses every answer once); null when
  // the engine has no bank to quiz from (scripted test engines). Owned by the engine.
  virtual quiz::QuizMaster* quiz_master() { return nullptr; }
  // The note images this engine's bank may serve (GET /notes/…); null: none. Owned by the engine.
  virtual const store::NoteFiles* note_files() const { return nullptr; }
};

// Opens an engine on an index file; throws std::runtime_error when the index cannot be used.
using EngineFactory = std::function<std::unique_ptr<AnswerEngine>(const std::filesystem::path& db)>;

// The real engine: answer::Answerer with the given glossary.
EngineFactory make_answerer_factory(retrieval::GlossarySources glossary);

}  // namespace qabot::server
