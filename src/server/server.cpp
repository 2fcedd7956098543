#include "server/server.hpp"

#include <algorithm>
#include <csignal>
#include <exception>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "server/follow_up_sender.hpp"
#include "server/index_watcher.hpp"
#include "server/listener.hpp"
#include "server/reloader.hpp"
#include "server/shared_state.hpp"

namespace qabot::server {
namespace {

ServerConfig normalized(ServerConfig c) {
  if (c.io_threads == 0) c.io_threads = std::max(1u, std::thread::hardware_concurrency());
  if (c.workers == 0) c.workers = std::min<std::size_t>(c.io_threads, 4);
  if (!c.engine_factory) throw std::invalid_argument("ServerConfig.engine_factory is required");
  return c;
}

tcp::endpoint resolve(net::io_context& ioc, const std::string& host, unsigned short port) {
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (!ec) return {address, port};
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) throw std::runtime_error("cannot resolve host '" + host + "': " + ec.message());
  return results.begin()->endpoint();
}

}  // namespace

Server::Server(ServerConfig config)
    : config_(normalized(std::move(config))),
      ioc_(static_cast<int>(config_.io_threads)),
      control_(net::make_strand(ioc_)),
      signals_(control_),
      drain_timer_(control_) {
  if (config_.integrations.slack_enabled() && !config_.slack_follow_up && config_.slack_delivery) {
    follow_ups_ = std::make_shared<FollowUpSender>(ioc_, *config_.slack_delivery);
    // Weak: the config (and its copies) outlive ioc_, the sender must not.
    config_.slack_follow_up = [weak = std::weak_ptr<FollowUpSender>(follow_ups_)](integrations::FollowUp f) {
      if (auto sender = weak.lock()) sender->send(std::move(f));
    };
  }
  pool_ = std::make_unique<AnswerPool>(config_.engine_factory, config_.db, config_.workers, config_.max_queued_jobs,
                                       config_.inline_asks);
  state_ = std::make_shared<SharedState>(config_, *pool_);
  listener_ = std::make_shared<Listener>(ioc_, resolve(ioc_, config_.host, config_.port), state_);
  if (config_.rebuild_index || config_.watch_index) {
    reloader_ = std::make_unique<Reloader>(*pool_, state_->metrics(), config_.rebuild_index);
  }
  if (!config_.watch_paths.empty()) {
    if (!config_.rebuild_index) throw std::invalid_argument("--watch needs an index builder");
    std::vector<std::filesystem::path> ignore = {config_.db, reloader_->temporary_path()};
    watcher_ =
        std::make_shared<IndexWatcher>(ioc_, config_.watch_paths, ignore, config_.debounce, [this] { reload(); });
  }
  if (config_.watch_index) {
    // The index file itself: a new one moved into place (or rewritten) is verified and adopted.
    index_watcher_ = std::make_shared<IndexWatcher>(ioc_, std::vector<std::filesystem::path>{config_.db},
                                                    std::vector<std::filesystem::path>{reloader_->temporary_path()},
                                                    config_.debounce, [this] { reloader_->request_reopen(); });
  }
}

Server::~Server() {
  if (started_) {
    shutdown();
    wait();
  } else {
    if (reloader_) reloader_->stop();
    pool_->stop();
  }
}

unsigned short Server::port() const { return listener_->local_endpoint().port(); }

std::string Server::url() const {
  const auto ep = listener_->local_endpoint();
  const std::string host = ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
  return "http://" + host + ":" + std::to_string(ep.port()) + "/";
}

Metrics& Server::metrics() { return state_->metrics(); }

void Server::reload() {
  if (reloader_) reloader_->request();
}

void Server::start() {
  if (started_.exchange(true)) return;
  listener_->run();
  if (watcher_) watcher_->run();
  if (index_watcher_) index_watcher_->run();
  if (config_.handle_signals) {
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.async_wait([this](beast::error_code ec, int signal) {
      if (ec) return;
      spdlog::info("signal {}: shutting down", signal);
      shutdown();
    });
  }
  spdlog::info("listening on {} ({} io threads, {} workers, {} questions)", url(), config_.io_threads, pool_->workers(),
               pool_->question_count());
  threads_.reserve(config_.io_threads);
  for (std::size_t i = 0; i < config_.io_threads; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("io thread: unhandled exception: {}", e.what());
        }
      }
    });
  }
}

void Server::shutdown() {
  if (shutting_down_.exchange(true)) return;
  net::post(control_, [this] {
    spdlog::info("draining: no new connections; finishing asks in flight (at most {} ms)",
                 config_.drain_timeout.count());
    listener_->stop();
    beast::error_code ec;
    signals_.cancel(ec);
    if (watcher_) watcher_->stop();
    if (index_watcher_) index_watcher_->stop();
    drain_timer_.expires_after(config_.drain_timeout);
    drain_timer_.async_wait([this](beast::error_code wait_ec) {
      if (wait_ec) return;  // every session finished in time
      spdlog::warn("drain deadline passed: closing {} connections", state_->session_count());
      state_->force_close_all();
    });
    state_->begin_drain([this] { net::post(control_, [this] { drain_timer_.cancel(); }); });
    // Follow-ups already on their way get the same time as the connections, then are cancelled.
    if (follow_ups_) follow_ups_->stop(config_.drain_timeout);
  });
}

void Server::wait() {
  std::lock_guard lock(wait_mutex_);
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  if (reloader_) reloader_->stop();
  pool_->stop();
}

int Server::run() {
  start();
  wait();
  spdlog::info("stopped");
  return 0;
}

}  // namespace qabot::server
