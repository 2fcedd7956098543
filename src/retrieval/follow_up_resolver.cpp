#include "retrieval/follow_up_resolver.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "retrieval/synonym_index.hpp"
#include "text/utf8.hpp"

namespace qabot::retrieval {

namespace {

// Words that point back at something said before. Written as people type them and analysed at
// start-up, like QueryBuilder's word lists.
constexpr const char* kPronounWords[] = {"it", "its",  "they", "them", "their", "both", "former", "latter",
                                         "它", "它们", "其",   "两者", "二者",  "前者", "后者",   "这两"};
constexpr const char* kPluralWords[] = {"they", "them", "their", "both", "它们", "两者", "二者", "这两"};
constexpr const char* kComparisonWords[] = {"区别",       "不同",       "差异",        "对比",      "比较",   "异同",
                                            "联系",       "difference", "differences", "different", "differ", "compare",
                                            "comparison", "vs",         "versus",      "better"};

// English cues, matched on whole lower-case words of the normalised question.
constexpr const char* kEnglishPronouns[] = {"it", "its", "it's", "they", "them", "their", "both", "former", "latter"};
constexpr const char* kEnglishPlurals[] = {"they", "them", "their", "both"};
constexpr const char* kEnglishSwapOpenings[] = {"and ", "what about ", "how about ", "what of ", "and what about "};

std::vector<std::string> latin_words(std::string_view s) {
  std::vector<std::string> out;
  std::string word;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '\'') {
      word += static_cast<char>(std::tolower(u));
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// 其 is a pronoun ("其原理", "其缺点") except inside words that merely contain it.
bool has_pronoun_qi(std::string_view s) {
  constexpr std::string_view qi = "其";
  for (auto pos = s.find(qi); pos != std::string_view::npos; pos = s.find(qi, pos + qi.size())) {
    const auto after = s.substr(pos + qi.size(), 3);
    const auto before = pos >= 3 ? s.substr(pos - 3, 3) : std::string_view();
    if (after == "他" || after == "中" || after == "实" || after == "余" || after == "次") continue;
    if (before == "尤" || before == "极" || before == "与") continue;
    return true;
  }
  return false;
}

// Question marks, full stops and spaces at either end say nothing about the question's shape.
std::string_view trim(std::string_view s) {
  const std::string_view junk[] = {" ", "\t", "\n", "?", "!", ".", ",", "。", "？", "！", "，", "~"};
  for (bool again = true; again;) {
    again = false;
    for (auto j : junk) {
      if (s.starts_with(j)) s.remove_prefix(j.size()), again = true;
      if (s.ends_with(j)) s.remove_suffix(j.size()), again = true;
    }
  }
  return s;
}

bool same_concept(const Concept& a, const Concept& b) {
  return !a.alternatives.empty() && !b.alternatives.empty() && a.alternatives.front() == b.alternatives.front();
}

bool has_concept(const std::vector<Concept>& list, const Concept& c) {
  return std::any_of(list.begin(), list.end(), [&](const Concept& x) { return same_concept(x, c); });
}

// "那LN呢" and "LN呢?" are a few characters; a long question ending in 呢 is usually its own.
constexpr std::size_t kShortQuestionChars = 10;

// What the wording of a question says about what it leans on, read from its trimmed normalised text.
struct Cues {
  bool plural = false;    // points at two things: 它们, both
  bool pronoun = false;   // points back: 它, 其, it, the former
  bool swap_cue = false;  // the previous question's shape with a new topic: 那LN呢, "and LN?"
};

Cues read_cues(std::string_view text) {
  const auto words = latin_words(text);
  auto has_word = [&](const auto& list) {
    return std::any_of(std::begin(list), std::end(list),
                       [&](const char* w) { return std::find(words.begin(), words.end(), w) != words.end(); });
  };
  Cues cues;
  cues.plural = has_word(kEnglishPlurals) || contains(text, "它们") || contains(text, "两者") ||
                contains(text, "二者") || contains(text, "这两") || contains(text, "那两");
  cues.pronoun = cues.plural || has_word(kEnglishPronouns) || contains(text, "它") || has_pronoun_qi(text) ||
                 contains(text, "前者") || contains(text, "后者") || text.starts_with("这");
  cues.swap_cue = text.starts_with("那") || (text.ends_with("呢") && text::utf8_length(text) <= kShortQuestionChars) ||
                  std::any_of(std::begin(kEnglishSwapOpenings), std::end(kEnglishSwapOpenings),
                              [&](const char* o) { return std::string_view(text).starts_with(o); });
  return cues;
}

// The latest turn that was about something: a "thanks" or a bare "why?" in between has none.
const Turn* previous_turn(const Conversation& history) {
  for (auto it = history.turns.rbegin(); it != history.turns.rend(); ++it)
    if (!it->topics.empty()) return &*it;
  return nullptr;
}

// What was carried over from earlier turns, before anything the question says itself is dropped.
struct Carried {
  std::vector<Concept> topics, aspects;
};

Carried carried_for(FollowUpResolver::Kind kind, const Conversation& history, const Turn* previous,
                    bool has_own_aspects) {
  using Kind = FollowUpResolver::Kind;
  Carried carried;
  switch (kind) {
    case Kind::SelfContained: break;
    case Kind::Elliptic:
      carried.topics = previous->topics;
      if (!has_own_aspects) carried.aspects = previous->aspects;
      break;
    case Kind::Pronoun: carried.topics = previous->topics; break;
    case Kind::Substitution: carried.aspects = previous->aspects; break;
    case Kind::Comparison: {
      carried.topics = previous->topics;
      // "它们" after two turns about one topic each: both of them.
      for (auto it = history.turns.rbegin(); it != history.turns.rend() && carried.topics.size() < 2; ++it)
        if (&*it != previous)
          for (const auto& c : it->topics)
            if (!has_concept(carried.topics, c)) carried.topics.push_back(c);
      break;
    }
  }
  return carried;
}

}  // namespace

FollowUpResolver::FollowUpResolver(const text::Analyzer& analyzer) : analyzer_(analyzer) {
  auto load = [&](const auto& words, std::unordered_set<std::string>& into) {
    for (const char* w : words)
      for (const auto& term : key_terms(analyzer_.analyze(w))) into.insert(term);
  };
  load(kPronounWords, pronoun_terms_);
  load(kPluralWords, plural_terms_);
  load(kComparisonWords, comparison_terms_);
}

std::string_view FollowUpResolver::to_string(Kind kind) {
  switch (kind) {
    case Kind::SelfContained: return "none";
    case Kind::Elliptic: return "elliptic";
    case Kind::Pronoun: return "pronoun";
    case Kind::Substitution: return "substitution";
    case Kind::Comparison: return "comparison";
  }
  return "none";
}

std::string FollowUpResolver::display(const Phrase& phrase) {
  std::string out;
  bool previous_cjk = false;
  for (const auto& term : phrase) {
    const bool cjk = !term.empty() && static_cast<unsigned char>(term[0]) >= 0x80;
    if (cjk && previous_cjk && out.size() >= 3 && term.size() >= 3 && term.compare(0, 3, out, out.size() - 3, 3) == 0) {
      out += term.substr(3);  // chained bigrams: 过拟 + 拟合 → 过拟合
    } else {
      if (!out.empty() && !(cjk && previous_cjk)) out += ' ';
      out += term;
    }
    previous_cjk = cjk;
  }
  return out;
}

bool FollowUpResolver::is_pronoun_concept(const Concept& c) const {
  if (c.alternatives.empty() || c.alternatives.front().size() != 1) return false;
  const auto& term = c.alternatives.front().front();
  if (pronoun_terms_.count(term)) return true;
  // A bigram around a pronoun ("它的", "其原") is not something the user asked about.
  return term.size() <= 6 && (contains(term, "它") || contains(term, "其"));
}

bool FollowUpResolver::is_comparison(const Concept& c) const {
  return std::any_of(c.alternatives.begin(), c.alternatives.end(), [&](const Phrase& p) {
    return std::any_of(p.begin(), p.end(), [&](const std::string& t) { return comparison_terms_.count(t) > 0; });
  });
}

FollowUpResolver::OwnConcepts FollowUpResolver::own_concepts(const Query& query) const {
  OwnConcepts own;
  for (const auto& c : query.concepts) {
    own.comparison = own.comparison || is_comparison(c);
    if (is_pronoun_concept(c)) continue;
    if (c.role == ConceptRole::Topic && !c.function_word && !c.straddles_words) own.topics.push_back(c);
    if (c.role == ConceptRole::Aspect) own.aspects.push_back(c);
  }
  return own;
}

FollowUpResolver::Kind FollowUpResolver::kind_of(std::string_view question, const OwnConcepts& own,
                                                 bool has_previous) const {
  const std::string normalized = analyzer_.normalize(question);
  const Cues cues = read_cues(trim(normalized));
  if (!has_previous) return Kind::SelfContained;
  if (own.comparison && (cues.plural || own.topics.empty())) return Kind::Comparison;
  if (own.topics.empty()) return Kind::Elliptic;
  if (cues.pronoun) return Kind::Pronoun;
  if (cues.swap_cue && own.aspects.empty()) return Kind::Substitution;
  return Kind::SelfContained;
}

FollowUp FollowUpResolver::carry_over(Kind kind, const Turn& previous, const std::vector<Concept>& topics,
                                      const std::vector<Concept>& aspects, Query& query) const {
  // The pronoun is what the carried topic replaces; left in, it would count as an unknown topic.
  query.concepts.erase(std::remove_if(query.concepts.begin(), query.concepts.end(),
                                      [&](const Concept& c) { return is_pronoun_concept(c); }),
                       query.concepts.end());
  FollowUp record;
  record.previous = previous.question;
  record.kind = std::string(to_string(kind));
  for (const auto* list : {&topics, &aspects})
    for (const auto& c : *list) {
      Concept copy = c;
      copy.factor *= kCarriedFactor;
      copy.carried = true;
      query.concepts.push_back(std::move(copy));
      record.carried.push_back(display(c.alternatives.front()));
    }
  return record;
}

FollowUpResolver::Resolution FollowUpResolver::resolve(const Conversation& history, std::string_view question,
                                                       Query query) const {
  const OwnConcepts own = own_concepts(query);
  const Turn* previous = previous_turn(history);
  Resolution out;
  out.kind = kind_of(question, own, previous != nullptr);
  Carried carried = carried_for(out.kind, history, previous, !own.aspects.empty());
  // Nothing to carry that the question already says itself.
  auto drop_own = [&](std::vector<Concept>& list) {
    list.erase(
        std::remove_if(list.begin(), list.end(), [&](const Concept& c) { return has_concept(query.concepts, c); }),
        list.end());
  };
  drop_own(carried.topics);
  drop_own(carried.aspects);

  if (!carried.topics.empty() || !carried.aspects.empty()) {
    out.follow_up = carry_over(out.kind, *previous, carried.topics, carried.aspects, query);
  } else {
    out.kind = Kind::SelfContained;
  }
  out.query = std::move(query);

  Turn turn;
  turn.question = std::string(question);
  turn.topics = own.topics;
  if (out.kind == Kind::Comparison || turn.topics.empty())
    for (const auto& c : carried.topics)
      if (!has_concept(turn.topics, c)) turn.topics.push_back(c);
  turn.aspects = own.aspects.empty() ? carried.aspects : own.aspects;
  if (!turn.topics.empty()) out.turn = std::move(turn);
  return out;
}

}  // namespace qabot::retrieval
