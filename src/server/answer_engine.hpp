#pragma once
// What the server needs from retrieval, behind an interface so that transport tests can run with a
// scripted engine and the worker pool can reopen engines after a reload. Implementations need not be
// thread-safe: each worker owns one.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace qabot::server {

struct AskOutcome {
  bool matched = false;
  bool clarify = false;
  nlohmann::json hits = nlohmann::json::array();         // exactly answer::to_json(result)["hits"]
  nlohmann::json corrections = nlohmann::json::array();  // [{"from": "...", "to": "..."}]
  std::string markdown;  // best answer, or the helpful no-match message
  std::string html;
};

class AnswerEngine {
 public:
  virtual ~AnswerEngine() = default;
  virtual AskOutcome ask(std::string_view text, int top_k) = 0;
  virtual std::int64_t question_count() const = 0;
  virtual nlohmann::json questions_by_category() const = 0;
};

// Opens an engine on an index file; throws std::runtime_error when the index cannot be used.
using EngineFactory = std::function<std::unique_ptr<AnswerEngine>(const std::filesystem::path& db)>;

// The real engine: answer::Answerer with the given synonyms file.
EngineFactory make_answerer_factory(std::filesystem::path synonyms);

}  // namespace qabot::server
