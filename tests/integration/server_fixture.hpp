#pragma once
// A real qabot server on a loopback port for one test, drained and stopped when the test ends.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <utility>

#include "server/answer_engine.hpp"
#include "server/server.hpp"
#include "server/server_config.hpp"
#include "test_client.hpp"

namespace qabot::server::testing {

// Loopback, a port the kernel picks, 2 io threads and 2 workers (CI's two cores), no pacing of
// streamed deltas (tests read them as fast as they come), and the bundled synonyms.
inline ServerConfig loopback_config(const std::filesystem::path& db) {
  using namespace std::chrono_literals;
  ServerConfig c;
  c.host = "127.0.0.1";
  c.port = 0;
  c.io_threads = 2;
  c.workers = 2;
  c.db = db;
  c.engine_factory = make_answerer_factory({});
  c.pace = 0ms;
  return c;
}

class ServerFixture : public ::testing::Test {
 protected:
  void start(ServerConfig config) {
    server_ = std::make_unique<Server>(std::move(config));
    server_->start();
  }
  void TearDown() override { stop(); }
  void stop() {
    if (!server_) return;
    server_->shutdown();
    server_->wait();
    server_.reset();
  }
  unsigned short port() const { return server_->port(); }
  // A WebSocket client past the server's hello.
  std::unique_ptr<WsClient> connect() {
    auto c = std::make_unique<WsClient>(port());
    EXPECT_EQ(c->read()["type"], "hello");
    return c;
  }

  std::unique_ptr<Server> server_;
};

}  // namespace qabot::server::testing
