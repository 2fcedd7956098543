#pragma once
// Delivers Slack follow-ups over HTTPS on the server's io_context. send() is called from a worker
// (the request that carried the click is still being answered) and only starts the delivery: it
// never blocks on the network. At most FollowUpOptions::max_in_flight deliveries exist at once; the
// excess is dropped with a warning, so a burst of clicks against a slow Slack cannot grow memory.
//
// Logs name the host and a short prefix of the path only: response_url paths carry a token.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <boost/asio/ssl.hpp>

#include "integrations/webhook.hpp"
#include "server/follow_up_options.hpp"
#include "server/url.hpp"
#include "server/net.hpp"

namespace qabot::server {

class FollowUpDelivery;

class FollowUpSender : public std::enable_shared_from_this<FollowUpSender> {
 public:
  using Done = std::function<void(const FollowUpResult&)>;

  // Throws std::runtime_error when the system store or trusted_ca_pem cannot be loaded.
  FollowUpSender(net::io_context& ioc, FollowUpOptions options);
  ~FollowUpSender();
  FollowUpSender(const FollowUpSender&) = delete;
  FollowUpSender& operator=(const FollowUpSender&) = delete;

  // Thread-safe, returns at once. `done` (optional) gets the outcome: at once for Refused and
  // Dropped, else on an io thread when the delivery ends.
  void send(integrations::FollowUp follow_up, Done done = {});

  // Shutdown: later sends are dropped; deliveries still in flight after `grace` are cancelled.
  void stop(std::chrono::milliseconds grace);

  // Deliveries started and not yet reported: a slot is freed only after its Done has returned.
  std::size_t in_flight() const { return in_flight_.load(); }
  const FollowUpOptions& options() const { return options_; }

 private:
  bool allowed(const Url& url) const;
  void finished(std::uint64_t id);
  void cancel_all();

  net::io_context& ioc_;
  const FollowUpOptions options_;
  net::ssl::context ssl_;
  net::strand<net::io_context::executor_type> control_;
  net::steady_timer stop_timer_;
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<bool> stopped_{false};

  std::mutex mutex_;
  std::uint64_t next_id_ = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<FollowUpDelivery>> deliveries_;  // for stop()
};

}  // namespace qabot::server
