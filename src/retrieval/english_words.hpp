#pragma once
// Whether a word is an ordinary English word: Debian's English word list (wamerican, ~75,000 words
// and their inflections) compiled into the binary. Typo correction asks it so that a real word the
// bank lacks ("sleep", "Japan", "contract") is taken as the user wrote it — a question about
// something else — and never bent into a bank word one edit away ("sweep", "javan", "contact").

#include <string_view>

namespace qabot::retrieval {

class EnglishWords {
 public:
  // The word as written or in lower case ("Japan", "unity" for "Unity"); ASCII case only.
  // Thread-safe; no start-up work (the list is searched where it lies in the binary).
  static bool contains(std::string_view word);
  // The list as compiled in: one word per line, sorted bytewise.
  static std::string_view text();
  // Exactly as written, no case folding (what contains() tries first).
  static bool listed(std::string_view word);
};

}  // namespace qabot::retrieval
