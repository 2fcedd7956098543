#include "ingest/dialect_normalizer.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <vector>

namespace qabot::ingest {
namespace {

// Obsidian's callout types that ask something (question, its aliases faq and help).
constexpr std::array<std::string_view, 3> kQuestionCallouts{"question", "faq", "help"};
// VuePress/Docusaurus containers that are asides; any other container name (center, code-group, …)
// only lays its content out and is unwrapped.
constexpr std::array<std::string_view, 9> kAsideContainers{"tip",     "info",    "note",      "warning", "danger",
                                                           "caution", "details", "important", "abstract"};
constexpr std::array<std::string_view, 9> kImageExtensions{".png", ".jpg", ".jpeg", ".gif", ".webp",
                                                           ".svg", ".bmp", ".avif", ".ico"};
// Markdown's limit: four columns of indentation make a line code, fewer do not.
constexpr std::size_t kCodeIndent = 4;

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

template <std::size_t N>
bool one_of(std::string_view word, const std::array<std::string_view, N>& words) {
  return std::find(words.begin(), words.end(), lower_ascii(word)) != words.end();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::size_t leading_spaces(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if (c == ' ') ++n;
    else if (c == '\t') n += kCodeIndent;
    else break;
  }
  return n;
}

// The line with up to three spaces of indentation and every blockquote marker removed.
std::string_view unquoted(std::string_view line) {
  for (;;) {
    const std::size_t spaces = std::min(line.find_first_not_of(' '), line.size());
    if (spaces >= kCodeIndent) return line;
    if (spaces == line.size() || line[spaces] != '>') return line.substr(spaces);
    line.remove_prefix(spaces + 1);
    if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  }
}

std::string capitalised(std::string_view word) {
  std::string out = lower_ascii(word);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

bool is_image_path(std::string_view target) {
  const std::string lower = lower_ascii(target);
  return std::any_of(kImageExtensions.begin(), kImageExtensions.end(),
                     [&](std::string_view ext) { return lower.ends_with(ext); });
}

// "300" or "300x200": an embed's size, not its caption.
bool is_size(std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789x") == std::string_view::npos; }

// `[[inner]]` (embed when `![[inner]]`) as markdown.
std::string wikilink_text(std::string_view inner, bool embed) {
  std::string_view target = inner;
  std::string_view alias;
  if (const std::size_t bar = inner.find('|'); bar != std::string_view::npos) {
    target = trim(inner.substr(0, bar));
    alias = trim(inner.substr(bar + 1));
  }
  if (embed && is_image_path(target)) {
    const std::string_view name = target.substr(target.find_last_of('/') + 1);
    const std::string_view alt = !alias.empty() && !is_size(alias) ? alias : name;
    return "![" + std::string(alt) + "](<" + std::string(target) + ">)";
  }
  if (!alias.empty()) return std::string(alias);
  const std::size_t hash = target.find('#');
  std::string note(trim(target.substr(0, hash)));
  if (hash == std::string_view::npos) return note;
  std::string_view part = trim(target.substr(hash + 1));
  if (part.starts_with('^')) return note;  // a block reference names no words of its own
  return note.empty() ? std::string(part) : note + " › " + std::string(part);
}

// Wikilinks in one line of prose; code spans are copied as they are.
std::string rewrite_wikilinks(std::string_view line) {
  if (line.find("[[") == std::string_view::npos) return std::string(line);
  std::string out;
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == '`') {
      const std::size_t run = std::min(line.find_first_not_of('`', i), line.size()) - i;
      const std::string ticks(run, '`');
      std::size_t close = line.find(ticks, i + run);
      while (close != std::string_view::npos && close + run < line.size() && line[close + run] == '`')
        close = line.find(ticks, line.find_first_not_of('`', close));
      const std::size_t end = close == std::string_view::npos ? i + run : close + run;
      out.append(line.substr(i, end - i));
      i = end;
      continue;
    }
    if (line.compare(i, 2, "[[") == 0 && (i == 0 || line[i - 1] != '[')) {
      const std::size_t close = line.find("]]", i + 2);
      const std::string_view inner =
          close == std::string_view::npos ? std::string_view{} : line.substr(i + 2, close - i - 2);
      const bool followed_by_link = close != std::string_view::npos && close + 2 < line.size() &&
                                    (line[close + 2] == '(' || line[close + 2] == ']');
      if (!inner.empty() && inner.find_first_of("[]") == std::string_view::npos && !followed_by_link) {
        const bool embed = !out.empty() && out.back() == '!';
        if (embed) out.pop_back();
        out += wikilink_text(inner, embed);
        i = close + 2;
        continue;
      }
    }
    out += line[i++];
  }
  return out;
}

struct Container {
  std::size_t colons;
  bool aside;  // its lines are quoted
};

struct Fence {
  char marker;
  std::size_t length;
};

// A code fence opener: "```lang" / "~~~" (after quote markers), its marker and length.
std::optional<Fence> fence_of(std::string_view line) {
  const std::string_view s = unquoted(line);
  if (s.size() < 3 || (s[0] != '`' && s[0] != '~')) return std::nullopt;
  const std::size_t length = std::min(s.find_first_not_of(s[0]), s.size());
  if (length < 3) return std::nullopt;
  if (s[0] == '`' && s.find('`', length) != std::string_view::npos) return std::nullopt;
  return Fence{s[0], length};
}

class Normalizer {
 public:
  std::string line(std::string_view raw) {
    const std::string quote_prefix = quoted_prefix();
    if (fence_) return quote_prefix + std::string(in_fence(raw));
    if (auto container = container_line(raw)) return *container;
    if (auto fence = fence_of(raw)) {
      fence_ = fence;
      return quote_prefix + std::string(raw);
    }
    const bool indented_code = leading_spaces(raw) >= kCodeIndent && (previous_blank_ || previous_indented_code_);
    previous_indented_code_ = indented_code;
    previous_blank_ = trim(unquoted(raw)).empty();
    if (indented_code) return quote_prefix + std::string(raw);
    return quote_prefix + callout_line(rewrite_wikilinks(raw));
  }

