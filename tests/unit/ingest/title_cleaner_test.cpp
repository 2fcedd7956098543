#include "ingest/title_cleaner.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

using qabot::ingest::TitleCleaner;

TEST(TitleCleanerTest, CleansTitles) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"3.1.2 神经网络组成？", "神经网络组成？"},
      {"3.1.1神经网络组成", "神经网络组成"},
      {"1.1 讲讲对Attention的理解？", "讲讲对Attention的理解？"},
      {"**1.1 讲讲对Attention的理解？**", "讲讲对Attention的理解？"},
      {"5 Post和Get", "Post和Get"},
      {"6.9 Batch Normalization", "Batch Normalization"},
      {"1、什么是过拟合", "什么是过拟合"},
      {"1. What is SGD?", "What is SGD?"},
      {"1) FizzBuzz.", "FizzBuzz."},
      {"Q3. What is a p-value?", "What is a p-value?"},
      {"Q3: What is a p-value?", "What is a p-value?"},
      {"Q: What is a p-value?", "What is a p-value?"},
      {"问：何时采用正态分布?", "何时采用正态分布?"},
      {"（1）数据增强", "数据增强"},
      {"(2) Dropout", "Dropout"},
      {"一、概述", "概述"},
      {"第三章 深度学习基础", "深度学习基础"},
      {"第四章 经典网络解读", "经典网络解读"},
      {"What is regression? 👶", "What is regression?"},
      {"What is gradient descent? ⭐️", "What is gradient descent?"},
      {"Which regularization techniques do you know? 🚀", "Which regularization techniques do you know?"},
      {"Softmax 定义及作用 ⭐️⭐️", "Softmax 定义及作用"},
      {"🔥 Transformer", "Transformer"},
      {"  多余   空格\t的标题 ", "多余 空格 的标题"},
      {"定义：", "定义"},
      {"is和==的区别", "is和==的区别"},
      {"3D卷积", "3D卷积"},
      {"2020", "2020"},
      {"1x1卷积的作用", "1x1卷积的作用"},
      {"ResNet50", "ResNet50"},
      {"**加粗的标题**", "加粗的标题"},
      {"__init__", "__init__"},
      {"`is`和`==`的区别", "`is`和`==`的区别"},
  };
  for (const auto& [input, expected] : cases) {
    EXPECT_EQ(TitleCleaner::clean(input), expected) << "input: " << input;
  }
}

TEST(TitleCleanerTest, QuestionMarks) {
  EXPECT_TRUE(TitleCleaner::ends_with_question_mark("什么是过拟合？"));
  EXPECT_TRUE(TitleCleaner::ends_with_question_mark("What is SGD?"));
  EXPECT_TRUE(TitleCleaner::ends_with_question_mark("What is SGD? 👶"));
  EXPECT_FALSE(TitleCleaner::ends_with_question_mark("Softmax 定义及作用"));
  EXPECT_FALSE(TitleCleaner::ends_with_question_mark(""));
}

TEST(TitleCleanerTest, ReadsLikeQuestion) {
  EXPECT_TRUE(TitleCleaner::reads_like_question("pooling作用"));
  EXPECT_TRUE(TitleCleaner::reads_like_question("为什么LSTM比RNN好"));
  EXPECT_TRUE(TitleCleaner::reads_like_question("How does dropout work"));
  EXPECT_FALSE(TitleCleaner::reads_like_question("输入层"));
  EXPECT_FALSE(TitleCleaner::reads_like_question("SQL"));
  EXPECT_FALSE(TitleCleaner::reads_like_question("Howto"));
}

TEST(TitleCleanerTest, NumberMarkers) {
  EXPECT_TRUE(TitleCleaner::starts_with_number("1)"));
  EXPECT_TRUE(TitleCleaner::starts_with_number("1) FizzBuzz."));
  EXPECT_TRUE(TitleCleaner::starts_with_number("1.2 Attention"));
  EXPECT_TRUE(TitleCleaner::starts_with_number("（1）定义"));
  EXPECT_TRUE(TitleCleaner::starts_with_number("Q3: x"));
  EXPECT_FALSE(TitleCleaner::starts_with_number("3D卷积"));
  EXPECT_FALSE(TitleCleaner::starts_with_number("Bias"));
  EXPECT_FALSE(TitleCleaner::starts_with_number("第三章 基础"));
  EXPECT_TRUE(TitleCleaner::starts_with_section_number("1.2 Attention"));
  EXPECT_FALSE(TitleCleaner::starts_with_section_number("1) FizzBuzz"));
}

TEST(TitleCleanerTest, ChapterAndReferenceTitles) {
  EXPECT_TRUE(TitleCleaner::is_chapter_title("第三章 深度学习基础"));
  EXPECT_TRUE(TitleCleaner::is_chapter_title("Chapter 4 Networks"));
  EXPECT_FALSE(TitleCleaner::is_chapter_title("3.1 基本概念"));
  for (const char* title :
       {"参考文献", "参考资料", "References", "Reference", "延伸阅读", "Table of contents", "参考资料：", "目录"}) {
    EXPECT_TRUE(TitleCleaner::is_reference_title(title)) << title;
  }
  EXPECT_FALSE(TitleCleaner::is_reference_title("参考答案的写法"));
  EXPECT_FALSE(TitleCleaner::is_reference_title("Regression"));
}
