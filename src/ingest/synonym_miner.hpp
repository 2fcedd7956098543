#pragma once
// Finds the equivalences notes define themselves, so the glossary grows with the bank:
// "批归一化（Batch Normalization）", "Batch Normalization (BN)", "长短期记忆网络(LSTM)".

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qabot::ingest {

class SynonymMiner {
 public:
  // Pairs (term, parenthesised equivalent), de-duplicated, in text order.
  std::vector<std::pair<std::string, std::string>> mine(std::string_view text) const;
};

}  // namespace qabot::ingest
