#include "retrieval/follow_up_resolver.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "retrieval/synonym_index.hpp"

namespace qabot::retrieval {

namespace {

// Words that point back at something said before. Written as people type them and analysed at
// start-up, like QueryBuilder's word lists.
constexpr const char* kPronounWords[] = {"it",  "its",  "they", "them", "their", "both", "former", "latter",
                                         "它",  "它们", "其",   "两者", "二者",  "前者", "后者",   "这两"};
constexpr const char* kPluralWords[] = {"they", "them", "their", "both", "它们", "两者", "二者", "这两"};
constexpr const char* kComparisonWords[] = {"区别", "不同", "差异", "对比", "比较", "异同", "联系", "difference",
                                            "differences", "different", "differ", "compare", "comparison", "vs",
                                            "versus", "better"};

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

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

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

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

bool same_concept(const Concept& a, const Concept& b) {
  return !a.alternatives.empty() && !b.alternatives.empty() && a.alternatives.front() == b.alternatives.front();
}

bool has_concept(const std::vector<Concept>& list, const Concept& c) {
  return std::any_of(list.begin(), list.end(), [&](const Concept& x) { return same_concept(x, c); });
}

// "那LN呢" and "LN呢?" are a few characters; a long question ending in 呢 is usually its own.
constexpr std::size_t kShortQuestionChars = 10;

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

FollowUpResolver::Resolution FollowUpResolver::resolve(const Conversation& history, std::string_view question,
                                                        Query query) const {
  const std::string normalized = analyzer_.normalize(question);
  const std::string_view text = trim(normalized);
  const auto words = latin_words(text);
  auto has_word = [&](const auto& list) {
    return std::any_of(std::begin(list), std::end(list),
                       [&](const char* w) { return std::find(words.begin(), words.end(), w) != words.end(); });
  };

  const bool plural = has_word(kEnglishPlurals) || contains(text, "它们") || contains(text, "两者") ||
                      contains(text, "二者") || contains(text, "这两") || contains(text, "那两");
  const bool pronoun = plural || has_word(kEnglishPronouns) || contains(text, "它") || has_pronoun_qi(text) ||
                       contains(text, "前者") || contains(text, "后者") || text.starts_with("这");
  const bool swap_cue =
      text.starts_with("那") || (text.ends_with("呢") && code_points(text) <= kShortQuestionChars) ||
      std::any_of(std::begin(kEnglishSwapOpenings), std::end(kEnglishSwapOpenings),
                  [&](const char* o) { return std::string_view(text).starts_with(o); });

  std::vector<Concept> own_topics, own_aspects;
  bool comparison = false;
  for (const auto& c : query.concepts) {
    comparison = comparison || is_comparison(c);
    if (is_pronoun_concept(c)) continue;
    if (c.role == ConceptRole::Topic && !c.function_word && !c.straddles_words) own_topics.push_back(c);
    if (c.role == ConceptRole::Aspect) own_aspects.push_back(c);
  }

  Resolution out;
  // The latest turn that was about something: a "thanks" or a bare "why?" in between has none.
  const Turn* previous = nullptr;
  for (auto it = history.turns.rbegin(); it != history.turns.rend() && !previous; ++it)
    if (!it->topics.empty()) previous = &*it;

  if (previous == nullptr) {
    out.kind = Kind::SelfContained;
  } else if (comparison && (plural || own_topics.empty())) {
    out.kind = Kind::Comparison;
  } else if (own_topics.empty()) {
    out.kind = Kind::Elliptic;
  } else if (pronoun) {
    out.kind = Kind::Pronoun;
  } else if (swap_cue && own_aspects.empty()) {
    out.kind = Kind::Substitution;
  } else {
    out.kind = Kind::SelfContained;
  }

  std::vector<Concept> carried_topics, carried_aspects;
  switch (out.kind) {
    case Kind::SelfContained: break;
    case Kind::Elliptic:
      carried_topics = previous->topics;
      if (own_aspects.empty()) carried_aspects = previous->aspects;
      break;
    case Kind::Pronoun: carried_topics = previous->topics; break;
    case Kind::Substitution: carried_aspects = previous->aspects; break;
    case Kind::Comparison: {
      carried_topics = previous->topics;
      // "它们" after two turns about one topic each: both of them.
      for (auto it = history.turns.rbegin(); it != history.turns.rend() && carried_topics.size() < 2; ++it)
        if (&*it != previous)
          for (const auto& c : it->topics)
            if (!has_concept(carried_topics, c)) carried_topics.push_back(c);
      break;
    }
  }
  // Nothing to carry that the question already says itself.
  auto drop_own = [&](std::vector<Concept>& list) {
    list.erase(std::remove_if(list.begin(), list.end(), [&](const Concept& c) { return has_concept(query.concepts, c); }),
               list.end());
  };
  drop_own(carried_topics);
  drop_own(carried_aspects);

  if (!carried_topics.empty() || !carried_aspects.empty()) {
    // The pronoun is what the carried topic replaces; left in, it would count as an unknown topic.
    query.concepts.erase(std::remove_if(query.concepts.begin(), query.concepts.end(),
                                        [&](const Concept& c) { return is_pronoun_concept(c); }),
                         query.concepts.end());
    FollowUp record;
    record.previous = previous->question;
    record.kind = std::string(to_string(out.kind));
    for (const auto* list : {&carried_topics, &carried_aspects})
      for (const auto& c : *list) {
        Concept copy = c;
        copy.factor *= kCarriedFactor;
        copy.carried = true;
        query.concepts.push_back(std::move(copy));
        record.carried.push_back(display(c.alternatives.front()));
      }
    out.follow_up = std::move(record);
  } else {
    out.kind = Kind::SelfContained;
  }
  out.query = std::move(query);

  Turn turn;
  turn.question = std::string(question);
  turn.topics = own_topics;
  if (out.kind == Kind::Comparison || turn.topics.empty())
    for (const auto& c : carried_topics)
      if (!has_concept(turn.topics, c)) turn.topics.push_back(c);
  turn.aspects = own_aspects.empty() ? carried_aspects : own_aspects;
  if (!turn.topics.empty()) out.turn = std::move(turn);
  return out;
}

}  // namespace qabot::retrieval