 private:
  enum class Callout { None, AwaitQuestion, AwaitAnswer, Answer };

  std::string quoted_prefix() const {
    std::string prefix;
    for (const Container& c : containers_) {
      if (c.aside) prefix += "> ";
    }
    return prefix;
  }

  std::string_view in_fence(std::string_view raw) {
    const std::string_view s = unquoted(raw);
    const std::size_t length = std::min(s.find_first_not_of(fence_->marker), s.size());
    if (length >= fence_->length && trim(s.substr(length)).empty()) fence_.reset();
    return raw;
  }

  // `::: name Title` opens a container, `:::` closes the innermost one; nullopt for other lines.
  std::optional<std::string> container_line(std::string_view raw) {
    const std::string_view s = trim(raw);
    const std::size_t colons = std::min(s.find_first_not_of(':'), s.size());
    if (colons < 3 || leading_spaces(raw) >= kCodeIndent) return std::nullopt;
    const std::string_view rest = trim(s.substr(colons));
    if (rest.empty()) {
      if (containers_.empty()) return std::nullopt;
      containers_.pop_back();
      previous_blank_ = true;
      return std::string();
    }
    const std::size_t name_end = std::min(rest.find_first_of(" \t{"), rest.size());
    const std::string_view name = rest.substr(0, name_end);
    const std::string_view title = trim(rest.substr(name_end));
    const bool aside = one_of(name, kAsideContainers);
    std::string out;
    if (aside) out = quoted_prefix() + "> **" + (title.empty() ? capitalised(name) : std::string(title)) + "**";
    containers_.push_back(Container{colons, aside});
    previous_blank_ = !aside;
    return out;
  }

  // Obsidian callouts: `> [!type]± Title` and the quoted lines under it.
  std::string callout_line(std::string line) {
    const std::string_view view(line);
    const std::size_t spaces = std::min(view.find_first_not_of(' '), view.size());
    const bool quoted = spaces < kCodeIndent && spaces < view.size() && view[spaces] == '>';
    if (!quoted) {
      callout_ = Callout::None;
      return line;
    }
    std::string_view body = view.substr(spaces + 1);
    if (!body.empty() && body.front() == ' ') body.remove_prefix(1);
    if (body.starts_with("[!")) {
      const std::size_t close = body.find(']');
      if (close != std::string_view::npos) return callout_title(body.substr(2, close - 2), body.substr(close + 1));
    }
    if (callout_ == Callout::None || trim(body).empty()) return line;
    const char* label = callout_ == Callout::AwaitQuestion ? "Q: " : callout_ == Callout::AwaitAnswer ? "A: " : "";
    if (callout_ == Callout::AwaitQuestion) callout_ = Callout::AwaitAnswer;
    else if (callout_ == Callout::AwaitAnswer) callout_ = Callout::Answer;
    return "> " + std::string(label) + std::string(body);
  }

  std::string callout_title(std::string_view type, std::string_view rest) {
    if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) rest.remove_prefix(1);
    const std::string_view title = trim(rest);
    if (one_of(type, kQuestionCallouts)) {
      callout_ = title.empty() ? Callout::AwaitQuestion : Callout::AwaitAnswer;
      return title.empty() ? std::string(">") : "> Q: " + std::string(title);
    }
    callout_ = Callout::None;
    return "> **" + (title.empty() ? capitalised(type) : std::string(title)) + "**";
  }

  std::vector<Container> containers_;
  std::optional<Fence> fence_;
  Callout callout_ = Callout::None;
  bool previous_blank_ = true;
  bool previous_indented_code_ = false;
};

bool may_hold_dialect(std::string_view text) {
  return text.find("[[") != std::string_view::npos || text.find("[!") != std::string_view::npos ||
         text.find(":::") != std::string_view::npos;
}

}  // namespace

std::string DialectNormalizer::normalize(std::string_view utf8) {
  if (!may_hold_dialect(utf8)) return std::string(utf8);
  Normalizer normalizer;
  std::string out;
  out.reserve(utf8.size() + utf8.size() / 16);
  std::size_t start = 0;
  while (start <= utf8.size()) {
    const std::size_t end = std::min(utf8.find('\n', start), utf8.size());
    std::string_view raw = utf8.substr(start, end - start);
    const bool cr = raw.ends_with('\r');
    if (cr) raw.remove_suffix(1);
    out += normalizer.line(raw);
    if (cr) out += '\r';
    if (end == utf8.size()) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace qabot::ingest
