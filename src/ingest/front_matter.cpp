#include "ingest/front_matter.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <toml.hpp>

#include "text/utf8.hpp"

namespace qabot::ingest {

namespace {

constexpr std::size_t kMaxMessageBytes = 240;  // of a parser's message in `problem`
constexpr std::size_t kMaxValues = 64;         // categories, tags: the first ones
constexpr std::size_t kMaxValueBytes = 256;    // a title, a category or a tag

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view trim(std::string_view s) {
  s = trim_right(s);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// How deep a parser would recurse: [ / { nesting plus, on each line, the dots of a dotted key
// (TOML's a.b.c opens a table per part), outside quotes. A backslash escapes the next character in
// double quotes; a line end closes any quote (a conservative reading of multi-line strings: more
// counts, never fewer).
int nesting(std::string_view block) {
  int depth = 0, deepest = 0, dots = 0;
  char quote = 0;
  for (std::size_t i = 0; i < block.size(); ++i) {
    const char c = block[i];
    if (c == '\n') {
      quote = 0;
      dots = 0;
      continue;
    }
    if (quote) {
      if (quote == '"' && c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    if (c == '.') ++dots;
    if (c == '[' || c == '{') ++depth;
    if ((c == ']' || c == '}') && depth > 0) --depth;
    deepest = std::max(deepest, depth + dots);
  }
  return deepest;
}

// Its first line with something on it is `key:` or `key: value`.
bool starts_like_yaml(std::string_view block) {
  std::size_t pos = 0;
  while (pos < block.size()) {
    const std::size_t eol = std::min(block.find('\n', pos), block.size());
    const std::string_view line = trim(block.substr(pos, eol - pos));
    pos = eol + 1;
    if (line.empty() || line.front() == '#') continue;
    std::size_t i = 0;
    while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_' || line[i] == '-'))
      ++i;
    return i > 0 && i < line.size() && line[i] == ':';
  }
  return false;
}

// One line of a parser's message, without the source excerpt toml11 draws below it.
std::string one_line(std::string_view message) {
  std::string out;
  for (char c : message) {
    if (c == '\n') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    out.push_back(c);
  }
  // On a character boundary: the message may quote the note.
  out.resize(text::utf8_prefix_length(out, kMaxMessageBytes));
  return std::string(trim(out));
}

// Keeps a value when there is room: a list is capped in entries and each entry in bytes (YAML
// aliases can make a few hundred bytes stand for 10^8 entries).
void keep(std::string_view value, std::vector<std::string>& out) {
  value = trim(value);
  if (value.empty() || out.size() >= kMaxValues || value.size() > kMaxValueBytes) return;
  out.emplace_back(value);
}

void add_strings(const YAML::Node& node, std::vector<std::string>& out, int depth = 0) {
  if (!node || out.size() >= kMaxValues || depth > 1) return;  // a missing key is a "zombie" node
  if (node.IsScalar()) {
    keep(node.Scalar(), out);
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (out.size() >= kMaxValues) break;
      add_strings(item, out, depth + 1);
    }
  }
}

// Whether a block between `---` lines is front matter rather than a note fenced by two thematic
// breaks: a mapping (or nothing) is; prose, a list or a heading is not. A block that does not parse
// is front matter when it starts like one ("key: …").
bool read_yaml(const std::string& block, int first_line, FrontMatter& fm) {
  try {
    const YAML::Node root = YAML::Load(block);
    if (root.IsNull()) return true;
    if (!root.IsMap()) return false;
    if (const auto t = root["title"]; t && t.IsScalar() && t.Scalar().size() <= kMaxValueBytes)
      fm.title = std::string(trim(t.Scalar()));
    for (const char* key : {"category", "categories"}) add_strings(root[key], fm.categories);
    for (const char* key : {"tags", "tag"}) add_strings(root[key], fm.tags);
  } catch (const YAML::Exception& e) {
    if (!starts_like_yaml(block)) return false;
    fm.problem = "front matter line " + std::to_string(first_line + std::max(e.mark.line, 0)) + ": " + one_line(e.msg);
  }
  return true;
}

void add_strings(const toml::value& v, std::vector<std::string>& out, int depth = 0) {
  if (out.size() >= kMaxValues || depth > 1) return;
  if (v.is_string()) {
    keep(v.as_string().str, out);
  } else if (v.is_array()) {
    for (const auto& item : v.as_array()) add_strings(item, out, depth + 1);
  }
}

void read_toml(const std::string& block, FrontMatter& fm) {
  try {
    std::istringstream in(block);
    const toml::value root = toml::parse(in, "front matter");
    if (!root.is_table()) return;
    const auto& table = root.as_table();
    if (auto it = table.find("title");
        it != table.end() && it->second.is_string() && it->second.as_string().str.size() <= kMaxValueBytes)
      fm.title = std::string(trim(it->second.as_string().str));
    for (const char* key : {"category", "categories"})
      if (auto it = table.find(key); it != table.end()) add_strings(it->second, fm.categories);
    for (const char* key : {"tags", "tag"})
      if (auto it = table.find(key); it != table.end()) add_strings(it->second, fm.tags);
  } catch (const std::exception& e) {
    fm.problem = "front matter: " + one_line(e.what());
  }
}

}  // namespace

FrontMatter FrontMatterReader::read(std::string_view utf8) {
  FrontMatter fm;
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos <= utf8.size() && static_cast<int>(lines.size()) <= kMaxLines + 1;) {
    const std::size_t eol = utf8.find('\n', pos);
    lines.push_back(utf8.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos));
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  if (lines.empty()) return fm;
  const std::string_view open = trim_right(lines[0]);
  const bool yaml = open == "---", toml = open == "+++";
  if (!yaml && !toml) return fm;
  std::size_t close = 0;
  for (std::size_t i = 1; i < lines.size() && static_cast<int>(i) <= kMaxLines; ++i) {
    const std::string_view l = trim_right(lines[i]);
    if (yaml ? (l == "---" || l == "...") : l == "+++") {
      close = i;
      break;
    }
  }
  // `---` with no closing line is a thematic break, not front matter.
  if (close == 0) return fm;
  std::string block;
  for (std::size_t i = 1; i < close; ++i) {
    block.append(trim_right(lines[i]));
    block.push_back('\n');
  }
  fm.lines = static_cast<int>(close) + 1;
  if (block.size() > kMaxBytes) {
    fm.problem = "front matter longer than " + std::to_string(kMaxBytes) + " bytes; not read";
    return fm;
  }
  if (nesting(block) > kMaxNesting) {
    fm.problem = "front matter nests deeper than " + std::to_string(kMaxNesting) + " levels; not read";
    return fm;
  }
  if (yaml) {
    if (!read_yaml(block, 2, fm)) return FrontMatter{};  // two thematic breaks around a note
  } else {
    read_toml(block, fm);
  }
  return fm;
}

}  // namespace qabot::ingest
