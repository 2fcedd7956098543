#include "store/note_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "ingest/image_type.hpp"

namespace qabot::store {
namespace {

// Closes the descriptor on every way out of NoteFiles::open.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Up to `limit` bytes from the start of the file; false on a read error.
bool read_up_to(int fd, std::size_t limit, std::string& out) {
  out.resize(limit);
  std::size_t got = 0;
  while (got < limit) {
    const ssize_t n = ::read(fd, out.data() + got, limit - got);
    if (n < 0) return false;
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return true;
}

std::string etag_of(const struct stat& info) {
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "\"%jx-%jx-%jx.%lx\"", static_cast<std::uintmax_t>(info.st_size),
                static_cast<std::uintmax_t>(info.st_ino), static_cast<std::uintmax_t>(info.st_mtim.tv_sec),
                static_cast<unsigned long>(info.st_mtim.tv_nsec));
  return buffer;
}

}  // namespace

NoteFiles::NoteFiles(Roots roots, std::optional<std::unordered_set<std::string>> referenced)
    : roots_(std::move(roots)), referenced_(std::move(referenced)) {}

std::variant<std::filesystem::path, std::string> NoteFiles::locate(std::string_view name) const {
  namespace fs = std::filesystem;
  if (referenced_ && !referenced_->count(std::string(name))) return std::string("not referenced by any note");
  const std::size_t slash = name.find('/');
  const auto root = slash == std::string_view::npos ? roots_.end() : roots_.find(std::string(name.substr(0, slash)));
  if (root == roots_.end()) return std::string("outside the indexed folders");
  const std::string_view below = name.substr(slash + 1);
  if (!ingest::ImageType::from_name(below)) {
    return std::string(
        "not a supported image type (png, jpeg, gif, webp, bmp, "
        "ico; svg is not served)");
  }
  std::error_code ec;
  const fs::path dir = fs::canonical(root->second, ec);
  if (ec) return std::string("its indexed folder is gone");
  const fs::path file = fs::canonical(dir / fs::path(std::string(below)), ec);
  if (ec) return std::string("missing");
  // Canonical paths have no symlinks left: a link that leads out of the root
  // shows here.
  const fs::path inside = file.lexically_relative(dir);
  if (inside.empty() || *inside.begin() == ".." || inside == ".")
    return std::string("a link that leaves its indexed folder");
  return file;
}

std::variant<NoteFile, std::string> NoteFiles::open(std::string_view name, Read read) const {
  auto located = locate(name);
  if (auto* why = std::get_if<std::string>(&located)) return std::move(*why);
  const auto& file = std::get<std::filesystem::path>(located);
  // O_NOFOLLOW: the canonical path's last part cannot have become a link since;
  // O_NONBLOCK: a FIFO planted under the name does not hang a worker (fstat
  // refuses it next).
  FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  struct stat info {};
  if (fd.get() < 0 || ::fstat(fd.get(), &info) != 0) return std::string("unreadable");
  if (!S_ISREG(info.st_mode)) return std::string("not a regular file");
  if (static_cast<std::uintmax_t>(info.st_size) > kMaxBytes)
    return "larger than " + std::to_string(kMaxBytes >> 20) + " MiB";
  NoteFile out;
  const std::size_t size = static_cast<std::size_t>(info.st_size);
  const std::size_t limit = read == Read::Whole ? size : std::min(size, ingest::ImageType::kSniffBytes);
  if (!read_up_to(fd.get(), limit, out.body)) return std::string("unreadable");
  const auto type = ingest::ImageType::sniff(out.body);
  if (!type) return std::string("not an image (its content is none of PNG, JPEG, GIF, WebP, BMP, ICO)");
  out.content_type = std::string(*type);
  out.etag = etag_of(info);
  out.modified = static_cast<std::int64_t>(info.st_mtim.tv_sec);
  return out;
}

}  // namespace qabot::store
