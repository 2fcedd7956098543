#include "server/http_router.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "store/note_files.hpp"
#include "support/temp_dir.hpp"

namespace qabot::server {
namespace {

using nlohmann::json;

class ScriptedEngine : public AnswerEngine {
 public:
  AskOutcome ask(std::string_view text, int top_k) override {
    if (text == "boom") throw std::runtime_error("engine failure");
    last_text = std::string(text);
    last_top_k = top_k;
    AskOutcome out;
    out.answer.result.matched = true;
    retrieval::Hit hit;
    hit.id = 1;
    hit.question = "BN有什么作用";
    hit.category = "A";
    out.answer.result.hits.push_back(hit);
    out.answer.markdown = "加速训练";
    out.answer.html = "<p>加速训练</p>";
    return out;
  }
  std::int64_t question_count() const override { return 7; }
  json questions_by_category() const override { return {{"A", json::array({"BN有什么作用"})}}; }
  const store::NoteFiles* note_files() const override { return files; }

  const store::NoteFiles* files = nullptr;

  std::string last_text;
  int last_top_k = 0;
};

const StaticAsset kIndex{"/index.html", "text/html; charset=utf-8", "<!doctype html><title>t</title>", "\"i1\""};
const StaticAsset kScript{"/app.js", "text/javascript; charset=utf-8", "console.log(1)", "\"s1\""};

const StaticAsset* fake_assets(std::string_view path) {
  if (path == kIndex.path) return &kIndex;
  if (path == kScript.path) return &kScript;
  return nullptr;
}

class HttpRouterTest : public ::testing::Test {
 protected:
  HttpRouterTest() : router_(make_context()) {}

  static RouterContext make_context() {
    RouterContext ctx;
    ctx.question_count = [] { return 7; };
    ctx.metrics_text = [] { return std::string("qabot_asks_total 3\n"); };
    ctx.find_asset = &fake_assets;
    return ctx;
  }

  Response get(std::string target, http::verb verb = http::verb::get, std::string body = "") {
    Request req{verb, target, 11};
    req.body() = std::move(body);
    req.prepare_payload();
    return router_.handle(req, router_.needs_engine(req) ? &engine_ : nullptr);
  }

  ScriptedEngine engine_;
  HttpRouter router_;
};

TEST_F(HttpRouterTest, ServesTheIndexAtRootWithSecurityHeaders) {
  const auto res = get("/");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), kIndex.body);
  EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(res["Content-Security-Policy"], kContentSecurityPolicy);
  EXPECT_FALSE(res[http::field::cache_control].empty());
}

TEST_F(HttpRouterTest, ServesKnownAssetsOnly) {
  EXPECT_EQ(get("/app.js").result(), http::status::ok);
  EXPECT_EQ(get("/app.js?v=2").result(), http::status::ok);
  for (std::string target :
       {"/missing.css", "/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "//etc/passwd", "/static/../../etc/passwd",
        "/app.js/..", "/./app.js", "/APP.JS", "/app.js%00", "/..%2fetc%2fpasswd", "\\..\\etc\\passwd", "etc/passwd"}) {
    EXPECT_EQ(get(target).result(), http::status::not_found) << target;
  }
}

TEST_F(HttpRouterTest, HeadHasNoBodyButTheLength) {
  const auto res = get("/app.js", http::verb::head);
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_TRUE(res.body().empty());
  EXPECT_EQ(res[http::field::content_length], std::to_string(kScript.body.size()));
}

// The page's files (KaTeX's fonts among them: 2 MB) are revalidated, not downloaded again.
TEST_F(HttpRouterTest, UnchangedAssetsAreNotSentAgain) {
  const auto first = get("/app.js");
  EXPECT_EQ(first[http::field::etag], "\"s1\"");
  EXPECT_EQ(first[http::field::cache_control], "no-cache");
  Request again{http::verb::get, "/app.js", 11};
  again.set(http::field::if_none_match, "\"s1\"");
  const auto revalidated = router_.handle(again, nullptr);
  EXPECT_EQ(revalidated.result(), http::status::not_modified);
  EXPECT_TRUE(revalidated.body().empty());
  Request changed{http::verb::get, "/app.js", 11};
  changed.set(http::field::if_none_match, "\"old\"");
  const auto fresh = router_.handle(changed, nullptr);
  EXPECT_EQ(fresh.result(), http::status::ok);
  EXPECT_EQ(fresh.body(), kScript.body);
}

TEST_F(HttpRouterTest, WrongMethodsGet405WithAllow) {
  auto res = get("/", http::verb::post);
  EXPECT_EQ(res.result(), http::status::method_not_allowed);
  EXPECT_EQ(res[http::field::allow], "GET, HEAD");
  res = get("/api/ask", http::verb::get);
  EXPECT_EQ(res.result(), http::status::method_not_allowed);
  EXPECT_EQ(res[http::field::allow], "POST");
  EXPECT_EQ(get("/healthz", http::verb::delete_).result(), http::status::method_not_allowed);
  EXPECT_EQ(get("/api/questions", http::verb::put).result(), http::status::method_not_allowed);
}

