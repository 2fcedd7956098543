// The "qabot" FTS5 tokenizer against a real in-memory SQLite: MATCH behaviour through SQL, and the
// tokenizer contract (flags, early stop, arguments) through the fts5_api directly.

#include "text/fts5_tokenizer.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sqlite/database.hpp"
#include "sqlite/fts5.hpp"

namespace qabot::text {
namespace {

class Fts5TokenizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api_ = sqlite::fts5_of(database_);
    ASSERT_NE(api_, nullptr);
    ASSERT_EQ(register_fts5_tokenizer(api_), SQLITE_OK);
    ASSERT_EQ(exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='qabot')"), SQLITE_OK);
  }

  int exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    sqlite3_free(error);
    return rc;
  }

  std::int64_t insert(std::string_view text) {
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, "INSERT INTO t(x) VALUES (?1)", -1, &statement, nullptr), SQLITE_OK);
    sqlite3_bind_text(statement, 1, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(statement), SQLITE_DONE);
    sqlite3_finalize(statement);
    return sqlite3_last_insert_rowid(db_);
  }

  // Rows matching an FTS5 query, or {-1} when the query fails.
  std::vector<std::int64_t> match(std::string_view query) {
    sqlite3_stmt* statement = nullptr;
    std::vector<std::int64_t> ids;
    if (sqlite3_prepare_v2(db_, "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid", -1, &statement, nullptr) !=
        SQLITE_OK) {
      return {-1};
    }
    sqlite3_bind_text(statement, 1, query.data(), static_cast<int>(query.size()), SQLITE_TRANSIENT);
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(statement, 0));
    sqlite3_finalize(statement);
    if (rc != SQLITE_DONE) return {-1};
    return ids;
  }

  std::string highlight(std::string_view query) {
    sqlite3_stmt* statement = nullptr;
    std::string result;
    EXPECT_EQ(
        sqlite3_prepare_v2(db_, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?1", -1, &statement, nullptr),
        SQLITE_OK);
    sqlite3_bind_text(statement, 1, query.data(), static_cast<int>(query.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(statement) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
    return result;
  }

  sqlite::Database database_{":memory:", sqlite::Database::Mode::ReadWriteCreate};
  sqlite3* db_ = database_.handle();  // the raw connection: these tests drive SQLite's C API
  fts5_api* api_ = nullptr;
};

using Ids = std::vector<std::int64_t>;

TEST_F(Fts5TokenizerTest, FindsChineseByWordBigramAndCharacter) {
  const auto overfit = insert("如何防止过拟合");
  const auto vanish = insert("梯度消失");
  EXPECT_EQ(match("过拟合"), Ids{overfit});
  EXPECT_EQ(match("拟合"), Ids{overfit});
  EXPECT_EQ(match("消失"), Ids{vanish});
  EXPECT_EQ(match("拟消"), Ids{});
  // One character, wherever it stands in its run: as the pipeline writes it, a prefix query.
  EXPECT_EQ(match(pre_analyzed_string("过")), Ids{overfit});  // starts the run's bigram 过拟
  EXPECT_EQ(match(pre_analyzed_string("拟")), Ids{overfit});  // inside: the bigram 拟合
  EXPECT_EQ(match(pre_analyzed_string("合")), Ids{overfit});  // ends the run: the unigram
  EXPECT_EQ(match(pre_analyzed_string("失")), Ids{vanish});
  EXPECT_EQ(match(pre_analyzed_string("消") + " + " + pre_analyzed_string("失")), Ids{vanish});
  EXPECT_EQ(match(pre_analyzed_string("梯") + " + " + pre_analyzed_string("失")), Ids{});
}

TEST_F(Fts5TokenizerTest, OneCharacterIsAPrefixQueryOfHanTermsOnly) {
  const auto alone = insert("is与==的不同");   // a run of one
  const auto starts = insert("与其说是正则");  // starts a run: the bigram 与其
  const auto ends = insert("参与");            // ends a run: the unigram
  insert("给予 and 写 with 与x");              // a run of one before a Latin word
  const auto last = insert("与");
  EXPECT_EQ(match(pre_analyzed_string("与")), (Ids{alone, starts, ends, last - 1, last}));
  EXPECT_EQ(match(pre_analyzed_string("予")), Ids{last - 1});
  EXPECT_EQ(pre_analyzed_string("与"), "\"\xEE\x80\x80与\" *");
  EXPECT_EQ(pre_analyzed_string(title_term("与")), "\"\xEE\x80\x80\xFF与\" *");
  EXPECT_EQ(pre_analyzed_string("与=="), "\"\xEE\x80\x80与==\"");  // one character only
  EXPECT_EQ(pre_analyzed_string("x"), "\"\xEE\x80\x80x\"");
  EXPECT_EQ(pre_analyzed_string("é"), "\"\xEE\x80\x80é\"");
  EXPECT_EQ(pre_analyzed_string("한"), "\"\xEE\x80\x80한\"");  // Hangul is a Latin-like word here
}

TEST_F(Fts5TokenizerTest, FindsFullWidthByAscii) {
  const auto id = insert("ＢＮ有什么作用");
  EXPECT_EQ(match("bn"), Ids{id});
  EXPECT_EQ(match("BN"), Ids{id});
  EXPECT_EQ(match("ＢＮ"), Ids{id});
}

TEST_F(Fts5TokenizerTest, FindsIdentifierByEverySpelling) {
  const auto id = insert("Batch_Size 怎么选");
  insert("batch normalization");
  EXPECT_EQ(match("batchsize"), Ids{id});
  EXPECT_EQ(match("\"batch size\""), Ids{id});
  EXPECT_EQ(match("Batch_Size"), Ids{id});
  EXPECT_EQ(match("BatchSize"), Ids{id});
}

TEST_F(Fts5TokenizerTest, FindsJoinedQueryInSpacedDocument) {
  const auto id = insert("cross validation 的作用");
  EXPECT_EQ(match("crossvalidation"), Ids{id});
  EXPECT_EQ(match("\"cross-validation\""), Ids{id});
}

TEST_F(Fts5TokenizerTest, FindsOperator) {
  const auto id = insert("is和==的区别");
  insert("赋值=和比较");
  EXPECT_EQ(match("\"==\""), Ids{id});
  EXPECT_EQ(match("is"), Ids{id});
}

TEST_F(Fts5TokenizerTest, FindsTraditionalBySimplifiedAndBack) {
  const auto traditional = insert("過擬合怎麼辦");
  const auto simplified = insert("防止过拟合");
  EXPECT_EQ(match("过拟合"), (Ids{traditional, simplified}));
  EXPECT_EQ(match("過擬合"), (Ids{traditional, simplified}));
}

TEST_F(Fts5TokenizerTest, PassesPreAnalyzedTermThrough) {
  const auto id = insert("Normalization layers");
  EXPECT_EQ(match(pre_analyzed_string("normal")), Ids{id});
  EXPECT_EQ(match(pre_analyzed_string("normalization")), Ids{});  // not stemmed again
  EXPECT_EQ(match(pre_analyzed_string("normal") + " AND " + pre_analyzed_string("layer")), Ids{id});
  EXPECT_EQ(match("Normalization"), Ids{id});  // without the marker: full analysis
}

TEST_F(Fts5TokenizerTest, AnalysesMarkerInDocuments) {
  const auto id = insert(std::string(kPreAnalyzedMarker) + "Normalization");
  EXPECT_EQ(match("normalization"), Ids{id});
  EXPECT_EQ(match(pre_analyzed_string("normal")), Ids{id});
}

TEST_F(Fts5TokenizerTest, PreAnalyzedStringDoublesQuotes) {
  EXPECT_EQ(pre_analyzed_string("a\"b"),
            "\"\xEE\x80\x80"
            "a\"\"b\"");
  EXPECT_EQ(pre_analyzed_string("=="), "\"\xEE\x80\x80==\"");
}

TEST_F(Fts5TokenizerTest, HighlightsOriginalBytes) {
  insert("用ＢＮ层");
  EXPECT_EQ(highlight("bn"), "用[ＢＮ]层");
}

TEST_F(Fts5TokenizerTest, HighlightsTraditionalText) {
  insert("防止過擬合");
  EXPECT_EQ(highlight("拟合"), "防止過[擬合]");
}

TEST_F(Fts5TokenizerTest, RejectsArguments) {
  EXPECT_NE(exec("CREATE VIRTUAL TABLE u USING fts5(x, tokenize='qabot remove_diacritics 1')"), SQLITE_OK);
  EXPECT_NE(exec("CREATE VIRTUAL TABLE v USING fts5(x, tokenize='qabot unknown')"), SQLITE_OK);
}

TEST_F(Fts5TokenizerTest, IsRegisteredPerConnection) {
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &other), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(other, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='qabot')", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);
}

// ---- the tokenizer contract, called directly -------------------------------------------------

struct Collected {
  std::vector<std::pair<std::string, int>> tokens;  // term, flags
  int stop_after = -1;                              // return `stop_code` after this many tokens
  int stop_code = SQLITE_OK;
};

int collect(void* context, int flags, const char* token, int length, int /*start*/, int /*end*/) {
  auto* collected = static_cast<Collected*>(context);
  collected->tokens.emplace_back(std::string(token, static_cast<std::size_t>(length)), flags);
  if (static_cast<int>(collected->tokens.size()) == collected->stop_after) return collected->stop_code;
  return SQLITE_OK;
}

class Fts5TokenizerContractTest : public Fts5TokenizerTest {
 protected:
  void SetUp() override {
    Fts5TokenizerTest::SetUp();
    if (HasFatalFailure()) return;
    void* user_data = nullptr;
    ASSERT_EQ(api_->xFindTokenizer(api_, "qabot", &user_data, &methods_), SQLITE_OK);
    ASSERT_EQ(methods_.xCreate(user_data, nullptr, 0, &tokenizer_), SQLITE_OK);
  }

  void TearDown() override {
    if (tokenizer_ != nullptr) methods_.xDelete(tokenizer_);
    Fts5TokenizerTest::TearDown();
  }

  int tokenize(Collected& collected, int flags, std::string_view text) {
    return methods_.xTokenize(tokenizer_, &collected, flags, text.data(), static_cast<int>(text.size()), collect);
  }

  fts5_tokenizer methods_{};
  Fts5Tokenizer* tokenizer_ = nullptr;
};

TEST_F(Fts5TokenizerContractTest, MarksColocatedTokensButNeverTheFirst) {
  Collected collected;
  ASSERT_EQ(tokenize(collected, FTS5_TOKENIZE_DOCUMENT, "Batch_Size 过拟合"), SQLITE_OK);
  const std::vector<std::pair<std::string, int>> expected = {
      {"batch", 0}, {"batchsiz", FTS5_TOKEN_COLOCATED}, {"size", 0}, {"过拟", 0}, {"拟合", 0}, {"合", 0}};
  EXPECT_EQ(collected.tokens, expected);
}

TEST_F(Fts5TokenizerContractTest, StopsAtOnceWhenCallbackFails) {
  Collected collected;
  collected.stop_after = 2;
  collected.stop_code = SQLITE_ABORT;
  EXPECT_EQ(tokenize(collected, FTS5_TOKENIZE_DOCUMENT, "过拟合怎么办"), SQLITE_ABORT);
  EXPECT_EQ(collected.tokens.size(), 2u);
}

TEST_F(Fts5TokenizerContractTest, TreatsDoneAsSuccess) {
  Collected collected;
  collected.stop_after = 1;
  collected.stop_code = SQLITE_DONE;
  EXPECT_EQ(tokenize(collected, FTS5_TOKENIZE_DOCUMENT, "a b c"), SQLITE_OK);
  EXPECT_EQ(collected.tokens.size(), 1u);
}

TEST_F(Fts5TokenizerContractTest, PassesMarkedQueryTextVerbatim) {
  Collected query;
  ASSERT_EQ(tokenize(query, FTS5_TOKENIZE_QUERY, std::string(kPreAnalyzedMarker) + "Batch Size"), SQLITE_OK);
  EXPECT_EQ(query.tokens, (std::vector<std::pair<std::string, int>>{{"Batch Size", 0}}));

  Collected prefix;
  ASSERT_EQ(tokenize(prefix, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, std::string(kPreAnalyzedMarker) + "norm"),
            SQLITE_OK);
  EXPECT_EQ(prefix.tokens, (std::vector<std::pair<std::string, int>>{{"norm", 0}}));

  Collected empty;
  ASSERT_EQ(tokenize(empty, FTS5_TOKENIZE_QUERY, kPreAnalyzedMarker), SQLITE_OK);
  EXPECT_TRUE(empty.tokens.empty());
}

TEST_F(Fts5TokenizerContractTest, AnalysesMarkedTextOutsideQueries) {
  for (int flags : {FTS5_TOKENIZE_DOCUMENT, FTS5_TOKENIZE_AUX}) {
    Collected collected;
    ASSERT_EQ(tokenize(collected, flags, std::string(kPreAnalyzedMarker) + "Layers"), SQLITE_OK);
    EXPECT_EQ(collected.tokens, (std::vector<std::pair<std::string, int>>{{"layer", 0}}));
  }
}

// A marked title is indexed as its analysis with every token followed by a colocated title twin.
// The marker means nothing in a query.
TEST_F(Fts5TokenizerContractTest, MarkedTitleGetsTitleTwins) {
  const std::string title = "BN和Batch_Size的区别";
  Collected plain, marked, query;
  ASSERT_EQ(tokenize(plain, FTS5_TOKENIZE_DOCUMENT, title), SQLITE_OK);
  ASSERT_EQ(tokenize(marked, FTS5_TOKENIZE_DOCUMENT, std::string(kTitleMarker) + title), SQLITE_OK);
  ASSERT_FALSE(plain.tokens.empty());
  std::vector<std::pair<std::string, int>> expected;
  for (const auto& [term, flags] : plain.tokens) {
    expected.emplace_back(term, flags);
    expected.emplace_back(title_term(term), FTS5_TOKEN_COLOCATED);
  }
  EXPECT_EQ(marked.tokens, expected);

  Collected plain_query;
  ASSERT_EQ(tokenize(query, FTS5_TOKENIZE_QUERY, std::string(kTitleMarker) + title), SQLITE_OK);
  ASSERT_EQ(tokenize(plain_query, FTS5_TOKENIZE_QUERY, title), SQLITE_OK);
  EXPECT_EQ(query.tokens, plain_query.tokens);
}

// A query's run ends with its last bigram: the document's run may go on past it. A run of one
// character keeps its unigram.
TEST_F(Fts5TokenizerContractTest, QueryLeavesOutTheLastCharacterOfALongerRun) {
  Collected document, query;
  ASSERT_EQ(tokenize(document, FTS5_TOKENIZE_DOCUMENT, "过拟合 与 bn"), SQLITE_OK);
  ASSERT_EQ(tokenize(query, FTS5_TOKENIZE_QUERY, "过拟合 与 bn"), SQLITE_OK);
  using Tokens = std::vector<std::pair<std::string, int>>;
  EXPECT_EQ(document.tokens, (Tokens{{"过拟", 0}, {"拟合", 0}, {"合", 0}, {"与", 0}, {"bn", 0}}));
  EXPECT_EQ(query.tokens, (Tokens{{"过拟", 0}, {"拟合", 0}, {"与", 0}, {"bn", 0}}));
}

TEST_F(Fts5TokenizerTest, TitleTwinsMatchTitlesOnly) {
  ASSERT_EQ(exec("CREATE VIRTUAL TABLE qa USING fts5(question, answer, tokenize='qabot')"), SQLITE_OK);
  ASSERT_EQ(exec("INSERT INTO qa(rowid, question, answer) VALUES "
                 "(1, CAST(X'FF' AS TEXT) || 'What is dropout?', 'It zeroes units.'), "
                 "(2, CAST(X'FF' AS TEXT) || 'Why normalise?', 'Dropout and BN both regularise.')"),
            SQLITE_OK);
  auto rows = [&](const std::string& query) {
    sqlite3_stmt* statement = nullptr;
    std::vector<std::int64_t> ids;
    EXPECT_EQ(sqlite3_prepare_v2(db_, "SELECT rowid FROM qa WHERE qa MATCH ?1 ORDER BY rowid", -1, &statement, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(statement, 1, query.data(), static_cast<int>(query.size()), SQLITE_TRANSIENT);
    while (sqlite3_step(statement) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(statement, 0));
    sqlite3_finalize(statement);
    return ids;
  };
  EXPECT_EQ(rows("dropout"), (Ids{1, 2}));
  EXPECT_EQ(rows(pre_analyzed_string(title_term("dropout"))), Ids{1});
  EXPECT_EQ(rows(pre_analyzed_string(title_term("bn"))), Ids{});
  // Phrases of twins work like phrases of terms: the twins share their terms' positions.
  EXPECT_EQ(rows(pre_analyzed_string(title_term("what")) + " + " + pre_analyzed_string(title_term("is"))), Ids{1});
}

TEST_F(Fts5TokenizerContractTest, HandlesEmptyText) {
  Collected collected;
  EXPECT_EQ(methods_.xTokenize(tokenizer_, &collected, FTS5_TOKENIZE_DOCUMENT, nullptr, 0, collect), SQLITE_OK);
  EXPECT_TRUE(collected.tokens.empty());
}

TEST_F(Fts5TokenizerContractTest, CreateRejectsArguments) {
  const char* args[] = {"tokenchars", "_"};
  Fts5Tokenizer* other = nullptr;
  EXPECT_EQ(methods_.xCreate(nullptr, args, 2, &other), SQLITE_ERROR);
  EXPECT_EQ(other, nullptr);
}

}  // namespace
}  // namespace qabot::text
