#include <gtest/gtest.h>

#include "integrations/form_data.hpp"
#include "integrations/request_signature.hpp"
#include "test_signing.hpp"

namespace qabot::integrations {
namespace {

using testing::Ed25519KeyPair;

TEST(HmacTest, MatchesRfc4231TestCase2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SlackSignatureTest, AcceptsAValidSignature) {
  const std::int64_t now = 1700000000;
  const std::string body = "token=x&text=BN";
  const auto sig = testing::slack_signature("secret", "1700000000", body);
  EXPECT_EQ(check_slack_signature("secret", "1700000000", sig, body, now), SignatureCheck::Valid);
  EXPECT_EQ(check_slack_signature("secret", "1700000000", sig, body, now + 299), SignatureCheck::Valid);
}

TEST(SlackSignatureTest, RejectsTamperingStalenessAndMissingHeaders) {
  const std::int64_t now = 1700000000;
  const std::string body = "text=BN";
  const auto sig = testing::slack_signature("secret", "1700000000", body);
  EXPECT_EQ(check_slack_signature("secret", "1700000000", sig, "text=BM", now), SignatureCheck::Mismatch);
  EXPECT_EQ(check_slack_signature("other", "1700000000", sig, body, now), SignatureCheck::Mismatch);
  EXPECT_EQ(check_slack_signature("secret", "1700000000", sig.substr(0, sig.size() - 1), body, now),
            SignatureCheck::Mismatch);
  EXPECT_EQ(check_slack_signature("secret", "1700000000", sig, body, now + 301), SignatureCheck::Stale);
  EXPECT_EQ(check_slack_signature("secret", "1700000000", sig, body, now - 301), SignatureCheck::Stale);
  EXPECT_EQ(check_slack_signature("secret", "", sig, body, now), SignatureCheck::Missing);
  EXPECT_EQ(check_slack_signature("secret", "1700000000", "", body, now), SignatureCheck::Missing);
  EXPECT_EQ(check_slack_signature("secret", "17e8", sig, body, now), SignatureCheck::BadTimestamp);
}

TEST(Ed25519VerifierTest, VerifiesSignaturesOfItsKeyOnly) {
  Ed25519KeyPair pair, other;
  Ed25519Verifier verifier(pair.public_key_hex());
  const std::string sig = pair.sign_hex("message");
  EXPECT_TRUE(verifier.verify("message", sig));
  EXPECT_FALSE(verifier.verify("messagE", sig));
  EXPECT_FALSE(verifier.verify("message", other.sign_hex("message")));
  EXPECT_FALSE(verifier.verify("message", sig.substr(2)));
  EXPECT_FALSE(verifier.verify("message", std::string(128, 'z')));
}

TEST(Ed25519VerifierTest, RefusesMalformedKeys) {
  EXPECT_THROW(Ed25519Verifier("abcd"), std::invalid_argument);
  EXPECT_THROW(Ed25519Verifier(std::string(64, 'g')), std::invalid_argument);
}

TEST(DiscordSignatureTest, CoversTimestampAndBody) {
  Ed25519KeyPair pair;
  Ed25519Verifier verifier(pair.public_key_hex());
  const std::int64_t now = 1700000000;
  const std::string body = R"({"type":1})";
  const auto sig = pair.discord_signature("1700000000", body);
  EXPECT_EQ(check_discord_signature(verifier, "1700000000", sig, body, now), SignatureCheck::Valid);
  EXPECT_EQ(check_discord_signature(verifier, "1700000001", sig, body, now), SignatureCheck::Mismatch);
  EXPECT_EQ(check_discord_signature(verifier, "1700000000", sig, body + " ", now), SignatureCheck::Mismatch);
  EXPECT_EQ(check_discord_signature(verifier, "1700000000", sig, body, now + 3600), SignatureCheck::Stale);
  EXPECT_EQ(check_discord_signature(verifier, "", sig, body, now), SignatureCheck::Missing);
}

TEST(FormDataTest, DecodesPlusAndPercentEscapes) {
  const auto form = parse_form("text=BN%E6%9C%89%E4%BB%80%E4%B9%88+%E4%BD%9C%E7%94%A8&user_id=U1&empty=&bad=%zz&flag");
  EXPECT_EQ(form.at("text"), "BN有什么 作用");
  EXPECT_EQ(form.at("user_id"), "U1");
  EXPECT_EQ(form.at("empty"), "");
  EXPECT_EQ(form.at("bad"), "%zz");
  EXPECT_EQ(form.at("flag"), "");
  EXPECT_EQ(url_decode(url_encode("a b&c=批")), "a b&c=批");
}

}  // namespace
}  // namespace qabot::integrations
