#include "retrieval/query_builder.hpp"

#include <algorithm>

#include "text/fts5_tokenizer.hpp"
#include "text/question_words.hpp"
#include "text/utf8.hpp"

namespace qabot::retrieval {

QueryBuilder::QueryBuilder(const text::Analyzer& analyzer, const SynonymIndex& synonyms)
    : analyzer_(analyzer), synonyms_(synonyms) {
  auto load = [&](std::span<const char* const> words, std::unordered_set<std::string>& into) {
    for (const char* w : words)
      for (const auto& term : key_terms(analyzer_.analyze(w))) into.insert(term);
  };
  load(text::QuestionWords::templates(), template_terms_);
  load(text::QuestionWords::aspects(), aspect_terms_);
  load(text::QuestionWords::keyword_like(), keyword_terms_);
  // A term that is both (e.g. a bigram shared by two lists) counts as the weaker template role.
  for (const auto& t : template_terms_) aspect_terms_.erase(t);
}

ConceptRole QueryBuilder::role_of(std::string_view term) const {
  std::string t(term);
  if (template_terms_.count(t)) return ConceptRole::Template;
  if (aspect_terms_.count(t)) return ConceptRole::Aspect;
  return ConceptRole::Topic;
}

Concept QueryBuilder::word_concept(const std::string& term) const {
  Concept c;
  c.alternatives.push_back({term});
  c.role = role_of(term);
  switch (c.role) {
    case ConceptRole::Template:
      c.factor = 0.1;
      c.function_word = true;
      break;
    case ConceptRole::Aspect: c.factor = 0.5; break;
    case ConceptRole::Topic:
      if (keyword_terms_.count(term)) {
        c.function_word = true;
        c.factor = 0.5;
      }
      break;
  }
  return c;
}

Concept QueryBuilder::glossary_concept(const Phrase& keys, std::size_t k, const SynonymIndex::Match& match) const {
  Concept c;
  c.alternatives = *match.alternatives;
  // What the user wrote goes first, so typo and highlight reporting see the original.
  Phrase written(keys.begin() + static_cast<std::ptrdiff_t>(k),
                 keys.begin() + static_cast<std::ptrdiff_t>(k + match.length));
  auto it = std::find(c.alternatives.begin(), c.alternatives.end(), written);
  if (it != c.alternatives.end()) c.alternatives.erase(it);
  c.alternatives.insert(c.alternatives.begin(), written);
  c.from_synonym = true;
  c.role = match.length == 1 ? role_of(keys[k]) : ConceptRole::Topic;
  if (c.role == ConceptRole::Template) c.role = ConceptRole::Topic;  // a glossary entry is a topic
  c.factor = c.role == ConceptRole::Aspect ? 0.5 : 1.0;
  return c;
}

std::vector<Concept> QueryBuilder::parts_of(const Phrase& phrase) const {
  std::vector<Concept> parts;
  if (phrase.empty()) return parts;
  // The first match may not be the whole phrase again: look it up without the last term.
  const Phrase head(phrase.begin(), phrase.end() - 1);
  for (std::size_t k = 0; k < phrase.size();) {
    if (auto match = k == 0 ? synonyms_.longest_match(head, 0) : synonyms_.longest_match(phrase, k)) {
      parts.push_back(glossary_concept(phrase, k, *match));
      k += match->length;
      continue;
    }
    parts.push_back(word_concept(phrase[k]));
    ++k;
  }
  return parts;
}

Query QueryBuilder::build(std::string_view text, const std::vector<text::Token>& tokens) const {
  const auto words = segmenter_.han_words(text);
  auto in_a_word = [&](std::size_t begin, std::size_t end) {
    return std::any_of(words.begin(), words.end(), [&](const auto& w) {
      return static_cast<std::size_t>(w.first) <= begin && end <= static_cast<std::size_t>(w.second);
    });
  };
  // How a bigram sits in ICU's segmentation: inside a word ("数据"), across two words when one of its
  // characters belongs to a longer word or is a function character ("据不" in 数据|不|均衡, "购的"), or
  // between two characters the dictionary knows only alone — a word it lacks (网|购, 退|货) or two such
  // words ("桶限" in 令牌|桶|限|流): the bank decides (concept_weight).
  enum class Fit { Word, Straddle, Loose };
  auto fit = [&](const text::Token& t) {
    const auto begin = static_cast<std::size_t>(t.start), end = static_cast<std::size_t>(t.end);
    if (in_a_word(begin, end)) return Fit::Word;
    const std::size_t middle = begin + text::decode_utf8(text, begin).length;
    if (in_a_word(begin, middle) || in_a_word(middle, end)) return Fit::Straddle;
    const std::size_t first = text::decode_utf8(t.term, 0).length;
    const bool function_char =
        template_terms_.count(t.term.substr(0, first)) > 0 || template_terms_.count(t.term.substr(first)) > 0;
    return function_char ? Fit::Straddle : Fit::Loose;
  };
  // Positions: the primary token plus whatever is colocated with it.
  struct Position {
    const text::Token* primary = nullptr;
    std::vector<const text::Token*> colocated;
  };
  std::vector<Position> positions;
  for (const auto& t : tokens) {
    if (!t.colocated || positions.empty()) positions.push_back({&t, {}});
    else positions.back().colocated.push_back(&t);
  }
  const Phrase keys = key_terms(tokens);
  // Map key terms back to positions (key_terms drops some trailing unigrams, keeps order).
  std::vector<std::size_t> key_position;
  for (std::size_t p = 0, k = 0; p < positions.size() && k < keys.size(); ++p)
    if (positions[p].primary->term == keys[k]) {
      key_position.push_back(p);
      ++k;
    }

  Query query;
  for (std::size_t k = 0; k < keys.size();) {
    if (auto match = synonyms_.longest_match(keys, k)) {
      query.concepts.push_back(glossary_concept(keys, k, *match));
      k += match->length;
      continue;
    }
    const Position& pos = positions[k < key_position.size() ? key_position[k] : positions.size() - 1];
    Concept c = word_concept(keys[k]);
    for (const auto* t : pos.colocated)
      if (t->kind == text::TokenKind::Compound || t->kind == text::TokenKind::Word ||
          t->kind == text::TokenKind::CjkWord)
        if (t->term != keys[k]) c.alternatives.push_back({t->term});
    // A bigram that straddles two words is weak evidence.
    if (c.role == ConceptRole::Topic && pos.primary->kind == text::TokenKind::CjkBigram) {
      const Fit f = fit(*pos.primary);
      if (f == Fit::Straddle) {
        c.straddles_words = true;
        c.factor = 0.5;
      }
      c.loose_characters = f == Fit::Loose;
    }
    query.concepts.push_back(std::move(c));
    ++k;
  }
  return query;
}

std::string QueryBuilder::quote(std::string_view term) { return text::pre_analyzed_string(term); }

namespace {
// Rows the finding half of an expression may select, estimated from its concepts' row counts.
constexpr long long kFinderRowBudget = 1000;
// A concept in more rows than this scores only where it is in a title (its title-only twins). Walking
// its posting list to find it in the answers of the few rows the finder selects would cost more than
// the rest of the ask (72k entries for a word in most answers of a 100k bank), and a word that
// common says little about an answer that mentions it. No concept of a bank under 5k rows is affected.
constexpr long long kScorerRowLimit = 5000;
// How much a broader alternative of a concept scores against the concept's own spellings. A glossary
// backs "max pooling" off to "pooling" so a note that only says pooling is still found, but a note
// that names max pooling should outrank it.
constexpr double kBroaderAlternativeWeight = 0.5;

// Alternative `j` is broader when it is a strict, contiguous part of another alternative of the same
// concept: [pool] in [max pool], [池化] in [最大 大池 池化]. What the user wrote is never broader.
bool broader(const Concept& c, std::size_t j) {
  const auto& part = c.alternatives[j];
  if (j == 0 || part.empty()) return false;
  return std::any_of(c.alternatives.begin(), c.alternatives.end(), [&](const Phrase& whole) {
    return whole.size() > part.size() &&
           std::search(whole.begin(), whole.end(), part.begin(), part.end()) != whole.end();
  });
}

// A Chinese alternative is a strict phrase of bigrams. A multi-word Latin one is a NEAR group, so
// "reverse linked list" finds "Reverse a linked list": English puts articles and prepositions
// inside names that a glossary lists without them. FTS5 reports each NEAR member as a phrase.
// In titles, a phrase is written with the title-only twins of its terms (text::title_term).
std::string phrase_text(const Phrase& p, bool title, int& phrases) {
  const bool latin = std::all_of(p.begin(), p.end(), [](const std::string& t) {
    return std::all_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  });
  auto term = [title](const std::string& t) { return QueryBuilder::quote(title ? text::title_term(t) : t); };
  std::string s;
  if (p.size() > 1 && latin) {
    s = "NEAR(";
    for (std::size_t i = 0; i < p.size(); ++i) s += (i ? " " : "") + term(p[i]);
    s += ", " + std::to_string(p.size()) + ")";
    phrases = static_cast<int>(p.size());
    return s;
  }
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (i) s += " + ";
    s += term(p[i]);
    // A Han run followed by a Latin word ends there, so the document holds the run's last character
    // as a unigram between them (text::repeats_previous_bigram): "分布式 id" is 分布 布式 式 id.
    if (i + 1 < p.size() && text::is_cjk_term(p[i]) && !text::is_cjk_character(p[i]) && !text::is_cjk_term(p[i + 1])) {
      const std::size_t last = text::decode_utf8_before(p[i], p[i].size()).length;
      s += " + " + term(p[i].substr(p[i].size() - last));
    }
  }
  phrases = 1;
  return s;
}

// The query's concepts (indices) by what they do in the expression.
struct ConceptPlan {
  std::vector<std::size_t> required;  // find rows
  std::vector<std::size_t> optional;  // only score the rows found
  std::vector<std::size_t> budgeted;  // past the finder's row budget: find rows through titles (also optional)
  std::vector<std::size_t> common;    // in too many rows to find them (see find_through_common)
  bool titles_only = false;           // QueryBuilder::Expression::titles_only
  bool all_in_title = false;          // titles must hold every common concept
};

// Concepts the bank does not contain cannot match and are left out of the expression. Rows are
// found through the selective concepts; template words and very common terms only add to the
// score of rows found that way (as Lucene's common-terms query does), so a query never makes
// FTS5 score most of a large index. When only common concepts are left, rows are found through
// their question titles, which are short and few; only then do template words find rows.
ConceptPlan split_by_role(const Query& query) {
  ConceptPlan plan;
  std::vector<std::size_t> straddling;
  for (std::size_t i = 0; i < query.concepts.size(); ++i) {
    const auto& c = query.concepts[i];
    if (c.absent) continue;
    if (c.role == ConceptRole::Template) plan.optional.push_back(i);
    else if (c.common) plan.common.push_back(i);
    else if (c.straddles_words)
      straddling.push_back(i);  // segmentation noise: finds rows only when nothing better does
    else plan.required.push_back(i);
  }
  if (plan.required.empty()) std::swap(plan.required, straddling);
  plan.optional.insert(plan.optional.end(), straddling.begin(), straddling.end());
  return plan;
}

bool rarer(const Query& query, std::size_t a, std::size_t b) { return query.concepts[a].rows < query.concepts[b].rows; }

// Rows are found through the rarest required concepts, as many as fit a budget of rows; the rest
// (`budgeted`) find rows only through their titles, and score every row found. Scoring a row is
// what costs: a concept in 900 rows must not make FTS5 score 900 rows whose only link to the
// question is that word in passing, but a title about it is still a candidate. Banks under ~20k
// questions rarely reach the budget (a concept in more than 200 rows is already common there).
void keep_within_row_budget(const Query& query, ConceptPlan& plan) {
  if (plan.required.size() <= 1) return;
  auto by_rows = plan.required;
  std::stable_sort(by_rows.begin(), by_rows.end(), [&](std::size_t a, std::size_t b) { return rarer(query, a, b); });
  long long rows = query.concepts[by_rows.front()].rows;
  std::size_t keep = 1;
  while (keep < by_rows.size() && rows + query.concepts[by_rows[keep]].rows <= kFinderRowBudget)
    rows += query.concepts[by_rows[keep++]].rows;
  plan.budgeted.assign(by_rows.begin() + static_cast<std::ptrdiff_t>(keep), by_rows.end());
  std::erase_if(plan.required, [&](std::size_t i) {
    return std::find(plan.budgeted.begin(), plan.budgeted.end(), i) != plan.budgeted.end();
  });
  plan.optional.insert(plan.optional.end(), plan.budgeted.begin(), plan.budgeted.end());
}

// Only common concepts: titles holding all of them, else titles holding the rarest, else any
// column holding the rarest. The others still score the rows found.
void find_through_common(const Query& query, QueryBuilder::CommonTerms common_terms, ConceptPlan& plan) {
  using CommonTerms = QueryBuilder::CommonTerms;
  if (!plan.required.empty() || plan.common.empty()) return;
  std::stable_sort(plan.common.begin(), plan.common.end(),
                   [&](std::size_t a, std::size_t b) { return rarer(query, a, b); });
  plan.titles_only = common_terms != CommonTerms::RarestAnyColumn;
  plan.all_in_title = common_terms == CommonTerms::AllInTitle && plan.common.size() > 1;
  if (plan.all_in_title) {
    std::swap(plan.required, plan.common);
  } else {
    plan.required.push_back(plan.common.front());
    plan.common.erase(plan.common.begin());
  }
}

ConceptPlan plan_concepts(const Query& query, QueryBuilder::CommonTerms common_terms) {
  ConceptPlan plan = split_by_role(query);
  keep_within_row_budget(query, plan);
  find_through_common(query, common_terms, plan);
  plan.optional.insert(plan.optional.end(), plan.common.begin(), plan.common.end());
  if (plan.required.empty()) std::swap(plan.required, plan.optional);
  return plan;
}

// Writes concepts' alternatives as FTS5 phrases, recording for each phrase its concept and weight.
class PhraseWriter {
 public:
  PhraseWriter(const Query& query, QueryBuilder::Expression& e) : query_(query), e_(e) {}

