#pragma once
// Synonym rule set in the Solr/Elasticsearch text format, parsed without any text analysis.
//
// Format, one rule per line:
//   # comment                    a line whose first non-blank character is '#'
//   a, b, c                      equivalence: every term stands for every other
//   a, b => c, d                 one-way rule (Solr semantics): a query term on the left is
//                                rewritten to the terms on the right; repeat a left term on the
//                                right to keep it ("adamw => adamw, adam")
//   (blank lines are ignored)
//
// Details:
//   * '#' starts a comment only at the beginning of a line, so terms such as "c#" or "f#" in the
//     middle of a line are kept as written; there are no trailing comments. Write "\#" for a term
//     that must begin with '#' at the start of a line.
//   * Both ',' and the full-width comma '，' (U+FF0C) separate terms.
//   * Backslash escapes one of: ','  '，'  '\'  '#'  '='  '>'. Any other escape, or a backslash
//     at the end of a line, is an error. "\=>" keeps a literal "=>" inside a term.
//   * Terms are trimmed of ASCII whitespace, U+00A0 and the ideographic space U+3000; inner
//     spaces and case are kept as written (the query pipeline normalises and tokenises).
//   * LF and CRLF line endings are accepted, as is a leading UTF-8 byte-order mark.
//   * Errors, returned as values, name the first bad line (1-based): an empty term ("a,,b",
//     "a,", ",a"), an empty side of "=>", more than one "=>", a line with a single term and no
//     "=>", a bad escape, or invalid UTF-8.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace qabot::retrieval {

struct SynonymRule {
  std::vector<std::string> from;  // for an equivalence: all terms
  std::vector<std::string> to;    // for an equivalence: all terms (same as from)
  bool one_way = false;
  int line = 0;        // 1-based source line; 0 for rules added with add_equivalence
  std::string origin;  // where the rule was written ("built-in", a file name); set by its loader
};

struct SynonymError {
  int line = 0;         // 1-based line of the first bad line; 0 when the file could not be read
  std::string message;  // human-readable, without the line number
};

class Synonyms {
 public:
  Synonyms() = default;

  // Parses the whole text; the first bad line is reported and nothing is returned for the rest.
  static std::variant<Synonyms, SynonymError> parse(std::string_view text);

  // Reads and parses a file. Unreadable file: line 0, message naming the file. Parse errors
  // keep their line number and the message is prefixed with the file name.
  static std::variant<Synonyms, SynonymError> load(const std::filesystem::path& path);

  // Adds an equivalence (e.g. a pair mined from the notes at index time). Terms are trimmed like
  // parsed ones; empty and repeated terms are dropped; fewer than two distinct terms is a no-op.
  void add_equivalence(std::vector<std::string> terms);

  // Appends `more`'s rules, except those this set already has (same terms, same direction).
  void add(const Synonyms& more);
  // Names where every rule came from, for `ask --explain` ("built-in:120").
  void set_origin(const std::string& origin);

  const std::vector<SynonymRule>& rules() const { return rules_; }
  std::size_t size() const { return rules_.size(); }

 private:
  std::vector<SynonymRule> rules_;
};

}  // namespace qabot::retrieval
