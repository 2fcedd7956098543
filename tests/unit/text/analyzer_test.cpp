// Table tests in the style of SQLite's fts5_test_tok.c: every token becomes a (term, start, end,
// position) row, positions rebuilt from the colocated flag, and whole tables are compared.

#include "text/analyzer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace qabot::text {
namespace {

struct Row {
  std::string term;
  int start = 0;
  int end = 0;
  int position = 0;
  bool operator==(const Row&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Row& row) {
  return os << "{\"" << row.term << "\", " << row.start << ", " << row.end << ", " << row.position << "}";
}

// Building the Traditional→Simplified table costs tens of milliseconds: one analyzer per binary.
Analyzer& analyzer() {
  static Analyzer instance;
  return instance;
}

std::vector<Row> rows(std::string_view text) {
  std::vector<Row> result;
  int position = -1;
  for (const Token& token : analyzer().analyze(text)) {
    if (!token.colocated) ++position;
    result.push_back({token.term, token.start, token.end, position});
  }
  return result;
}

std::vector<std::string> terms(std::string_view text) {
  std::vector<std::string> result;
  for (const Token& token : analyzer().analyze(text)) result.push_back(token.term);
  return result;
}

std::set<std::string> term_set(std::string_view text) {
  const std::vector<std::string> all = terms(text);
  return {all.begin(), all.end()};
}

bool has_term(std::string_view text, const std::string& term) { return term_set(text).count(term) > 0; }

std::vector<TokenKind> kinds(std::string_view text) {
  std::vector<TokenKind> result;
  for (const Token& token : analyzer().analyze(text)) result.push_back(token.kind);
  return result;
}

// ---- normalisation -------------------------------------------------------------------------

TEST(AnalyzerTest, EmptyInputHasNoTokens) {
  EXPECT_TRUE(rows("").empty());
  EXPECT_TRUE(rows(" \t\n，。!?").empty());
}

TEST(AnalyzerTest, FoldsFullWidthLatin) {
  EXPECT_EQ(rows("ＢＮ"), (std::vector<Row>{{"bn", 0, 6, 0}}));
  EXPECT_EQ(terms("ＢＮ层"), terms("BN层"));
}

TEST(AnalyzerTest, FoldsFullWidthCamelCase) {
  EXPECT_EQ(rows("ＲｅＬＵ"), (std::vector<Row>{{"re", 0, 6, 0}, {"relu", 0, 12, 0}, {"lu", 6, 12, 1}}));
  EXPECT_TRUE(has_term("ReLU", "relu"));
  EXPECT_EQ(terms("relu"), std::vector<std::string>{"relu"});
}

TEST(AnalyzerTest, NormalizeFoldsSimplifiesAndDropsInvisibles) {
  EXPECT_EQ(analyzer().normalize("過擬合怎麼辦\u200B ＢＮ\u00A0ＲｅＬＵ\u3000x\u2060y\uFEFF"),
            "过拟合怎么办 bn relu xy");
  EXPECT_EQ(analyzer().normalize(""), "");
}

TEST(AnalyzerTest, TraditionalBecomesSimplifiedWithOriginalOffsets) {
  EXPECT_EQ(rows("過擬合"), (std::vector<Row>{{"过拟", 0, 6, 0}, {"拟合", 3, 9, 1}, {"合", 6, 9, 2}}));
  EXPECT_EQ(terms("過擬合怎麼辦"), terms("过拟合怎么办"));
}

TEST(AnalyzerTest, ZeroWidthCharactersAreDroppedButKeepOffsets) {
  EXPECT_EQ(rows("re\u200Blu"), (std::vector<Row>{{"relu", 0, 7, 0}}));
  EXPECT_EQ(rows("过\u200D拟"), (std::vector<Row>{{"过拟", 0, 9, 0}, {"拟", 6, 9, 1}}));
  EXPECT_EQ(rows("\uFEFFbn"), (std::vector<Row>{{"bn", 3, 5, 0}}));
}

TEST(AnalyzerTest, NonBreakingAndIdeographicSpacesSeparate) {
  EXPECT_EQ(rows("bn\u00A0ln"), (std::vector<Row>{{"bn", 0, 2, 0}, {"bnln", 0, 6, 0}, {"ln", 4, 6, 1}}));
  EXPECT_EQ(rows("过\u3000拟"), (std::vector<Row>{{"过", 0, 3, 0}, {"拟", 6, 9, 1}}));
}

TEST(AnalyzerTest, CombiningMarksComposeAndSpanTheirBytes) {
  EXPECT_EQ(rows("cafe\u0301"), (std::vector<Row>{{"café", 0, 6, 0}}));
  EXPECT_EQ(terms("cafe\u0301"), terms("café"));
}

TEST(AnalyzerTest, InvalidUtf8OnlySeparates) {
  EXPECT_EQ(rows("ab\xFF cd"), (std::vector<Row>{{"ab", 0, 2, 0}, {"cd", 4, 6, 1}}));
  EXPECT_EQ(rows("\xE8\xBF"), std::vector<Row>{});  // truncated sequence
}

// ---- Han -----------------------------------------------------------------------------------

// One token per position: the bigram starting there, and the last character alone. A query for
// one character is a prefix query (pre_analyzed_string), so it still finds 拟 inside 过拟合.
TEST(AnalyzerTest, HanRunGetsBigramsAndItsLastCharacter) {
  EXPECT_EQ(rows("过拟合怎么办"), (std::vector<Row>{{"过拟", 0, 6, 0},
                                                    {"拟合", 3, 9, 1},
                                                    {"合怎", 6, 12, 2},
                                                    {"怎么", 9, 15, 3},
                                                    {"么办", 12, 18, 4},
                                                    {"办", 15, 18, 5}}));
  EXPECT_EQ(kinds("过拟合"),
            (std::vector<TokenKind>{TokenKind::CjkBigram, TokenKind::CjkBigram, TokenKind::CjkUnigram}));
  for (const Token& t : analyzer().analyze("过拟合怎么办")) EXPECT_FALSE(t.colocated) << t.term;
}

TEST(AnalyzerTest, SingleHanCharacterIsAUnigram) {
  EXPECT_EQ(rows("哪"), (std::vector<Row>{{"哪", 0, 3, 0}}));
  EXPECT_EQ(kinds("哪"), std::vector<TokenKind>{TokenKind::CjkUnigram});
}

TEST(AnalyzerTest, PunctuationEndsAHanRun) {
  EXPECT_EQ(rows("加速，防止"),
            (std::vector<Row>{{"加速", 0, 6, 0}, {"速", 3, 6, 1}, {"防止", 9, 15, 2}, {"止", 12, 15, 3}}));
}

TEST(AnalyzerTest, KanaJoinsTheCjkRun) { EXPECT_EQ(terms("データ"), (std::vector<std::string>{"デー", "ータ", "タ"})); }

// ---- mixed scripts -------------------------------------------------------------------------

TEST(AnalyzerTest, SplitsLatinInsideHan) {
  EXPECT_EQ(rows("激活函数relu不好在哪"), (std::vector<Row>{{"激活", 0, 6, 0},
                                                            {"活函", 3, 9, 1},
                                                            {"函数", 6, 12, 2},
                                                            {"数", 9, 12, 3},
                                                            {"relu", 12, 16, 4},
                                                            {"不好", 16, 22, 5},
                                                            {"好在", 19, 25, 6},
                                                            {"在哪", 22, 28, 7},
                                                            {"哪", 25, 28, 8}}));
}

TEST(AnalyzerTest, SplitsOperatorInsideHan) {
  EXPECT_EQ(rows("is与==的不同"), (std::vector<Row>{{"is", 0, 2, 0},
                                                    {"与", 2, 5, 1},
                                                    {"==", 5, 7, 2},
                                                    {"的不", 7, 13, 3},
                                                    {"不同", 10, 16, 4},
                                                    {"同", 13, 16, 5}}));
}

TEST(AnalyzerTest, SplitsAcronymBeforeHan) {
  const std::vector<Row> got = rows("BN有什么作用");
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got[0], (Row{"bn", 0, 2, 0}));
  EXPECT_EQ(got[1], (Row{"有什", 2, 8, 1}));
}

// ---- Latin words ---------------------------------------------------------------------------

TEST(AnalyzerTest, StemsEnglishWords) {
  EXPECT_EQ(rows("Normalization"), (std::vector<Row>{{"normal", 0, 13, 0}}));
  EXPECT_EQ(rows("layers"), (std::vector<Row>{{"layer", 0, 6, 0}}));
  EXPECT_EQ(terms("pooling"), terms("Pooling"));
}

TEST(AnalyzerTest, KeepsAlphanumericsWholeAndUnstemmed) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"F1", "f1"}, {"L2", "l2"}, {"1x1", "1x1"}, {"0.5", "0.5"}, {"v1.2.3", "v1.2.3"}, {"3", "3"}, {"Ｆ１", "f1"}};
  for (const auto& [input, term] : cases) {
    const std::vector<Row> got = rows(input);
    ASSERT_EQ(got.size(), 1u) << input;
    EXPECT_EQ(got[0], (Row{term, 0, static_cast<int>(input.size()), 0})) << input;
  }
}

