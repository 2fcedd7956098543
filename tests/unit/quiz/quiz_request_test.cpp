#include "quiz/quiz_request.hpp"

#include <gtest/gtest.h>

namespace qabot::quiz {
namespace {

TEST(QuizRequestTest, RecognisesRequestsWithAndWithoutCategory) {
  EXPECT_EQ(parse_quiz_request("考考我"), "");
  EXPECT_EQ(parse_quiz_request("考考我吧！"), "");
  EXPECT_EQ(parse_quiz_request("测试我"), "");
  EXPECT_EQ(parse_quiz_request("Quiz me"), "");
  EXPECT_EQ(parse_quiz_request("quiz me!"), "");
  EXPECT_EQ(parse_quiz_request("please quiz me"), "");
  EXPECT_EQ(parse_quiz_request("/quiz"), "");
  EXPECT_EQ(parse_quiz_request("quiz me on Python"), "python");
  EXPECT_EQ(parse_quiz_request("test me about machine learning?"), "machine learning");
  EXPECT_EQ(parse_quiz_request("考考我 python"), "python");
  EXPECT_EQ(parse_quiz_request("考考我关于过拟合的问题"), "过拟合");
  EXPECT_EQ(parse_quiz_request("用python考考我"), "python");
  EXPECT_EQ(parse_quiz_request("考一考我"), "");
  EXPECT_EQ(parse_quiz_request("测试一下我吧"), "");
  EXPECT_EQ(parse_quiz_request("python考考我"), "python");
  EXPECT_EQ(parse_quiz_request("关于深度学习考考我"), "深度学习");
}

TEST(QuizRequestTest, OrdinaryQuestionsAreNotRequests) {
  EXPECT_FALSE(parse_quiz_request("what is a quiz").has_value());
  EXPECT_FALSE(parse_quiz_request("quiz results are stored where?").has_value());
  EXPECT_FALSE(parse_quiz_request("BN有什么作用").has_value());
  EXPECT_FALSE(parse_quiz_request("测试我的模型用什么指标").has_value());
  EXPECT_FALSE(parse_quiz_request("面试官考我动态规划怎么办").has_value());
  EXPECT_FALSE(parse_quiz_request("老师为什么考我").has_value());
  EXPECT_FALSE(parse_quiz_request("为什么面试总考我").has_value());
  EXPECT_FALSE(parse_quiz_request("").has_value());
  EXPECT_FALSE(parse_quiz_request("test me if you can, what is overfitting").has_value());
}

}  // namespace
}  // namespace qabot::quiz
