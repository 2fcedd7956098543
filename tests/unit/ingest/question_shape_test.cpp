#include "ingest/question_shape.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

using qabot::ingest::QuestionShape;

TEST(QuestionShapeTest, QuestionLabelLengthCoversLabelColonMarkupAndSpaces) {
  EXPECT_EQ(QuestionShape::question_label_length("问：什么是过拟合？"), std::string_view("问：").size());
  EXPECT_EQ(QuestionShape::question_label_length("问题: 为什么要归一化"), std::string_view("问题: ").size());
  EXPECT_EQ(QuestionShape::question_label_length("**问：** BN的作用"), std::string_view("**问：** ").size());
  EXPECT_EQ(QuestionShape::question_label_length("Q: What is a p-value?"), 3u);
  EXPECT_EQ(QuestionShape::question_label_length("**Q1:** What is SGD?"), std::string_view("**Q1:** ").size());
  EXPECT_EQ(QuestionShape::question_label_length("  question：What is X"), std::string_view("  question：").size());
}

TEST(QuestionShapeTest, QuestionLabelNeedsAColonAndAWholeWord) {
  EXPECT_EQ(QuestionShape::question_label_length("问一下：BN是什么"), 0u);  // 问 is followed by text, not a colon
  EXPECT_EQ(QuestionShape::question_label_length("Quick: a tip"), 0u);
  EXPECT_EQ(QuestionShape::question_label_length("Questions: see below"), 0u);
  EXPECT_EQ(QuestionShape::question_label_length("What is SGD?"), 0u);
  EXPECT_EQ(QuestionShape::question_label_length("答：不是问题"), 0u);
}

TEST(QuestionShapeTest, AnswerLabelLength) {
  EXPECT_EQ(QuestionShape::answer_label_length("答：防止过拟合"), std::string_view("答：").size());
  EXPECT_EQ(QuestionShape::answer_label_length("答案： 见下文"), std::string_view("答案： ").size());
  EXPECT_EQ(QuestionShape::answer_label_length("**A:** It is"), std::string_view("**A:** ").size());
  EXPECT_EQ(QuestionShape::answer_label_length("Answer: yes"), std::string_view("Answer: ").size());
  EXPECT_EQ(QuestionShape::answer_label_length("A1: yes"), std::string_view("A1: ").size());
  EXPECT_EQ(QuestionShape::answer_label_length("Also: more"), 0u);
  EXPECT_EQ(QuestionShape::answer_label_length("Answers are below"), 0u);
  EXPECT_EQ(QuestionShape::answer_label_length("问：什么是BN"), 0u);
}

TEST(QuestionShapeTest, DifficultyTagLength) {
  EXPECT_EQ(QuestionShape::difficulty_tag_length("[E] Two Sum"), 4u);
  EXPECT_EQ(QuestionShape::difficulty_tag_length("[M]反转链表"), 3u);
  EXPECT_EQ(QuestionShape::difficulty_tag_length("[Hard]  LRU 缓存"), 8u);
  EXPECT_EQ(QuestionShape::difficulty_tag_length("[medium] x"), 9u);
  EXPECT_EQ(QuestionShape::difficulty_tag_length("[x] done"), 0u);  // a checkbox, not a tag
  EXPECT_EQ(QuestionShape::difficulty_tag_length("[链接](a.md)"), 0u);
  EXPECT_EQ(QuestionShape::difficulty_tag_length("Two Sum [E]"), 0u);
  EXPECT_EQ(QuestionShape::difficulty_tag_length("[E"), 0u);
}

TEST(QuestionShapeTest, AnswerSummariesLabelTheAnswer) {
  for (std::string_view summary : {"", "Answer", "Show answer", "Click to expand", "Solution:", "details.", "答案",
                                   "参考答案", "点击查看答案", "查看解析", "代码"}) {
    EXPECT_TRUE(QuestionShape::is_answer_summary(summary)) << summary;
  }
}

TEST(QuestionShapeTest, QuestionSummariesAsk) {
  for (std::string_view summary :
       {"What is a p-value?", "什么是过拟合？", "BN 的作用", "Explain dropout", "答辩流程"}) {
    EXPECT_FALSE(QuestionShape::is_answer_summary(summary)) << summary;
  }
}

TEST(QuestionShapeTest, PlaceholderAnswers) {
  for (std::string_view answer : {"", "  \n\t", "TODO", "todo:", "TBD.", "待补充", "> 待完善", "- [ ] Answer here",
                                  "* [x] your answer here", "…", "<br/>", "TODO\n\n待更新\n"}) {
    EXPECT_TRUE(QuestionShape::is_placeholder_answer(answer)) << answer;
  }
}

TEST(QuestionShapeTest, RealAnswersAreNotPlaceholders) {
  for (std::string_view answer : {"防止过拟合。", "TODO: explain the bias-variance trade-off", "- [ ] 待补充\n正则化",
                                  "It is a regularizer.", "> 见 Dropout 一节"}) {
    EXPECT_FALSE(QuestionShape::is_placeholder_answer(answer)) << answer;
  }
}
