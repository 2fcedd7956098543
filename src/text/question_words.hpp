#pragma once
// The words of a question that are not its subject, in Chinese and English: question scaffolding
// ("什么是", "how does"), the side of a topic asked about ("区别", "drawbacks") and stand-ins for a
// topic named elsewhere ("两者", "both"). Retrieval weighs them down (QueryBuilder); indexing uses
// them to tell a heading that names no topic of its own ("两者到底有什么区别？") from one that does.
// Written as people type them: callers analyse them with their text::Analyzer.

#include <span>

namespace qabot::text {

class QuestionWords {
 public:
  static std::span<const char* const> templates();     // shape a question: 什么, how, the
  static std::span<const char* const> aspects();       // which side of a topic: 作用, 区别, pros
  static std::span<const char* const> keyword_like();  // English function words that are also code keywords
  static std::span<const char* const> stand_ins();     // point at a topic named before: 两者, both
};

}  // namespace qabot::text
