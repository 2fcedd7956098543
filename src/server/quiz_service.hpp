#pragma once
// Quiz requests of protocol v1 (quiz, quiz_answer, progress) run against a
// worker's engine and the shared state store. Runs on a worker thread (state
// calls may wait on a disk or a network), never on an io thread. A state
// failure becomes a `state_unavailable` error for that request only.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "integrations/webhook.hpp"
#include "quiz/quiz_master.hpp"
#include "server/answer_engine.hpp"
#include "server/protocol.hpp"
#include "state/state_store.hpp"

namespace qabot::server {

// What a quiz call produced: the structs for relays that render their own
// messages (Slack, Discord), or the error to send.
struct QuizStarted {
  quiz::QuizStart start;
};
struct QuizGraded {
  quiz::QuizResult result;
  std::string html;  // the reference answer, rendered and sanitised like an ask's
};
struct QuizProgress {
  quiz::Progress progress;
};
using QuizOutcome = std::variant<QuizStarted, QuizGraded, QuizProgress, ProtocolError>;

class QuizService {
 public:
  using Clock = std::function<std::int64_t()>;  // unix seconds
  // `store` may be null: every quiz call then answers state_unavailable.
  explicit QuizService(std::shared_ptr<state::StateStore> store, Clock clock = {});

  QuizOutcome start(AnswerEngine* engine, const std::string& user, const std::string& category) const;
  // `question`: the id of the question the reply was written for, when the
  // client says (protocol `quiz_answer.question`); a different pending question
  // is then not graded.
  QuizOutcome answer(AnswerEngine* engine, const std::string& user, const std::string& text,
                     std::optional<std::int64_t> question = {}) const;
  QuizOutcome progress(AnswerEngine* engine, const std::string& user) const;

  // A chat user's `/quiz` (Slack, Discord) → the reply as note-style markdown. The rule for
  // Kind::Auto: empty text starts a quiz on any category; "skip" (or 跳过) drops the pending question
  // and asks another in its category; with a question pending any other text is the answer; with
  // none, the text names a category to be quizzed on.
  std::string chat(AnswerEngine* engine, const integrations::QuizCommand& command) const;
  static std::string chat_markdown(const QuizOutcome& outcome, std::int64_t now);

  // The protocol frame of an outcome (an error outcome carries no id: `id` is
  // used).
  static std::string frame(const std::optional<std::string>& id, const QuizOutcome& outcome);
  static nlohmann::json question_json(const quiz::QuizQuestion& q);

 private:
  template <typename F>
  QuizOutcome run(AnswerEngine* engine, F&& body) const;

  std::shared_ptr<state::StateStore> store_;
  Clock clock_;
};

}  // namespace qabot::server
