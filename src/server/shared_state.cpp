#include "server/shared_state.hpp"

#include <utility>

#include "server/gap_recorder.hpp"
#include "server/process_stats.hpp"

namespace qabot::server {

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    if (state_) state_->release_connection();
    state_ = std::move(other.state_);
  }
  return *this;
}

ConnectionSlot::~ConnectionSlot() {
  if (state_) state_->release_connection();
}

namespace {

RouterContext make_router_context(SharedState& state, AnswerPool& pool, const ServerConfig& config,
                                  std::shared_ptr<const AskService> asks, std::shared_ptr<const QuizService> quiz) {
  RouterContext ctx;
  ctx.asks = std::move(asks);
  ctx.quiz = std::move(quiz);
  ctx.question_count = [&pool] { return pool.question_count(); };
  ctx.metrics = &state.metrics();
  ctx.metrics_text = [&state, &pool] {
    return state.metrics().prometheus_text() +
           "# HELP qabot_asks_inline_total Asks answered on the io thread that received them (small bank, cheap "
           "asks).\n"
           "# TYPE qabot_asks_inline_total counter\n"
           "qabot_asks_inline_total " +
           std::to_string(pool.answered_inline()) +
           "\n# HELP qabot_bank_questions Questions in the bank being served.\n"
           "# TYPE qabot_bank_questions gauge\n"
           "qabot_bank_questions " +
           std::to_string(pool.question_count()) +
           "\n# HELP qabot_gaps_dropped_total Gaps-log entries dropped because the state store could not keep up.\n"
           "# TYPE qabot_gaps_dropped_total counter\n"
           "qabot_gaps_dropped_total " +
           std::to_string(state.gaps().dropped()) + "\n" + ProcessStats::read().prometheus_text();
  };
  ctx.limits = config.limits;
  // Secrets stay in the endpoints; nothing here logs them. A malformed Discord key throws here,
  // before the server listens.
  if (config.integrations.slack_enabled()) {
    ctx.slack = std::make_shared<integrations::SlackEndpoint>(
        config.integrations.slack_signing_secret, &integrations::unix_seconds, config.integrations.public_url);
  }
  if (config.integrations.discord_enabled()) {
    ctx.discord = std::make_shared<integrations::DiscordEndpoint>(
        config.integrations.discord_public_key, &integrations::unix_seconds, config.integrations.public_url);
  }
  ctx.slack_follow_up = config.slack_follow_up;
  // Server-wide, so bounded by count and age: every API session and chat user shares this cap.
  ctx.conversations = std::make_shared<ConversationStore>(10000, std::chrono::minutes(30));
  return ctx;
}

}  // namespace

SharedState::SharedState(ServerConfig config, AnswerPool& pool)
    : config_(std::move(config)),
      pool_(pool),
      gaps_(std::make_shared<GapRecorder>(config_.state, config_.log_gaps)),
      quiz_(std::make_shared<QuizService>(config_.state)),
      asks_(std::make_shared<AskService>(&metrics_, gaps_.get(), quiz_.get(), &pool_)),
      router_(make_router_context(*this, pool, config_, asks_, quiz_)),
      origins_(config_.allowed_origins) {}

ConnectionSlot SharedState::try_open_connection() {
  std::size_t n = open_.load();
  do {
    if (n >= config_.max_connections) return {};
  } while (!open_.compare_exchange_weak(n, n + 1));
  return ConnectionSlot(shared_from_this());
}

void SharedState::join(Session* key, std::weak_ptr<Session> session) {
  std::lock_guard lock(mutex_);
  sessions_.emplace(key, std::move(session));
}

void SharedState::leave(Session* key) {
  std::function<void()> notify;
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(key);
    if (sessions_.empty() && on_empty_) notify = std::exchange(on_empty_, nullptr);
  }
  if (notify) notify();
}

std::size_t SharedState::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::vector<std::shared_ptr<Session>> SharedState::live_sessions() {
  std::vector<std::shared_ptr<Session>> out;
  std::lock_guard lock(mutex_);
  out.reserve(sessions_.size());
  for (auto& [key, weak] : sessions_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

void SharedState::begin_drain(std::function<void()> on_empty) {
  draining_ = true;
  {
    std::lock_guard lock(mutex_);
    if (!sessions_.empty()) {
      on_empty_ = std::move(on_empty);
      on_empty = nullptr;
    }
  }
  if (on_empty) on_empty();
  for (auto& s : live_sessions()) s->begin_shutdown();
}

void SharedState::force_close_all() {
  for (auto& s : live_sessions()) s->force_close();
}

}  // namespace qabot::server
