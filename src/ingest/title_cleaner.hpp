#pragma once
// Question and category titles as a person would say them: no numbering, no wrapping emphasis, no
// difficulty emoji. Input is plain text (markup already removed by the markdown walk).

#include <string>
#include <string_view>

namespace qabot::ingest {

class TitleCleaner {
 public:
  // "3.1.2 神经网络组成？" → "神经网络组成？"; "**1.1 讲讲Attention？** 👶" → "讲讲Attention？";
  // "Q3: What is X?" → "What is X?"; "（1）定义" → "定义"; "第三章 深度学习基础" → "深度学习基础";
  // "1) FizzBuzz." → "FizzBuzz.". Whitespace runs collapse to one space. A title that is nothing
  // but a number ("2020") is kept as it is.
  static std::string clean(std::string_view title);

  // Ends in '?' or '？' (after cleaning).
  static bool ends_with_question_mark(std::string_view cleaned);

  // Reads like a question even without a question mark ("为什么…", "How does…", "…是什么").
  static bool reads_like_question(std::string_view cleaned);

  // Starts with a numbering marker: "1)", "1.", "1、", "1.2 ", "（1）", "Q3", "一、".
  static bool starts_with_number(std::string_view text);

  // Starts with a multi-level section number such as "1.2" or "3.1.2".
  static bool starts_with_section_number(std::string_view text);

  // Chapter titles ("第三章 …", "Chapter 3 …") are categories, never questions.
  static bool is_chapter_title(std::string_view text);

  // References, further reading and tables of contents: neither questions nor answers.
  static bool is_reference_title(std::string_view cleaned);
};

}  // namespace qabot::ingest
