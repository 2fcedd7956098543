#pragma once
// RAII glue around libstemmer's Snowball "english" stemmer. Internal to qabot_text.

#include <string_view>

struct sb_stemmer;

namespace qabot::text {

// Not thread-safe: libstemmer keeps its working buffer inside the stemmer object.
class Stemmer {
 public:
  Stemmer();  // throws std::runtime_error when libstemmer lacks the english stemmer
  ~Stemmer();
  Stemmer(Stemmer&& other) noexcept;
  Stemmer& operator=(Stemmer&& other) noexcept;
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;

  // Stem of a case-folded word; the view stays valid until the next call.
  std::string_view stem(std::string_view word);

 private:
  sb_stemmer* stemmer_ = nullptr;
};

}  // namespace qabot::text
