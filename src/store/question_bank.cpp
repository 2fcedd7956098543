#include "store/question_bank.hpp"

#include <sqlite3.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "sqlite/database.hpp"
#include "store/open_index.hpp"
#include "store/schema.hpp"
#include "text/fts5_tokenizer.hpp"

namespace qabot::store {

using sqlite::Database;
using sqlite::Statement;

struct QuestionBank::Statements {
  Database db;
  Statement get;
  Statement at_row;
  Statement df;
  explicit Statements(const std::filesystem::path& file)
      : db(open_index(file, Database::Mode::Immutable)),
        get(db.prepare(
            "SELECT id, category, question, answer, path, line, heading, source, tags FROM questions WHERE id = ?1")),
        at_row(db.prepare(
            "SELECT id, category, question, answer, path, line, heading, source, tags FROM questions WHERE seq = ?1")),
        // Not fts5vocab: opening a vocab cursor prepares an SQL statement each time (half the cost
        // of a lookup on a small bank). Both walk the term's posting list.
        df(db.prepare("SELECT count(*) FROM questions_fts WHERE questions_fts MATCH ?1")) {}
};

namespace {
// What to do about an index that cannot be read: it is derived data, so build it again.
std::string rebuild_hint(const std::filesystem::path& db) {
  return "delete it and rebuild it with `qabot index NOTES --db " + db.string() + "`";
}

StoredQuestion read_question(const Statement& s) {
  return StoredQuestion{s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), static_cast<int>(s.integer(5)),
                        s.text(6),    s.text(7), s.text(8)};
}
}  // namespace

QuestionBank::QuestionBank(const std::filesystem::path& db) : path_(db) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(db, ec))
    throw std::runtime_error("no index at " + db.string() + " (build one with `qabot index`)");
  try {
    stmts_ = std::make_unique<Statements>(db);
  } catch (const std::exception& e) {
    throw std::runtime_error(db.string() + " is not a readable qabot index: " + e.what() + "; " + rebuild_hint(db));
  }
  int version = 0;
  try {
    version = stmts_->db.user_version();
  } catch (const std::exception& e) {
    throw std::runtime_error(db.string() + " is not a qabot index: " + e.what() + "; " + rebuild_hint(db));
  }
  if (version != kSchemaVersion)
    throw std::runtime_error(db.string() + " has index schema version " + std::to_string(version) +
                             ", this qabot reads version " + std::to_string(kSchemaVersion) +
                             "; rebuild it with `qabot index`");
  db_ = stmts_->db.handle();
  try {
    auto count = stmts_->db.prepare("SELECT count(*) FROM questions");
    count.step();
    question_count_ = count.integer(0);
    // Touch the FTS index so a damaged file fails here, at start-up, not on the first ask.
    auto probe = stmts_->db.prepare("SELECT count(*) FROM questions_vocab WHERE term = 'qabot'");
    probe.step();
  } catch (const std::exception& e) {
    throw std::runtime_error(db.string() + " is damaged: " + e.what() + "; " + rebuild_hint(db));
  }
}

QuestionBank::~QuestionBank() = default;

namespace {
std::optional<StoredQuestion> read_one(Statement& s, std::int64_t key) {
  s.reset();
  s.bind(1, key);
  if (!s.step()) return std::nullopt;
  auto q = read_question(s);
  s.reset();
  return q;
}
}  // namespace

std::optional<StoredQuestion> QuestionBank::get(std::int64_t id) const { return read_one(stmts_->get, id); }

std::optional<StoredQuestion> QuestionBank::at_row(std::int64_t row) const { return read_one(stmts_->at_row, row); }

std::vector<StoredQuestion> QuestionBank::all() const {
  auto s = stmts_->db.prepare(
      "SELECT id, category, question, answer, path, line, heading, source, tags FROM questions ORDER BY path, line");
  std::vector<StoredQuestion> out;
  while (s.step()) out.push_back(read_question(s));
  return out;
}

std::int64_t QuestionBank::document_frequency(std::string_view term) const {
  auto& s = stmts_->df;
  s.reset();
  s.bind(1, text::pre_analyzed_string(term));
  std::int64_t n = s.step() ? s.integer(0) : 0;
  s.reset();
  return n;
}

namespace {
std::vector<std::pair<std::string, std::int64_t>> vocabulary_where(const Database& db, const std::string& range) {
  auto s = db.prepare("SELECT term, doc FROM questions_vocab WHERE " + range);
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (s.step()) out.emplace_back(s.text(0), s.integer(1));
  return out;
}
}  // namespace

std::vector<std::pair<std::string, std::int64_t>> QuestionBank::vocabulary() const {
  // Title twins (kTitleMarker + term) are an access path, not words. They sort after every UTF-8
  // term, and fts5vocab stops at a bound on `term` without reading their posting lists.
  return vocabulary_where(stmts_->db, "term < " + std::string(kTitleMarkerSql));
}

std::vector<std::pair<std::string, std::int64_t>> QuestionBank::latin_vocabulary() const {
  return vocabulary_where(stmts_->db, "term >= 'a' AND term < '{'");  // '{' follows 'z'
}

std::optional<std::string> QuestionBank::coverage_report() const {
  auto s = stmts_->db.prepare("SELECT value FROM meta WHERE key = 'report'");
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

NoteFiles QuestionBank::note_files() const {
  const auto read = [this](const char* key) {
    auto s = stmts_->db.prepare("SELECT value FROM meta WHERE key = ?1");
    s.bind(1, std::string_view(key));
    return s.step() ? nlohmann::json::parse(s.text(0), nullptr, /*allow_exceptions=*/false) : nlohmann::json();
  };
  const nlohmann::json roots = read(kMetaRoots), images = read(kMetaImages);
  if (!roots.is_object() || !images.is_array()) return {};
  NoteFiles::Roots dirs;
  for (const auto& [name, dir] : roots.items())
    if (dir.is_string()) dirs.emplace(name, dir.get<std::string>());
  std::unordered_set<std::string> referenced;
  for (const auto& name : images)
    if (name.is_string()) referenced.insert(name.get<std::string>());
  return NoteFiles(std::move(dirs), std::move(referenced));
}

std::vector<std::pair<std::string, std::string>> QuestionBank::mined_synonyms() const {
  auto s = stmts_->db.prepare("SELECT DISTINCT a, b FROM mined_synonyms");
  std::vector<std::pair<std::string, std::string>> out;
  while (s.step()) out.emplace_back(s.text(0), s.text(1));
  return out;
}

}  // namespace qabot::store

namespace qabot::store {
const Database& QuestionBank::database() const { return stmts_->db; }
}  // namespace qabot::store
