#include "state/state_store.hpp"

#include "state/postgres_state_store.hpp"
#include "state/sqlite_state_store.hpp"

namespace qabot::state {

std::unique_ptr<StateStore> open_state_store(const std::string& spec) {
  if (spec.starts_with("postgres://") || spec.starts_with("postgresql://")) {
    return std::make_unique<PostgresStateStore>(spec);
  }
  std::string path = spec.starts_with("sqlite:") ? spec.substr(7) : spec;
  if (path.empty()) throw StateError("the state store needs a file: --state sqlite:PATH or --state PATH");
  return std::make_unique<SqliteStateStore>(path);
}

}  // namespace qabot::state
