#pragma once
// A parsed query: the concepts a user asked about, each with its alternative spellings.

#include <string>
#include <vector>

namespace qabot::retrieval {

using Phrase = std::vector<std::string>;  // already-analysed terms, in order

enum class ConceptRole {
  Topic,     // what the question is about: "过拟合", "dropout"
  Aspect,    // which side of the topic: "作用", "区别", "缺点", "difference" — tells siblings apart
  Template,  // question scaffolding: "什么", "怎么", "how", "the"
};

struct Concept {
  std::vector<Phrase> alternatives;  // the first is what the user wrote
  ConceptRole role = ConceptRole::Topic;
  double factor = 1.0;  // weight multiplier on top of the concept's idf
  bool from_synonym = false;
  bool straddles_words = false;   // a Chinese bigram across a word boundary ("据不" in 数据不均衡)
  bool loose_characters = false;  // ...between two characters ICU's dictionary knows only alone (网|购)
  bool function_word = false;     // scaffolding or a code keyword that is also an English word ("is", "with")
  bool absent = false;            // no alternative occurs in the bank (set by the retriever)
  bool common = false;            // occurs in a large share of a large bank (set by the retriever)
  bool english_word = false;      // an ordinary English word (EnglishWords) the bank lacks
  bool carried = false;           // carried over from an earlier question of the conversation
  long long rows = 0;             // rows holding its most common alternative (set by the retriever)
};

struct Query {
  std::vector<Concept> concepts;
};

}  // namespace qabot::retrieval
