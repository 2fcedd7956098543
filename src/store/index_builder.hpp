#pragma once
// Write side of the question bank: notes on disk → a complete new index file, swapped in atomically.

#include <functional>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace qabot::store {

struct FileError {
  std::string path;
  std::string message;
};

// What became of one note file in a build (the coverage report: `qabot index --report`, /api/report).
struct FileReport {
  std::string path;    // as shown to users (the indexed root's name and the path below it)
  std::string status;  // parsed | unchanged | skipped (no question in it) | failed
  std::size_t questions = 0;
  std::string reason;  // why it was skipped or failed, or what part of it could not be read
};

struct IndexReport {
  std::size_t files = 0;    // note files found
  std::size_t parsed = 0;   // parsed this time (new or changed)
  std::size_t reused = 0;   // unchanged since the last build (content hash): rows carried over
  std::size_t removed = 0;  // in the old index but gone from the inputs
  std::size_t questions = 0;
  std::size_t unanswered = 0;
  std::uintmax_t bytes = 0;               // bytes of markdown read
  std::vector<FileError> errors;          // files that could not be indexed; every other file still is
  std::vector<FileError> warnings;        // files indexed without a part they hold (broken front matter)
  std::size_t headings_with_context = 0;  // questions shown with their parent heading (HeadingContext)
  std::vector<FileReport> coverage;       // every file found, in file order
  double seconds = 0;
};

class IndexBuilder {
 public:
  explicit IndexBuilder(std::filesystem::path db) : db_(std::move(db)) {}

  // Builds into a temporary file beside the index and renames it over the old one, so readers see
  // either the old index or the new one, never a half-built one. Unchanged files are not re-parsed.
  // Throws std::runtime_error (old index untouched) when the index cannot be written at all.
  // `progress(done, total)` is called after each file (from the building thread).
  using Progress = std::function<void(std::size_t done, std::size_t total)>;
  IndexReport build(const std::vector<std::filesystem::path>& inputs, const Progress& progress = {});

 private:
  std::filesystem::path db_;
};

// The coverage report as JSON: {"files":[{"path","status","questions","reason"?}],"totals":{…}}. Stored
// in the index (meta 'report') by every build, so whoever serves the index can show it.
std::string coverage_json(const IndexReport& report);

// Stable question id: a 53-bit hash of (source path, question text) — exact in JSON and JavaScript.
std::int64_t question_id(std::string_view path, std::string_view question, int ordinal);

}  // namespace qabot::store
