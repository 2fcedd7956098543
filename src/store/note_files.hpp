#pragma once
// The image files of the notes, found by the name the bank gives them ("<root
// name>/<path below it>", ingest::NoteImage::resolve) and checked before a byte
// is served: only below an indexed root (canonical paths, so no symlink leads
// out of it), only regular files, at most kMaxBytes, an image by its name and
// by its content (ingest::ImageType), and — for the server — only files that an
// indexed note references, so a private photo that happens to lie in the notes
// folder stays private. The index builder checks every referenced image the
// same way and reports the ones that fail.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <variant>

namespace qabot::store {

struct NoteFile {
  std::string body;           // the whole file, or only its first bytes (NoteFiles::Read::Head)
  std::string content_type;   // from the content (the name agreed it is an image)
  std::string etag;           // a quoted strong validator from the file's size, inode and mtime
  std::int64_t modified = 0;  // Unix seconds (Last-Modified)
};

class NoteFiles {
 public:
  // Larger files are refused: the biggest figure in the note collections seen
  // is a few MiB, and the server holds a file in memory while sending it.
  static constexpr std::uintmax_t kMaxBytes = 20 * 1024 * 1024;
  // Head: the first bytes, enough to tell the type (the index builder's check).
  enum class Read { Head, Whole };

  using Roots = std::map<std::string, std::filesystem::path>;  // root name → its directory

  NoteFiles() = default;
  // `referenced`: the names notes point at; nullopt: any image below a root may
  // be opened.
  NoteFiles(Roots roots, std::optional<std::unordered_set<std::string>> referenced);

  // The file named `name`, or why it cannot be served (a short reason for the
  // coverage report; the server answers 404 whatever it is, so the reason never
  // reaches a client).
  std::variant<NoteFile, std::string> open(std::string_view name, Read read = Read::Whole) const;

  const Roots& roots() const { return roots_; }
  bool empty() const { return roots_.empty(); }

 private:
  std::variant<std::filesystem::path, std::string> locate(std::string_view name) const;

  Roots roots_;
  std::optional<std::unordered_set<std::string>> referenced_;
};

}  // namespace qabot::store
