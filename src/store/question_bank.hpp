#pragma once
// Read side of the question bank: one read-only SQLite connection (not thread-safe; one per thread).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace qabot::store {

inline constexpr int kSchemaVersion = 3;  // 2: title-only terms (text::kTitleMarker); 3: no colocated CJK unigrams

struct StoredQuestion {
  std::int64_t id = 0;
  std::string category;  // path joined with " / "
  std::string question;
  std::string answer;    // original markdown, "" when unanswered
  std::string path;      // source file as given to `qabot index`
  int line = 0;
};

struct FtsCandidate {
  std::int64_t id = 0;
  double bm25 = 0;  // FTS5 bm25(): negative, lower is better
};

class Database;

class QuestionBank {
 public:
  // Throws std::runtime_error with a clear message: missing file, not a qabot index, wrong schema.
  explicit QuestionBank(const std::filesystem::path& db);
  ~QuestionBank();
  QuestionBank(const QuestionBank&) = delete;
  QuestionBank& operator=(const QuestionBank&) = delete;

  std::int64_t question_count() const { return question_count_; }
  const std::filesystem::path& path() const { return path_; }

  // `match` is an FTS5 expression (built by retrieval::QueryBuilder, never raw user text).
  std::vector<FtsCandidate> search(std::string_view match, int limit, double w_question, double w_answer,
                                   double w_category) const;
  std::optional<StoredQuestion> get(std::int64_t id) const;
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

  sqlite3* handle() const { return db_; }
  const Database& database() const;

 private:
  struct Statements;
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<Statements> stmts_;
  std::int64_t question_count_ = 0;
};

}  // namespace qabot::store
