// Ranking on the bundled notes, one test per kind of query people type.

#include "retrieval/retriever.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>
#include <cctype>
#include <tuple>
#include <variant>

#include "store/index_builder.hpp"
#include "store/question_bank.hpp"
#include "support/temp_dir.hpp"

using namespace qabot;

namespace {

class RetrieverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test_support::TempDir();
    store::IndexBuilder(*dir_ / "bank.db").build({std::filesystem::path(QABOT_SOURCE_DIR) / "data"});
    bank_ = new store::QuestionBank(*dir_ / "bank.db");
    auto loaded = retrieval::Synonyms::load(std::filesystem::path(QABOT_SOURCE_DIR) / "data/synonyms.txt");
    ASSERT_TRUE(std::holds_alternative<retrieval::Synonyms>(loaded));
    synonyms_ = new retrieval::Synonyms(std::get<retrieval::Synonyms>(loaded));
  }
  static void TearDownTestSuite() {
    delete synonyms_;
    delete bank_;
    delete dir_;
  }
  void SetUp() override { retriever_ = std::make_unique<retrieval::Retriever>(*bank_, *synonyms_); }

  // The best hit's question contains `expected`, and the result is an answer, not an abstention.
  void expect_top(std::string_view query, std::string_view expected) {
    auto r = retriever_->search(query, 5);
    ASSERT_FALSE(r.hits.empty()) << query;
    EXPECT_NE(r.hits[0].question.find(expected), std::string::npos)
        << query << " → " << r.hits[0].question << " (wanted " << expected << ")";
    EXPECT_TRUE(r.matched) << query << " abstained; confidence " << r.hits[0].confidence;
  }
  void expect_abstain(std::string_view query) {
    auto r = retriever_->search(query, 5);
    EXPECT_FALSE(r.matched) << query << " → " << (r.hits.empty() ? "-" : r.hits[0].question);
  }

  static test_support::TempDir* dir_;
  static store::QuestionBank* bank_;
  static retrieval::Synonyms* synonyms_;
  std::unique_ptr<retrieval::Retriever> retriever_;
};

test_support::TempDir* RetrieverTest::dir_ = nullptr;
store::QuestionBank* RetrieverTest::bank_ = nullptr;
retrieval::Synonyms* RetrieverTest::synonyms_ = nullptr;

}  // namespace

