#include "text/stemmer.hpp"

#include <libstemmer.h>

#include <new>
#include <stdexcept>
#include <utility>

namespace qabot::text {

Stemmer::Stemmer() : stemmer_(sb_stemmer_new("english", "UTF_8")) {
  if (stemmer_ == nullptr) throw std::runtime_error("libstemmer: english stemmer unavailable");
}

Stemmer::~Stemmer() {
  if (stemmer_ != nullptr) sb_stemmer_delete(stemmer_);
}

Stemmer::Stemmer(Stemmer&& other) noexcept : stemmer_(std::exchange(other.stemmer_, nullptr)) {}

Stemmer& Stemmer::operator=(Stemmer&& other) noexcept {
  std::swap(stemmer_, other.stemmer_);
  return *this;
}

std::string_view Stemmer::stem(std::string_view word) {
  const sb_symbol* out =
      sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (out == nullptr) throw std::bad_alloc();  // libstemmer's only failure is out of memory
  return {reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(stemmer_))};
}

}  // namespace qabot::text
