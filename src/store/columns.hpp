#pragma once

namespace qabot::store {

// Column order of questions_fts (schema.hpp).
enum Column : int { kQuestionColumn = 0, kAnswerColumn = 1, kCategoryColumn = 2, kColumnCount = 3 };

}  // namespace qabot::store
