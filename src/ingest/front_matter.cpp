#include "ingest/front_matter.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>
#include <toml.hpp>

namespace qabot::ingest {

namespace {

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view trim(std::string_view s) {
  s = trim_right(s);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// Deepest [ / { nesting, outside quotes (roughly: YAML and TOML quote alike for this purpose).
int nesting(std::string_view block) {
  int depth = 0, deepest = 0;
  char quote = 0;
  for (char c : block) {
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    if (c == '\n') quote = 0;
    if (c == '[' || c == '{') deepest = std::max(deepest, ++depth);
    if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  return deepest;
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
  if (out.size() > 240) out.resize(240);
  return std::string(trim(out));
}

void add_strings(const YAML::Node& node, std::vector<std::string>& out) {
  if (!node) return;  // a missing key: yaml-cpp's "zombie" node throws on any other question
  if (node.IsScalar()) {
    const std::string v(trim(node.Scalar()));
    if (!v.empty()) out.push_back(v);
  } else if (node.IsSequence()) {
    for (const auto& item : node) add_strings(item, out);
  }
}

void read_yaml(const std::string& block, int first_line, FrontMatter& fm) {
  try {
    const YAML::Node root = YAML::Load(block);
    if (!root.IsMap()) return;  // a bare scalar or list: nothing we know how to use
    if (const auto t = root["title"]; t && t.IsScalar()) fm.title = std::string(trim(t.Scalar()));
    for (const char* key : {"category", "categories"}) add_strings(root[key], fm.categories);
    for (const char* key : {"tags", "tag"}) add_strings(root[key], fm.tags);
  } catch (const YAML::Exception& e) {
    fm.problem = "front matter line " + std::to_string(first_line + std::max(e.mark.line, 0)) +
                 ": " + one_line(e.msg);
  }
}

void add_strings(const toml::value& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    const std::string s(trim(v.as_string().str));
    if (!s.empty()) out.push_back(s);
  } else if (v.is_array()) {
    for (const auto& item : v.as_array()) add_strings(item, out);
  }
}

void read_toml(const std::string& block, FrontMatter& fm) {
  try {
    std::istringstream in(block);
    const toml::value root = toml::parse(in, "front matter");
    if (!root.is_table()) return;
    const auto& table = root.as_table();
    if (auto it = table.find("title"); it != table.end() && it->second.is_string())
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
  // `---` with no closing line is a thematic break, and `---` right after it an empty block of
  // nothing: neither is front matter.
  if (close == 0) return fm;
  fm.lines = static_cast<int>(close) + 1;
  std::string block;
  for (std::size_t i = 1; i < close; ++i) {
    block.append(trim_right(lines[i]));
    block.push_back('\n');
  }
  if (nesting(block) > kMaxNesting) {
    fm.problem = "front matter nests deeper than " + std::to_string(kMaxNesting) + " levels; not read";
    return fm;
  }
  if (yaml) {
    read_yaml(block, 2, fm);
  } else {
    read_toml(block, fm);
  }
  return fm;
}

}  // namespace qabot::ingest
