#include "ingest/markdown_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ingest/text_decoder.hpp"

using qabot::ingest::MarkdownParser;
using qabot::ingest::Note;
using qabot::ingest::TextDecoder;
using Path = std::vector<std::string>;

namespace {

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<Note> parse_file(const std::string& path) {
  const auto decoded = TextDecoder{}.decode(read_bytes(path));
  EXPECT_TRUE(decoded.ok()) << path;
  return MarkdownParser{}.parse(decoded.text);
}

std::vector<Note> parse_fixture(const std::string& name) {
  return parse_file(std::string(QABOT_FIXTURES_DIR) + "/notes/" + name);
}

std::vector<std::string> questions(const std::vector<Note>& notes) {
  std::vector<std::string> out;
  for (const Note& n : notes) out.push_back(n.question);
  return out;
}

const Note& find(const std::vector<Note>& notes, const std::string& question) {
  const auto it = std::find_if(notes.begin(), notes.end(), [&](const Note& n) { return n.question == question; });
  if (it == notes.end()) {
    ADD_FAILURE() << "no question \"" << question << "\"";
    static const Note none;
    return none;
  }
  return *it;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

// ---- the bundled seed -------------------------------------------------------------------------

TEST(MarkdownParserTest, SeedGivesTwentyFourQuestions) {
  const auto notes = parse_file(std::string(QABOT_SOURCE_DIR) + "/data/interview-notes.md");
  ASSERT_EQ(notes.size(), 24u);
  std::map<std::string, int> per_category;
  for (const Note& n : notes) {
    ASSERT_FALSE(n.category.empty()) << n.question;
    ++per_category[n.category.back()];
    EXPECT_EQ(n.category.front(), "面试题");
  }
  const std::map<std::string, int> expected{{"A", 5}, {"B", 8}, {"C", 4}, {"python题", 5}, {"开放题", 2}};
  EXPECT_EQ(per_category, expected);
  // "## 深度学习理论" is an empty heading among categories: neither a question nor a category.
  for (const Note& n : notes) {
    EXPECT_NE(n.question, "深度学习理论");
    EXPECT_EQ(n.category, (Path{"面试题", n.category.back()}));
  }
}

TEST(MarkdownParserTest, SeedAnswersAndLines) {
  const auto notes = parse_file(std::string(QABOT_SOURCE_DIR) + "/data/interview-notes.md");
  ASSERT_EQ(notes.size(), 24u);
  EXPECT_EQ(notes.front().line, 7);
  EXPECT_EQ(notes.front().question,
            "精确率（Precision）和召回率（Recall）以及F1分数（F1 score）计算方式，且表达了什么内容");
  EXPECT_TRUE(notes.front().answer.starts_with(" 精确率/查准率"));

  const Note& unanswered = find(notes, "深度学习中算法创新和增加数据你更偏向哪个？具体是怎么思考的呢？");
  EXPECT_EQ(unanswered.answer, "");
  EXPECT_EQ(unanswered.category.back(), "开放题");
  const Note& last = notes.back();
  EXPECT_EQ(last.question, "各种常用网络（分类、检测、分割）");
  EXPECT_TRUE(contains(last.answer, "分割网络：Mask RCNN"));

  const Note& pooling = find(notes, "Pooling层怎么反向传播");
  EXPECT_TRUE(
      contains(pooling.answer, "![img](https://upload-images.jianshu.io/upload_images/17624987-9de749ff8ff95a88.png"));
  EXPECT_TRUE(
      contains(pooling.answer, "![img](https://upload-images.jianshu.io/upload_images/17624987-e3b309cbe999aae4.png"));

  const Note& with = find(notes, "With打开文件做了什么操作");
  EXPECT_EQ(with.answer, "```python\ntry:\n    pass\nexcept:\n    pass\nfinally:\n    pass\n```");
  EXPECT_FALSE(contains(find(notes, "pooling作用").answer, "数据不均衡"));  // next category's text
}

// ---- headings -------------------------------------------------------------------------------

TEST(MarkdownParserTest, HeadingsAtAnyLevelWithCategoryPaths) {
  const auto notes = parse_fixture("headings.md");
  const std::vector<std::pair<std::string, Path>> expected{
      {"神经网络组成？", {"深度学习基础", "基本概念"}},
      {"讲讲对Attention的理解？", {"深度学习基础", "基本概念"}},
      {"Softmax 定义及作用", {"深度学习基础", "基本概念"}},
      {"卷积神经网络的组成层", {"深度学习基础"}},
      {"输入层", {"深度学习基础", "卷积神经网络的组成层"}},  // a part is also a question of its own
      {"卷积层", {"深度学习基础", "卷积神经网络的组成层"}},
      {"激活函数", {"深度学习基础"}},
      {"为什么需要非线性激活函数？", {"深度学习基础", "激活函数"}},
      {"ReLU 有哪些优点？", {"深度学习基础", "激活函数"}},
      {"Post和Get", {"深度学习基础"}},
      {"什么是 epoch？", {"附录"}},  // "# 附录" → "###": a skipped level
  };
  ASSERT_EQ(notes.size(), expected.size()) << ::testing::PrintToString(questions(notes));
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(notes[i].question, expected[i].first);
    EXPECT_EQ(notes[i].category, expected[i].second) << expected[i].first;
  }
  EXPECT_EQ(notes[0].line, 9);
}

TEST(MarkdownParserTest, HashLinesInCodeFencesAreNotHeadings) {
  const auto notes = parse_fixture("headings.md");
  for (const Note& n : notes) EXPECT_FALSE(contains(n.question, "这一行")) << n.question;
  const Note& q = find(notes, "神经网络组成？");
  EXPECT_TRUE(contains(q.answer, "# 这一行在代码块里，不是标题\n## 这一行也不是\n"));
  EXPECT_TRUE(q.answer.ends_with("    return x\n```"));
}

TEST(MarkdownParserTest, AnswersKeepTablesMathAndImages) {
  const auto notes = parse_fixture("headings.md");
  EXPECT_EQ(find(notes, "讲讲对Attention的理解？").answer,
            "Attention 根据相关性加权。\n\n| 方法 | 复杂度 |\n| --- | --- |\n| dot | $O(n^2)$ |");
  EXPECT_EQ(find(notes, "Softmax 定义及作用").answer, "$$\n\\sigma(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}\n$$");
}

// The parts' answers stay in the whole ("what layers make up a CNN"), and each part is found on its
// own too ("what does the input layer do" wants 输入层, not the list of every layer).
TEST(MarkdownParserTest, HeadingWithTextAndPartSubheadingsAnswersWholeAndParts) {
  const auto notes = parse_fixture("headings.md");
  const Note& q = find(notes, "卷积神经网络的组成层");
  EXPECT_TRUE(q.answer.starts_with("卷积神经网络由以下几层组成。"));
  EXPECT_TRUE(contains(q.answer, "### 3.2.1 输入层\n\n输入图像 ![](img/ch3/3-1.png)"));
  EXPECT_TRUE(q.answer.ends_with("提取局部特征。"));
  EXPECT_EQ(find(notes, "输入层").answer, "输入图像 ![](img/ch3/3-1.png)");
  EXPECT_EQ(find(notes, "卷积层").answer, "提取局部特征。");
}

TEST(MarkdownParserTest, HeadingWithTextAndQuestionSubheadings) {
  const auto notes = parse_fixture("headings.md");
  EXPECT_EQ(find(notes, "激活函数").answer, "激活函数引入非线性。");
  EXPECT_EQ(find(notes, "为什么需要非线性激活函数？").answer, "线性函数的组合仍是线性函数。");
}

TEST(MarkdownParserTest, ChapterIntroTocSeparatorsAndReferencesAreSkipped) {
  const auto notes = parse_fixture("headings.md");
  for (const Note& n : notes) {
    EXPECT_NE(n.question, "某篇论文");
    EXPECT_NE(n.question, "参考文献");
    EXPECT_FALSE(contains(n.answer, "LeCun et al.")) << n.question;
    EXPECT_FALSE(contains(n.answer, "本章介绍")) << n.question;
    EXPECT_FALSE(contains(n.answer, "[TOC]")) << n.question;
  }
  EXPECT_EQ(find(notes, "Post和Get").answer, "GET 获取资源，POST 提交数据。");
}

TEST(MarkdownParserTest, LinesOfHashesAreNotHeadings) {
  const auto notes = MarkdownParser{}.parse("#\n\n##########\n\n## 问题一\n\n答案一\n\n#\n\n## 问题二\n\n答案二\n");
  EXPECT_EQ(questions(notes), (std::vector<std::string>{"问题一", "问题二"}));
  EXPECT_EQ(notes[0].answer, "答案一");
}

TEST(MarkdownParserTest, MergeMarkerDoesNotMakeAHeading) {
  const auto notes = MarkdownParser{}.parse("## 过拟合\n\n正则化\n=======\n\n## 欠拟合\n\n加大模型\n");
  EXPECT_EQ(questions(notes), (std::vector<std::string>{"过拟合", "欠拟合"}));
  EXPECT_EQ(notes[0].answer, "正则化\n=======");
}

TEST(MarkdownParserTest, RepeatedTitlesCarryTheirCategory) {
  const auto notes = MarkdownParser{}.parse(
      "# 经典网络\n## 4.1 LeNet-5\n### 4.1.1 模型介绍\nLeNet\n## 4.2 AlexNet\n### 4.2.1 "
      "模型介绍\nAlexNet\n");
  EXPECT_EQ(questions(notes), (std::vector<std::string>{"LeNet-5 模型介绍", "AlexNet 模型介绍"}));
  EXPECT_EQ(notes[1].category, (Path{"经典网络", "AlexNet"}));
}

TEST(MarkdownParserTest, InlineCodeInTitlesKeepsItsBackticks) {
  const auto notes = MarkdownParser{}.parse("## 3. `is`和`==`的区别 👶\n\n`is` 比较身份，`==` 比较值。\n");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].question, "`is`和`==`的区别");
  EXPECT_EQ(notes[0].answer, "`is` 比较身份，`==` 比较值。");
}

