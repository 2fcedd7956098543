#include "ingest/note_scanner.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

namespace qabot::ingest {
namespace fs = std::filesystem;
namespace {

bool is_hidden_or_vendored(const fs::path& p) {
  const std::string name = p.filename().string();
  return (name.size() > 1 && name[0] == '.' && name != "..") || name == "node_modules";
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return s;
}

}  // namespace

bool NoteScanner::is_markdown_name(const fs::path& file) {
  const std::string ext = lower(file.extension().string());
  return ext == ".md" || ext == ".markdown";
}

std::vector<fs::path> NoteScanner::list_files(const std::vector<fs::path>& roots) const {
  std::vector<fs::path> out;
  for (const fs::path& root : roots) {
    std::error_code ec;
    if (fs::is_regular_file(root, ec)) {
      out.push_back(root.lexically_normal());
      continue;
    }
    if (!fs::is_directory(root, ec)) continue;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path& p = it->path();
      if (is_hidden_or_vendored(p)) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && is_markdown_name(p)) out.push_back(p.lexically_normal());
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

DecodeResult NoteScanner::read_file(const fs::path& file) const {
  auto io_error = [&](const std::string& what) {
    DecodeResult r;
    r.error = DecodeError{0, what + ": " + file.string()};
    return r;
  };
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return io_error("cannot read file (" + ec.message() + ")");
  if (size > kMaxFileBytes) return io_error("file too large for a note (over 16 MiB)");
  std::ifstream in(file, std::ios::binary);
  if (!in) return io_error("cannot open file");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return io_error("read error");
  return TextDecoder{}.decode(bytes);
}

}  // namespace qabot::ingest