TEST_F(HttpRouterTest, Healthz) {
  const auto res = get("/healthz");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(json::parse(res.body()), json({{"status", "ok"}, {"questions", 7}}));
}

TEST_F(HttpRouterTest, Metrics) {
  const auto res = get("/metrics");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_NE(res[http::field::content_type].find("text/plain"), std::string::npos);
  EXPECT_EQ(res.body(), "qabot_asks_total 3\n");
}

TEST_F(HttpRouterTest, ApiAskAnswers) {
  const auto res = get("/api/ask", http::verb::post, R"({"text":"BN有什么作用","top_k":5})");
  ASSERT_EQ(res.result(), http::status::ok);
  const auto body = json::parse(res.body());
  EXPECT_EQ(body["matched"], true);
  EXPECT_EQ(body["hits"].size(), 1u);
  EXPECT_EQ(body["answer"], "加速训练");
  EXPECT_EQ(body["html"], "<p>加速训练</p>");
  EXPECT_EQ(body["clarify"], false);
  EXPECT_EQ(engine_.last_text, "BN有什么作用");
  EXPECT_EQ(engine_.last_top_k, 5);
}

TEST_F(HttpRouterTest, ApiAskRefusesBadBodies) {
  auto res = get("/api/ask", http::verb::post, "{nope");
  EXPECT_EQ(res.result(), http::status::bad_request);
  EXPECT_EQ(json::parse(res.body())["code"], "bad_json");
  for (std::string body : {"[]", R"({"top_k":3})", R"({"text":"  "})", R"({"text":"x","top_k":99})", R"({"text":1})"}) {
    res = get("/api/ask", http::verb::post, body);
    EXPECT_EQ(res.result(), http::status::bad_request) << body;
    EXPECT_EQ(json::parse(res.body())["code"], "bad_request") << body;
  }
}

TEST_F(HttpRouterTest, EngineFailureIs500) {
  const auto res = get("/api/ask", http::verb::post, R"({"text":"boom"})");
  EXPECT_EQ(res.result(), http::status::internal_server_error);
  EXPECT_EQ(json::parse(res.body())["code"], "internal");
}

TEST_F(HttpRouterTest, ApiQuestions) {
  const auto res = get("/api/questions");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(json::parse(res.body())["A"][0], "BN有什么作用");
}

TEST_F(HttpRouterTest, OnlyRetrievalRoutesNeedAnEngine) {
  EXPECT_TRUE(router_.needs_engine(Request{http::verb::post, "/api/ask", 11}));
  EXPECT_TRUE(router_.needs_engine(Request{http::verb::get, "/api/questions?x=1", 11}));
  EXPECT_FALSE(router_.needs_engine(Request{http::verb::get, "/api/ask", 11}));
  EXPECT_FALSE(router_.needs_engine(Request{http::verb::get, "/", 11}));
}

TEST_F(HttpRouterTest, PlainRequestToWsIsUpgradeRequired) {
  EXPECT_EQ(get("/ws").result(), http::status::upgrade_required);
}

TEST_F(HttpRouterTest, KeepAliveFollowsTheRequest) {
  Request req{http::verb::get, "/healthz", 11};
  req.keep_alive(false);
  EXPECT_FALSE(router_.handle(req, nullptr).keep_alive());
  req.keep_alive(true);
  EXPECT_TRUE(router_.handle(req, nullptr).keep_alive());
}

TEST(TargetPathTest, StripsQueryAndFragment) {
  EXPECT_EQ(target_path("/a?b=c"), "/a");
  EXPECT_EQ(target_path("/a#x"), "/a");
  EXPECT_EQ(target_path("/a"), "/a");
}

TEST(AmbiguousLengthTest, OnlyOnePlainContentLengthPasses) {
  http::fields f;
  EXPECT_FALSE(has_ambiguous_length(f));
  f.insert(http::field::content_length, "5");
  EXPECT_FALSE(has_ambiguous_length(f));
  f.insert(http::field::content_length, "5");
  EXPECT_TRUE(has_ambiguous_length(f));
  http::fields list;
  list.insert(http::field::content_length, "5, 5");
  EXPECT_TRUE(has_ambiguous_length(list));
}

