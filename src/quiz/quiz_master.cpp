#include "quiz/quiz_master.hpp"

#include <algorithm>
#include <utility>

namespace qabot::quiz {

std::string question_key(std::string_view path, std::string_view question) {
  std::string key(path);
  key += '\n';
  key += question;
  return key;
}

QuizMaster::QuizMaster(std::vector<store::StoredQuestion> bank, std::unique_ptr<QuizGrader> grader,
                       LeitnerScheduler scheduler)
    : grader_(std::move(grader)), scheduler_(std::move(scheduler)) {
  for (auto& q : bank) {
    bool blank = true;
    for (char c : q.answer) blank = blank && (c == ' ' || c == '\n' || c == '\t' || c == '\r');
    // Nothing to grade on (no answer, or only code and tables): never asked,
    // never counted.
    if (blank || grader_->key_points(q.answer).empty()) continue;
    std::string key = question_key(q.path, q.heading);
    // Two questions with the same title in one file share a key: the first is
    // the one quizzed.
    if (by_key_.count(key)) continue;
    by_key_.emplace(key, bank_.size());
    schedulable_.push_back({key, q.category});
    keys_.push_back(std::move(key));
    bank_.push_back(std::move(q));
  }
}

QuizQuestion QuizMaster::to_question(std::size_t i) const {
  const auto& q = bank_[i];
  return {q.id, keys_[i], q.question, q.category, q.source + ":" + std::to_string(q.line), q.answer};
}

std::optional<QuizStart> QuizMaster::start(state::StateStore& store, std::string_view user, std::string_view category,
                                           std::int64_t now) {
  const auto cards = store.cards(user);
  const auto pending = store.pending(user);
  const std::string skip = pending ? pending->question_key : std::string();
  {
    const auto pick = scheduler_.pick(schedulable_, cards, category, now, skip);
    if (!pick) return std::nullopt;
    const std::size_t index = *pick;
    QuizStart out;
    out.question = to_question(index);
    const QueueCounts left = scheduler_.counts(schedulable_, cards, category, now);
    out.due = left.due;
    out.fresh = left.fresh;
    const state::Card* card = nullptr;
    for (const auto& c : cards) {
      if (c.question_key == out.question.key) card = &c;
    }
    if (card == nullptr) {
      --out.fresh;
    } else {
      out.box = card->box;
      if (card->due <= now) --out.due;
    }
    store.set_pending({std::string(user), out.question.key, out.question.id, std::string(category), now});
    return out;
  }
}

std::optional<QuizResult> QuizMaster::answer(state::StateStore& store, std::string_view user, std::string_view reply,
                                             std::int64_t now, std::optional<std::int64_t> question) {
  const auto pending = store.pending(user);
  if (!pending) return std::nullopt;
  if (question && *question != pending->question_id) return std::nullopt;
  const auto it = by_key_.find(pending->question_key);
  if (it == by_key_.end()) {
    store.clear_pending(user);
    return std::nullopt;
  }
  QuizResult out;
  out.question = to_question(it->second);
  out.grade = grader_->grade(out.question.answer, reply);
  state::Card card;
  if (auto existing = store.card(user, out.question.key)) {
    card = std::move(*existing);
  } else {
    card.user = std::string(user);
    card.question_key = out.question.key;
  }
  card = scheduler_.review(std::move(card), out.grade.passed, out.grade.score, now);
  // Two replies to one question (two tabs, a retried relay) both get this far; only the one that
  // takes the pending question records a review, the other is told there is nothing to answer.
  if (!store.record_review(*pending, card)) return std::nullopt;
  out.box = card.box;
  out.next_due = card.due;
  return out;
}

Progress QuizMaster::progress(state::StateStore& store, std::string_view user, std::int64_t now) const {
  Progress p;
  p.total = static_cast<std::int64_t>(schedulable_.size());
  p.boxes.assign(static_cast<std::size_t>(scheduler_.boxes()), 0);
  for (const auto& c : store.cards(user)) {
    // Cards of questions no longer in the bank are kept (the note may come
    // back) but not counted.
    if (!by_key_.count(c.question_key)) continue;
    ++p.seen;
    if (c.due <= now) ++p.due;
    p.boxes[static_cast<std::size_t>(std::clamp(c.box, 0, scheduler_.boxes() - 1))] += 1;
    p.reviews += c.reviews;
    p.correct += c.correct;
  }
  return p;
}

}  // namespace qabot::quiz
