#pragma once
// A quiz over the question bank for one user at a time: picks the next question
// (LeitnerScheduler), remembers it as pending, grades the reply (QuizGrader)
// and moves the card. Per-user state lives in a state::StateStore passed to
// each call, so any replica can continue any user's quiz.
//
// Construction analyses every answer once (to leave out questions with nothing
// to grade on), so build it when the first quiz arrives, not with every engine.
// Not thread-safe (its grader's text::Analyzer is not): one per worker, like
// the answer engines. The StateStore is shared.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "quiz/leitner_scheduler.hpp"
#include "quiz/quiz_grader.hpp"
#include "state/state_store.hpp"
#include "store/question_bank.hpp"

namespace qabot::quiz {

// A question's name across index rebuilds (row ids are reassigned by every
// rebuild, lines move when notes above are edited): the source path as given to
// `qabot index`, a newline, and the cleaned question title. Renaming a note
// file or rewording a question starts its card afresh; moving the question
// within its file keeps it.
std::string question_key(std::string_view path, std::string_view question);

struct QuizQuestion {
  std::int64_t id = 0;  // row id in the current index
  std::string key;
  std::string question;
  std::string category;
  std::string source;  // "path:line"
  std::string answer;  // reference markdown
};

struct QuizStart {
  QuizQuestion question;
  int box = 0;             // the card's box before this round (0 for a new question)
  std::int64_t due = 0;    // other seen questions due now (in the category asked for)
  std::int64_t fresh = 0;  // other never-seen questions (in the category asked for)
};

struct QuizResult {
  QuizQuestion question;
  Grade grade;
  int box = 0;                // after grading
  std::int64_t next_due = 0;  // unix seconds
};

struct Progress {
  std::int64_t total = 0;           // askable questions in the bank
  std::int64_t seen = 0;            // of those, graded at least once
  std::int64_t due = 0;             // of those, due now
  std::vector<std::int64_t> boxes;  // seen cards per box
  std::int64_t reviews = 0;
  std::int64_t correct = 0;
};

class QuizMaster {
 public:
  // `bank` in bank order (QuestionBank::all()); questions without an answer are
  // never asked.
  QuizMaster(std::vector<store::StoredQuestion> bank, std::unique_ptr<QuizGrader> grader,
             LeitnerScheduler scheduler = LeitnerScheduler());

  // The next question for `user` within `category` ("" = any), remembered as
  // pending (replacing an unanswered one, which is then not picked again this
  // time). nullopt: no question in that category.
  std::optional<QuizStart> start(state::StateStore& store, std::string_view user, std::string_view category,
                                 std::int64_t now);

  // Grades `reply` against the pending question and moves its card. nullopt:
  // nothing is pending (or the pending question left the bank in a rebuild; it
  // is then dropped), or `question` names another question than the pending
  // one (the user was asked a newer question elsewhere, e.g. in another tab):
  // a reply is never graded against a question it was not written for.
  std::optional<QuizResult> answer(state::StateStore& store, std::string_view user, std::string_view reply,
                                   std::int64_t now, std::optional<std::int64_t> question = {});

  Progress progress(state::StateStore& store, std::string_view user, std::int64_t now) const;

  const QuizGrader& grader() const { return *grader_; }
  const LeitnerScheduler& scheduler() const { return scheduler_; }

 private:
  QuizQuestion to_question(std::size_t index) const;

  std::vector<store::StoredQuestion> bank_;
  std::vector<std::string> keys_;
  std::unordered_map<std::string, std::size_t> by_key_;
  std::vector<Schedulable> schedulable_;  // schedulable_[i] is bank_[i]
  std::unique_ptr<QuizGrader> grader_;    // holds references to itself: never moved
  LeitnerScheduler scheduler_;
};

}  // namespace qabot::quiz
