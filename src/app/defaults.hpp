#pragma once
#include <filesystem>
#include <system_error>

namespace qabot::app {
// The glossary shipped in data/: the project directory's when qabot runs from it, otherwise the one
// beside the binary's build tree (build/qabot → data/synonyms.txt) or its installed copy
// (PREFIX/bin/qabot → PREFIX/share/qabot/synonyms.txt, `cmake --install`), so `qabot ask`
// understands "batch norm" from any working directory. Empty when none exists (no glossary).
inline std::filesystem::path default_synonyms_path() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path here = "data/synonyms.txt";
  if (fs::exists(here, ec)) return here;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& beside : {exe.parent_path().parent_path() / "data" / "synonyms.txt",
                                   exe.parent_path().parent_path() / "share" / "qabot" / "synonyms.txt"}) {
      if (fs::exists(beside, ec)) return beside;
    }
  }
  return {};
}
}  // namespace qabot::app
