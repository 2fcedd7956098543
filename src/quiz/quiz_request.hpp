#pragma once
// Recognises an ask that is really a request to be quizzed, so the chat box can
// start a quiz without a button. Deliberately small and whole-message: the text
// must *start* with a trigger and what follows may only name a category, so
// questions about quizzes or tests are still asked.
//
//   English (case-insensitive): "quiz me", "test me", "quiz", each optionally
//   followed by "on|about|in <category>"; "please" and trailing punctuation
//   ignored.
//   Chinese: "考考我", "考一考我", "考我", "测试我", "测试一下我", "测测我",
//   "考考我吧"…, with an optional category after the trigger ("考考我 python",
//   "考考我关于过拟合的问题") or before it when introduced ("用python考考我") or
//   a bare Latin name ("python考考我"). "测试我的…" and "老师为什么考我" are
//   not requests.

#include <optional>
#include <string>
#include <string_view>

namespace qabot::quiz {

// The requested category ("" = any) when `text` is a quiz request; nullopt
// otherwise.
std::optional<std::string> parse_quiz_request(std::string_view text);

}  // namespace qabot::quiz