TEST_F(RetrieverTest, ExactChineseQuestion) { expect_top("BN有什么作用", "BN"); }
TEST_F(RetrieverTest, ChineseParaphrase) { expect_top("怎样避免过拟合", "过拟合"); }
TEST_F(RetrieverTest, TraditionalChinese) { expect_top("過擬合怎麼辦", "过拟合"); }
TEST_F(RetrieverTest, FullWidthLatin) { expect_top("ＲｅＬＵ的缺点", "ReLU"); }
TEST_F(RetrieverTest, EnglishAboutChineseNote) { expect_top("what does batchnorm do", "BN"); }
TEST_F(RetrieverTest, MixedScript) { expect_top("激活函数relu不好在哪", "ReLU"); }
TEST_F(RetrieverTest, SymbolQuery) { expect_top("is 与 == 的不同", "=="); }
// A rambling question's connectives and adverbs (感觉, 好像, 非常, 但是, 到底) are not topics the
// bank lacks: they must not pull a clear question under the match threshold.
TEST_F(RetrieverTest, ColloquialGlueIsNotAMissingTopic) {
  expect_top("感觉BN好像非常有用，但是它到底有什么作用", "BN");
}
TEST_F(RetrieverTest, TypoIsCorrected) {
  auto r = retriever_->search("dropuot", 3);
  ASSERT_FALSE(r.corrections.empty());
  EXPECT_EQ(r.corrections[0].from, "dropuot");
  EXPECT_EQ(r.corrections[0].to, "dropout");
}
// An ordinary English word the bank lacks is what the question is about, not a typo: bent into a
// bank word one edit away ("sleep" → sweep, "party" → part, "Spring" → string) it would invent a topic.
TEST_F(RetrieverTest, RealWordsAreNeverCorrectedIntoBankWords) {
  for (auto q : {"how many hours of sleep does an adult need", "how to plan a surprise birthday party",
                 "Spring Bean 的生命周期是怎样的"}) {
    auto r = retriever_->search(q, 3);
    EXPECT_TRUE(r.corrections.empty()) << q << ": " << r.corrections[0].from << " → " << r.corrections[0].to;
    EXPECT_FALSE(r.matched) << q << " → " << r.hits[0].question;
  }
}
TEST_F(RetrieverTest, OffTopicAbstains) {
  expect_abstain("今天天气怎么样");
  expect_abstain("how do I bake sourdough bread");
  expect_abstain("股票明天会涨吗");
}
TEST_F(RetrieverTest, ConfidenceInUnitRange) {
  for (auto q : {"BN", "pooling", "python", "的", "a", "梯度"}) {
    auto r = retriever_->search(q, 10);
    for (const auto& h : r.hits) {
      EXPECT_GE(h.confidence, 0.0) << q;
      EXPECT_LE(h.confidence, 1.0) << q;
    }
  }
}
TEST_F(RetrieverTest, TopKIsRespected) {
  EXPECT_LE(retriever_->search("pooling", 2).hits.size(), 2u);
  EXPECT_LE(retriever_->search("梯度", 1).hits.size(), 1u);
}
TEST_F(RetrieverTest, HitsCarrySource) {
  auto r = retriever_->search("BN有什么作用", 1);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_NE(r.hits[0].source.find("interview-notes.md:"), std::string::npos);
  EXPECT_FALSE(r.hits[0].category.empty());
}

// "Did you mean": only when the ranker cannot separate the top hits.
TEST_F(RetrieverTest, ClarifiesRealNearTies) {
  // Three notes about pooling, none about max vs average as such.
  auto r = retriever_->search("max pooling 和 average pooling 的区别", 5);
  EXPECT_TRUE(r.clarify);
  EXPECT_GE(r.choices, 2u);
  EXPECT_LE(r.choices, r.hits.size());
}
TEST_F(RetrieverTest, DoesNotClarifyClearWins) {
  for (auto q : {"BN有什么作用", "ResNet的作用", "为什么神经网络需要激活函数", "is和==的区别", "如何防止过拟合"}) {
    auto r = retriever_->search(q, 5);
    EXPECT_FALSE(r.clarify) << q << " → " << (r.hits.size() > 1 ? r.hits[1].question : "-");
    EXPECT_EQ(r.choices, 0u) << q;
  }
}

// A bank built from one notes file, searched without a glossary.
struct SmallBank {
  explicit SmallBank(const std::string& notes, const std::string& glossary_text = "")
      : glossary(std::get<retrieval::Synonyms>(retrieval::Synonyms::parse(glossary_text))) {
    dir.write("notes/bank.md", notes);
    store::IndexBuilder(dir / "bank.db").build({dir / "notes"});
    bank = std::make_unique<store::QuestionBank>(dir / "bank.db");
    retriever = std::make_unique<retrieval::Retriever>(*bank, glossary);
  }
  test_support::TempDir dir;
  retrieval::Synonyms glossary;
  std::unique_ptr<store::QuestionBank> bank;
  std::unique_ptr<retrieval::Retriever> retriever;
};

