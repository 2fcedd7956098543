#pragma once
// The small marks by which notes say "this is a question" or "this is its answer", apart from the
// title itself: labels (`问：`, `**Q1:**`, `Answer：`), difficulty tags on list items (`[E] `), a
// `<details>` summary that names the answer instead of asking, and answers that are only a
// placeholder (`TODO`, `待补充`). The markdown walk decides where a question is from these; whether a
// title reads as a question (question mark, interrogative words, numbering) is TitleCleaner's.
//
// Pure: text in, a length or a yes/no out, no state. Latin words match ASCII case-insensitively;
// lengths are in bytes of the UTF-8 input.

#include <cstddef>
#include <string_view>

namespace qabot::ingest {

class QuestionShape {
 public:
  // "问：", "**Q1:** ", "Question：" at the start of `text` (plain text or raw markdown): the byte
  // length of the label with its colon, markup and following spaces; 0 when there is none. A Latin
  // label must stand alone ("Quick: …" has none) and may carry a number ("Q1:").
  static std::size_t question_label_length(std::string_view text);
  // The same for answers: "答：", "**A:**", "Answer:".
  static std::size_t answer_label_length(std::string_view text);

  // "[E] ", "[M]", "[Hard] " difficulty tags that mark list items as questions: the byte length of
  // the tag and the spaces after it, 0 when `text` does not start with one.
  static std::size_t difficulty_tag_length(std::string_view text);

  // A `<details>` summary that labels the answer itself ("Show answer", "点击查看", "") rather
  // than asks a question.
  static bool is_answer_summary(std::string_view summary);

  // An answer nobody wrote yet: every line blank or a placeholder ("TODO", "Answer here", "待补充",
  // an empty checkbox, "<br>"), also inside `>` quotes and list items.
  static bool is_placeholder_answer(std::string_view answer);
};

}  // namespace qabot::ingest
