#pragma once
// The on-disk layout of a question bank. Bump kSchemaVersion (question_bank.hpp) with any change here.

#include <string>

#include "text/fts5_tokenizer.hpp"

namespace qabot::store {

// `questions.id` is derived from (path, question) so it survives re-indexing: quiz, gaps and feedback
// records refer to it. `questions.seq` is the rowid of the external-content FTS5 index, handed out
// in insertion order. That order is what lets a build feed FTS5 one row at a time while later files
// are still being parsed: FTS5 keeps a build's postings in memory only while rowids go up, and
// writes a segment to disk whenever one goes down (stable-hash rowids did so on every other row).
// IndexBuilder keeps the two tables in step itself, without triggers: a statement that fires a
// trigger opens a statement savepoint, and FTS5 writes its pending postings at every savepoint.
inline constexpr const char* kSchemaSql = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
  path TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  questions INTEGER NOT NULL
);
CREATE TABLE questions(
  seq INTEGER PRIMARY KEY,
  id INTEGER NOT NULL UNIQUE,
  path TEXT NOT NULL REFERENCES files(path),
  line INTEGER NOT NULL,
  category TEXT NOT NULL,
  question TEXT NOT NULL,  -- as shown: a heading without a topic of its own carries its parent
  answer TEXT NOT NULL,
  heading TEXT NOT NULL,   -- as the note wrote it (the stable id and quiz keys come from it)
  source TEXT NOT NULL,    -- the file as users see it: root folder name / path below the root
  tags TEXT NOT NULL       -- front matter categories and tags, one per line
);
CREATE INDEX questions_by_path ON questions(path, line);
CREATE TABLE mined_synonyms(
  path TEXT NOT NULL,
  a TEXT NOT NULL,
  b TEXT NOT NULL
);
CREATE INDEX mined_by_path ON mined_synonyms(path);
CREATE VIRTUAL TABLE questions_fts USING fts5(
  question, answer, category,
  content='questions', content_rowid='seq', tokenize='qabot', detail=full
);
CREATE VIRTUAL TABLE questions_vocab USING fts5vocab(questions_fts, 'row');
)sql";

// Keys of `meta` besides 'format' and 'report' (the coverage JSON). Written by every build, so an
// index from before they existed gains them on its next (incremental) build without a new format:
// 'roots': {"<root name>": "<canonical directory>", …}, the folders sources are named after;
// 'images': ["<root name>/<path>", …], every image the notes reference (ingest::NoteImage::resolve),
// the only files GET /notes/… may serve.
inline constexpr const char* kMetaRoots = "roots";
inline constexpr const char* kMetaImages = "images";

// FTS5's category column holds the category path and the file's front matter tags, so a tag is
// searched like a category word. Every insert and 'delete' of questions_fts passes it this way.
inline constexpr const char* kIndexedCategorySql = "category || char(10) || tags";
inline std::string indexed_category(const std::string& category, const std::string& tags) {
  return category + '\n' + tags;
}

// The indexer hands FTS5 the question column as kTitleMarkerSql || question: the title behind
// text::kTitleMarker, so the tokenizer indexes its terms a second time as title-only terms. Every
// insert and 'delete' of questions_fts must do so (an external-content 'delete' must repeat the
// indexed values exactly). 'rebuild' must never be used, and 'integrity-check' only with rank 0:
// both re-read the titles from `questions`, without the marker.
inline constexpr const char* kTitleMarkerSql = "CAST(X'FF' AS TEXT)";
static_assert(text::kTitleMarker == "\xFF", "kTitleMarkerSql writes text::kTitleMarker");

}  // namespace qabot::store
