#include "retrieval/retriever.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <unordered_map>

#include "retrieval/follow_up_resolver.hpp"
#include "retrieval/query_builder.hpp"
#include "retrieval/synonym_index.hpp"
#include "retrieval/typo_corrector.hpp"
#include "store/database.hpp"
#include "store/question_bank.hpp"
#include "store/rank_function.hpp"
#include "text/analyzer.hpp"
#include "text/bounded_map.hpp"

namespace qabot::retrieval {

namespace {

// The document-frequency memo of one engine: 16,384 terms and at most 2 MiB; past either it starts
// again. Real questions repeat their terms (a topic's few words, the question words), so a memo this
// size keeps nearly every hit; a stream of never-repeating questions fills it within ~50,000 asks and
// then costs one FTS5 count per new term, as it would without a memo.
constexpr std::size_t kDfCacheEntries = 16384;
constexpr std::size_t kDfCacheBytes = std::size_t{2} << 20;

constexpr double kTemplateWeightCap = 0.3;  // template concepts never weigh more than this, whatever their idf
// A term the bank has never seen still counts against coverage (asking about something absent must
// lower confidence) but less than a present rare term: it is as often a stray word as a topic.
// A bigram that straddles two words and is absent is noise from segmentation and counts for nothing.
constexpr double kAbsentFactor = 0.5;
// ...unless the glossary knows it: a domain term the notes never use ("transformer" in a bank
// without one) says the bank lacks the topic.
constexpr double kAbsentKnownTermFactor = 1.0;
// A concept in more than this share of a bank (and more than this many rows) finds too many rows to
// score them all; it only refines the ranking of rows found through rarer concepts.
constexpr double kCommonShare = 0.01;
constexpr double kMinHitConfidence = 0.05;
constexpr double kCommonMinRows = 200;
constexpr std::size_t kMaxChoices = 3;  // a "did you mean" longer than this is no longer a question
// A follow-up that refers back ("它的缺点呢" after "BN有什么作用") asks about the carried topic: a row
// whose question and category do not name it answers other words of the follow-up ("Sigmoid和ReLU各自
// 优缺点"), not the question. Such a row ranks below every row that names the topic, and its confidence
// stays under the match threshold (this share of it), so it is shown as a closest question at most.
// Calibrated on tests/eval/multi-turn.jsonl and the README's follow-up examples.
constexpr double kOffTopicFollowUpRankPenalty = 1.0;
constexpr double kOffTopicFollowUpConfidenceShare = 0.8;

bool alphabetic(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

struct Retriever::Impl {
  const store::QuestionBank& bank;
  RetrieverOptions options;
  text::Analyzer analyzer;
  SynonymIndex synonyms;
  QueryBuilder builder;
  FollowUpResolver follow_ups;
  store::Statement rank;
  std::optional<TypoCorrector> typos;  // loaded on first need: the vocabulary scan is not free
  // Document frequencies by term: every ask looks up each of its terms, and varied questions bring
  // new terms without end, so the memo is bounded (about 100 bytes a term).
  text::BoundedMap<std::string, std::int64_t> df_cache{"document_frequencies", kDfCacheEntries, kDfCacheBytes};
  store::ColumnSizeCache column_sizes;
  double documents;

  Impl(const store::QuestionBank& b, const Synonyms& rules, RetrieverOptions o)
      : bank(b),
        options(o),
        synonyms(rules, analyzer, b.mined_synonyms()),
        builder(analyzer, synonyms),
        follow_ups(analyzer),
        rank(b.database().prepare(
            "SELECT qabot_rank(questions_fts, ?2) FROM questions_fts WHERE questions_fts MATCH ?1")),
        documents(static_cast<double>(std::max<std::int64_t>(b.question_count(), 1))) {}

  std::int64_t df(const std::string& term) {
    if (const std::int64_t* known = df_cache.find(term)) return *known;
    const std::int64_t n = bank.document_frequency(term);
    df_cache.put(term, n);
    return n;
  }

  // Rows a phrase can match at most: its rarest term.
  std::int64_t phrase_df(const Phrase& p) {
    std::int64_t n = std::numeric_limits<std::int64_t>::max();
    for (const auto& t : p) n = std::min(n, df(t));
    return p.empty() ? 0 : n;
  }

  double idf(double n) const { return std::log(1.0 + (documents - n + 0.5) / (n + 0.5)); }

  std::int64_t concept_df(const Concept& c) {
    std::int64_t n = 0;
    for (const auto& p : c.alternatives) n = std::max(n, phrase_df(p));
    return n;
  }

  // Marks concepts the bank lacks. A glossary phrase none of whose spellings occur falls back to
  // its parts: the phrase could not help, its parts might. A Chinese phrase's parts are looked up
  // in the glossary again ("翻转二叉树" → 翻转 + 二叉树, which reach "flip a binary tree"); a Latin
  // phrase's are its words ("dying relu problem" → die, relu, problem), not glossary bridges:
  // "layer normalization" is not "层" + "归一化" (a pooling layer's note has both).
  void mark_absent(Query& query) {
    std::vector<Concept> out;
    auto settle = [&](Concept& c) {
      // Spellings the bank lacks cannot match; keep the user's own (first) for reporting.
      if (c.alternatives.size() > 1)
        c.alternatives.erase(std::remove_if(c.alternatives.begin() + 1, c.alternatives.end(),
                                            [&](const Phrase& p) { return phrase_df(p) == 0; }),
                             c.alternatives.end());
      const auto n = concept_df(c);
      c.rows = n;
      c.absent = n == 0;
      c.common = static_cast<double>(n) > std::max(kCommonMinRows, kCommonShare * documents);
    };
    auto han = [](const Phrase& p) {
      return std::all_of(p.begin(), p.end(), [](const std::string& t) { return text::is_cjk_term(t); });
    };
    std::function<void(Concept&&)> place = [&](Concept&& c) {
      settle(c);
      const Phrase& whole = c.alternatives.front();
      if (!c.absent || !c.from_synonym || whole.size() < 2) {
        out.push_back(std::move(c));
        return;
      }
      std::vector<Concept> parts;
      if (han(whole)) {
        parts = builder.parts_of(whole);
      } else {
        for (const auto& term : whole) parts.push_back(builder.word_concept(term));
      }
      for (auto& part : parts) {
        if (c.carried) {  // from an earlier turn: its parts weigh what it weighed
          part.carried = true;
          part.factor *= c.factor;
        }
        place(std::move(part));  // shorter than `whole`: the recursion ends
      }
    };
    for (auto& c : query.concepts) place(std::move(c));
    query.concepts = std::move(out);
  }

  void collect(const std::string& match, store::RankCollector& collector) {
    rank.reset();
    rank.bind(1, match);
    rank.bind_pointer(2, &collector, store::kRankCollectorType);
    // Bounded work per ask: past this many matching rows the rest are not scored. Reached only
    // when every concept is common, and then rows past the bound are no better than those before.
    for (int rows = 0; rows < options.max_scored_rows && rank.step(); ++rows) {
    }
    rank.reset();
  }

  TypoCorrector& corrector() {
    if (!typos) {
      typos.emplace(bank.latin_vocabulary());
      // Glossary words too: "imblanced" → imbalanced, which the glossary maps to 不均衡 even when
      // the notes never use the English word. They rank below bank words at equal distance.
      for (const auto& term : synonyms.terms()) typos->add(term, 0);
    }
    return *typos;
  }
};

Retriever::Retriever(const store::QuestionBank& bank, const Synonyms& synonyms, RetrieverOptions options)
    : impl_(std::make_unique<Impl>(bank, synonyms, options)) {}

Retriever::~Retriever() = default;

Query Retriever::parse(std::string_view text, std::vector<Correction>* corrections) {
  auto tokens = impl_->analyzer.analyze(text);
  // Typo correction: a plain word that neither the bank nor the glossary knows.
  for (auto& t : tokens) {
    if (t.kind != text::TokenKind::Word || !alphabetic(t.term) || impl_->df(t.term) > 0 ||
        impl_->synonyms.knows(t.term) || impl_->builder.role_of(t.term) != ConceptRole::Topic)
      continue;
    if (auto fixed = impl_->corrector().correct(t.term)) {
      if (corrections) corrections->push_back({std::string(text.substr(static_cast<std::size_t>(t.start),
                                                                         static_cast<std::size_t>(t.end - t.start))),
                                               *fixed});
      t.term = *fixed;
    }
  }
  return impl_->builder.build(text, tokens);
}

std::string Retriever::explain(std::string_view text) {
  Query query = parse(text);
  impl_->mark_absent(query);
  std::string out;
  const char* roles[] = {"topic", "aspect", "template"};
  for (const auto& c : query.concepts) {
    const auto n = impl_->concept_df(c);
    out += std::string(roles[static_cast<int>(c.role)]) + " df=" + std::to_string(n) +
           " factor=" + std::to_string(c.factor).substr(0, 4) + (c.absent ? " absent" : "") +
           (c.straddles_words ? " straddles" : "") + (c.carried ? " carried" : "") + (c.function_word ? " function-word" : "") + " :";
    for (const auto& p : c.alternatives) {
      out += " [";
      for (std::size_t i = 0; i < p.size(); ++i) out += (i ? " " : "") + p[i];
      out += "]";
    }
    out += "\n";
  }
  return out;
}

Result Retriever::search(std::string_view text, int top_k, Conversation* conversation) {
  Result result;
  result.query = std::string(text);
  top_k = std::clamp(top_k, 1, 50);
  Query query = parse(text, &result.corrections);
  if (conversation) {
    auto resolved = impl_->follow_ups.resolve(*conversation, text, std::move(query));
    query = std::move(resolved.query);
    result.followup = std::move(resolved.follow_up);
    if (resolved.turn) conversation->add(std::move(*resolved.turn));
  }
  impl_->mark_absent(query);

  // Concept weights: idf of the concept's most common alternative (what a matching row most likely
  // contains), times its role factor. A term the bank never saw keeps the highest idf: asking about
  // something absent must lower coverage, not be ignored.
  store::RankCollector collector;
  collector.limit = static_cast<std::size_t>(std::max(impl_->options.candidates, top_k));
  collector.column_sizes = &impl_->column_sizes;
  std::vector<double> weights;
  for (const auto& c : query.concepts) {
    const std::int64_t n = impl_->concept_df(c);
    double w = impl_->idf(static_cast<double>(n)) * c.factor;
    if (n == 0) w *= c.straddles_words || c.function_word ? 0.0 : c.from_synonym ? kAbsentKnownTermFactor : kAbsentFactor;
    if (c.role == ConceptRole::Template) w = std::min(w, kTemplateWeightCap);
    weights.push_back(w);
  }
  // A bank no larger than the candidate list: every row holding a concept is a candidate anyway.
  const bool tiny_bank = impl_->documents <= static_cast<double>(collector.limit);
  auto expr = QueryBuilder::expression(query, QueryBuilder::CommonTerms::AllInTitle, tiny_bank);
  if (expr.match.empty()) return result;
  collector.params.concept_weights = weights;
  // The scorer reads each FTS5 phrase's concept and weight from the expression it runs.
  auto run = [&](const QueryBuilder::Expression& e) {
    collector.params.phrase_concept.assign(e.phrase_concept.begin(), e.phrase_concept.end());
    collector.params.phrase_weight.assign(e.phrase_weight.begin(), e.phrase_weight.end());
    impl_->collect(e.match, collector);
  };
  run(expr);
  // Only common concepts: try titles holding all of them, then any of them, then any column.
  for (auto fallback : {QueryBuilder::CommonTerms::RarestInTitle, QueryBuilder::CommonTerms::RarestAnyColumn}) {
    if (!collector.best.empty() || !expr.titles_only) break;
    expr = QueryBuilder::expression(query, fallback);
    run(expr);
  }
  auto candidates = collector.sorted();
  if (!expr.finding.empty()) {
    // What the finder would have enforced: rows that hold only template words are no candidates.
    std::erase_if(candidates, [&](const store::RankOutput& row) {
      return std::none_of(expr.finding.begin(), expr.finding.end(),
                          [&](int i) { return row.concept_columns[static_cast<std::size_t>(i)] != 0; });
    });
  }
  if (candidates.empty()) return result;

  // Rerank. Coverage is the share of the query's weight a row answers; a title that covers the
  // query (and little else) beats a long answer that mentions everything once.
  double total = 0, present = 0, absent = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    total += weights[i];
    if (query.concepts[i].role == ConceptRole::Template) continue;
    (query.concepts[i].absent ? absent : present) += weights[i];
  }
  if (total <= 0) total = 1;
  // How much of what the user asked about exists in this bank at all: off-topic questions are
  // mostly words the notes never use.
  const double presence = present + absent > 0 ? present / (present + absent) : 0.0;
  const double best_bm25 = std::max(candidates.front().score, 1e-9);

  struct Scored {
    const store::RankOutput* row;
    double rank;
    double coverage;
    bool misses_carried_topic;
  };
  const bool carries_topic = std::any_of(query.concepts.begin(), query.concepts.end(), [](const Concept& c) {
    return c.carried && c.role == ConceptRole::Topic;  // absent too: then no row can name it
  });
  // Whether a row's question or category names a topic of the follow-up: one carried from the earlier
  // question, or one the follow-up names itself ("how does ResNet solve it": ResNet).
  auto names_carried_topic = [&](const store::RankOutput& row) {
    constexpr unsigned kTitleColumns = (1u << store::kQuestionColumn) | (1u << store::kCategoryColumn);
    for (std::size_t i = 0; i < query.concepts.size(); ++i) {
      const Concept& c = query.concepts[i];
      const bool own_topic = !c.carried && !c.straddles_words && !c.function_word;
      if (c.role == ConceptRole::Topic && (c.carried || own_topic) && (row.concept_columns[i] & kTitleColumns))
        return true;
    }
    return false;
  };
  std::vector<Scored> scored;
  for (const auto& row : candidates) {
    double in_title = 0, anywhere = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      const auto cols = row.concept_columns[i];
      if (cols & ((1u << store::kQuestionColumn) | (1u << store::kCategoryColumn))) in_title += weights[i];
      if (cols) anywhere += weights[i];
    }
    const double title_cov = in_title / total;
    const double any_cov = anywhere / total;
    const double precision =
        row.question_tokens > 0 ? static_cast<double>(row.question_hit_tokens) / row.question_tokens : 0.0;
    // Coverage for confidence: what is found in the title counts fully, in the answer partly.
    double credited = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (query.concepts[i].role == ConceptRole::Template) continue;
      const auto cols = row.concept_columns[i];
      // In the question: full credit. In the answer: partial. In the category only: the right
      // area, not necessarily the right question.
      if (cols & (1u << store::kQuestionColumn))
        credited += weights[i];
      else if (cols & (1u << store::kAnswerColumn))
        credited += 0.6 * weights[i];
      else if (cols)
        credited += 0.4 * weights[i];
    }
    // Confidence: how much of the known part of the query this row covers, times how much of
    // the query is known at all.
    const double coverage = present > 0 ? (credited / present) * presence : 0.0;
    const bool misses_carried = carries_topic && !names_carried_topic(row);
    const double rank = 0.45 * (row.score / best_bm25) + 0.35 * title_cov + 0.1 * any_cov + 0.1 * precision -
                        (misses_carried ? kOffTopicFollowUpRankPenalty : 0.0);
    scored.push_back({&row, rank, coverage, misses_carried});
  }
  std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) { return a.rank > b.rank; });

  // Confidence = coverage, discounted when the runner-up is almost as good (the answer is a guess
  // between two notes). Same formula for every query and bank; in [0, 1].
  const std::size_t n = std::min<std::size_t>(scored.size(), static_cast<std::size_t>(top_k));
  for (std::size_t i = 0; i < n; ++i) {
    const double next = i + 1 < scored.size() ? scored[i + 1].rank : 0.0;
    const double margin = scored[i].rank > 0 ? std::clamp((scored[i].rank - next) / scored[i].rank, 0.0, 1.0) : 0.0;
    double confidence = std::clamp(scored[i].coverage * (0.8 + 0.2 * std::min(1.0, margin * 5)), 0.0, 1.0);
    if (scored[i].misses_carried_topic)
      confidence = std::min(confidence, kOffTopicFollowUpConfidenceShare * impl_->options.match_threshold);
    // A hit ranked below another is never the more likely answer.
    if (!result.hits.empty()) confidence = std::min(confidence, result.hits.back().confidence);
    // A hit with next to no confidence is noise, not a suggestion.
    if (confidence < kMinHitConfidence) break;
    auto q = impl_->bank.at_row(scored[i].row->row);
    if (!q) continue;
    Hit h;
    h.id = q->id;
    h.question = q->question;
    h.category = q->category;
    h.score = std::round(scored[i].rank * 10000) / 10000;
    h.confidence = std::round(confidence * 1000) / 1000;
    h.source = q->source + ":" + std::to_string(q->line);
    h.heading = q->heading;
    result.hits.push_back(std::move(h));
  }
  if (result.hits.empty()) return result;
  result.matched = result.hits[0].confidence >= impl_->options.match_threshold;
  // A near-tie: trusted, about as confident as the best, and ranked about as high.
  auto tied = [&](const Hit& h) {
    const auto& best = result.hits[0];
    return h.confidence >= impl_->options.match_threshold &&
           best.confidence - h.confidence < impl_->options.clarify_margin &&
           best.score - h.score < impl_->options.clarify_rank_margin * best.score;
  };
  if (result.hits.size() >= 2)
    result.clarify = tied(result.hits[1]) && result.hits[0].confidence < impl_->options.sure;
  if (result.clarify) {
    // The choices: every hit tied with the best like the runner-up, a handful at most.
    result.choices = 1;
    while (result.choices < std::min(kMaxChoices, result.hits.size()) && tied(result.hits[result.choices]))
      ++result.choices;
  }
  // What the answer can show as matched: the spellings of what the user asked about that the bank
  // has. Scaffolding, function words and segmentation noise would mark half of any answer.
  for (const auto& c : query.concepts) {
    if (c.role == ConceptRole::Template || c.absent || c.straddles_words || c.function_word) continue;
    for (const auto& p : c.alternatives)
      for (const auto& t : p)
        if (std::find(result.terms.begin(), result.terms.end(), t) == result.terms.end()) result.terms.push_back(t);
  }
  return result;
}

}  // namespace qabot::retrieval