TEST(MarkdownParserTest, CrlfAndBomParseLikeLf) {
  const std::string lf = read_bytes(std::string(QABOT_FIXTURES_DIR) + "/notes/headings.md");
  std::string crlf = "\xEF\xBB\xBF";
  for (char c : lf) {
    if (c == '\n') crlf.push_back('\r');
    crlf.push_back(c);
  }
  const auto expected = MarkdownParser{}.parse(lf);
  const auto decoded = TextDecoder{}.decode(crlf);
  ASSERT_TRUE(decoded.ok());
  for (const auto& notes : {MarkdownParser{}.parse(decoded.text), MarkdownParser{}.parse(crlf)}) {
    ASSERT_EQ(notes.size(), expected.size());
    for (std::size_t i = 0; i < notes.size(); ++i) {
      EXPECT_EQ(notes[i].question, expected[i].question);
      EXPECT_EQ(notes[i].category, expected[i].category);
      EXPECT_EQ(notes[i].answer, expected[i].answer);
      EXPECT_EQ(notes[i].line, expected[i].line);
    }
  }
}

// ---- bold lines -----------------------------------------------------------------------------

TEST(MarkdownParserTest, BoldLineQuestions) {
  const auto notes = parse_fixture("bold_lines.md");
  EXPECT_EQ(questions(notes), (std::vector<std::string>{
                                  "What is supervised machine learning?",
                                  "What is regression? Which models can you use to solve a regression problem?",
                                  "What is gradient descent? How does it work?",
                                  "Which regularization techniques do you know?",
                                  "Coding",
                                  "FizzBuzz. Print numbers from 1 to 100",
                                  "The number of active ads.",
                                  "Factorial. Calculate a factorial of a number",
                                  "讲讲对Attention的理解？",
                                  "Attention的计算步骤",
                              }));
  const Note& regression = find(notes, "What is regression? Which models can you use to solve a regression problem?");
  EXPECT_EQ(regression.answer, "Regression is a part of supervised ML.\n\n* Linear regression\n* Neural networks");
  EXPECT_EQ(regression.category, (Path{"Theoretical interview questions", "Supervised machine learning"}));
  EXPECT_EQ(regression.line, 20);
}

