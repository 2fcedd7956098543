// In-process ask latency (retrieval + answer text + HTML) on an index, as a Google Benchmark.
//   ask_latency --db qabot.db --queries queries.txt [--synonyms data/synonyms.txt] [benchmark flags]
// Reports mean time per ask from Google Benchmark plus p50/p90/p99/max over every individual ask
// (the targets are percentiles, which a mean hides).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "answer/answerer.hpp"

namespace {
std::string g_db, g_synonyms, g_queries;
int g_slowest = 0;  // print this many slowest queries (with their time) to stderr
std::vector<std::string> load_queries(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

void BM_Ask(benchmark::State& state) {
  qabot::answer::Answerer answerer(
      g_db, qabot::retrieval::GlossarySources{.builtin = g_synonyms.empty(), .user_file = g_synonyms});
  const auto queries = load_queries(g_queries);
  if (queries.empty()) {
    state.SkipWithError("no queries");
    return;
  }
  for (std::size_t i = 0; i < std::min<std::size_t>(queries.size(), 50); ++i) answerer.ask(queries[i], 3);  // warm-up
  std::vector<double> micros;
  std::vector<std::pair<double, std::size_t>> by_query(queries.size(), {0.0, 0});
  std::size_t i = 0, matched = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto a = answerer.ask(queries[i++ % queries.size()], 3);
    const auto t1 = std::chrono::steady_clock::now();
    matched += a.result.matched;
    benchmark::DoNotOptimize(a);
    micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    by_query[(i - 1) % queries.size()] = {micros.back(), (i - 1) % queries.size()};
  }
  if (g_slowest > 0) {
    std::sort(by_query.begin(), by_query.end(), std::greater<>());
    for (int k = 0; k < g_slowest && k < static_cast<int>(by_query.size()); ++k)
      std::cerr << static_cast<long>(by_query[k].first) << " us\t" << queries[by_query[k].second] << "\n";
  }
  std::sort(micros.begin(), micros.end());
  auto pct = [&](double p) { return micros[std::min(micros.size() - 1, static_cast<std::size_t>(p * micros.size()))]; };
  state.counters["p50_us"] = pct(0.50);
  state.counters["p90_us"] = pct(0.90);
  state.counters["p99_us"] = pct(0.99);
  state.counters["max_us"] = micros.back();
  state.counters["matched_pct"] = 100.0 * static_cast<double>(matched) / static_cast<double>(micros.size());
  state.counters["questions"] = static_cast<double>(answerer.question_count());
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--db" && i + 1 < argc) g_db = argv[++i];
    else if (a == "--queries" && i + 1 < argc) g_queries = argv[++i];
    else if (a == "--synonyms" && i + 1 < argc) g_synonyms = argv[++i];
    else if (a == "--slowest" && i + 1 < argc) g_slowest = std::atoi(argv[++i]);
    else rest.push_back(argv[i]);
  }
  if (g_db.empty() || g_queries.empty()) {
    std::cerr << "usage: ask_latency --db FILE --queries FILE [--synonyms FILE] [benchmark flags]\n";
    return 2;
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  benchmark::RegisterBenchmark("ask", BM_Ask)->Unit(benchmark::kMicrosecond)->Iterations(5000);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