TEST(RetrieverClarifyTest, SmallBankWithSiblingQuestions) {
  SmallBank small(
      "# 优化\n\n## Adam优化器的原理\n\n一阶矩和二阶矩的估计。\n\n## Adam优化器的优点\n\n收敛快，对学习率不敏感。\n\n"
      "## 学习率衰减怎么做\n\n按步衰减或余弦退火。\n\n## 什么是过拟合\n\n训练好测试差。\n");
  auto& retriever = *small.retriever;
  // Both Adam notes fit "Adam优化器" equally: ask which one.
  auto tie = retriever.search("Adam优化器", 5);
  ASSERT_GE(tie.hits.size(), 2u);
  EXPECT_TRUE(tie.clarify) << tie.hits[0].score << " vs " << tie.hits[1].score;
  EXPECT_EQ(tie.choices, 2u);
  // Naming the side decides it.
  for (auto q : {"Adam优化器的优点", "Adam的原理", "学习率衰减", "过拟合"})
    EXPECT_FALSE(retriever.search(q, 5).clarify) << q;
}

// A glossary phrase the bank lacks in every spelling falls back to its parts. A Chinese phrase's
// parts are glossary words again, so they can still reach an English note; a Latin phrase's parts
// are plain words, so "layer normalization" does not become 层 + 归一化.
TEST(RetrieverGlossaryPartsTest, AnAbsentChinesePhraseIsReadThroughItsGlossaryWords) {
  const std::string glossary =
      "invert binary tree, 翻转二叉树\nflip, 翻转\nbinary tree, 二叉树\n"
      "layer normalization, 层归一化\nlayer, 层\nnormalization, 归一化\n";
  SmallBank english(
      "# Algorithms\n\n## Flip a binary tree\n\nSwap the children of every node.\n\n"
      "## Reverse a linked list\n\nThree pointers.\n",
      glossary);
  auto r = english.retriever->search("翻转二叉树", 3);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].question, "Flip a binary tree");

  SmallBank chinese(
      "# 深度学习\n\n## Pooling层怎么归一化\n\n池化层之后接归一化。\n\n## 什么是过拟合\n\n训练好测试差。\n", glossary);
  EXPECT_FALSE(chinese.retriever->search("layer normalization", 3).matched);
}

// A one-character question finds the character wherever it stands in a run: the index holds it as
// the first half of a bigram (栈的), or alone only where a run ends (决策树).
TEST(RetrieverOneCharacterTest, FindsTheCharacterAnywhereInARun) {
  SmallBank small(
      "# 数据结构\n\n## 堆和栈的区别\n\n堆由程序员分配，栈由编译器管理。\n\n## 什么是决策树\n\n按特征划分样本。\n\n"
      "## 树模型怎么剪枝\n\n预剪枝与后剪枝。\n\n## 哈希表的冲突\n\n开放寻址或链地址。\n");
  auto& retriever = *small.retriever;
  auto questions = [&](const char* q) {
    std::set<std::string> out;
    for (const auto& h : retriever.search(q, 5).hits) out.insert(h.question);
    return out;
  };
  EXPECT_EQ(questions("栈"), std::set<std::string>{"堆和栈的区别"});
  EXPECT_EQ(questions("堆"), std::set<std::string>{"堆和栈的区别"});
  EXPECT_EQ(questions("树"), (std::set<std::string>{"什么是决策树", "树模型怎么剪枝"}));
  EXPECT_EQ(questions("冲"), std::set<std::string>{"哈希表的冲突"});
}

// On a bank smaller than the candidate list FTS5 scores every row that holds any concept, template
// words included; a row that holds nothing but template words is still no candidate.
TEST(RetrieverTinyBankTest, ARowWithOnlyTemplateWordsIsNoCandidate) {
  SmallBank small(
      "# 杂项\n\n## 什么是什么\n\n问的是什么。\n\n## 优化器\n\n常用的是Adam，它结合了动量和自适应学习率。\n\n"
      "## 训练技巧汇总\n\n" +
      std::string(40, '-') +
      "\n\n学习率预热、梯度裁剪、权重衰减、早停、数据增强、标签平滑、混合精度、"
      "批归一化、残差连接、梯度累积、学习率余弦退火、模型集成、知识蒸馏，优化器也可以换成Adam再试。\n");
  auto& retriever = *small.retriever;
  const auto r = retriever.search("什么是Adam", 5);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].question, "优化器");
  // Ranked below the template-only row, the note that mentions Adam in passing would be cut off
  // with it (hits stop at the first one without confidence).
  std::vector<std::string> questions;
  for (const auto& h : r.hits) questions.push_back(h.question);
  EXPECT_EQ(questions, (std::vector<std::string>{"优化器", "训练技巧汇总"}));
}

