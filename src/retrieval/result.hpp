#pragma once
// What one ask returns: the ranked hits and whether the best one is trusted.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "retrieval/conversation.hpp"

namespace qabot::retrieval {

struct Hit {
  std::int64_t id = 0;
  std::string question;  // as shown (a heading without a topic of its own carries its parent)
  std::string heading;   // as the note wrote it
  std::string category;
  double score = 0;       // ranking score, higher is better (comparable within one result only)
  double confidence = 0;  // [0,1], comparable across queries and banks
  std::string source;     // "path:line"
};

struct Correction {
  std::string from;
  std::string to;
};

struct Result {
  std::string query;
  bool matched = false;                 // hits[0] is confident enough to answer with
  bool clarify = false;                 // the top hits are too close to pick one: ask the user
  std::vector<Hit> hits;                // best first, at most top_k
  std::vector<Correction> corrections;  // typo corrections applied to the query
  std::optional<FollowUp> followup;     // set when the question was read as a follow-up
  std::size_t choices = 0;              // when clarify: hits[0, choices) are the near-tied candidates
  std::vector<std::string> terms;       // analysed terms the query matched with (for highlighting answers)
};

}  // namespace qabot::retrieval
