// Writes a synthetic question bank of N questions as markdown files, reproducibly (fixed seed).
// Questions and answers are composed from a mixed Chinese/English interview vocabulary drawn with
// Zipf-like frequencies, in the shapes real notes use (heading questions under category headings),
// so index size, vocabulary growth and posting-list lengths behave like a large real bank.
//
//   generate_bank --questions 100000 --out /tmp/bank100k [--seed 42] [--per-file 1000]
//   generate_bank --queries 5000 --seed 7 > queries.txt   (query mix for load tests)

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

// A table laid out by hand:
// clang-format off
const std::vector<std::string> kTopics = {
    "过拟合", "欠拟合", "梯度消失", "梯度爆炸", "批归一化", "BN", "LayerNorm", "dropout", "正则化", "L1正则", "L2正则",
    "激活函数", "ReLU", "Sigmoid", "tanh", "GELU", "softmax", "交叉熵", "损失函数", "focal loss", "学习率", "Adam",
    "SGD", "动量", "优化器", "反向传播", "卷积", "池化", "max pooling", "感受野", "残差连接", "ResNet", "VGG",
    "Inception", "MobileNet", "注意力机制", "self-attention", "Transformer", "BERT", "GPT", "LSTM", "GRU", "RNN",
    "CNN", "词向量", "word2vec", "embedding", "编码器", "解码器", "GAN", "VAE", "扩散模型", "目标检测", "YOLO",
    "Faster R-CNN", "锚框", "NMS", "IoU", "mAP", "语义分割", "U-Net", "数据增强", "迁移学习", "微调", "知识蒸馏",
    "剪枝", "量化", "精确率", "召回率", "F1", "AUC", "ROC曲线", "混淆矩阵", "决策树", "随机森林", "GBDT", "XGBoost",
    "SVM", "核函数", "逻辑回归", "线性回归", "朴素贝叶斯", "KNN", "K-means", "PCA", "特征工程", "特征选择",
    "交叉验证", "偏差", "方差", "数据不均衡", "过采样", "欠采样", "最大似然", "贝叶斯", "假设检验", "p值", "正态分布",
    "GIL", "装饰器", "生成器", "迭代器", "深拷贝", "浅拷贝", "闭包", "lambda", "列表推导式", "垃圾回收", "多线程",
    "多进程", "协程", "进程", "线程", "死锁", "哈希表", "二叉树", "快速排序", "堆排序", "动态规划", "时间复杂度",
    "TCP", "UDP", "HTTP", "三次握手", "索引", "事务", "SQL join", "Batch Size", "epoch", "early stopping",
    "weight decay", "label smoothing", "mixup", "cosine annealing", "warmup", "gradient clipping", "batch norm",
    "group norm", "depthwise卷积", "1x1卷积", "空洞卷积", "转置卷积", "上采样", "下采样", "特征金字塔", "FPN",
    "位置编码", "多头注意力", "掩码", "beam search", "teacher forcing", "perplexity", "BLEU", "tokenizer", "BPE"};
// clang-format on

const std::vector<std::string> kTemplates = {"{}有什么作用",
                                             "{}的原理是什么",
                                             "如何理解{}",
                                             "{}和{}的区别",
                                             "为什么要使用{}",
                                             "{}的优缺点",
                                             "{}怎么实现",
                                             "介绍一下{}",
                                             "{}解决了什么问题",
                                             "What is {}?",
                                             "Explain {} and when to use it",
                                             "How does {} work?",
                                             "{} vs {}: which is better?",
                                             "{}在什么场景下使用",
                                             "{}的计算过程",
                                             "讲讲{}与{}的联系"};

const std::vector<std::string> kFiller = {
    "可以",     "通过", "使得",  "模型",     "训练",      "数据",     "参数",  "计算",    "网络",   "输入",
    "输出",     "特征", "结果",  "方法",     "问题",      "效果",     "提升",  "降低",    "增加",   "减少",
    "因为",     "所以", "但是",  "同时",     "其中",      "主要",     "一般",  "需要",    "the",    "model",
    "training", "data", "which", "can",      "reduce",    "improve",  "layer", "output",  "input",  "when",
    "because",  "each", "value", "function", "parameter", "gradient", "loss",  "weights", "faster", "memory"};

