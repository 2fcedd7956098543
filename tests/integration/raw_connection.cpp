#include "raw_connection.hpp"

#include <array>
#include <stdexcept>

namespace qabot::server::testing {
namespace {

// Runs the io_context until `done` or the timeout; on timeout cancels and drains so that the
// handler (which captures locals) has finished before the caller's frame goes away.
template <class Done>
bool run_bounded(net::io_context& ioc, tcp::socket& socket, std::chrono::milliseconds timeout, Done&& done) {
  ioc.restart();
  ioc.run_for(timeout);
  if (done()) return true;
  beast::error_code ignored;
  socket.cancel(ignored);
  ioc.restart();
  ioc.run();
  return false;
}

}  // namespace

RawConnection::RawConnection(unsigned short port, int receive_buffer) : socket_(ioc_) {
  socket_.open(tcp::v4());
  if (receive_buffer > 0) socket_.set_option(net::socket_base::receive_buffer_size(receive_buffer));
  beast::error_code ec;
  bool finished = false;
  socket_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](beast::error_code e) {
    ec = e;
    finished = true;
  });
  if (!run_bounded(ioc_, socket_, std::chrono::seconds(5), [&] { return finished; }) || ec) {
    throw std::runtime_error("raw connect failed: " + ec.message());
  }
}

RawConnection::~RawConnection() {
  beast::error_code ec;
  socket_.close(ec);
}

bool RawConnection::write(std::string_view bytes, std::chrono::milliseconds timeout) {
  beast::error_code ec;
  bool finished = false;
  net::async_write(socket_, net::buffer(bytes.data(), bytes.size()), [&](beast::error_code e, std::size_t) {
    ec = e;
    finished = true;
  });
  return run_bounded(ioc_, socket_, timeout, [&] { return finished; }) && !ec;
}

bool RawConnection::read_some(std::chrono::milliseconds timeout) {
  std::array<char, 16384> chunk{};
  beast::error_code ec;
  std::size_t n = 0;
  bool finished = false;
  socket_.async_read_some(net::buffer(chunk), [&](beast::error_code e, std::size_t bytes) {
    ec = e;
    n = bytes;
    finished = true;
  });
  if (!run_bounded(ioc_, socket_, timeout, [&] { return finished; })) return false;
  received_.append(chunk.data(), n);
  if (ec) closed_ = true;
  return true;
}

std::optional<std::string> RawConnection::read_until_closed(std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!closed_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds(0) || !read_some(left)) return std::nullopt;
  }
  return received_;
}

bool RawConnection::read_until(std::string_view needle, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (received_.find(needle) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (closed_ || left <= std::chrono::milliseconds(0) || !read_some(left)) return false;
  }
  return true;
}

std::string RawConnection::ws_frame(std::uint8_t opcode, std::string_view payload, bool fin) {
  std::string frame;
  frame += static_cast<char>((fin ? 0x80 : 0x00) | (opcode & 0x0F));
  const std::size_t n = payload.size();
  if (n < 126) {
    frame += static_cast<char>(0x80 | n);
  } else if (n <= 0xFFFF) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>((n >> 8) & 0xFF);
    frame += static_cast<char>(n & 0xFF);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      frame += static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF);
  }
  const std::array<std::uint8_t, 4> mask = {0x12, 0x34, 0x56, 0x78};
  for (auto m : mask) frame += static_cast<char>(m);
  for (std::size_t i = 0; i < n; ++i) frame += static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ mask[i % 4]);
  return frame;
}

std::string RawConnection::upgrade_request(unsigned short port, std::string_view key, std::string_view version) {
  std::string req = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  if (!key.empty()) req += "Sec-WebSocket-Key: " + std::string(key) + "\r\n";
  if (!version.empty()) req += "Sec-WebSocket-Version: " + std::string(version) + "\r\n";
  return req + "\r\n";
}

}  // namespace qabot::server::testing
