#pragma once
// Clients for integration tests: a Beast WebSocket client and a one-shot HTTP request, every
// operation bounded by a timeout (a hung server fails the test instead of hanging CTest).

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/net.hpp"

namespace qabot::server::testing {

using namespace std::chrono_literals;
using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct Timeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class WsClient {
 public:
  // Connects and upgrades; throws on failure (a refused upgrade throws with its HTTP status).
  explicit WsClient(unsigned short port, const Headers& headers = {}, std::chrono::milliseconds timeout = 5s);
  ~WsClient();

  // HTTP status of an upgrade attempt (101 when accepted).
  static unsigned upgrade_status(unsigned short port, const Headers& headers, std::string_view target = "/ws");

  void send(const json& message);
  void send_text(const std::string& text);
  void send_binary(const std::string& bytes);

  // The next message as JSON; throws Timeout, or std::runtime_error when the connection fails.
  json read(std::chrono::milliseconds timeout = 5s);
  // Messages until (and including) the "done" or "error" of `id`; other ids' messages are kept too.
  std::vector<json> read_until_done(const std::string& id, std::chrono::milliseconds timeout = 10s);
  // Messages until every id in `ids` has had its "done" or "error".
  std::vector<json> read_until_all_done(std::vector<std::string> ids, std::chrono::milliseconds timeout = 10s);
  // Reads and discards until the connection ends; returns how it ended (Timeout if it did not).
  beast::error_code read_until_closed(std::chrono::milliseconds timeout = 5s);
  websocket::close_reason close_reason() const { return ws_.reason(); }
  void close();

 private:
  template <class Start>
  beast::error_code run(Start&& start, std::chrono::milliseconds timeout);

  net::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
};

http::response<http::string_body> http_request(unsigned short port, http::verb verb, std::string target,
                                               std::string body = "", const Headers& headers = {},
                                               std::chrono::milliseconds timeout = 5s);

// Polls `done` every 20 ms until it is true or `timeout` passes.
template <class Pred>
bool eventually(Pred done, std::chrono::milliseconds timeout = 5s) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

// A fresh directory removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace qabot::server::testing
