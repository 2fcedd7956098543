#pragma once
// The glossary a bank is searched with: the built-in one (data/synonyms.txt, compiled into the binary
// so a copy of qabot run anywhere understands "batchnorm" as it does in the project) plus, optionally,
// a user's own file of rules in the same format (retrieval/synonyms.hpp).

#include <filesystem>
#include <string_view>
#include <variant>

#include "retrieval/synonyms.hpp"

namespace qabot::retrieval {

struct GlossarySources {
  bool builtin = true;              // false: `--no-default-synonyms`
  std::filesystem::path user_file;  // empty: none (`--synonyms FILE` adds its rules)
};

class Glossary {
 public:
  // data/synonyms.txt as it was when the binary was built.
  static std::string_view builtin_text();
  // The built-in rules (when asked for) and then the user's; a rule given twice counts once. A user
  // file that cannot be read or parsed is an error naming it and its line.
  static std::variant<Synonyms, SynonymError> load(const GlossarySources& sources);
};

}  // namespace qabot::retrieval
