#pragma once
// Reads a question against the conversation before it. Pure: no I/O, no bank access; it only
// rewrites the parsed query. A follow-up that names no topic of its own ("区别呢", "what about its
// drawbacks?"), points back with a pronoun ("它和LN的区别", "is it slow?"), swaps the topic
// ("那LN呢", "and LN?", "how about dropout") or compares what came before ("它们的区别？") gets the
// earlier topics (or, for a swap, the earlier aspects) carried over at reduced weight. A question
// that stands on its own ("什么是过拟合" after "BN有什么作用") is left exactly as it was.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "retrieval/conversation.hpp"
#include "retrieval/query.hpp"
#include "text/analyzer.hpp"

namespace qabot::retrieval {

class FollowUpResolver {
 public:
  enum class Kind {
    SelfContained,  // nothing carried
    Elliptic,       // no topic of its own: the previous topics (and aspects, if it has none)
    Pronoun,        // its own topic plus a pronoun pointing back: the previous topics too
    Substitution,   // a new topic in the previous question's shape: the previous aspects
    Comparison,     // compares what came before: the topics of the last two turns
  };

  // Weight kept by what is carried over: the user's own words always count more.
  static constexpr double kCarriedFactor = 0.5;

  explicit FollowUpResolver(const text::Analyzer& analyzer);

  struct Resolution {
    Kind kind = Kind::SelfContained;
    Query query;                        // the question's own concepts plus what was carried
    std::optional<FollowUp> follow_up;  // set when something was carried
    std::optional<Turn> turn;           // what to remember of this question; none when it names nothing
  };

  // `query` is the parsed question; `history` what came before (oldest first).
  Resolution resolve(const Conversation& history, std::string_view question, Query query) const;

  static std::string_view to_string(Kind kind);
  // A concept's first spelling as a person would write it: chained Chinese bigrams joined back
  // ("过拟 拟合" → "过拟合"), Latin words separated by spaces.
  static std::string display(const Phrase& phrase);

 private:
  // The question's own topics and aspects (pronouns aside), and whether it compares.
  struct OwnConcepts {
    std::vector<Concept> topics, aspects;
    bool comparison = false;
  };
  OwnConcepts own_concepts(const Query& query) const;
  Kind kind_of(std::string_view question, const OwnConcepts& own, bool has_previous) const;
  // Adds what is carried to `query` at kCarriedFactor, in place of the pronoun; returns the record.
  FollowUp carry_over(Kind kind, const Turn& previous, const std::vector<Concept>& topics,
                      const std::vector<Concept>& aspects, Query& query) const;
  bool is_pronoun_concept(const Concept& c) const;
  bool is_comparison(const Concept& c) const;

  const text::Analyzer& analyzer_;
  std::unordered_set<std::string> pronoun_terms_;     // analysed: it, they, both, 它们, 两者…
  std::unordered_set<std::string> plural_terms_;      // the ones that point at two things
  std::unordered_set<std::string> comparison_terms_;  // 区别, difference, compare, vs…
};

}  // namespace qabot::retrieval
