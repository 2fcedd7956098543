#include "server/ask_service.hpp"

#include <chrono>
#include <exception>

#include <spdlog/spdlog.h>

#include "quiz/quiz_request.hpp"
#include "server/answer_pool.hpp"
#include "server/conversation_store.hpp"
#include "server/gap_recorder.hpp"
#include "server/metrics.hpp"

namespace qabot::server {

AskService::AskService(Metrics* metrics, const GapRecorder* gaps, const QuizService* quiz, AnswerPool* pool)
    : metrics_(metrics), gaps_(gaps), quiz_(quiz), pool_(pool) {}

AskEnd ask_end(const AskOutcome& outcome) {
  const auto& r = outcome.answer.result;
  if (r.clarify) return AskEnd::Clarify;
  return r.matched ? AskEnd::Matched : AskEnd::Unmatched;
}

std::optional<std::string> AskService::quiz_category(const AskCall& call) const {
  if (!call.quiz_user || !quiz_) return std::nullopt;
  return quiz::parse_quiz_request(call.text);
}

bool AskService::may_block(const AskCall& call) const { return quiz_category(call).has_value(); }

AskReply AskService::ask(AnswerEngine& engine, const AskCall& call) const {
  if (auto category = quiz_category(call)) return quiz_->start(&engine, *call.quiz_user, *category);

  const auto start = std::chrono::steady_clock::now();
  AskOutcome outcome;
  try {
    if (call.conversations) {
      outcome = engine.ask_in_conversation(call.text, call.top_k, call.conversations->get(call.conversation_key));
      if (outcome.conversation) call.conversations->put(call.conversation_key, std::move(outcome.conversation));
    } else {
      outcome = engine.ask(call.text, call.top_k);
    }
  } catch (const std::exception& e) {
    spdlog::error("ask failed ({}): {}", to_string(call.channel), e.what());
    count(call.channel, AskEnd::Error, std::chrono::steady_clock::now() - start);
    return AskFailed{"could not answer"};
  }
  const auto took = std::chrono::steady_clock::now() - start;
  const AskEnd end = ask_end(outcome);
  count(call.channel, end, took);
  if (pool_) pool_->record_ask_time(took);
  if (gaps_ && end == AskEnd::Unmatched) gaps_->record(call.text, outcome.answer.result, call.channel);
  return outcome;
}

void AskService::count(Channel channel, AskEnd end, std::chrono::nanoseconds took) const {
  if (metrics_) metrics_->ask_completed(channel, end, took);
}

}  // namespace qabot::server
