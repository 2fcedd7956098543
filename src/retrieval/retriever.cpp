#include "retrieval/retriever.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <unordered_map>

#include "retrieval/english_words.hpp"
#include "retrieval/follow_up_resolver.hpp"
#include "retrieval/query_builder.hpp"
#include "retrieval/scoring.hpp"
#include "retrieval/synonym_index.hpp"
#include "retrieval/typo_corrector.hpp"
#include "sqlite/database.hpp"
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

// A concept in more than this share of a bank (and more than this many rows) finds too many rows to
// score them all; it only refines the ranking of rows found through rarer concepts.
constexpr double kCommonShare = 0.01;
constexpr double kMinHitConfidence = 0.05;
constexpr double kCommonMinRows = 200;
constexpr std::size_t kMaxChoices = 3;  // a "did you mean" longer than this is no longer a question
bool alphabetic(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// What the answer can show as matched: the spellings of what the user asked about that the bank
// has. Scaffolding, function words and segmentation noise would mark half of any answer.
std::vector<std::string> matched_terms(const Query& query) {
  std::vector<std::string> terms;
  for (const auto& c : query.concepts) {
    if (c.role == ConceptRole::Template || c.absent || c.straddles_words || c.function_word) continue;
    for (const auto& p : c.alternatives)
      for (const auto& t : p)
        if (std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(t);
  }
  return terms;
}

}  // namespace

struct Retriever::Impl {
  const store::QuestionBank& bank;
  RetrieverOptions options;
  text::Analyzer analyzer;
  SynonymIndex synonyms;
  QueryBuilder builder;
  FollowUpResolver follow_ups;
  sqlite::Statement rank;
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
    std::function<void(Concept &&)> place = [&](Concept&& c) {
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

  // FTS5's best rows for the query, scored by qabot_rank with these concept weights: rare concepts
  // find the rows; a query of only common concepts falls back to titles holding all of them, then
  // any of them, then any column. Rows that hold only template words are no candidates.
  std::vector<store::RankOutput> candidates(const Query& query, const std::vector<double>& weights, int top_k) {
    store::RankCollector collector;
    collector.limit = static_cast<std::size_t>(std::max(options.candidates, top_k));
    collector.column_sizes = &column_sizes;
    collector.params.concept_weights = weights;
    // A bank no larger than the candidate list: every row holding a concept is a candidate anyway.
    const bool tiny_bank = documents <= static_cast<double>(collector.limit);
    auto expr = QueryBuilder::expression(query, QueryBuilder::CommonTerms::AllInTitle, tiny_bank);
    if (expr.match.empty()) return {};
    // The scorer reads each FTS5 phrase's concept and weight from the expression it runs.
    auto run = [&](const QueryBuilder::Expression& e) {
      collector.params.phrase_concept.assign(e.phrase_concept.begin(), e.phrase_concept.end());
      collector.params.phrase_weight.assign(e.phrase_weight.begin(), e.phrase_weight.end());
      collect(e.match, collector);
    };
    run(expr);
    for (auto fallback : {QueryBuilder::CommonTerms::RarestInTitle, QueryBuilder::CommonTerms::RarestAnyColumn}) {
      if (!collector.best.empty() || !expr.titles_only) break;
      expr = QueryBuilder::expression(query, fallback);
      run(expr);
    }
    auto rows = collector.sorted();
    if (!expr.finding.empty()) {
      std::erase_if(rows, [&](const store::RankOutput& row) {
        return std::none_of(expr.finding.begin(), expr.finding.end(),
                            [&](int i) { return row.concept_columns[static_cast<std::size_t>(i)] != 0; });
      });
    }
    return rows;
  }

  // The first `top_k` of the reranked rows as hits, each never more confident than the one ranked
  // before it (a lower hit is never the more likely answer); a hit with next to no confidence is
  // noise, not a suggestion, and ends the list.
  void add_hits(const std::vector<ScoredRow>& scored, std::size_t top_k, Result& result) const {
    const std::size_t n = std::min(scored.size(), top_k);
    for (std::size_t i = 0; i < n; ++i) {
      const double next = i + 1 < scored.size() ? scored[i + 1].rank : 0.0;
      double confidence = Scorer::confidence(scored[i], next, options.match_threshold);
      if (!result.hits.empty()) confidence = std::min(confidence, result.hits.back().confidence);
      if (confidence < kMinHitConfidence) break;
      auto q = bank.at_row(scored[i].row->row);
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
  }

  // A near-tie asks the user to choose: the runner-up is trusted, about as confident as the best and
  // ranked about as high, and the best is not sure. The choices: every hit tied with the best like
  // the runner-up, a handful at most.
  void mark_clarify(Result& result) const {
    auto tied = [&](const Hit& h) {
      const auto& best = result.hits[0];
      return h.confidence >= options.match_threshold && best.confidence - h.confidence < options.clarify_margin &&
             best.score - h.score < options.clarify_rank_margin * best.score;
    };
    if (result.hits.size() >= 2) result.clarify = tied(result.hits[1]) && result.hits[0].confidence < options.sure;
    if (!result.clarify) return;
    result.choices = 1;
    while (result.choices < std::min(kMaxChoices, result.hits.size()) && tied(result.hits[result.choices]))
      ++result.choices;
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
  std::vector<std::string> english;  // terms of words the bank lacks that are ordinary English words
  // Typo correction: a plain word that neither the bank nor the glossary knows, and that is not an
  // ordinary English word (a real word the bank lacks is a question about something else).
  for (auto& t : tokens) {
    if (t.kind != text::TokenKind::Word || !alphabetic(t.term) || impl_->df(t.term) > 0 ||
        impl_->synonyms.knows(t.term) || impl_->builder.role_of(t.term) != ConceptRole::Topic)
      continue;
    const std::string_view written =
        text.substr(static_cast<std::size_t>(t.start), static_cast<std::size_t>(t.end - t.start));
    if (EnglishWords::contains(written)) {
      english.push_back(t.term);
      continue;
    }
    if (auto fixed = impl_->corrector().correct(t.term)) {
      if (corrections) corrections->push_back({std::string(written), *fixed});
      t.term = *fixed;
    }
  }
  Query query = impl_->builder.build(text, tokens);
  // A real word the bank lacks says what the question is about as surely as a glossary term does.
  for (auto& c : query.concepts) {
    const Phrase& written = c.alternatives.front();
    if (written.size() == 1 && std::find(english.begin(), english.end(), written.front()) != english.end())
      c.english_word = true;
  }
  return query;
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
           (c.straddles_words ? " straddles" : "") + (c.carried ? " carried" : "") +
           (c.function_word ? " function-word" : "") + (c.english_word ? " english-word" : "") + " :";
    for (const auto& p : c.alternatives) {
      out += " [";
      for (std::size_t i = 0; i < p.size(); ++i) out += (i ? " " : "") + p[i];
      out += "]";
    }
    if (c.from_synonym) {
      const auto origins = impl_->synonyms.origins_of(c.alternatives.front());
      out += origins.empty() ? "  (glossary)" : "  (glossary";
      for (std::size_t i = 0; i < origins.size(); ++i) out += (i ? ", " : ": ") + origins[i];
      if (!origins.empty()) out += ")";
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

  std::vector<double> weights;
  for (const auto& c : query.concepts) weights.push_back(concept_weight(c, impl_->concept_df(c), impl_->documents));
  auto candidates = impl_->candidates(query, weights, top_k);
  if (candidates.empty()) return result;

  const Scorer scorer(query, weights, impl_->documents);
  const double best_bm25 = candidates.front().score;
  std::vector<ScoredRow> scored;
  scored.reserve(candidates.size());
  for (const auto& row : candidates) scored.push_back(scorer.score(row, best_bm25));
  std::stable_sort(scored.begin(), scored.end(),
                   [](const ScoredRow& a, const ScoredRow& b) { return a.rank > b.rank; });

  impl_->add_hits(scored, static_cast<std::size_t>(top_k), result);
  if (result.hits.empty()) return result;
  result.matched = result.hits[0].confidence >= impl_->options.match_threshold;
  impl_->mark_clarify(result);
  result.terms = matched_terms(query);
  return result;
}

}  // namespace qabot::retrieval
