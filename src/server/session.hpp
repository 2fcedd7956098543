#pragma once
// What the server's registry can ask of a connection; called from any thread, implementations post
// onto their own strand.

namespace qabot::server {

class Session {
 public:
  virtual ~Session() = default;
  // Stop taking new work; finish what is in flight; then close (WebSocket: 1001 going away).
  virtual void begin_shutdown() = 0;
  // Close the socket now.
  virtual void force_close() = 0;
};

}  // namespace qabot::server
