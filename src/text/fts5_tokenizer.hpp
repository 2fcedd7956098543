#pragma once
// SQLite FTS5 glue: the "qabot" tokenizer runs text::Analyzer over documents and queries.

#include <string>
#include <string_view>

struct fts5_api;

namespace qabot::text {

inline constexpr std::string_view kTokenizerName = "qabot";

// U+E000 (private use). In a MATCH query, a string that starts with it holds ONE term that the
// caller already produced with Analyzer::analyze; the tokenizer passes the rest through verbatim,
// so stemming and folding are never applied twice. Document text is always analysed.
inline constexpr std::string_view kPreAnalyzedMarker = "\xEE\x80\x80";

// The byte 0xFF, which UTF-8 never contains (the ingester only stores valid UTF-8). Document text
// that starts with it is a question title: every token is indexed twice, as itself and, colocated,
// as kTitleMarker + term. Those title terms have posting lists of titles only, so a query can find
// "titles that mention BN" without walking every row that mentions BN anywhere.
inline constexpr std::string_view kTitleMarker = "\xFF";

// `term` as its title-only twin: kTitleMarker + term.
std::string title_term(std::string_view term);

// `term` (or its title twin) as an FTS5 string: "\uE000term" with embedded double quotes doubled,
// followed by " *" when the term is one Han or kana character (see is_cjk_character): a prefix
// query, which FTS5 allows on every string of a phrase (`"a" + "b" *`).
std::string pre_analyzed_string(std::string_view term);

// Registers the "qabot" tokenizer through a connection's FTS5 API (sqlite::fts5_of; tokenizers are
// per connection), for `CREATE VIRTUAL TABLE t USING fts5(x, tokenize='qabot')`. The tokenizer
// takes no arguments. `api` must not be null. Returns an SQLite result code.
int register_fts5_tokenizer(fts5_api* api);

}  // namespace qabot::text
