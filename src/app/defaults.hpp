#pragma once
#include <filesystem>

namespace qabot::app {
// The glossary shipped in data/, when qabot runs from the project directory; otherwise none.
inline std::filesystem::path default_synonyms_path() {
  std::error_code ec;
  return std::filesystem::exists("data/synonyms.txt", ec) ? std::filesystem::path("data/synonyms.txt")
                                                          : std::filesystem::path();
}
}  // namespace qabot::app
