#include "server/follow_up_sender.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>

#include "server/follow_up_delivery.hpp"
#include "server/https_url.hpp"
#include "server/tls_client.hpp"

namespace qabot::server {

const char* to_string(FollowUpResult::Outcome outcome) {
  switch (outcome) {
    case FollowUpResult::Outcome::Delivered: return "delivered";
    case FollowUpResult::Outcome::Rejected: return "rejected";
    case FollowUpResult::Outcome::Failed: return "failed";
    case FollowUpResult::Outcome::Refused: return "refused";
    case FollowUpResult::Outcome::Dropped: return "dropped";
  }
  return "unknown";
}

namespace {

net::ssl::context make_client_context(const FollowUpOptions& options) {
  try {
    return make_tls_client_context(options.trusted_ca_pem);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("Slack follow-ups: ") + e.what());
  }
}

}  // namespace

FollowUpSender::FollowUpSender(net::io_context& ioc, FollowUpOptions options)
    : ioc_(ioc),
      options_(std::move(options)),
      ssl_(make_client_context(options_)),
      control_(net::make_strand(ioc)),
      stop_timer_(control_) {}

FollowUpSender::~FollowUpSender() = default;

bool FollowUpSender::allowed(const Url& url) const {
  return std::find(options_.allowed_hosts.begin(), options_.allowed_hosts.end(), url.host) !=
             options_.allowed_hosts.end() &&
         std::find(options_.allowed_ports.begin(), options_.allowed_ports.end(), url.port) !=
             options_.allowed_ports.end();
}

void FollowUpSender::send(integrations::FollowUp follow_up, Done done) {
  const auto report = [&done](FollowUpResult::Outcome outcome, std::string error) {
    if (done) done(FollowUpResult{outcome, 0, 0, std::move(error)});
  };
  const auto url = parse_https_url(follow_up.url);
  if (!url || !allowed(*url)) {
    // Never the URL itself: it may be long, odd or secret. The host is enough to see what is wrong.
    const std::string host = url ? url->authority() : "an unparsable URL";
    spdlog::warn("Slack follow-up refused: {} is not an allowed https host", host);
    return report(FollowUpResult::Outcome::Refused, "not an allowed https URL");
  }
  if (stopped_.load()) {
    spdlog::warn("Slack follow-up to {} dropped: shutting down", url->redacted());
    return report(FollowUpResult::Outcome::Dropped, "shutting down");
  }
  std::size_t n = in_flight_.load();
  do {
    if (n >= options_.max_in_flight) {
      spdlog::warn("Slack follow-up to {} dropped: {} already in flight", url->redacted(), n);
      return report(FollowUpResult::Outcome::Dropped, "too many in flight");
    }
  } while (!in_flight_.compare_exchange_weak(n, n + 1));

  const auto started = std::chrono::steady_clock::now();
  auto finished_cb = [where = url->redacted(), started, done = std::move(done)](FollowUpResult result) mutable {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    if (result.outcome == FollowUpResult::Outcome::Delivered) {
      spdlog::info("Slack follow-up to {}: delivered ({}) in {} ms", where, result.status, ms);
    } else if (result.outcome == FollowUpResult::Outcome::Rejected) {
      spdlog::warn("Slack follow-up to {}: HTTP {} {} in {} ms", where, result.status, result.error, ms);
    } else {
      spdlog::warn("Slack follow-up to {}: failed after {} attempt(s) in {} ms: {}", where, result.attempts, ms,
                   result.error);
    }
    if (done) done(result);
  };
  std::unique_lock lock(mutex_);
  const std::uint64_t id = next_id_++;
  auto delivery = std::make_shared<FollowUpDelivery>(
      net::make_strand(ioc_), ssl_, options_, std::move(*url), std::move(follow_up.json),
      [self = shared_from_this(), id, cb = std::move(finished_cb)](FollowUpResult result) mutable {
        // Report before the slot is freed: in_flight() == 0 must mean every caller has been told,
        // which is what stop() waits for and what a caller counting results relies on.
        // The slot is freed even if the caller's Done throws.
        struct Release {
          FollowUpSender* sender;
          std::uint64_t id;
          ~Release() { sender->finished(id); }
        } release{self.get(), id};
        cb(std::move(result));
      });
  deliveries_.emplace(id, delivery);
  lock.unlock();  // the delivery may end, and leave the registry, as soon as it starts
  delivery->start();
}

void FollowUpSender::finished(std::uint64_t id) {
  {
    std::lock_guard lock(mutex_);
    deliveries_.erase(id);
  }
  if (in_flight_.fetch_sub(1) == 1 && stopped_.load()) {
    net::post(control_, [self = shared_from_this()] { self->stop_timer_.cancel(); });
  }
}

void FollowUpSender::stop(std::chrono::milliseconds grace) {
  stopped_ = true;
  net::post(control_, [self = shared_from_this(), grace] {
    if (self->in_flight_.load() == 0) return;
    spdlog::info("{} Slack follow-up(s) in flight: waiting up to {} ms", self->in_flight_.load(), grace.count());
    self->stop_timer_.expires_after(grace);
    self->stop_timer_.async_wait([self](beast::error_code ec) {
      if (!ec) self->cancel_all();
    });
  });
}

void FollowUpSender::cancel_all() {
  std::vector<std::shared_ptr<FollowUpDelivery>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, weak] : deliveries_) {
      if (auto d = weak.lock()) live.push_back(std::move(d));
    }
  }
  for (auto& d : live) d->cancel();
}

}  // namespace qabot::server
