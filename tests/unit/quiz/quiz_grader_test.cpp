#include "quiz/quiz_grader.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace qabot::quiz {
namespace {

constexpr const char* kBatchNorm = R"(Batch Normalization 的作用：

- 加快模型收敛速度，可以使用更大的学习率
- 缓解梯度消失和梯度爆炸
- 有一定的正则化效果，减轻过拟合
- 降低对参数初始化的敏感度

```python
y = gamma * (x - mean) / sqrt(var + eps) + beta
```
)";

constexpr const char* kOverfitting =
    "Overfitting happens when a model memorizes the training data instead of "
    "learning the general pattern. "
    "Fixes: collect more training data, add regularization such as L2 weight "
    "decay or dropout, and use early "
    "stopping on a validation set.";

class QuizGraderTest : public ::testing::Test {
 protected:
  text::Analyzer analyzer;
  QuizGrader grader{analyzer};
};

TEST_F(QuizGraderTest, ListItemsBecomeKeyPointsAndCodeIsLeftOut) {
  const auto points = grader.key_points(kBatchNorm);
  ASSERT_GE(points.size(), 4u);
  bool has_gradient = false;
  for (const auto& p : points) {
    EXPECT_FALSE(p.terms.empty());
    EXPECT_EQ(p.text.find("gamma"), std::string::npos) << p.text;
    EXPECT_EQ(p.text.find("- "), std::string::npos) << "list marker kept: " << p.text;
    if (p.text.find("梯度消失") != std::string::npos) has_gradient = true;
  }
  EXPECT_TRUE(has_gradient);
}

TEST_F(QuizGraderTest, TemplateAndProseWordsAreNotKeyTerms) {
  const auto terms = grader.topic_terms("what is the difference between dropout and the weight decay");
  for (const auto& t : terms) {
    EXPECT_NE(t, "what");
    EXPECT_NE(t, "the");
    EXPECT_NE(t, "and");
    EXPECT_NE(t, "is");
  }
  EXPECT_NE(std::find(terms.begin(), terms.end(), "dropout"), terms.end());
}

TEST_F(QuizGraderTest, AGoodAnswerPasses) {
  const auto g = grader.grade(kBatchNorm,
                              "BN "
                              "能加快收敛，允许更大的学习率；缓解梯度消失和梯"
                              "度爆炸；有正则化效果，能减轻过拟合；"
                              "对参数初始化不那么敏感。");
  EXPECT_TRUE(g.passed) << g.score;
  EXPECT_GT(g.score, 0.7);
  EXPECT_GE(g.hit.size(), 3u);
}

TEST_F(QuizGraderTest, AnEnglishAnswerPassesOnEnglishNotes) {
  const auto g = grader.grade(kOverfitting,
                              "The model memorizes its training data and "
                              "fails to learn the general pattern. You fix "
                              "it with more data, L2 regularization or "
                              "dropout, and early stopping on validation.");
  EXPECT_TRUE(g.passed) << g.score;
  EXPECT_TRUE(g.missed.empty() || g.hit.size() > g.missed.size());
}

TEST_F(QuizGraderTest, EmptyAndUnrelatedAnswersFail) {
  const auto empty = grader.grade(kBatchNorm, "");
  EXPECT_FALSE(empty.passed);
  EXPECT_DOUBLE_EQ(empty.score, 0.0);
  EXPECT_TRUE(empty.hit.empty());
  EXPECT_FALSE(empty.missed.empty());

  const auto unrelated = grader.grade(kBatchNorm, "TCP 三次握手用来建立连接，四次挥手用来断开连接。");
  EXPECT_FALSE(unrelated.passed);
  EXPECT_LT(unrelated.score, 0.2);

  const auto english = grader.grade(kOverfitting, "A hash map stores keys in buckets chosen by a hash function.");
  EXPECT_FALSE(english.passed);
  EXPECT_LT(english.score, 0.2);
}

TEST_F(QuizGraderTest, APartialAnswerGetsAPartialScore) {
  const auto full = grader.grade(kBatchNorm,
                                 "加快收敛速度，更大的学习率；缓解梯度消失和梯度"
                                 "爆炸；正则化效果，减轻过拟合；"
                                 "降低对参数初始化的敏感度");
  const auto partial = grader.grade(kBatchNorm, "它可以缓解梯度消失和梯度爆炸。");
  EXPECT_GT(partial.score, 0.0);
  EXPECT_LT(partial.score, full.score);
  EXPECT_FALSE(partial.passed);
  EXPECT_EQ(partial.hit.size(), 1u);
  EXPECT_GE(partial.missed.size(), 3u);
}

TEST_F(QuizGraderTest, VeryCommonBankTermsDoNotCount) {
  // "model" is in 90% of a 100-question bank: a reply saying only "model"
  // covers nothing.
  QuizGrader common(
      analyzer, [](std::string_view t) { return t == "model" ? 0.9 : 0.01; }, 100);
  const auto terms = common.topic_terms("the model memorizes training data");
  EXPECT_EQ(std::find(terms.begin(), terms.end(), "model"), terms.end());
  const auto all = grader.topic_terms("the model memorizes training data");
  EXPECT_NE(std::find(all.begin(), all.end(), "model"), all.end());
}

TEST_F(QuizGraderTest, LongAnswersKeepAtMostMaxPoints) {
  std::string answer;
  const char* topics[] = {"dropout", "attention", "transformer", "gradient",  "optimizer", "momentum",   "adam",
                          "softmax", "entropy",   "embedding",   "tokenizer", "pooling",   "convolution"};
  for (const char* t : topics) answer += std::string("- ") + t + " matters for " + t + " layers\n";
  const auto points = grader.key_points(answer);
  EXPECT_EQ(points.size(), grader.options().max_points);
}

}  // namespace
}  // namespace qabot::quiz
