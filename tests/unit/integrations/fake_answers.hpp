#pragma once
// Answers without an index: a scripted AskFunction for endpoint tests.

#include <string>
#include <vector>

#include "integrations/webhook.hpp"

namespace qabot::integrations::testing {

inline retrieval::Hit hit(std::int64_t id, std::string question, double confidence) {
  retrieval::Hit h;
  h.id = id;
  h.question = std::move(question);
  h.category = "面试题 / A";
  h.confidence = confidence;
  h.score = confidence;
  h.source = "data/interview-notes.md:" + std::to_string(id);
  return h;
}

// "BN有什么作用" (and anything mentioning BN) matches with related questions; a question starting
// with "long" gets `long_answer`; anything else does not match.
struct FakeAnswers {
  std::string long_answer;
  std::vector<std::string> asked;
  std::vector<std::string> sessions;

  AskFunction function() {
    return [this](std::string_view question, int, std::string_view session) {
      asked.emplace_back(question);
      sessions.emplace_back(session);
      answer::Answer a;
      a.result.query = std::string(question);
      if (question.find("BN") != std::string_view::npos) {
        a.result.matched = true;
        a.result.hits = {hit(1, "BN有什么作用", 0.97), hit(2, "AP计算方式", 0.4), hit(3, "过拟合怎么办", 0.2)};
        a.markdown = "**加速训练**；\n\n防止[过拟合](https://en.wikipedia.org/wiki/Overfitting)。";
      } else if (question.starts_with("pooling")) {  // a near-tie: "did you mean"
        a.result.matched = true;
        a.result.clarify = true;
        a.result.choices = 2;
        a.result.hits = {hit(5, "pooling作用", 0.55), hit(6, "Pooling层怎么反向传播", 0.54),
                         hit(3, "过拟合怎么办", 0.2)};
        a.markdown = "Did you mean: **pooling作用**, or **Pooling层怎么反向传播**?\n";
      } else if (question.starts_with("long")) {
        a.result.matched = true;
        a.result.hits = {hit(4, "A long answer", 0.9), hit(1, "BN有什么作用", 0.3)};
        a.markdown = long_answer;
      } else {
        a.result.hits = {hit(2, "AP计算方式", 0.1), hit(3, "过拟合怎么办", 0.05)};
        a.markdown = "I have no note that answers this.";
      }
      return a;
    };
  }
};

}  // namespace qabot::integrations::testing