TEST(MarkdownParserTest, BoldLineEmptyAnswersAndNonQuestions) {
  const auto notes = parse_fixture("bold_lines.md");
  EXPECT_EQ(find(notes, "What is gradient descent? How does it work?").answer,
            "");  // "Answer here"
  EXPECT_EQ(find(notes, "Which regularization techniques do you know?").answer, "");
  for (const Note& n : notes) {
    EXPECT_FALSE(contains(n.question, "Bias"));
    EXPECT_FALSE(contains(n.answer, "Bias")) << n.question;  // after the <br/> separator
    EXPECT_NE(n.question, "参考资料");
    EXPECT_FALSE(contains(n.answer, "arxiv.org")) << n.question;
    EXPECT_FALSE(contains(n.answer, "Table of contents"));
    EXPECT_FALSE(contains(n.answer, "<br/>")) << n.question;
  }
}

TEST(MarkdownParserTest, NumberedBoldLeadIns) {
  const auto notes = parse_fixture("bold_lines.md");
  EXPECT_EQ(find(notes, "The number of active ads.").answer,
            "```sql\nSELECT count(*) FROM Ads WHERE status = 'active';\n```");
  const Note& factorial = find(notes, "Factorial. Calculate a factorial of a number");
  EXPECT_TRUE(factorial.answer.starts_with("```python\n# recursion\n"));
  EXPECT_EQ(factorial.category.back(), "Coding");
  // Text before the first bold question stays findable as the heading's own question.
  EXPECT_EQ(find(notes, "Coding").answer, "Write code for the following tasks:");
  // An answer that starts on the line right after the bold question.
  EXPECT_EQ(find(notes, "Attention的计算步骤").answer, "先算相似度，再归一化。");
}