  // Any of `concepts`, ORed onto `text`. `counted`: the phrases report their concept (else -1).
  // `scoring`: the phrases only score rows found otherwise; a concept past kScorerRowLimit then
  // scores through its title twins.
  void any_of(const std::vector<std::size_t>& concepts, bool counted, std::string& text, bool title,
              bool scoring = false) {
    for (auto i : concepts) {
      const auto& c = query_.concepts[i];
      for (std::size_t j = 0; j < c.alternatives.size(); ++j) {
        const auto& p = c.alternatives[j];
        if (p.empty()) continue;
        if (!text.empty()) text += " OR ";
        int phrases = 0;
        text += phrase_text(p, title || (scoring && c.rows > kScorerRowLimit), phrases);
        e_.phrase_concept.insert(e_.phrase_concept.end(), static_cast<std::size_t>(phrases),
                                 counted ? static_cast<int>(i) : -1);
        e_.phrase_weight.insert(e_.phrase_weight.end(), static_cast<std::size_t>(phrases),
                                broader(c, j) ? kBroaderAlternativeWeight : 1.0);
      }
    }
  }

 private:
  const Query& query_;
  QueryBuilder::Expression& e_;
};

// Titles holding every common concept: "过拟合 和 dropout 的区别" in a bank where both are
// everywhere. The titles hold every concept that can find rows, so the rows are ranked on their
// titles alone and the scorer is written in twins too (its lists are the short ones). The finder
// requires every one of them, so the scorer repeats only the rarest to hold on every row found:
// repeating all of them walked each title list twice (the slowest asks of a 100k bank).
void write_all_in_title(PhraseWriter& w, const ConceptPlan& plan, std::string& finder, std::string& scorer) {
  for (auto i : plan.required) {
    std::string one;
    w.any_of({i}, true, one, true);
    finder += (finder.empty() ? "(" : " AND (") + one + ")";
  }
  w.any_of(plan.optional, true, scorer, true);
  w.any_of({plan.required.front()}, false, scorer, true);  // `required` is sorted rarest first
}

}  // namespace