TEST(WebSocketKeyTest, SixteenBytesInBase64) {
  EXPECT_TRUE(is_valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ=="));  // RFC 6455's example
  EXPECT_TRUE(is_valid_websocket_key("AAAAAAAAAAAAAAAAAAAAAA=="));
  EXPECT_FALSE(is_valid_websocket_key(""));
  EXPECT_FALSE(is_valid_websocket_key("c2hvcnQ="));                  // 5 bytes
  EXPECT_FALSE(is_valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ="));   // 23 characters
  EXPECT_FALSE(is_valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ=A"));  // padding in the wrong place
  EXPECT_FALSE(is_valid_websocket_key("dGhlIHNhbXBsZSBub25jZ!=="));  // not base64
  EXPECT_FALSE(is_valid_websocket_key("dGhlIHNhbXBsZSBub25jZR=="));  // bits beyond the 16th byte
  EXPECT_FALSE(is_valid_websocket_key(std::string(40, 'A')));
}

// GET /notes/…: a notes root with a referenced image, a text file named .png, an unreferenced
// photo and a link out of the root. Every refusal is the plain 404 of an unknown path.
class NoteRouteTest : public HttpRouterTest {
 protected:
  NoteRouteTest() {
    dir_.write("notes/ml/img/a b.png", kPng);
    dir_.write("notes/ml/img/fake.png", "text");
    dir_.write("notes/private.png", kPng);
    dir_.write("outside/secret.png", kPng);
    std::filesystem::create_symlink(dir_ / "outside/secret.png", dir_ / "notes/ml/img/out.png");
    files_ = store::NoteFiles({{"notes", dir_ / "notes"}},
                              std::unordered_set<std::string>{"notes/ml/img/a b.png", "notes/ml/img/fake.png",
                                                              "notes/ml/img/out.png", "notes/ml/img/gone.png"});
    engine_.files = &files_;
  }

  Response get_with(std::string target, http::field field, std::string value) {
    Request req{http::verb::get, target, 11};
    req.set(field, value);
    return router_.handle(req, router_.needs_engine(req) ? &engine_ : nullptr);
  }

  static inline const std::string kPng{"\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\0\1\0\0\0\1", 24};
  test_support::TempDir dir_;
  store::NoteFiles files_;
};

TEST_F(NoteRouteTest, ServesAReferencedImageWithCacheHeaders) {
  Request req{http::verb::get, "/notes/notes/ml/img/a%20b.png", 11};
  EXPECT_TRUE(router_.needs_engine(req));  // read from disk: on a worker
  const auto res = get("/notes/notes/ml/img/a%20b.png?v=1");
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), kPng);
  EXPECT_EQ(res[http::field::content_type], "image/png");
  EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(res[http::field::cache_control], "public, max-age=3600");
  EXPECT_NE(res["Content-Security-Policy"].find("sandbox"), std::string::npos);
  EXPECT_FALSE(res[http::field::etag].empty());
  EXPECT_TRUE(res[http::field::last_modified].ends_with(" GMT"));
}

TEST_F(NoteRouteTest, RevalidationGets304) {
  const auto first = get("/notes/notes/ml/img/a%20b.png");
  const std::string etag(first[http::field::etag]);
  for (const std::string& header : {etag, "\"other\", " + etag, "W/" + etag, std::string("*")}) {
    const auto res = get_with("/notes/notes/ml/img/a%20b.png", http::field::if_none_match, header);
    EXPECT_EQ(res.result(), http::status::not_modified) << header;
    EXPECT_TRUE(res.body().empty());
    EXPECT_EQ(res[http::field::etag], etag);
  }
  EXPECT_EQ(get_with("/notes/notes/ml/img/a%20b.png", http::field::if_none_match, "\"other\"").result(),
            http::status::ok);
  const std::string modified(first[http::field::last_modified]);
  EXPECT_EQ(get_with("/notes/notes/ml/img/a%20b.png", http::field::if_modified_since, modified).result(),
            http::status::not_modified);
}

TEST_F(NoteRouteTest, HeadHasTheLengthAndNoBody) {
  const auto res = get("/notes/notes/ml/img/a%20b.png", http::verb::head);
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_TRUE(res.body().empty());
  EXPECT_EQ(res[http::field::content_length], std::to_string(kPng.size()));
}

TEST_F(NoteRouteTest, EveryRefusalIsAPlain404) {
  const auto not_found = get("/no-such-page");
  for (std::string target :
       {"/notes/notes/ml/img/fake.png", "/notes/notes/ml/img/out.png", "/notes/notes/ml/img/gone.png",
        "/notes/notes/private.png", "/notes/notes/ml/img/../../private.png", "/notes/notes/ml/img/%2e%2e/fake.png",
        "/notes/notes/ml%2fimg%2fa%20b.png", "/notes/notes/ml%5cimg%5ca%20b.png", "/notes/notes\\ml\\img\\a%20b.png",
        "/notes/notes//ml/img/a%20b.png", "/notes/notes/./ml/img/a%20b.png", "/notes/notes/ml/img/a%2520b.png",
        "/notes/notes/ml/img/a%00.png", "/notes/outside/secret.png", "/notes/", "/notes/notes", "/notes/notes/"}) {
    const auto res = get(target);
    EXPECT_EQ(res.result(), http::status::not_found) << target;
    EXPECT_EQ(res.body(), not_found.body()) << target;
  }
}

TEST_F(NoteRouteTest, OnlyGetAndHead) {
  const auto res = get("/notes/notes/ml/img/a%20b.png", http::verb::post);
  EXPECT_EQ(res.result(), http::status::method_not_allowed);
  EXPECT_EQ(res[http::field::allow], "GET, HEAD");
}

TEST_F(NoteRouteTest, AnEngineWithoutNoteFilesServesNone) {
  engine_.files = nullptr;
  EXPECT_EQ(get("/notes/notes/ml/img/a%20b.png").result(), http::status::not_found);
}

}  // namespace
}  // namespace qabot::server