TEST(AnalyzerTest, SizesWithAMultiplicationSignAreOneToken) {
  // Notes write 3×3, 3*3 or LaTeX; users type 3x3. The token spans the whole size.
  const std::vector<std::string> spellings = {"3x3", "3×3", "3*3", "3 * 3", "3 × 3", "3\\times3", "3 \\times 3"};
  for (const auto& s : spellings)
    EXPECT_EQ(rows(s), (std::vector<Row>{{"3x3", 0, static_cast<int>(s.size()), 0}})) << s;
  EXPECT_EQ(terms("$1\\times1$卷积"), (std::vector<std::string>{"1x1", "卷积", "积"}));
  EXPECT_EQ(terms("224×224的输入"), terms("224x224的输入"));
  // Not a size: a power, a sign without a digit on both sides, \times inside a longer command.
  EXPECT_EQ(terms("2**3"), (std::vector<std::string>{"2", "**", "3"}));
  EXPECT_EQ(terms("3 * x"), (std::vector<std::string>{"3", "x"}));
  EXPECT_EQ(terms("a*3"), (std::vector<std::string>{"a", "3"}));
  EXPECT_EQ(terms("3\\timesx 3"), terms("3 timesx 3"));
}

TEST(AnalyzerTest, LettersThenDigitsAlsoCarryTheLetters) {
  EXPECT_EQ(rows("ResNet50"), (std::vector<Row>{{"resnet50", 0, 8, 0}, {"resnet", 0, 8, 0}}));
  EXPECT_EQ(rows("VGG16"), (std::vector<Row>{{"vgg16", 0, 5, 0}, {"vgg", 0, 5, 0}}));
  EXPECT_EQ(terms("ResNet50"), terms("resnet50"));
}

