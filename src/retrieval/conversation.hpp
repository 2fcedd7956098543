#pragma once
// What a conversation remembers between asks, so that a follow-up ("那LN呢", "what about its
// drawbacks?") can be read against the questions before it. A value: the server keeps one per
// connection or relay session and hands a copy to each ask.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "retrieval/query.hpp"

namespace qabot::retrieval {

// One earlier question, reduced to what a follow-up can lean on.
struct Turn {
  std::string question;          // as the user typed it
  std::vector<Concept> topics;   // what it was about (its own, or the ones it carried over)
  std::vector<Concept> aspects;  // which side of the topic it asked about ("作用", "drawbacks")
};

struct Conversation {
  // Comparisons reach back two turns ("BN…" → "那LN呢" → "它们的区别"); a little more lets an
  // elliptic turn without topics be skipped over.
  static constexpr std::size_t kMaxTurns = 4;
  std::vector<Turn> turns;  // oldest first

  void add(Turn turn) {
    turns.push_back(std::move(turn));
    if (turns.size() > kMaxTurns) turns.erase(turns.begin());
  }
};

// How a question was read against the conversation: reported on the result so that a user (and a
// test) can see that "它的缺点" was taken to mean BN's drawbacks.
struct FollowUp {
  std::string previous;              // the earlier question leaned on (the latest one carried from)
  std::vector<std::string> carried;  // terms carried over, as written ("bn", "作用")
  std::string kind;                  // elliptic | pronoun | substitution | comparison
};

}  // namespace qabot::retrieval
