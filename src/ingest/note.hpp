#pragma once
// One question unit found in a note file.

#include <string>
#include <vector>

namespace qabot::ingest {

struct Note {
  std::vector<std::string> category;  // enclosing headings, outermost first, cleaned like titles
  std::string question;               // cleaned title: numbering, bold, difficulty emoji stripped
  std::string answer;                 // original markdown of the answer, untouched ("" = unanswered)
  int line = 0;                       // 1-based line of the question in the source file
  std::vector<std::string> tags{};    // the file's front matter categories and tags
};

}  // namespace qabot::ingest
