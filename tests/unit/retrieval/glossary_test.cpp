#include "retrieval/glossary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "retrieval/synonym_index.hpp"
#include "support/temp_dir.hpp"
#include "text/analyzer.hpp"

namespace qabot::retrieval {
namespace {

bool has_term(const Synonyms& rules, const std::string& term) {
  return std::any_of(rules.rules().begin(), rules.rules().end(), [&](const SynonymRule& rule) {
    return std::find(rule.from.begin(), rule.from.end(), term) != rule.from.end() ||
           std::find(rule.to.begin(), rule.to.end(), term) != rule.to.end();
  });
}

Synonyms load_ok(const GlossarySources& sources) {
  auto result = Glossary::load(sources);
  if (auto* error = std::get_if<SynonymError>(&result)) {
    ADD_FAILURE() << "line " << error->line << ": " << error->message;
    return Synonyms{};
  }
  return std::get<Synonyms>(std::move(result));
}

// The compiled-in glossary is data/synonyms.txt: it parses, and it is what bridges "batchnorm" to BN
// for a binary run away from the project.
TEST(GlossaryTest, TheBuiltInGlossaryParsesAndBridgesCommonTerms) {
  Synonyms builtin = load_ok({});
  EXPECT_GT(builtin.size(), 1000u);
  EXPECT_TRUE(has_term(builtin, "batchnorm"));
}

TEST(GlossaryTest, AUserFileAddsToTheBuiltInOneAndRepeatsCountOnce) {
  test_support::TempDir dir;
  dir.write("mine.txt", "flibbertigibbet, 奇怪词\n");
  const std::size_t builtin = load_ok({}).size();
  Synonyms both = load_ok({true, dir.path() / "mine.txt"});
  EXPECT_EQ(both.size(), builtin + 1);
  EXPECT_TRUE(has_term(both, "flibbertigibbet"));
  EXPECT_TRUE(has_term(both, "batchnorm"));

  // The built-in text given again as a user file adds nothing.
  std::ofstream(dir.path() / "copy.txt") << Glossary::builtin_text();
  EXPECT_EQ(load_ok({true, dir.path() / "copy.txt"}).size(), builtin);
}

// `ask --explain` names the rule that applied: which glossary, which line.
TEST(GlossaryTest, EveryRuleKnowsWhereItWasWritten) {
  test_support::TempDir dir;
  dir.write("mine.txt", "# my words\nflibbertigibbet, 奇怪词\n");
  Synonyms rules = load_ok({true, dir.path() / "mine.txt"});
  text::Analyzer analyzer;
  SynonymIndex index(rules, analyzer);
  EXPECT_EQ(index.origins_of({"flibbertigibbet"}), std::vector<std::string>{"mine.txt:2"});
  const auto builtin = index.origins_of({"batchnorm"});
  ASSERT_EQ(builtin.size(), 1u);
  EXPECT_EQ(builtin[0].rfind("built-in:", 0), 0u) << builtin[0];
  EXPECT_TRUE(index.origins_of({"nothing", "here"}).empty());
}

TEST(GlossaryTest, NoDefaultKeepsOnlyTheUsersRules) {
  test_support::TempDir dir;
  dir.write("mine.txt", "flibbertigibbet, 奇怪词\n");
  Synonyms mine = load_ok({false, dir.path() / "mine.txt"});
  EXPECT_EQ(mine.size(), 1u);
  EXPECT_FALSE(has_term(mine, "batchnorm"));
  EXPECT_EQ(load_ok({false, {}}).size(), 0u);
}

TEST(GlossaryTest, ABrokenUserFileIsAnErrorWithItsLine) {
  test_support::TempDir dir;
  dir.write("bad.txt", "ok, fine\n=> nothing on the left\n");
  auto result = Glossary::load({true, dir.path() / "bad.txt"});
  auto* error = std::get_if<SynonymError>(&result);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->line, 2);
}

}  // namespace
}  // namespace qabot::retrieval