TEST(AnalyzerTest, KeepsLanguageNamesWithSymbols) {
  EXPECT_EQ(rows("C++"), (std::vector<Row>{{"c++", 0, 3, 0}}));
  EXPECT_EQ(rows("C#"), (std::vector<Row>{{"c#", 0, 2, 0}}));
  EXPECT_EQ(rows("c++11"), (std::vector<Row>{{"c++11", 0, 5, 0}, {"c++", 0, 5, 0}}));
  EXPECT_EQ(rows("C++和Python"), (std::vector<Row>{{"c++", 0, 3, 0}, {"和", 3, 6, 1}, {"python", 6, 12, 2}}));
}

TEST(AnalyzerTest, TellsPostfixFromPrefixIncrement) {
  EXPECT_EQ(rows("i++和++i"), (std::vector<Row>{{"i++", 0, 3, 0}, {"和", 3, 6, 1}, {"++", 6, 8, 2}, {"i", 8, 9, 3}}));
}

TEST(AnalyzerTest, SplitsHyphenatedAlphanumerics) {
  EXPECT_EQ(rows("x86-64"), (std::vector<Row>{{"x86", 0, 3, 0}, {"x8664", 0, 6, 0}, {"64", 4, 6, 1}}));
  EXPECT_TRUE(has_term("ResNet-50", "resnet50"));
}

TEST(AnalyzerTest, ApostrophesJoinWords) {
  EXPECT_EQ(rows("don't"), (std::vector<Row>{{"dont", 0, 5, 0}}));
  EXPECT_EQ(rows("model's"), (std::vector<Row>{{"model", 0, 7, 0}}));
  EXPECT_EQ(terms("model’s"), terms("model's"));
}

// ---- identifiers and compounds --------------------------------------------------------------