TEST(MarkdownParserTest, BoldQuestionWithAnswerOnTheSameLine) {
  const auto notes =
      MarkdownParser{}.parse("## Basics\n\n**What is AUC?** The area under the ROC curve.\nIt ranks.\n\n**Why?**\n");
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0].question, "What is AUC?");
  EXPECT_EQ(notes[0].answer, " The area under the ROC curve.\nIt ranks.");
  EXPECT_EQ(notes[1].answer, "");
}

TEST(MarkdownParserTest, BoldQuestionWrappedOntoAnIndentedLine) {
  // cmark measures the closing "**" on the indented second line without its leading spaces; the
  // answer must still start right after it, not three bytes early inside "梯度".
  const auto notes = MarkdownParser{}.parse("## DL\n\n**Why does the\n   梯度 vanish?** 链式法则连乘。\n");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].question, "Why does the 梯度 vanish?");
  EXPECT_EQ(notes[0].answer, " 链式法则连乘。");
}

TEST(MarkdownParserTest, BoldQuestionEndsAtItsOwnCloser) {
  // Delimiters after the question belong to the answer: dunder names, a second bold span, and the
  // outer emphasis of a bold-italic question.
  const auto notes = MarkdownParser{}.parse(
      "## Py\n\n**What is X?** use __init__ here\n\n_**Why Y?**_ Y is a thing.\n\n"
      "**What does Python call\n    `__init__`?** The constructor.\n");
  ASSERT_EQ(notes.size(), 3u);
  EXPECT_EQ(notes[0].question, "What is X?");
  EXPECT_EQ(notes[0].answer, " use __init__ here");
  EXPECT_EQ(notes[1].question, "Why Y?");
  EXPECT_EQ(notes[1].answer, " Y is a thing.");
  EXPECT_EQ(notes[2].answer, " The constructor.");
}

TEST(MarkdownParserTest, BoldPointsInsideAHeadingAnswerStayThere) {
  const auto notes = MarkdownParser{}.parse(
      "## BN有什么作用\n\n**1) 加速训练**\n\n收敛更快。\n\n**2) 防止过拟合？**\n\n有正则效果。\n");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_TRUE(contains(notes[0].answer, "**2) 防止过拟合？**"));
}

// ---- pairs ----------------------------------------------------------------------------------

TEST(MarkdownParserTest, QuestionAnswerPairs) {
  const auto notes = parse_fixture("pairs.md");
  EXPECT_EQ(questions(notes), (std::vector<std::string>{
                                  "何时采用正态分布?",
                                  "中心极限定理说了什么？",
                                  "泊松分布描述什么？",
                                  "指数分布和泊松分布的关系？",
                                  "What is a confidence interval?",
                                  "What is a p-value?",
                                  "What is power?",
                              }));
  EXPECT_EQ(notes[0].answer, "当变量是大量独立因素之和时。");
  EXPECT_EQ(notes[0].category, (Path{"概率统计", "分布"}));
  EXPECT_EQ(notes[0].line, 5);
  EXPECT_EQ(notes[1].answer,
            "独立同分布的随机变量之和近似服从正态分布。\n\n公式：$\\bar{X} \\sim N(\\mu, \\sigma^2/n)$");
  EXPECT_EQ(notes[2].answer, "单位时间内随机事件发生的次数。");  // quote markers removed
  EXPECT_EQ(notes[3].answer, "事件间隔服从指数分布。");
  EXPECT_EQ(notes[4].answer, "A range that contains the true value with a given probability.");
  EXPECT_EQ(notes[5].answer, "The probability of data at least this extreme under the null hypothesis.");
  EXPECT_EQ(notes[6].answer, "");
}

