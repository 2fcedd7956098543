#include "retrieval/glossary.hpp"

namespace qabot::retrieval {

std::variant<Synonyms, SynonymError> Glossary::load(const GlossarySources& sources) {
  Synonyms rules;
  if (sources.builtin) {
    auto builtin = Synonyms::parse(builtin_text());
    // The build checks data/synonyms.txt (glossary_test), so this only guards a broken build.
    if (auto* error = std::get_if<SynonymError>(&builtin)) {
      error->message = "built-in glossary: " + error->message;
      return *error;
    }
    rules = std::get<Synonyms>(std::move(builtin));
    rules.set_origin("built-in");
  }
  if (!sources.user_file.empty()) {
    auto user = Synonyms::load(sources.user_file);
    if (auto* error = std::get_if<SynonymError>(&user)) return *error;
    auto& mine = std::get<Synonyms>(user);
    mine.set_origin(sources.user_file.filename().string());
    rules.add(mine);
  }
  return rules;
}

}  // namespace qabot::retrieval
