#pragma once
// `--synonyms FILE` and `--no-default-synonyms`, the same for every command that answers questions.
// The built-in glossary (data/synonyms.txt, compiled in: retrieval::Glossary) is always there unless
// dropped, so a copy of qabot run from any directory answers as it does inside the project.

#include <CLI/CLI.hpp>

#include "retrieval/glossary.hpp"

namespace qabot::app {

inline void add_glossary_options(CLI::App* cmd, retrieval::GlossarySources& glossary) {
  cmd->add_option("--synonyms", glossary.user_file,
                  "Your own glossary (Solr synonym format), added to the built-in one")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--no-default-synonyms{false}", glossary.builtin,
                "Drop the built-in glossary (English ↔ Chinese and abbreviations of ML and backend terms)");
}

}  // namespace qabot::app