// ---- details --------------------------------------------------------------------------------

TEST(MarkdownParserTest, DetailsSummaryQuestions) {
  const auto notes = parse_fixture("details.md");
  ASSERT_EQ(questions(notes), (std::vector<std::string>{"What is the bias-variance tradeoff?",
                                                        "Why do we need a validation set?", "What is precision?"}));
  EXPECT_EQ(notes[0].answer, "Bias is error from wrong assumptions; variance is error from sensitivity to noise.");
  EXPECT_EQ(notes[1].answer,
            "To tune hyperparameters without touching the test set.\n\n```python\ntrain, val = "
            "split(data)\n```");
  // <summary>Answer</summary> wraps the answer of the heading above it.
  EXPECT_TRUE(contains(notes[2].answer, "TP / (TP + FP)"));
}

// ---- tagged list items ----------------------------------------------------------------------

TEST(MarkdownParserTest, TaggedListItems) {
  const auto notes = parse_fixture("tagged_list.md");
  ASSERT_EQ(notes.size(), 3u);
  EXPECT_EQ(notes[0].question, "What's the geometric interpretation of the dot product of two vectors?");
  EXPECT_EQ(notes[0].category, (Path{"Math", "Vectors", "Dot product"}));
  EXPECT_EQ(notes[0].answer, "");
  EXPECT_EQ(notes[1].answer, "Take $$v = u / \\|u\\|$$.");
  EXPECT_EQ(notes[2].question, "Find $$x$$ such that: $$Ax = b$$.");
  EXPECT_EQ(notes[2].category, (Path{"Math", "Vectors"}));
  EXPECT_EQ(notes[2].line, 10);
}

// ---- empty answers --------------------------------------------------------------------------

TEST(MarkdownParserTest, EmptyAnswersAreKept) {
  const auto notes = parse_fixture("empty_answers.md");
  ASSERT_EQ(notes.size(), 5u);
  EXPECT_EQ(find(notes, "What is dropout?").answer, "");              // - [ ] TODO
  EXPECT_EQ(find(notes, "What is batch normalization?").answer, "");  // next heading follows
  EXPECT_EQ(find(notes, "Why does ResNet work?").answer, "");         // "Answer here"
  EXPECT_EQ(find(notes, "What is weight decay?").answer, "L2 penalty on the weights.");
  EXPECT_EQ(find(notes, "What is label smoothing?").answer, "");  // end of file
}

TEST(MarkdownParserTest, EmptyInputGivesNothing) {
  EXPECT_TRUE(MarkdownParser{}.parse("").empty());
  EXPECT_TRUE(MarkdownParser{}.parse("just a paragraph\n\nand another").empty());
}

TEST(MarkdownParserTest, ParsesConcurrently) {
  const std::string seed = read_bytes(std::string(QABOT_SOURCE_DIR) + "/data/interview-notes.md");
  std::vector<std::size_t> counts(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < counts.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) counts[t] = MarkdownParser{}.parse(seed).size();
    });
  }
  for (auto& th : threads) th.join();
  for (std::size_t c : counts) EXPECT_EQ(c, 24u);
}

// Index pages (a heading over a list of links, rows of links, labels above them) lead elsewhere and
// answer nothing; a question whose answer holds a link stays a question.
TEST(MarkdownParserTest, IndexPagesAreNotQuestions) {
  const auto notes = MarkdownParser{}.parse(
      "## 面试准备\n\n- [Java 后端面试通关计划](./plan.md) (一定要看 :+1:)\n- [如何高效准备 Java 面试？](./prep.md)\n\n"
      "## Java\n\n### 基础\n\n**知识点/面试题总结** : (必看:+1: )：\n\n- [Java 基础(上)](./a.md)\n- [Java "
      "基础(下)](./b.md)\n\n"
      "[HashMap](./h.md) | [ConcurrentHashMap](./c.md)\n\n"
      "### 什么是值传递？\n\nJava 只有值传递，详见 [这里](./v.md)。\n");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].question, "什么是值传递？");
  EXPECT_EQ(notes[0].category, (std::vector<std::string>{"Java"}));
}

