#pragma once
// One ask, whatever the channel. The WebSocket session, POST /api/ask, the Slack and Discord
// endpoints and `qabot ask --conversation` are adapters over it: each turns its request into an
// AskCall and the typed AskReply into its own format (protocol frames, an HTTP body, a chat
// message). Here, once: the question is read against its conversation and the next conversation
// kept, a quiz request is dispatched to the quiz service when the channel reads asks that way, the
// ask is counted (qabot_asks_total{channel,outcome}, the latency histogram per channel) and an ask
// without a confident answer is logged as a gap.
//
// Thread-safe (const over thread-safe stores); runs on a worker, or inline on an io thread when
// may_block() is false and the pool allows it. Never throws: an engine failure is logged, counted
// and returned as AskFailed.

#include <optional>
#include <string>
#include <variant>

#include "server/answer_engine.hpp"
#include "server/channel.hpp"
#include "server/quiz_service.hpp"

namespace qabot::server {

class AnswerPool;
class ConversationStore;
class GapRecorder;
class Metrics;

struct AskCall {
  Channel channel = Channel::WebSocket;
  std::string text;
  int top_k = 3;
  // Follow-up context: the store and this asker's key in it (the adapter namespaces keys so that
  // channels never share one). Null store: the question is read on its own.
  ConversationStore* conversations = nullptr;
  std::string conversation_key;
  // Set: a quiz request ("考考我", "quiz me on python") starts this user's quiz instead of being
  // searched (the WebSocket protocol). Unset: such text is searched like any other (POST /api/ask).
  std::optional<std::string> quiz_user;
};

// The engine failed; the message is safe to show (details went to the log).
struct AskFailed {
  std::string message;
};

// An answer from the notes (or why there is none), a quiz reply, or a failure.
using AskReply = std::variant<AskOutcome, QuizOutcome, AskFailed>;

class AskService {
 public:
  // Every pointer may be null: no metrics (the CLI), no gaps log, no quizzes (quiz requests are then
  // searched), no pool to tell how long asks take. They must outlive the service.
  AskService(Metrics* metrics, const GapRecorder* gaps, const QuizService* quiz, AnswerPool* pool);

  AskReply ask(AnswerEngine& engine, const AskCall& call) const;

  // Whether the call may wait on the state store (it is a quiz request): run it on a worker, never
  // inline on an io thread.
  bool may_block(const AskCall& call) const;

 private:
  std::optional<std::string> quiz_category(const AskCall& call) const;
  void count(Channel channel, AskEnd end, std::chrono::nanoseconds took) const;

  Metrics* metrics_;
  const GapRecorder* gaps_;
  const QuizService* quiz_;
  AnswerPool* pool_;
};

// How an answered ask ended (matched, unmatched or clarify).
AskEnd ask_end(const AskOutcome& outcome);

}  // namespace qabot::server
