#include "store/index_builder.hpp"

#include <nlohmann/json.hpp>

#include "store/heading_context.hpp"
#include "text/analyzer.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <future>
#include <optional>
#include <thread>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

#include "ingest/markdown_parser.hpp"
#include "ingest/note_image.hpp"
#include "ingest/note_scanner.hpp"
#include "ingest/synonym_miner.hpp"
#include "ingest/text_decoder.hpp"
#include "sqlite/database.hpp"
#include "store/note_files.hpp"
#include "store/open_index.hpp"
#include "store/question_bank.hpp"
#include "store/schema.hpp"

namespace qabot::store {

using sqlite::Database;
using sqlite::Statement;

namespace {

std::uint64_t fnv1a(std::string_view data, std::uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string content_hash(std::string_view bytes) {
  // Change detection only (not security): two independent 64-bit FNV-1a streams plus the size.
  std::ostringstream out;
  out << std::hex << fnv1a(bytes) << '-' << fnv1a(bytes, 0xcbf29ce484222325ULL ^ 0x9e3779b97f4a7c15ULL) << '-'
      << bytes.size();
  return out.str();
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// What a previous build recorded, so unchanged files are carried over instead of re-parsed.
enum class OldIndex { Absent, Usable, Stale };

OldIndex inspect(const std::filesystem::path& db) {
  std::error_code ec;
  if (!std::filesystem::exists(db, ec)) return OldIndex::Absent;
  if (!std::filesystem::is_regular_file(db, ec))
    throw std::runtime_error("refusing to replace " + db.string() + ": not a regular file");
  try {
    const Database old = open_index(db, Database::Mode::Immutable);
    auto s = old.prepare("SELECT value FROM meta WHERE key = 'format'");
    if (!s.step() || s.text(0) != "qabot") throw std::runtime_error("no qabot marker");
    if (old.user_version() != kSchemaVersion) return OldIndex::Stale;
    auto check = old.prepare("PRAGMA quick_check");
    if (!check.step() || check.text(0) != "ok") return OldIndex::Stale;
    return OldIndex::Usable;
  } catch (const std::exception& e) {
    // Never overwrite a file we did not write: it may be someone's database.
    throw std::runtime_error("refusing to replace " + db.string() + ": it is not a qabot index (" + e.what() +
                             "); if it is a damaged index, delete it and index again, else choose another --db");
  }
}

void fsync_file(const std::filesystem::path& p) {
  int fd = ::open(p.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void fsync_directory(const std::filesystem::path& file) {
  auto dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  fsync_file(dir);
}

class TempFile {
 public:
  explicit TempFile(std::filesystem::path p) : path_(std::move(p)) { cleanup(); }
  ~TempFile() {
    if (!released_) cleanup();
  }
  const std::filesystem::path& path() const { return path_; }
  void release() { released_ = true; }

 private:
  void cleanup() {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
      std::filesystem::remove(std::filesystem::path(path_.string() + suffix), ec);
  }
  std::filesystem::path path_;
  bool released_ = false;
};

// FTS5's in-memory postings before it writes a segment during a build (see 'hashsize' below).
constexpr long long kBulkLoadHashBytes = 256LL << 20;

// How a file is shown to users: the name of the root it was found under and its path below that
// root ("notes/java/hashmap.md"), never the server's absolute path. A file given by itself is shown
// by its name. The roots are resolved once per build, not once per file.
class SourceNames {
 public:
  explicit SourceNames(const std::vector<std::filesystem::path>& roots) {
    namespace fs = std::filesystem;
    std::vector<fs::path> dirs;
    for (const auto& root : roots) {
      std::error_code ec;
      fs::path r = fs::weakly_canonical(root, ec);
      if (!ec && fs::is_directory(r, ec) && std::find(dirs.begin(), dirs.end(), r) == dirs.end()) dirs.push_back(r);
    }
    // Two roots of the same name (~/a/notes, ~/b/notes) get "notes" and "notes-2": numbered in the
    // order of their paths, so the names do not depend on the order the roots were given in.
    std::sort(dirs.begin(), dirs.end());
    std::set<std::string> taken;
    for (auto& r : dirs) {
      const std::string base = r.filename().empty() ? std::string("notes") : r.filename().generic_string();
      std::string name = base;
      for (int n = 2; !taken.insert(name).second; ++n) name = base + "-" + std::to_string(n);
      const auto depth = static_cast<std::size_t>(std::distance(r.begin(), r.end()));
      dirs_.push_back({std::move(r), std::move(name), depth});
    }
  }

  // Root name → directory: stored in the index (meta 'roots') for whoever serves its images.
  std::map<std::string, std::filesystem::path> roots() const {
    std::map<std::string, std::filesystem::path> out;
    for (const Dir& d : dirs_) out.emplace(d.name, d.path);
    return out;
  }

  std::string of(const std::filesystem::path& file) const {
    std::error_code ec;
    const std::filesystem::path f = std::filesystem::weakly_canonical(file, ec);
    std::size_t best = 0;
    std::string shown = file.filename().generic_string();
    for (const Dir& d : dirs_) {  // the innermost root that holds the file names it
      const std::filesystem::path below = f.lexically_relative(d.path);
      if (below.empty() || *below.begin() == ".." || d.depth < best) continue;
      best = d.depth;
      shown = d.name + "/" + below.generic_string();
    }
    return shown;
  }

 private:
  struct Dir {
    std::filesystem::path path;
    std::string name;
    std::size_t depth;
  };
  std::vector<Dir> dirs_;
};

// One note file, read and parsed off the connection's thread.
struct Prepared {
  std::string path;
  std::string source;
  std::optional<std::string> problem;  // read, but part of it could not be (broken front matter)
  std::string hash;
  std::uintmax_t bytes = 0;
  bool unchanged = false;
  std::optional<std::string> error;
  std::vector<ingest::Note> notes;
  std::vector<std::pair<std::string, std::string>> mined;
};

Prepared prepare(const std::filesystem::path& file, const std::optional<std::string>& old_hash, std::string source) {
  Prepared p;
  p.path = file.generic_string();
  p.source = std::move(source);
  try {
    const std::string bytes = read_file(file);
    p.bytes = bytes.size();
    p.hash = content_hash(bytes);
    if (old_hash && *old_hash == p.hash) {
      p.unchanged = true;
      return p;
    }
    auto decoded = ingest::TextDecoder().decode(bytes);
    if (decoded.error) {
      p.error = "not valid text at byte " + std::to_string(decoded.error->offset) + ": " + decoded.error->message;
      return p;
    }
    ingest::ParsedFile parsed = ingest::MarkdownParser().parse_file(decoded.text, file.stem().string());
    p.notes = std::move(parsed.notes);
    if (!parsed.problem.empty()) p.problem = std::move(parsed.problem);
    const ingest::SynonymMiner miner;
    for (const auto& note : p.notes)
      for (auto& pair : miner.mine(note.question + "\n" + note.answer))
        if (std::find(p.mined.begin(), p.mined.end(), pair) == p.mined.end()) p.mined.push_back(std::move(pair));
  } catch (const std::exception& e) {
    p.error = e.what();
  }
  return p;
}

// Why writing `temp` failed, when the cause is one a user can fix: SQLite does not always keep the
// OS error of a failed write (FTS5 writes its segments through statements of its own), so look.
std::string disk_cause(const std::filesystem::path& temp) {
  constexpr std::uintmax_t kSlack = 1 << 20;  // a failed write stops short of the limit by at most this
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(temp, ec);
  struct rlimit limit {};
  if (!ec && ::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      size + kSlack >= limit.rlim_cur) {
    return "File too large";  // strerror(EFBIG)
  }
  const auto dir = temp.parent_path().empty() ? std::filesystem::path(".") : temp.parent_path();
  struct statvfs fs {};
  // Root may also use the blocks reserved for it (f_bfree); everyone else only f_bavail.
  if (::statvfs(dir.c_str(), &fs) == 0 &&
      static_cast<std::uintmax_t>(::geteuid() == 0 ? fs.f_bfree : fs.f_bavail) * fs.f_frsize < kSlack) {
    return "No space left on device";  // strerror(ENOSPC)
  }
  return "";
}

// A write error as a user can act on it: which file, what happened, what to do. Database adds the
// errno to SQLite's "disk I/O error"; std::filesystem says "No space left on device" / "File too large".
std::string write_failure(const std::filesystem::path& db, const std::filesystem::path& temp, std::string_view error) {
  std::string what(error);
  // Only a failed write can have been caused by the disk (not, say, running out of memory).
  const bool write_error =
      what.find("disk I/O error") != std::string::npos || what.find("disk is full") != std::string::npos;
  if (const std::string cause = write_error ? disk_cause(temp) : "";
      !cause.empty() && what.find(cause) == std::string::npos) {
    what += " (" + cause + ")";
  }
  std::string hint = "check that its directory is writable and has free space";
  const auto has = [&](std::string_view s) { return what.find(s) != std::string_view::npos; };
  if (has("disk is full") || has("No space left") || has("File too large") || has("Disk quota")) {
    hint = "free some disk space (or raise the file size limit) and run it again";
  } else if (has("readonly") || has("read-only") || has("Permission denied") || has("unable to open")) {
    hint = "make " + (db.parent_path().empty() ? std::string(".") : db.parent_path().string()) +
           " writable or choose another --db";
  }
  return "cannot write the index " + db.string() + " (writing " + temp.string() + " failed: " + std::string(what) +
         "); " + hint + ". " + (std::filesystem::exists(db) ? "The previous index is unchanged." : "");
}

}  // namespace

std::int64_t question_id(std::string_view path, std::string_view question, int ordinal) {
  std::uint64_t h = fnv1a(path);
  h = fnv1a(std::string_view("\0", 1), h);
  h = fnv1a(question, h);
  if (ordinal > 0) h = fnv1a(std::to_string(ordinal), h);
  auto id = static_cast<std::int64_t>(h & ((1ULL << 53) - 1));
  return id == 0 ? 1 : id;
}

// Headings that name no topic of their own are shown and indexed with their parent heading in
// front (HeadingContext). Decided over the whole bank after every file is stored, since what is a
// common word depends on all the headings; a row whose shown question changes is indexed again.
// Returns how many rows carry their parent.
static std::size_t give_headings_context(Database& db) {
  struct Row {
    std::int64_t seq;
    std::string path, heading, category, question;
  };
  std::vector<Row> rows;
  {
    auto s = db.prepare("SELECT seq, path, heading, category, question FROM questions");
    while (s.step()) rows.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4)});
  }
  const text::Analyzer analyzer;
  HeadingContext context(analyzer);
  for (const Row& r : rows) context.observe(r.path, r.heading);
  auto unindex = db.prepare(
      "INSERT INTO questions_fts(questions_fts, rowid, question, answer, category) "
      "SELECT 'delete', seq, " +
      std::string(kTitleMarkerSql) + " || question, answer, " + kIndexedCategorySql + " FROM questions WHERE seq = ?1");
  auto rename = db.prepare("UPDATE questions SET question = ?2 WHERE seq = ?1");
  auto reindex = db.prepare(
      "INSERT INTO questions_fts(rowid, question, answer, category) "
      "SELECT seq, " +
      std::string(kTitleMarkerSql) + " || question, answer, " + kIndexedCategorySql + " FROM questions WHERE seq = ?1");
  std::size_t with_parent = 0;
  for (const Row& r : rows) {
    const std::size_t cut = r.category.rfind(" / ");
    const std::string parent = cut == std::string::npos ? r.category : r.category.substr(cut + 3);
    const bool needs_parent = !parent.empty() && parent != r.heading && context.names_no_topic(r.heading);
    const std::string shown = needs_parent ? HeadingContext::with_parent(parent, r.heading) : r.heading;
    with_parent += needs_parent;
    if (shown == r.question) continue;
    for (auto* s : {&unindex, &rename, &reindex}) {
      s->reset();
      s->bind(1, r.seq);
      if (s == &rename) s->bind(2, shown);
      s->step();
    }
  }
  return with_parent;
}

namespace {

// How many image problems one file's coverage entry names before "and N more".
constexpr std::size_t kImageProblemsListed = 5;

void set_meta(Database& db, const char* key, const std::string& value) {
  auto s =
      db.prepare("INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  s.bind(1, std::string(key)).bind(2, value);
  s.step();
}

// Why the image `url` of the note `source` cannot be shown, or "" when it can; adds its name to `referenced`.
std::string image_problem(const NoteFiles& files, std::string_view source, const std::string& url,
                          std::set<std::string>& referenced) {
  const auto name = ingest::NoteImage::resolve(source, url);
  if (!name) {
    return source.find('/') == std::string_view::npos ? "its note was indexed by itself, not as part of a folder"
                                                      : "points outside its indexed folder";
  }
  referenced.insert(*name);
  auto opened = files.open(*name, NoteFiles::Read::Head);
  const auto* why = std::get_if<std::string>(&opened);
  return why ? *why : std::string();
}

}  // namespace

// Every image the notes reference, checked as GET /notes/… will check it: the ones that cannot be
// shown are named in their file's coverage entry and in the warnings (the build goes on). Stores
// the roots and the referenced names in `meta` for the server. Runs over all rows, not only the
// files parsed this time: an image can go missing while its note stays unchanged.
static void record_images(Database& db, const NoteFiles::Roots& roots, IndexReport& report) {
  const NoteFiles files(roots, std::nullopt);
  std::set<std::string> referenced;
  std::map<std::string, std::vector<std::string>> problems;  // source → its images' problems
  std::map<std::string, std::string> paths;                  // source → path (the warnings name paths)
  auto s = db.prepare("SELECT path, source, answer FROM questions WHERE instr(answer, '![') > 0 ORDER BY path, line");
  while (s.step()) {
    const std::string source = s.text(1);
    for (const std::string& url : ingest::NoteImage::urls_in(s.text(2))) {
      if (!ingest::NoteImage::is_relative(url)) continue;
      std::string why = image_problem(files, source, url, referenced);
      if (why.empty()) continue;
      auto& list = problems[source];
      const std::string line = "image " + url + ": " + why;
      if (std::find(list.begin(), list.end(), line) == list.end()) list.push_back(line);
      paths.emplace(source, s.text(0));
    }
  }
  for (auto& [source, list] : problems) {
    std::string text;
    for (std::size_t i = 0; i < list.size() && i < kImageProblemsListed; ++i) text += (i ? "; " : "") + list[i];
    if (list.size() > kImageProblemsListed)
      text += "; and " + std::to_string(list.size() - kImageProblemsListed) + " more";
    report.warnings.push_back({paths[source], text});
    for (FileReport& f : report.coverage)
      if (f.path == source) f.reason += (f.reason.empty() ? "" : "; ") + text;
  }
  nlohmann::json root_json = nlohmann::json::object();
  for (const auto& [name, dir] : roots) root_json[name] = dir.string();
  const auto dump = [](const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  set_meta(db, kMetaRoots, dump(root_json));
  set_meta(db, kMetaImages, dump(nlohmann::json(referenced)));
}

std::string coverage_json(const IndexReport& report) {
  nlohmann::json files = nlohmann::json::array();
  std::map<std::string, std::size_t> totals{{"parsed", 0}, {"unchanged", 0}, {"skipped", 0}, {"failed", 0}};
  for (const FileReport& f : report.coverage) {
    nlohmann::json row = {{"path", f.path}, {"status", f.status}, {"questions", f.questions}};
    if (!f.reason.empty()) row["reason"] = f.reason;
    files.push_back(std::move(row));
    ++totals[f.status];
  }
  nlohmann::json t = {{"files", report.coverage.size()}, {"questions", report.questions}};
  for (const auto& [status, n] : totals) t[status] = n;
  // File names need not be UTF-8 (a Latin-1 café.md): replaced, never a failed build.
  return nlohmann::json{{"files", std::move(files)}, {"totals", std::move(t)}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// Starts the build's one transaction, on a fresh schema unless the previous index was copied in.
void open_for_bulk_load(Database& db, bool reusing_previous) {
  // The temporary file is private until the rename; durability comes from the fsync before it.
  // A 64 MiB page cache (SQLite's default is 2 MiB) keeps the tables' upper pages and the
  // segments being merged in memory instead of rereading them through the kernel.
  db.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536;");
  db.exec("BEGIN");
  if (!reusing_previous) {
    db.exec(kSchemaSql);
    db.exec("INSERT INTO meta(key, value) VALUES ('format', 'qabot')");
  }
}

// A bulk load merges once at the end ('optimize', see finish_bank) instead of FTS5's incremental
// merges after every flushed segment, which rewrite the same postings several times over. FTS5
// writes a segment whenever its in-memory postings pass 'hashsize' (1 MiB by default); at 256 MiB
// a 100k-question bank goes to disk as one segment, so there is nothing to merge.
void tune_fts5_for_bulk_load(Database& db) {
  db.exec("INSERT INTO questions_fts(questions_fts, rank) VALUES ('automerge', 0)");
  db.exec("INSERT INTO questions_fts(questions_fts, rank) VALUES ('crisismerge', 64)");
  db.exec("INSERT INTO questions_fts(questions_fts, rank) VALUES ('hashsize', " + std::to_string(kBulkLoadHashBytes) +
          ")");
}

// The files the previous build indexed (empty for a fresh schema): what the incremental diff
// compares against.
struct PreviousFiles {
  std::map<std::string, std::string> hashes;  // path → content hash
  std::map<std::string, std::size_t> questions;

  explicit PreviousFiles(const Database& db) {
    auto s = db.prepare("SELECT path, hash, questions FROM files");
    while (s.step()) {
      hashes.emplace(s.text(0), s.text(1));
      questions.emplace(s.text(0), static_cast<std::size_t>(s.integer(2)));
    }
  }
  bool has(const std::string& path) const { return hashes.count(path) > 0; }
  std::optional<std::string> hash_of(const std::string& path) const {
    if (auto it = hashes.find(path); it != hashes.end()) return it->second;
    return std::nullopt;
  }
  std::size_t questions_of(const std::string& path) const {
    auto it = questions.find(path);
    return it == questions.end() ? 0 : it->second;
  }
};

// The statements that store one file's rows, prepared once per build.
class BankWriter {
 public:
  explicit BankWriter(Database& db)
      : unindex_questions_(db.prepare("INSERT INTO questions_fts(questions_fts, rowid, question, answer, category) "
                                      "SELECT 'delete', seq, " +
                                      std::string(kTitleMarkerSql) + " || question, answer, " + kIndexedCategorySql +
                                      " FROM questions WHERE path = ?1")),
        delete_questions_(db.prepare("DELETE FROM questions WHERE path = ?1")),
        delete_mined_(db.prepare("DELETE FROM mined_synonyms WHERE path = ?1")),
        delete_file_(db.prepare("DELETE FROM files WHERE path = ?1")),
        upsert_file_(db.prepare("INSERT INTO files(path, hash, bytes, questions) VALUES (?1, ?2, ?3, ?4) "
                                "ON CONFLICT(path) DO UPDATE SET hash = excluded.hash, bytes = excluded.bytes, "
                                "questions = excluded.questions")),
        id_taken_(db.prepare("SELECT 1 FROM questions WHERE id = ?1")),
        insert_question_(
            db.prepare("INSERT INTO questions(seq, id, path, line, category, question, answer, heading, source, tags) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8, ?9)")),
        // One row a statement, with VALUES: such an INSERT opens no statement savepoint, so FTS5 keeps
        // adding to the same in-memory postings (see kSchemaSql on rowid order).
        index_question_(
            db.prepare("INSERT INTO questions_fts(rowid, question, answer, category) VALUES (?1, ?2, ?3, ?4)")),
        insert_mined_(db.prepare("INSERT INTO mined_synonyms(path, a, b) VALUES (?1, ?2, ?3)")) {
    auto s = db.prepare("SELECT coalesce(max(seq), 0) + 1 FROM questions");
    s.step();
    next_seq_ = s.integer(0);
  }

  // Only for a path the previous build indexed: the 'delete' is an INSERT…SELECT, which opens a
  // statement savepoint and so makes FTS5 write out what it holds in memory.
  void forget(const std::string& path) {
    for (auto* s : {&unindex_questions_, &delete_questions_, &delete_mined_, &delete_file_}) {
      s->reset();
      s->bind(1, path);
      s->step();
    }
  }

  void store(const Prepared& p) {
    upsert_file_.reset();
    upsert_file_.bind(1, p.path).bind(2, p.hash).bind(3, static_cast<std::int64_t>(p.bytes));
    upsert_file_.bind(4, static_cast<std::int64_t>(p.notes.size()));
    upsert_file_.step();
    for (const auto& note : p.notes) store_question(p, note);
    for (const auto& [a, b] : p.mined) {
      insert_mined_.reset();
      insert_mined_.bind(1, p.path).bind(2, a).bind(3, b);
      insert_mined_.step();
    }
  }

 private:
  void store_question(const Prepared& p, const ingest::Note& note) {
    const std::int64_t id = free_id(p.path, note.question);
    const std::string category = join(note.category, " / ");
    const std::string tags = join(note.tags, "\n");
    const std::int64_t seq = next_seq_++;
    insert_question_.reset();
    insert_question_.bind(1, seq).bind(2, id).bind(3, p.path).bind(4, std::int64_t{note.line});
    insert_question_.bind(5, category).bind(6, note.question).bind(7, note.answer);
    insert_question_.bind(8, p.source).bind(9, tags);
    insert_question_.step();
    title_.assign(text::kTitleMarker).append(note.question);
    index_question_.reset();
    index_question_.bind(1, seq).bind(2, title_).bind(3, note.answer).bind(4, indexed_category(category, tags));
    index_question_.step();
  }

  std::int64_t free_id(const std::string& path, const std::string& question) {
    for (int ordinal = 0;; ++ordinal) {
      const std::int64_t id = question_id(path, question, ordinal);
      id_taken_.reset();
      id_taken_.bind(1, id);
      if (!id_taken_.step()) return id;
    }
  }

  Statement unindex_questions_, delete_questions_, delete_mined_, delete_file_, upsert_file_, id_taken_,
      insert_question_, index_question_, insert_mined_;
  std::int64_t next_seq_ = 1;
  std::string title_;  // text::kTitleMarker + question, reused
};

// Reading, decoding, parsing and mining are pure and run ahead on worker threads, a bounded
// window of files at a time; the connection stays on this thread and consumes results in file
// order, storing and indexing each file while the next ones are parsed, so the index is the
// same whatever the scheduling.
class ParseWindow {
 public:
  ParseWindow(const std::vector<std::filesystem::path>& files, const PreviousFiles& previous,
              const SourceNames& sources)
      : files_(files), previous_(previous), sources_(sources) {
    fill();
  }

  bool done() const { return window_.empty(); }

  Prepared take() {
    Prepared p = window_.front().get();
    window_.pop_front();
    fill();
    return p;
  }

 private:
  void fill() {
    while (next_ < files_.size() && window_.size() < ahead_) {
      const auto file = files_[next_++];
      window_.push_back(
          std::async(std::launch::async, prepare, file, previous_.hash_of(file.generic_string()), sources_.of(file)));
    }
  }

  const std::vector<std::filesystem::path>& files_;
  const PreviousFiles& previous_;
  const SourceNames& sources_;
  std::deque<std::future<Prepared>> window_;
  std::size_t next_ = 0;
  const std::size_t ahead_ = std::max(2u, std::thread::hardware_concurrency()) * 2;
};

// Adds one file's outcome to the report; false when nothing of it is to be stored: it failed (and
// whatever an earlier build had for it stays) or it is unchanged.
bool report_outcome(const Prepared& p, const PreviousFiles& previous, IndexReport& report) {
  if (p.error) {
    report.errors.push_back({p.path, *p.error});
    report.coverage.push_back({p.source, "failed", 0, *p.error});
    return false;
  }
  if (p.unchanged) {
    ++report.reused;
    report.coverage.push_back({p.source, "unchanged", previous.questions_of(p.path), ""});
    return false;
  }
  if (p.problem) report.warnings.push_back({p.path, *p.problem});
  ++report.parsed;
  if (p.notes.empty()) {
    report.coverage.push_back({p.source, "skipped", 0,
                               "no question in it: no headings, bold questions or Q/A pairs outside index pages "
                               "and reference lists"});
  } else {
    report.coverage.push_back({p.source, "parsed", p.notes.size(), p.problem.value_or("")});
  }
  return true;
}

// Stores every new or changed file, in file order; returns the paths found this time.
std::unordered_set<std::string> store_files(ParseWindow& window, std::size_t total, const PreviousFiles& previous,
                                            BankWriter& writer, IndexReport& report,
                                            const IndexBuilder::Progress& progress) {
  std::unordered_set<std::string> seen;
  while (!window.done()) {
    const Prepared p = window.take();
    seen.insert(p.path);
    report.bytes += p.bytes;
    if (progress) progress(seen.size(), total);
    if (!report_outcome(p, previous, report)) continue;
    if (previous.has(p.path)) writer.forget(p.path);
    writer.store(p);
  }
  return seen;
}

// The other half of the incremental diff: files the previous build indexed that are gone now.
void forget_removed(const PreviousFiles& previous, const std::unordered_set<std::string>& seen, BankWriter& writer,
                    IndexReport& report) {
  for (const auto& [path, hash] : previous.hashes) {
    if (!seen.count(path)) {
      writer.forget(path);
      ++report.removed;
    }
  }
}

// What is decided over the whole bank once every file is stored, then the commit.
void finish_bank(Database& db, const SourceNames& sources, IndexReport& report) {
  const bool changed = report.parsed > 0 || report.removed > 0;
  if (changed) report.headings_with_context = give_headings_context(db);
  {
    auto s = db.prepare("SELECT count(*), coalesce(sum(answer = ''), 0) FROM questions");
    s.step();
    report.questions = static_cast<std::size_t>(s.integer(0));
    report.unanswered = static_cast<std::size_t>(s.integer(1));
  }
  record_images(db, sources.roots(), report);
  set_meta(db, "report", coverage_json(report));
  db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
  db.exec("COMMIT");
  if (changed) db.exec("INSERT INTO questions_fts(questions_fts) VALUES ('optimize')");
}

// Readers see either the old index or the new one, never a half-built one.
void replace_atomically(TempFile& temp, const std::filesystem::path& db) {
  std::error_code ec;
  std::filesystem::rename(temp.path(), db, ec);
  if (ec) throw std::runtime_error("cannot replace " + db.string() + ": " + ec.message());
  temp.release();
  fsync_directory(db);
}

}  // namespace

IndexReport IndexBuilder::build(const std::vector<std::filesystem::path>& inputs, const Progress& progress) {
  const auto started = std::chrono::steady_clock::now();
  IndexReport report;
  const OldIndex old = inspect(db_);

  auto files = ingest::NoteScanner{}.list_files(inputs);
  report.files = files.size();

  TempFile temp(db_.string() + ".tmp-" + std::to_string(::getpid()));
  // Every failure while writing is reported with the file it concerns and what to do about it; the
  // temporary file is removed and the index in place is never touched.
  try {
    const bool reusing_previous = old == OldIndex::Usable;
    if (reusing_previous) {
      std::filesystem::copy_file(db_, temp.path(), std::filesystem::copy_options::overwrite_existing);
    }
    {
      Database db = open_index(temp.path(), Database::Mode::ReadWriteCreate);
      open_for_bulk_load(db, reusing_previous);
      const PreviousFiles previous(db);
      tune_fts5_for_bulk_load(db);
      BankWriter writer(db);
      const SourceNames sources(inputs);
      ParseWindow window(files, previous, sources);
      const auto seen = store_files(window, files.size(), previous, writer, report, progress);
      forget_removed(previous, seen, writer, report);
      finish_bank(db, sources, report);
    }
    fsync_file(temp.path());
  } catch (const std::exception& e) {
    throw std::runtime_error(write_failure(db_, temp.path(), e.what()));
  }
  replace_atomically(temp, db_);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace qabot::store
