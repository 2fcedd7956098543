// Bytes (any bytes: invalid UTF-8, NULs, lone surrogates) → text::Analyzer. The tokens must point
// into the input, come in text order, never be empty, and be the same on a second run.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "text/analyzer.hpp"

using qabot::fuzz::require;

namespace {
const qabot::text::Analyzer& analyzer() {
  static const qabot::text::Analyzer instance;
  return instance;
}

bool same(const qabot::text::Token& a, const qabot::text::Token& b) {
  return a.term == b.term && a.start == b.start && a.end == b.end && a.colocated == b.colocated && a.kind == b.kind;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto tokens = analyzer().analyze(input);
  int previous_start = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto& t = tokens[i];
    require(!t.term.empty(), "empty token");
    require(t.start >= 0 && t.start < t.end && static_cast<std::size_t>(t.end) <= size, "offsets outside the input",
            t.term);
    require(t.start >= previous_start, "token starts go backwards", t.term);
    require(i > 0 || !t.colocated, "the first token is colocated", t.term);
    require(qabot::fuzz::is_utf8(t.term), "a term is not valid UTF-8", t.term);
    previous_start = t.start;
  }
  const auto again = analyzer().analyze(input);
  require(again.size() == tokens.size(), "a second run gives a different number of tokens");
  for (std::size_t i = 0; i < tokens.size(); ++i)
    require(same(tokens[i], again[i]), "a second run differs", tokens[i].term);
  require(qabot::fuzz::is_utf8(analyzer().normalize(input)), "normalize() returned invalid UTF-8");
  return 0;
}