TEST(AnalyzerTest, SplitsSnakeCaseWithCompound) {
  EXPECT_EQ(rows("Batch_Size"), (std::vector<Row>{{"batch", 0, 5, 0}, {"batchsiz", 0, 10, 0}, {"size", 6, 10, 1}}));
}

TEST(AnalyzerTest, SplitsHyphenatedWordsWithCompound) {
  EXPECT_EQ(rows("cross-validation"),
            (std::vector<Row>{{"cross", 0, 5, 0}, {"crossvalid", 0, 16, 0}, {"valid", 6, 16, 1}}));
}

TEST(AnalyzerTest, SplitsCamelCaseWithCompound) {
  EXPECT_EQ(rows("ResNet"), (std::vector<Row>{{"res", 0, 3, 0}, {"resnet", 0, 6, 0}, {"net", 3, 6, 1}}));
  EXPECT_EQ(rows("maxPooling"), (std::vector<Row>{{"max", 0, 3, 0}, {"maxpool", 0, 10, 0}, {"pool", 3, 10, 1}}));
  EXPECT_EQ(rows("HTTPServer"), (std::vector<Row>{{"http", 0, 4, 0}, {"httpserver", 0, 10, 0}, {"server", 4, 10, 1}}));
}

TEST(AnalyzerTest, CamelCaseKeepsShortHumpsWhole) {
  EXPECT_EQ(rows("iPhone"), (std::vector<Row>{{"iphon", 0, 6, 0}}));
  EXPECT_EQ(rows("IoU"), (std::vector<Row>{{"iou", 0, 3, 0}}));
  EXPECT_EQ(rows("mAP"), (std::vector<Row>{{"map", 0, 3, 0}}));
}

TEST(AnalyzerTest, CompoundSpellingsShareATerm) {
  for (const char* spelling : {"Batch_Size", "batch size", "batchsize", "BatchSize", "batch-size", "BATCH_SIZE"}) {
    EXPECT_TRUE(has_term(spelling, "batchsiz")) << spelling;
  }
  for (const char* spelling : {"cross-validation", "cross validation", "crossvalidation", "cross_validation"}) {
    EXPECT_TRUE(has_term(spelling, "crossvalid")) << spelling;
  }
  EXPECT_TRUE(has_term("max pooling", "maxpool"));
  EXPECT_TRUE(has_term("maxPooling", "maxpool"));
}

TEST(AnalyzerTest, AdjacentWordsGetAPairCompound) {
  EXPECT_EQ(rows("batch size"), (std::vector<Row>{{"batch", 0, 5, 0}, {"batchsiz", 0, 10, 0}, {"size", 6, 10, 1}}));
}

TEST(AnalyzerTest, PairCompoundsJoinOnlyTwoWords) {
  EXPECT_EQ(rows("max pooling layer"), (std::vector<Row>{{"max", 0, 3, 0},
                                                         {"maxpool", 0, 11, 0},
                                                         {"pool", 4, 11, 1},
                                                         {"poolinglay", 4, 17, 1},
                                                         {"layer", 12, 17, 2}}));
}

TEST(AnalyzerTest, PunctuationAndFunctionWordsBlockPairCompounds) {
  EXPECT_EQ(terms("batch, size"), (std::vector<std::string>{"batch", "size"}));
  EXPECT_EQ(terms("size of the batch"), (std::vector<std::string>{"size", "of", "the", "batch"}));
  EXPECT_EQ(terms("Batch_Size value"), (std::vector<std::string>{"batch", "batchsiz", "size", "valu"}));
  EXPECT_EQ(terms("batch和size"), (std::vector<std::string>{"batch", "和", "size"}));
}

TEST(AnalyzerTest, PluralAcronymsLoseTheirS) {
  EXPECT_EQ(rows("LSTMs"), (std::vector<Row>{{"lstm", 0, 5, 0}}));
  EXPECT_EQ(rows("ＬＳＴＭｓ"), (std::vector<Row>{{"lstm", 0, 15, 0}}));
  EXPECT_EQ(terms("CNNs"), std::vector<std::string>{"cnn"});
  EXPECT_EQ(terms("GRUs"), std::vector<std::string>{"gru"});
  EXPECT_EQ(terms("Is"), std::vector<std::string>{"is"});
  EXPECT_EQ(terms("stackedLSTMs"), (std::vector<std::string>{"stack", "stackedlstm", "lstm"}));
}

// ---- symbols -------------------------------------------------------------------------------

