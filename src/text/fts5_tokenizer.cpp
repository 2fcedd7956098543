// The only file of qabot_text that includes sqlite3.h. No exception may cross these callbacks.

#include "text/fts5_tokenizer.hpp"

#include <sqlite3.h>

#include <new>
#include <vector>

#include "text/analyzer.hpp"

namespace qabot::text {
namespace {

struct QabotTokenizer {
  Analyzer analyzer;
};

using TokenCallback = int (*)(void*, int, const char*, int, int, int);

int x_create(void* /*user_data*/, const char** /*args*/, int arg_count, Fts5Tokenizer** out) {
  *out = nullptr;
  if (arg_count != 0) return SQLITE_ERROR;  // no options: anything given is a mistake
  try {
    *out = reinterpret_cast<Fts5Tokenizer*>(new QabotTokenizer());
    return SQLITE_OK;
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (...) {
    return SQLITE_ERROR;  // ICU or libstemmer data missing
  }
}

void x_delete(Fts5Tokenizer* tokenizer) { delete reinterpret_cast<QabotTokenizer*>(tokenizer); }

int x_tokenize(Fts5Tokenizer* tokenizer, void* context, int flags, const char* text, int length,
               TokenCallback on_token) {
  const std::size_t size = text == nullptr || length <= 0 ? 0 : static_cast<std::size_t>(length);
  const std::string_view input(size == 0 ? "" : text, size);

  if ((flags & FTS5_TOKENIZE_QUERY) != 0 && input.starts_with(kPreAnalyzedMarker)) {
    const std::string_view term = input.substr(kPreAnalyzedMarker.size());
    if (term.empty()) return SQLITE_OK;
    const int rc = on_token(context, 0, term.data(), static_cast<int>(term.size()),
                            static_cast<int>(kPreAnalyzedMarker.size()), static_cast<int>(input.size()));
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
  }

  // Only the indexer writes the title marker; in a query it is just a byte the analyzer drops.
  const bool title = (flags & FTS5_TOKENIZE_DOCUMENT) != 0 && input.starts_with(kTitleMarker);
  const int shift = title ? static_cast<int>(kTitleMarker.size()) : 0;
  try {
    const std::vector<Token> tokens =
        reinterpret_cast<QabotTokenizer*>(tokenizer)->analyzer.analyze(input.substr(static_cast<std::size_t>(shift)));
    std::string tagged(kTitleMarker);  // the title twin of the current token; one buffer for all
    const bool query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const Token& token = tokens[i];
      if (query && repeats_previous_bigram(tokens, i)) continue;  // as the query builder's key terms
      int rc = on_token(context, token.colocated ? FTS5_TOKEN_COLOCATED : 0, token.term.data(),
                        static_cast<int>(token.term.size()), token.start + shift, token.end + shift);
      if (rc == SQLITE_OK && title) {
        tagged.resize(kTitleMarker.size());
        tagged += token.term;
        rc = on_token(context, FTS5_TOKEN_COLOCATED, tagged.data(), static_cast<int>(tagged.size()),
                      token.start + shift, token.end + shift);
      }
      // SQLITE_DONE is FTS5's "enough tokens, thanks": a normal stop, not an error.
      if (rc != SQLITE_OK) return rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (...) {
    return SQLITE_ERROR;  // ICU failed
  }
  return SQLITE_OK;
}

}  // namespace

std::string title_term(std::string_view term) {
  std::string out;
  out.reserve(kTitleMarker.size() + term.size());
  out.append(kTitleMarker.data(), kTitleMarker.size());
  out.append(term.data(), term.size());
  return out;
}

std::string pre_analyzed_string(std::string_view term) {
  std::string quoted;
  quoted.reserve(term.size() + kPreAnalyzedMarker.size() + 2);
  quoted.push_back('"');
  quoted.append(kPreAnalyzedMarker);
  for (char c : term) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  // A lone Han character is indexed as a unigram only where its run ends; elsewhere it starts the
  // bigram at that position. The prefix query matches both (and no other kind of term: nothing
  // else starts with the bytes of a Han character).
  std::string_view bare = term;
  if (bare.starts_with(kTitleMarker)) bare.remove_prefix(kTitleMarker.size());
  if (is_cjk_character(bare)) quoted += " *";
  return quoted;
}

int register_fts5_tokenizer(fts5_api* api) {
  fts5_tokenizer tokenizer{x_create, x_delete, x_tokenize};
  return api->xCreateTokenizer(api, std::string(kTokenizerName).c_str(), nullptr, &tokenizer, nullptr);
}

}  // namespace qabot::text