class Zipf {
 public:
  Zipf(std::size_t n, double s) {
    double total = 0;
    for (std::size_t k = 1; k <= n; ++k) cdf_.push_back(total += 1.0 / std::pow(static_cast<double>(k), s));
    for (auto& c : cdf_) c /= total;
  }
  std::size_t operator()(std::mt19937_64& rng) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<std::size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

std::string fill(const std::string& tmpl, const std::string& a, const std::string& b) {
  std::string out = tmpl;
  if (auto p = out.find("{}"); p != std::string::npos) out.replace(p, 2, a);
  if (auto p = out.find("{}"); p != std::string::npos) out.replace(p, 2, b);
  return out;
}

// Real banks name thousands of distinct things (models, papers, APIs); a bank of N questions gets
// about N/5 topics: the real ones above as the head of the Zipf curve, then synthetic Chinese and
// English terms built from syllables, so posting lists shrink down the tail as they do in practice.
std::vector<std::string> make_topics(std::size_t questions, std::uint64_t seed) {
  static const char* han[] = {"卷", "积", "池", "化", "残", "差", "注", "意", "力", "编", "码", "解", "归", "一", "损",
                              "失", "梯", "度", "优", "器", "特", "征", "融", "合", "检", "测", "分", "割", "对", "齐",
                              "蒸", "馏", "量", "剪", "枝", "采", "样", "增", "强", "预", "训", "练", "微", "调", "词",
                              "向", "嵌", "入", "门", "控", "循", "环", "图", "谱", "聚", "类", "回", "归", "树", "林"};
  static const char* syl[] = {"ka",  "ro",  "mi",  "net", "tra", "lex", "vo",  "zen", "dia", "qua", "bo",  "sig",
                              "ten", "flo", "gra", "pix", "nor", "mal", "ati", "con", "dec", "res", "den", "ser"};
  std::mt19937_64 rng(seed ^ 0x5eed);
  std::vector<std::string> topics = kTopics;
  const std::size_t want = std::max(topics.size(), questions / 5);
  while (topics.size() < want) {
    std::string t;
    if (rng() % 2) {
      const int n = 2 + static_cast<int>(rng() % 3);
      for (int i = 0; i < n; ++i) t += han[rng() % std::size(han)];
    } else {
      const int n = 2 + static_cast<int>(rng() % 2);
      for (int i = 0; i < n; ++i) t += syl[rng() % std::size(syl)];
      if (rng() % 3 == 0) t += std::to_string(rng() % 200);
    }
    topics.push_back(std::move(t));
  }
  return topics;
}

struct Generator {
  std::mt19937_64 rng;
  std::vector<std::string> topics;
  Zipf topic;
  Zipf filler{kFiller.size(), 1.1};
  Generator(std::uint64_t seed, std::size_t questions)
      : rng(seed), topics(make_topics(questions, seed)), topic(topics.size(), 1.0) {}

  const std::string& pick_topic() { return topics[topic(rng)]; }
  std::string question() {
    const auto& t = kTemplates[std::uniform_int_distribution<std::size_t>(0, kTemplates.size() - 1)(rng)];
    return fill(t, pick_topic(), pick_topic());
  }
  std::string answer(std::size_t serial) {
    std::string out;
    const int sentences = std::uniform_int_distribution<int>(2, 8)(rng);
    for (int s = 0; s < sentences; ++s) {
      const int words = std::uniform_int_distribution<int>(6, 18)(rng);
      for (int w = 0; w < words; ++w) {
        if (w % 5 == 2) out += pick_topic();
        else out += kFiller[filler(rng)];
        if (w % 3 == 0) out += ' ';
      }
      out += s % 3 == 2 ? "。\n\n" : "；";
    }
    // A rare identifier per question keeps the vocabulary growing with the bank, as real notes do.
    out += "\n参考实现 impl" + std::to_string(serial % 50000) + "。\n";
    return out;
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Generate a synthetic qabot question bank"};
  std::size_t questions = 0, queries = 0, per_file = 1000, bank_size = 100000;
  std::uint64_t seed = 42;
  std::filesystem::path out;
  app.add_option("--questions", questions, "Questions to write");
  app.add_option("--queries", queries, "Instead: print this many queries, one per line");
  app.add_option("--out", out, "Output directory");
  app.add_option("--bank-size", bank_size, "With --queries: the bank size whose vocabulary to draw from")
      ->capture_default_str();
  app.add_option("--seed", seed)->capture_default_str();
  app.add_option("--per-file", per_file)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  // Queries are drawn over the topic vocabulary of a bank of the given size (default: 100k).
  Generator g(seed, questions > 0 ? questions : bank_size);
  if (queries > 0) {
    for (std::size_t i = 0; i < queries; ++i) std::cout << g.question() << "\n";
    return 0;
  }
  if (questions == 0 || out.empty()) {
    std::cerr << "need --questions N --out DIR (or --queries N)\n";
    return 2;
  }
  std::filesystem::create_directories(out);
  std::ofstream file;
  for (std::size_t i = 0; i < questions; ++i) {
    if (i % per_file == 0) {
      file.close();
      char name[64];
      std::snprintf(name, sizeof name, "part-%05zu.md", i / per_file);
      file.open(out / name);
      file << "# 面试题 " << i / per_file << "\n\n";
    }
    if (i % 20 == 0) file << "## " << g.pick_topic() << " 专题 " << i / 20 << "\n\n";
    file << "### " << g.question() << "\n\n" << g.answer(i) << "\n";
  }
  return 0;
}