// A question answered by points that each start with a link is answered, not an index page.
TEST(MarkdownParserTest, LinkLedPointsStillAnswer) {
  const auto notes = MarkdownParser{}.parse(
      "## HashMap 和 Hashtable 的区别\n\n"
      "- [HashMap](h.md) 线程不安全，允许一个 null 键和多个 null 值，扩容时容量翻倍，默认初始容量 16，负载因子 "
      "0.75，适合单线程场景使用。\n"
      "- [Hashtable](t.md) 线程安全，方法都加了 synchronized，不允许 null 键值，已经基本被 ConcurrentHashMap "
      "取代，新代码里不建议再使用它。\n");
  ASSERT_EQ(notes.size(), 1u);
  // Only pointers elsewhere, even under a question: those notes answer, this one does not.
  EXPECT_TRUE(MarkdownParser{}.parse("## 深度分页如何优化？\n\n[深度分页详解](../deep-pagination.md)\n").empty());
}

// ---- Obsidian and VuePress dialects ------------------------------------------------------------

TEST(MarkdownParserTest, ObsidianCalloutsAreQuestionsAndWikilinksText) {
  const auto notes = parse_fixture("obsidian.md");
  EXPECT_EQ(questions(notes), (std::vector<std::string>{"线程池的核心参数有哪些？", "What volatile guarantees", "锁"}));
  const Note& pool = find(notes, "线程池的核心参数有哪些？");
  EXPECT_EQ(pool.category, (Path{"并发", "线程池"}));
  EXPECT_TRUE(contains(pool.answer, "见 执行器。")) << pool.answer;  // [[target|alias]] shows the alias
  EXPECT_TRUE(contains(pool.answer, "拒绝策略")) << pool.answer;     // later paragraphs stay in the answer
  EXPECT_FALSE(contains(pool.answer, "[!")) << pool.answer;
  EXPECT_FALSE(contains(pool.answer, "小结")) << pool.answer;  // the next callout is not this answer
  const Note& volatile_note = find(notes, "What volatile guarantees");
  EXPECT_TRUE(contains(volatile_note.answer, "See Java 内存模型 › happens-before.")) << volatile_note.answer;
  const Note& lock = find(notes, "锁");
  EXPECT_TRUE(contains(lock.answer, "![lock-states.png](<lock-states.png>)")) << lock.answer;
  EXPECT_TRUE(contains(lock.answer, "细节见 锁升级。")) << lock.answer;
  EXPECT_TRUE(contains(lock.answer, "`[[not a link]]`")) << lock.answer;  // code is never rewritten
  EXPECT_TRUE(contains(lock.answer, "grid = [[1, 2], [3, 4]]")) << lock.answer;
  EXPECT_EQ(lock.line, 16);  // the rewrite keeps every line where it was
}

TEST(MarkdownParserTest, VuePressContainersAreAsidesNotColons) {
  const auto decoded = TextDecoder{}.decode(read_bytes(std::string(QABOT_FIXTURES_DIR) + "/notes/vuepress.md"));
  const auto parsed = MarkdownParser{}.parse_file(decoded.text, "vuepress");
  std::vector<std::string> shown;
  for (const Note& n : parsed.notes) shown.push_back(n.question);
  EXPECT_TRUE(std::find(shown.begin(), shown.end(), "Redis 为什么快？") != shown.end());
  EXPECT_TRUE(std::find(shown.begin(), shown.end(), "缓存穿透怎么解决？") != shown.end());
  for (const Note& n : parsed.notes) {
    EXPECT_FALSE(contains(n.answer, ":::")) << n.question << ": " << n.answer;
    EXPECT_FALSE(contains(n.question, ":::")) << n.question;
  }
  const Note& fast = find(parsed.notes, "Redis 为什么快？");
  EXPECT_TRUE(contains(fast.answer, "> **Warning**\n> 单线程只指命令执行。")) << fast.answer;
  EXPECT_TRUE(contains(fast.answer, "![](./images/redis.png)")) << fast.answer;  // layout container unwrapped
  EXPECT_FALSE(contains(fast.answer, "> ![](")) << fast.answer;
  const Note& penetration = find(parsed.notes, "缓存穿透怎么解决？");
  EXPECT_TRUE(contains(penetration.answer, "> **代码示例**\n> ```java")) << penetration.answer;
  EXPECT_TRUE(contains(penetration.answer, "布隆过滤器")) << penetration.answer;
}
