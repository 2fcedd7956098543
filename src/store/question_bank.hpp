#pragma once
// Read side of the question bank: one read-only SQLite connection (not thread-safe; one per thread).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/note_files.hpp"

struct sqlite3;

namespace qabot::sqlite {
class Database;
}  // namespace qabot::sqlite

namespace qabot::store {

// 2: title-only terms (text::kTitleMarker); 3: no colocated CJK unigrams; 4: FTS5 rowids in insertion
// order (questions.seq), apart from the stable question ids; 5: sizes written 3×3, 3*3 or 3\times3
// are analysed as 3x3 (the index's tokens changed, so an older index must be rebuilt); 6: headings
// shown with their parent when they name no topic (questions.heading keeps the bare one), sources
// relative to the indexed root, front matter tags searchable with the category; 7: the parts of an
// answer are questions of their own as well (MarkdownParser), "决策树"-like headings keep their title
// (HeadingContext) — the rows changed, so an older index is rebuilt, not reused file by file
inline constexpr int kSchemaVersion = 7;

struct StoredQuestion {
  std::int64_t id = 0;
  std::string category;  // path joined with " / "
  std::string question;
  std::string answer;  // original markdown, "" when unanswered
  std::string path;    // source file as given to `qabot index` (identity, never shown)
  int line = 0;
  std::string heading;  // the question as the note wrote it (`question` may carry its parent)
  std::string source;   // the file as shown: the indexed root's name and the path below it
  std::string tags;     // front matter categories and tags, one per line
};

class QuestionBank {
 public:
  // Throws std::runtime_error with a clear message: missing file, not a qabot index, wrong schema.
  explicit QuestionBank(const std::filesystem::path& db);
  ~QuestionBank();
  QuestionBank(const QuestionBank&) = delete;
  QuestionBank& operator=(const QuestionBank&) = delete;

  std::int64_t question_count() const { return question_count_; }
  const std::filesystem::path& path() const { return path_; }

  // By the stable question id (StoredQuestion::id, what results and records carry).
  std::optional<StoredQuestion> get(std::int64_t id) const;
  // By the FTS5 rowid of questions_fts (what qabot_rank reports for a matching row).
  std::optional<StoredQuestion> at_row(std::int64_t row) const;
  std::vector<StoredQuestion> all() const;  // ordered by source path and line
  // Number of documents containing an already-analysed term (0 when absent).
  std::int64_t document_frequency(std::string_view term) const;
  // Every indexed term with its document frequency (the quiz grader loads it once); not the
  // title-only twins (text::title_term).
  std::vector<std::pair<std::string, std::int64_t>> vocabulary() const;
  // The terms that start with a Latin letter (a–z), with their document frequencies: what typo
  // correction needs. fts5vocab counts a term's rows by walking its posting list, so reading only
  // this range skips every Chinese term (the bulk of a Chinese bank's postings).
  std::vector<std::pair<std::string, std::int64_t>> latin_vocabulary() const;
  // Synonym pairs mined from the notes at index time ("批归一化（Batch Normalization）").
  std::vector<std::pair<std::string, std::string>> mined_synonyms() const;
  // The coverage report of the build that wrote this index (store::coverage_json), if it has one.
  std::optional<std::string> coverage_report() const;
  // The note images this index may serve: its roots and the images its notes reference (meta
  // 'roots' and 'images'); empty for an index built before they were recorded.
  NoteFiles note_files() const;

  sqlite3* handle() const { return db_; }
  const sqlite::Database& database() const;

 private:
  struct Statements;
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<Statements> stmts_;
  std::int64_t question_count_ = 0;
};

}  // namespace qabot::store
