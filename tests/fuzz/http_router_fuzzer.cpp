// Raw request bytes → Beast's request parser (with the server's header and body limits) →
// HttpRouter with the real embedded web assets and a scripted engine. Statuses must be ones the
// router means to send (never 500: the engine here never fails), every response carries the
// security headers, error bodies are JSON errors, and a 200 outside the API is exactly one embedded
// asset: nothing from outside the web root, whatever the target.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "server/http_router.hpp"
#include "server/server_config.hpp"

using nlohmann::json;
using qabot::fuzz::require;
namespace server = qabot::server;
namespace http = server::http;

namespace {

class ScriptedEngine : public server::AnswerEngine {
 public:
  server::AskOutcome ask(std::string_view text, int top_k) override {
    require(top_k >= 1 && top_k <= 10, "the router passed top_k outside its limits");
    server::AskOutcome out;
    out.answer.result.matched = true;
    qabot::retrieval::Hit hit;
    hit.id = 1;
    hit.question = std::string(text);
    hit.category = "fuzz";
    out.answer.result.hits.push_back(hit);
    out.answer.markdown = std::string(text);
    out.answer.html = "<p>answer</p>";
    return out;
  }
  std::int64_t question_count() const override { return 1; }
  json questions_by_category() const override { return {{"fuzz", json::array({"question"})}}; }
};

server::RouterContext make_context() {
  server::RouterContext ctx;
  ctx.question_count = [] { return 1; };
  ctx.metrics_text = [] { return std::string("qabot_asks_total 0\n"); };
  return ctx;  // find_asset: the real embedded page
}

bool is_api(std::string_view path) {
  return path == "/api/ask" || path == "/api/questions" || path == "/healthz" || path == "/metrics";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const server::HttpRouter router(make_context());
  static const server::ServerConfig config;
  static const std::set<unsigned> expected = {200, 400, 404, 405, 413, 426};

  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.header_limit(static_cast<std::uint32_t>(config.max_header_bytes));
  parser.body_limit(config.max_body_bytes);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;  // the session answers parse errors itself
  const server::Request req = parser.release();
  const auto path = server::target_path(req.target());

  ScriptedEngine engine;
  const server::Response res = router.handle(req, router.needs_engine(req) ? &engine : nullptr);
  const unsigned status = res.result_int();
  require(expected.count(status) == 1, "unexpected status", std::to_string(status));
  require(res["X-Content-Type-Options"] == "nosniff", "missing nosniff");
  require(res["Content-Security-Policy"] == server::kContentSecurityPolicy, "missing CSP");
  require(!res[http::field::content_type].empty(), "missing Content-Type");
  require(res.keep_alive() == req.keep_alive(), "keep-alive does not follow the request");
  const bool head = req.method() == http::verb::head;
  if (status != 200 && !head) {
    const json body = json::parse(res.body(), nullptr, /*allow_exceptions=*/false);
    require(body.is_object() && body.value("type", "") == "error" && body.contains("code"), "error body", res.body());
  }
  if (status == 200 && !is_api(path)) {
    const auto* asset = server::find_asset(path == "/" ? std::string_view("/index.html") : path);
    require(asset != nullptr, "200 for a path that is no embedded asset", std::string(req.target()));
    require(head ? res.body().empty() : res.body() == asset->body, "a body that is not the asset's",
            std::string(req.target()));
  }
  return 0;
}