QueryBuilder::Expression QueryBuilder::expression(const Query& query, CommonTerms common_terms,
                                                  bool score_every_match) {
  Expression e;
  const ConceptPlan plan = plan_concepts(query, common_terms);
  e.titles_only = plan.titles_only;
  if (plan.required.empty()) return e;
  const auto& required = plan.required;
  const auto& optional = plan.optional;
  const auto& budgeted = plan.budgeted;

  PhraseWriter w(query, e);
  // finder AND (optional… OR required…): the rows the finder selects, with FTS5 reporting where the
  // optional terms occur. FTS5 has no optional operator: the required phrases are repeated so the
  // right side holds on every row the finder keeps; one of the two copies counts, the other maps
  // to -1. When every concept is common, rows are found through title-only twins, whose posting
  // lists hold titles only (2,748 rows rather than 23,270 for 批归一化 in a generated 100k bank):
  // a column filter (`question : …`) would walk every row that mentions the terms anywhere.
  std::string finder, scorer;
  if (plan.all_in_title) {
    write_all_in_title(w, plan, finder, scorer);
  } else if (e.titles_only) {
    // Titles holding the rarest common concept. The others may be anywhere in those rows, so the
    // scorer looks at every column (where an answer that holds them earns its credit), unless
    // they are past kScorerRowLimit.
    w.any_of(required, false, finder, true);
    w.any_of(optional, true, scorer, false, true);
    w.any_of(required, true, scorer, false);
  } else if (score_every_match && !optional.empty()) {
    w.any_of(optional, true, e.match, false);
    w.any_of(required, true, e.match, false);
    e.finding.assign(required.begin(), required.end());
    e.finding.insert(e.finding.end(), budgeted.begin(), budgeted.end());  // they find titles otherwise
    return e;
  } else {
    w.any_of(required, true, finder, false);
    w.any_of(budgeted, false, finder, true);
    if (optional.empty()) {
      e.match = finder;
      return e;
    }
    w.any_of(optional, true, scorer, false, true);
    w.any_of(required, false, scorer, false);
  }
  e.match = "(" + finder + ") AND (" + scorer + ")";
  return e;
}

}  // namespace qabot::retrieval
