#include "server/quiz_service.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>
#include <exception>
#include <utility>

#include "answer/answerer.hpp"

namespace qabot::server {
namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

QuizService::QuizService(std::shared_ptr<state::StateStore> store, Clock clock)
    : store_(std::move(store)), clock_(clock ? std::move(clock) : Clock(&unix_now)) {}

template <typename F>
QuizOutcome QuizService::run(AnswerEngine* engine, F&& body) const {
  if (!store_) return ProtocolError{ErrorCode::StateUnavailable, "quiz progress is not kept on this server", {}};
  try {
    quiz::QuizMaster* master = engine->quiz_master();
    if (master == nullptr) return ProtocolError{ErrorCode::Internal, "quizzes are not available", {}};
    return body(*master, *store_, clock_());
  } catch (const state::StateError& e) {
    spdlog::error("quiz: state store: {}", e.what());
    return ProtocolError{ErrorCode::StateUnavailable, "quiz progress is unavailable right now: try again", {}};
  } catch (const std::exception& e) {
    spdlog::error("quiz failed: {}", e.what());
    return ProtocolError{ErrorCode::Internal, "could not run the quiz", {}};
  }
}

QuizOutcome QuizService::start(AnswerEngine* engine, const std::string& user, const std::string& category) const {
  return run(engine, [&](quiz::QuizMaster& master, state::StateStore& store, std::int64_t now) -> QuizOutcome {
    auto started = master.start(store, user, category, now);
    if (!started) {
      return ProtocolError{ErrorCode::BadRequest,
                           category.empty() ? std::string("the bank has no answered questions to quiz on")
                                            : "no question in category \"" + category.substr(0, 64) + "\"",
                           {}};
    }
    return QuizStarted{std::move(*started)};
  });
}

QuizOutcome QuizService::answer(AnswerEngine* engine, const std::string& user, const std::string& text,
                                std::optional<std::int64_t> question) const {
  return run(engine, [&](quiz::QuizMaster& master, state::StateStore& store, std::int64_t now) -> QuizOutcome {
    auto graded = master.answer(store, user, text, now, question);
    if (!graded && question) {
      return ProtocolError{ErrorCode::NoQuiz,
                           "question " + std::to_string(*question) +
                               " is not the pending one (a newer question was asked since): send a \"quiz\"",
                           {}};
    }
    if (!graded) return ProtocolError{ErrorCode::NoQuiz, "no quiz question is pending: send a \"quiz\" first", {}};
    std::string html = answer::render_html(graded->question.answer, nullptr, {}, graded->question.source);
    return QuizGraded{std::move(*graded), std::move(html)};
  });
}

QuizOutcome QuizService::progress(AnswerEngine* engine, const std::string& user) const {
  return run(engine, [&](quiz::QuizMaster& master, state::StateStore& store, std::int64_t now) -> QuizOutcome {
    return QuizProgress{master.progress(store, user, now)};
  });
}

std::string QuizService::chat(AnswerEngine* engine, const integrations::QuizCommand& c) const {
  using Kind = integrations::QuizCommand::Kind;
  std::string folded = c.text;
  for (auto& ch : folded) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const bool skip = folded == "skip" || folded == "跳过";
  std::optional<state::PendingQuiz> pending;
  if (store_ && (skip || c.kind == Kind::Auto)) {
    try {
      pending = store_->pending(c.user);
    } catch (const state::StateError& e) {
      spdlog::error("quiz: state store: {}", e.what());
      return "Quiz progress is unavailable right now: try again.";
    }
  }
  QuizOutcome out;
  if (skip && c.kind != Kind::Start) {
    out = start(engine, c.user, pending ? pending->category : std::string());
  } else if (c.kind == Kind::Start || (c.kind == Kind::Auto && (c.text.empty() || !pending))) {
    out = start(engine, c.user, c.text);
  } else {
    out = answer(engine, c.user, c.text);
  }
  return chat_markdown(out, clock_());
}

std::string QuizService::chat_markdown(const QuizOutcome& outcome, std::int64_t now) {
  if (const auto* s = std::get_if<QuizStarted>(&outcome)) {
    const auto& q = s->start.question;
    std::string md = "**Quiz**";
    if (!q.category.empty()) md += " · " + q.category;
    md += "\n\n**" + q.question + "**\n\nAnswer with `/quiz your answer` (`/quiz skip` for another question). ";
    md += std::to_string(s->start.due) + " due and " + std::to_string(s->start.fresh) + " new left.";
    return md;
  }
  if (const auto* g = std::get_if<QuizGraded>(&outcome)) {
    const auto& r = g->result;
    std::string md = r.grade.passed ? "**Passed**" : "**Not yet**";
    md += " — " + std::to_string(static_cast<int>(r.grade.score * 100 + 0.5)) + "% of the key points of **" +
          r.question.question + "**\n\n";
    if (!r.grade.hit.empty()) {
      md += "Covered:\n\n";
      for (const auto& h : r.grade.hit) md += "- " + h + "\n";
      md += "\n";
    }
    if (!r.grade.missed.empty()) {
      md += "Missed:\n\n";
      for (const auto& m : r.grade.missed) md += "- " + m + "\n";
      md += "\n";
    }
    const std::int64_t days = (r.next_due - now + 43200) / 86400;
    md += days < 1 ? std::string("It comes back in a few minutes.")
                   : "Next review in " + std::to_string(days) + (days == 1 ? " day." : " days.");
    md += "\n\n**Reference answer**\n\n" + r.question.answer;
    return md;
  }
  if (const auto* p = std::get_if<QuizProgress>(&outcome)) {
    const auto& v = p->progress;
    return "Seen " + std::to_string(v.seen) + " of " + std::to_string(v.total) + " questions, " +
           std::to_string(v.due) + " due; " + std::to_string(v.correct) + " of " + std::to_string(v.reviews) +
           " answers passed.";
  }
  const auto& e = std::get<ProtocolError>(outcome);
  if (e.code == ErrorCode::NoQuiz) return "No quiz question is pending: send `/quiz` to get one.";
  return e.message;
}

nlohmann::json QuizService::question_json(const quiz::QuizQuestion& q) {
  return quiz_question_json(q.id, q.question, q.category, q.source);
}

std::string QuizService::frame(const std::optional<std::string>& id, const QuizOutcome& outcome) {
  if (const auto* s = std::get_if<QuizStarted>(&outcome)) {
    return make_quiz_question(id, question_json(s->start.question), s->start.box, s->start.due, s->start.fresh);
  }
  if (const auto* g = std::get_if<QuizGraded>(&outcome)) {
    const auto& r = g->result;
    return make_quiz_result(id, question_json(r.question), r.grade.score, r.grade.passed, r.grade.hit, r.grade.missed,
                            r.question.answer, g->html, r.box, r.next_due);
  }
  if (const auto* p = std::get_if<QuizProgress>(&outcome)) {
    const auto& v = p->progress;
    return make_progress(id, v.total, v.seen, v.due, v.boxes, v.reviews, v.correct);
  }
  const auto& e = std::get<ProtocolError>(outcome);
  return make_error(id, e.code, e.message);
}

}  // namespace qabot::server