// A bank large enough that every word of the query is common (in more than 200 rows): rows are
// found through titles, and what the rest of a row says still counts.
class RetrieverCommonConceptsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test_support::TempDir();
    std::string notes = "# 大题库\n\n";
    // dropout in 220 titles; 正则化 in 260 answers, one of them under a dropout title.
    for (int i = 0; i < 220; ++i)
      notes += "## dropout 第" + std::to_string(i) + "题\n\n" +
               (i == 7 ? std::string("随机丢弃神经元，是一种正则化手段。\n\n") : "随机丢弃神经元。\n\n");
    for (int i = 0; i < 259; ++i) notes += "## 其他问题" + std::to_string(i) + "\n\n正则化可以缓解这个问题。\n\n";
    dir_->write("notes/bank.md", notes);
    store::IndexBuilder(*dir_ / "bank.db").build({*dir_ / "notes"});
    bank_ = new store::QuestionBank(*dir_ / "bank.db");
  }
  static void TearDownTestSuite() {
    delete bank_;
    delete dir_;
  }
  static test_support::TempDir* dir_;
  static store::QuestionBank* bank_;
};

test_support::TempDir* RetrieverCommonConceptsTest::dir_ = nullptr;
store::QuestionBank* RetrieverCommonConceptsTest::bank_ = nullptr;

TEST_F(RetrieverCommonConceptsTest, TitlesHoldingTheRarestAreScoredOnEveryColumn) {
  retrieval::Synonyms none;
  retrieval::Retriever retriever(*bank_, none);
  // No title holds both words: titles holding dropout (the rarer) are found, and the one whose
  // answer also says 正则化 is the best of them, clearly.
  auto r = retriever.search("dropout 正则化", 5);
  ASSERT_GE(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].question, "dropout 第7题");
  EXPECT_GT(r.hits[0].confidence, r.hits[1].confidence);
  EXPECT_FALSE(r.clarify);
}

// A follow-up that refers back keeps its topic: after "BN有什么作用", "它的缺点呢" is about BN, not
// about whichever note has 缺点 in its title (README's own example once answered Sigmoid和ReLU).
TEST_F(RetrieverTest, PronounFollowUpKeepsItsTopic) {
  for (const auto& [first, follow_up, topic] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"BN有什么作用", "它的缺点呢", "BN"}, {"pooling有什么作用", "它有什么缺点", "pooling"}}) {
    retrieval::Conversation conversation;
    retriever_->search(first, 5, &conversation);
    const auto r = retriever_->search(follow_up, 5, &conversation);
    ASSERT_FALSE(r.hits.empty()) << follow_up;
    EXPECT_NE(r.hits[0].question.find(topic), std::string::npos) << follow_up << " → " << r.hits[0].question;
    for (const auto& h : r.hits) {  // nothing that lacks the topic is an answer
      std::string lower = h.question;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.find(topic) == std::string::npos && h.question.find(topic) == std::string::npos) {
        EXPECT_LT(h.confidence, retrieval::RetrieverOptions{}.match_threshold) << h.question;
      }
    }
  }
}

// ...and one whose carried topic the bank lacks ("那LN呢" → "它的缺点呢") is no answer at all.
TEST_F(RetrieverTest, FollowUpOnATopicTheBankLacksAbstains) {
  retrieval::Conversation conversation;
  retriever_->search("BN有什么作用", 5, &conversation);
  retriever_->search("那LN呢？", 5, &conversation);
  const auto r = retriever_->search("它的缺点呢", 5, &conversation);
  EXPECT_FALSE(r.matched) << (r.hits.empty() ? "-" : r.hits[0].question);
}
