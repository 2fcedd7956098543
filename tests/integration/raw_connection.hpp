#pragma once
// A raw TCP client for hostile-input tests: writes exactly the bytes it is given (malformed HTTP,
// hand-made WebSocket frames, one byte at a time) and reads whatever comes back, every operation
// bounded by a timeout. Beast's own clients refuse to produce most of these byte sequences.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "server/net.hpp"

namespace qabot::server::testing {

class RawConnection {
 public:
  // Connects to 127.0.0.1:port; a non-zero receive_buffer shrinks SO_RCVBUF before connecting, so a
  // client that never reads stops the server's writes quickly.
  explicit RawConnection(unsigned short port, int receive_buffer = 0);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False when the server has already closed the connection (the write failed).
  bool write(std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Everything that arrives until the server closes the connection; nullopt if it is still open
  // after `timeout`. What arrived before the timeout is kept in received().
  std::optional<std::string> read_until_closed(std::chrono::milliseconds timeout);
  // Reads until `needle` has arrived (true) or the connection ends or the timeout passes (false).
  bool read_until(std::string_view needle, std::chrono::milliseconds timeout);
  const std::string& received() const { return received_; }
  bool closed() const { return closed_; }

  // A masked client WebSocket frame (RFC 6455 §5.2) with the given opcode and payload.
  static std::string ws_frame(std::uint8_t opcode, std::string_view payload, bool fin = true);
  // A GET /ws upgrade request with the given extra header lines (each ending in \r\n).
  static std::string upgrade_request(unsigned short port, std::string_view key, std::string_view version);

 private:
  // Runs one read; returns false on timeout, sets closed_ on EOF/error.
  bool read_some(std::chrono::milliseconds timeout);

  net::io_context ioc_;
  tcp::socket socket_;
  std::string received_;
  bool closed_ = false;
};

}  // namespace qabot::server::testing
