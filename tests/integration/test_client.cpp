#include "test_client.hpp"

#include <cstdlib>
#include <thread>

namespace qabot::server::testing {

template <class Start>
beast::error_code WsClient::run(Start&& start, std::chrono::milliseconds timeout) {
  std::optional<beast::error_code> result;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc_.restart();
  ioc_.run_for(timeout);
  if (!result) {
    // Let the operation finish (aborted) before `result` goes out of scope.
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    ioc_.restart();
    ioc_.run();
    throw Timeout("websocket operation timed out");
  }
  return *result;
}

WsClient::WsClient(unsigned short port, const Headers& headers, std::chrono::milliseconds timeout) : ws_(ioc_) {
  auto& tcp_layer = beast::get_lowest_layer(ws_);
  beast::error_code ec = run(
      [&](auto handler) { tcp_layer.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), handler); },
      timeout);
  if (ec) throw std::runtime_error("connect: " + ec.message());
  tcp_layer.socket().set_option(tcp::no_delay(true), ec);
  ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& [k, v] : headers) req.set(k, v);
  }));
  websocket::response_type res;
  const std::string host = "127.0.0.1:" + std::to_string(port);
  ec = run([&](auto handler) { ws_.async_handshake(res, host, "/ws", handler); }, timeout);
  if (ec) throw std::runtime_error("handshake: " + ec.message() + " (HTTP " + std::to_string(res.result_int()) + ")");
  ws_.read_message_max(64 * 1024 * 1024);
}

WsClient::~WsClient() {
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().close(ec);
}

unsigned WsClient::upgrade_status(unsigned short port, const Headers& headers, std::string_view target) {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).expires_after(5s);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& [k, v] : headers) req.set(k, v);
  }));
  websocket::response_type res;
  beast::error_code ec;
  bool done = false;
  ws.async_handshake(res, "127.0.0.1:" + std::to_string(port), std::string(target),
                     [&](beast::error_code e) { ec = e, done = true; });
  ioc.run_for(5s);
  if (!done) throw Timeout("upgrade timed out");
  return res.result_int();
}

void WsClient::send(const json& message) { send_text(message.dump()); }

void WsClient::send_text(const std::string& text) {
  ws_.text(true);
  const auto ec = run([&](auto handler) { ws_.async_write(net::buffer(text), handler); }, 5s);
  if (ec) throw std::runtime_error("write: " + ec.message());
}

void WsClient::send_binary(const std::string& bytes) {
  ws_.binary(true);
  const auto ec = run([&](auto handler) { ws_.async_write(net::buffer(bytes), handler); }, 5s);
  ws_.text(true);
  if (ec) throw std::runtime_error("write: " + ec.message());
}

json WsClient::read(std::chrono::milliseconds timeout) {
  buffer_.clear();
  const auto ec = run([&](auto handler) { ws_.async_read(buffer_, handler); }, timeout);
  if (ec) throw std::runtime_error("read: " + ec.message());
  return json::parse(beast::buffers_to_string(buffer_.data()));
}

std::vector<json> WsClient::read_until_done(const std::string& id, std::chrono::milliseconds timeout) {
  std::vector<json> out;
  const auto end = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left <= 0ms) throw Timeout("no done for " + id);
    out.push_back(read(left));
    const auto& m = out.back();
    if (m.value("id", json()) == id && (m["type"] == "done" || m["type"] == "error")) return out;
  }
}

std::vector<json> WsClient::read_until_all_done(std::vector<std::string> ids, std::chrono::milliseconds timeout) {
  std::vector<json> out;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!ids.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left <= 0ms) throw Timeout("no done for " + ids.front());
    out.push_back(read(left));
    const auto& m = out.back();
    if (m["type"] == "done" || m["type"] == "error") {
      const auto id = m.value("id", json());
      if (id.is_string()) std::erase(ids, id.get<std::string>());
    }
  }
  return out;
}

beast::error_code WsClient::read_until_closed(std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left <= 0ms) throw Timeout("connection stayed open");
    buffer_.clear();
    const auto ec = run([&](auto handler) { ws_.async_read(buffer_, handler); }, left);
    if (ec) return ec;
  }
}

void WsClient::close() {
  run([&](auto handler) { ws_.async_close(websocket::close_code::normal, handler); }, 5s);
}

http::response<http::string_body> http_request(unsigned short port, http::verb verb, std::string target,
                                               std::string body, const Headers& headers,
                                               std::chrono::milliseconds timeout) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = std::move(body);
  if (!req.body().empty() || verb == http::verb::post) req.prepare_payload();
  req.keep_alive(false);

  http::response<http::string_body> res;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  beast::flat_buffer buffer;
  beast::error_code result;
  bool finished = false;
  stream.expires_after(timeout);
  stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
    if (ec) return void((result = ec, finished = true));
    http::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
      // A server may answer (413, 431) before reading everything: still read its response.
      (void)wec;
      http::async_read(stream, buffer, parser, [&](beast::error_code rec, std::size_t) {
        result = rec;
        finished = true;
      });
    });
  });
  ioc.run();
  if (!finished || result) throw std::runtime_error("http " + target + ": " + result.message());
  return parser.release();
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "qabot-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace qabot::server::testing
