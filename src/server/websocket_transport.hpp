#pragma once
// What a WebSocket session reads and writes through: the connection's tcp_stream behind a read buffer
// that starts with whatever the HTTP session read past the upgrade request. A client may send its
// first frames in the same TCP segment as the upgrade (or before the 101 arrives); Beast's accept
// takes either the parsed request or raw bytes, never both, so without this layer those frames were
// read by the HTTP parser and lost.

#include <utility>

#include "server/net.hpp"

namespace qabot::server {

using WebSocketTransport = beast::buffered_read_stream<beast::tcp_stream, beast::flat_buffer>;

}  // namespace qabot::server

namespace boost::beast {

// Closing a WebSocket tears down its lowest layer (websocket::teardown); Beast defines it for
// tcp_stream, not for a buffered layer over one. Found by argument-dependent lookup, as Beast's own.
inline void teardown(role_type role, qabot::server::WebSocketTransport& stream, error_code& ec) {
  using websocket::teardown;
  teardown(role, stream.next_layer(), ec);
}

template <class TeardownHandler>
void async_teardown(role_type role, qabot::server::WebSocketTransport& stream, TeardownHandler&& handler) {
  using websocket::async_teardown;
  async_teardown(role, stream.next_layer(), std::forward<TeardownHandler>(handler));
}

}  // namespace boost::beast