TEST(AnalyzerTest, OperatorsAreSymbolTokens) {
  for (const char* op : {"==", "!=", "+=", "-=", "->", "::", "**",  "//", "<=", ">=",
                         "<<", ">>", "&&", "||", "@",  "%",  "===", "=>", "&",  "^"}) {
    const std::string text = std::string("a ") + op + " b";
    const int end = 2 + static_cast<int>(std::string_view(op).size());
    EXPECT_EQ(rows(text), (std::vector<Row>{{"a", 0, 1, 0}, {op, 2, end, 1}, {"b", end + 1, end + 2, 2}})) << op;
  }
  EXPECT_EQ(kinds("=="), std::vector<TokenKind>{TokenKind::Symbol});
}

TEST(AnalyzerTest, OperatorsNeedNoSpaces) {
  EXPECT_EQ(terms("a->b"), (std::vector<std::string>{"a", "->", "b"}));
  EXPECT_EQ(terms("std::vector"), (std::vector<std::string>{"std", "::", "vector"}));
  EXPECT_EQ(terms("x<<=2"), (std::vector<std::string>{"x", "<<=", "2"}));
  EXPECT_EQ(rows("a＝＝b"), (std::vector<Row>{{"a", 0, 1, 0}, {"==", 1, 7, 1}, {"b", 7, 8, 2}}));
}

TEST(AnalyzerTest, OrdinaryPunctuationIsNotAToken) {
  EXPECT_EQ(terms("(a), [b]; {c}! \"d\"? 'e' / f = g * h - i . j ~ k #"),
            (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}));
  EXPECT_TRUE(terms("。，、；：？！“”（）《》【】").empty());
}

TEST(AnalyzerTest, MarkdownRulesAreNotSymbols) { EXPECT_TRUE(terms("====\n****\n-----\n////").empty()); }

// ---- invariants ----------------------------------------------------------------------------

std::string read_notes() {
  std::ifstream in(std::string(QABOT_SOURCE_DIR) + "/data/interview-notes.md", std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool is_char_boundary(const std::string& text, int offset) {
  return offset == static_cast<int>(text.size()) ||
         (static_cast<unsigned char>(text[static_cast<std::size_t>(offset)]) & 0xC0) != 0x80;
}

TEST(AnalyzerTest, TokensOfTheBundledNotesAreWellFormed) {
  const std::string notes = read_notes();
  ASSERT_FALSE(notes.empty());
  const std::string text = notes + "\n過擬合 ＲｅＬＵ\u200B Batch_Size LSTMs x86-64 c++11 a==b";
  const std::vector<Token> tokens = analyzer().analyze(text);
  ASSERT_FALSE(tokens.empty());
  EXPECT_FALSE(tokens.front().colocated);
  std::set<std::string> group;
  for (const Token& token : tokens) {
    if (!token.colocated) group.clear();
    EXPECT_TRUE(group.insert(token.term).second) << "duplicate at one position: " << token.term;
    EXPECT_FALSE(token.term.empty());
    EXPECT_LE(0, token.start);
    EXPECT_LT(token.start, token.end) << token.term;
    EXPECT_LE(token.end, static_cast<int>(text.size()));
    EXPECT_TRUE(is_char_boundary(text, token.start)) << token.term;
    EXPECT_TRUE(is_char_boundary(text, token.end)) << token.term;
  }
}

TEST(AnalyzerTest, TellsCjkTermsFromOthers) {
  EXPECT_TRUE(is_cjk_character("树"));
  EXPECT_FALSE(is_cjk_character("树模"));
  EXPECT_TRUE(is_cjk_term("树模"));
  EXPECT_TRUE(is_cjk_term("デー"));
  for (const char* other : {"", "relu", "==", "é", "×", "\xE6"}) {
    EXPECT_FALSE(is_cjk_character(other)) << other;
    EXPECT_FALSE(is_cjk_term(other)) << other;
  }
}

TEST(AnalyzerTest, AnalyzerIsMovable) {
  Analyzer first;
  Analyzer second(std::move(first));
  EXPECT_EQ(second.analyze("BN")[0].term, "bn");
  Analyzer third;
  third = std::move(second);
  EXPECT_EQ(third.normalize("ＢＮ"), "bn");
}

}  // namespace
}  // namespace qabot::text
