#include "store/rank_function.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace qabot::store {

namespace {

struct ColumnAverages {
  double avg[kColumnCount];
};

void free_averages(void* p) { delete static_cast<ColumnAverages*>(p); }

const ColumnAverages* averages(const Fts5ExtensionApi* api, Fts5Context* ctx) {
  if (auto* cached = static_cast<ColumnAverages*>(api->xGetAuxdata(ctx, 0))) return cached;
  auto* fresh = new (std::nothrow) ColumnAverages{};
  if (!fresh) return nullptr;
  sqlite3_int64 rows = 0;
  api->xRowCount(ctx, &rows);
  for (int c = 0; c < kColumnCount; ++c) {
    sqlite3_int64 total = 0;
    api->xColumnTotalSize(ctx, c, &total);
    fresh->avg[c] = rows > 0 && total > 0 ? static_cast<double>(total) / static_cast<double>(rows) : 1.0;
  }
  if (api->xSetAuxdata(ctx, fresh, free_averages) != SQLITE_OK) return nullptr;
  return fresh;
}

bool worse(const RankOutput& a, const RankOutput& b) {
  return a.score > b.score || (a.score == b.score && a.row < b.row);
}

void rank(const Fts5ExtensionApi* api, Fts5Context* ctx, sqlite3_context* result, int argc, sqlite3_value** argv) {
  auto* collector =
      argc == 1 ? static_cast<RankCollector*>(sqlite3_value_pointer(argv[0], kRankCollectorType)) : nullptr;
  if (!collector) {
    sqlite3_result_error(result, "qabot_rank(fts, collector): missing collector", -1);
    return;
  }
  const RankParams& h = collector->params;
  const int phrases = api->xPhraseCount(ctx);
  const int concepts = static_cast<int>(h.concept_weights.size());
  if (phrases != static_cast<int>(h.phrase_concept.size()) ||
      (!h.phrase_weight.empty() && h.phrase_weight.size() != h.phrase_concept.size())) {
    sqlite3_result_error(result, "qabot_rank: parameters do not match the query", -1);
    return;
  }
  const ColumnAverages* avg = averages(api, ctx);
  if (!avg) {
    sqlite3_result_error_nomem(result);
    return;
  }
  const sqlite3_int64 rowid = api->xRowid(ctx);
  int column_size[kColumnCount] = {0, 0, 0};
  if (const auto* known = collector->column_sizes ? collector->column_sizes->find(rowid) : nullptr) {
    std::copy(known->begin(), known->end(), column_size);
  } else {
    bool read = true;
    for (int c = 0; c < kColumnCount; ++c) read = api->xColumnSize(ctx, c, &column_size[c]) == SQLITE_OK && read;
    // A failed read (a damaged docsize table, no memory) leaves FTS5's previous sizes behind: they
    // may score this row once, but must not be remembered for it.
    if (read && collector->column_sizes)
      collector->column_sizes->put(rowid, {column_size[0], column_size[1], column_size[2]});
  }
  double norm[kColumnCount];
  for (int c = 0; c < kColumnCount; ++c) norm[c] = 1.0 - h.b + h.b * static_cast<double>(column_size[c]) / avg->avg[c];

  // Term frequency per phrase and column. Scratch space is reused across rows.
  thread_local std::vector<double> tf;
  tf.assign(static_cast<std::size_t>(phrases) * kColumnCount, 0.0);
  int instances = 0;
  if (api->xInstCount(ctx, &instances) != SQLITE_OK) {
    sqlite3_result_error(result, "qabot_rank: xInstCount failed", -1);
    return;
  }
  for (int i = 0; i < instances; ++i) {
    int phrase = 0, column = 0, offset = 0;
    if (api->xInst(ctx, i, &phrase, &column, &offset) != SQLITE_OK) continue;
    if (phrase < 0 || phrase >= phrases || column < 0 || column >= kColumnCount) continue;
    tf[static_cast<std::size_t>(phrase) * kColumnCount + static_cast<std::size_t>(column)] += 1.0;
  }

  // BM25F: column-weighted, length-normalised frequency, saturated once per concept (its best
  // alternative), so a synonym group counts as one term however many spellings it has.
  thread_local std::vector<double> best;
  best.assign(static_cast<std::size_t>(concepts), 0.0);
  for (int p = 0; p < phrases; ++p) {
    const auto concept_index = h.phrase_concept[static_cast<std::size_t>(p)];
    if (concept_index < 0 || concept_index >= concepts) continue;
    double weighted = 0;
    for (int c = 0; c < kColumnCount; ++c)
      weighted +=
          h.column_weights[c] * tf[static_cast<std::size_t>(p) * kColumnCount + static_cast<std::size_t>(c)] / norm[c];
    if (!h.phrase_weight.empty()) weighted *= h.phrase_weight[static_cast<std::size_t>(p)];
    auto& b = best[static_cast<std::size_t>(concept_index)];
    b = std::max(b, weighted);
  }
  double score = 0;
  for (std::size_t c = 0; c < best.size(); ++c)
    if (best[c] > 0) score += h.concept_weights[c] * best[c] * (h.k1 + 1.0) / (best[c] + h.k1);
  sqlite3_result_double(result, score);

  auto& heap = collector->best;
  RankOutput candidate;
  candidate.row = rowid;
  candidate.score = score;
  if (heap.size() >= collector->limit) {
    if (collector->limit == 0 || !worse(candidate, heap.front())) return;
  }
  // Only rows that enter the kept set pay for the details.
  candidate.question_tokens = column_size[kQuestionColumn];
  candidate.concept_columns.assign(static_cast<std::size_t>(concepts), 0);
  candidate.answer_salience.assign(static_cast<std::size_t>(concepts), 0.0f);
  for (int p = 0; p < phrases; ++p) {
    const auto concept_index = h.phrase_concept[static_cast<std::size_t>(p)];
    if (concept_index < 0 || concept_index >= concepts) continue;
    const double frequency =
        tf[static_cast<std::size_t>(p) * kColumnCount + static_cast<std::size_t>(kAnswerColumn)] / norm[kAnswerColumn];
    const auto salience = static_cast<float>(frequency * (h.k1 + 1.0) / (frequency + h.k1));
    auto& s = candidate.answer_salience[static_cast<std::size_t>(concept_index)];
    s = std::max(s, salience);
  }
  std::vector<bool> covered(static_cast<std::size_t>(std::max(column_size[kQuestionColumn], 0)), false);
  for (int i = 0; i < instances; ++i) {
    int phrase = 0, column = 0, offset = 0;
    if (api->xInst(ctx, i, &phrase, &column, &offset) != SQLITE_OK) continue;
    if (phrase < 0 || phrase >= phrases || column < 0 || column >= kColumnCount) continue;
    const auto concept_index = h.phrase_concept[static_cast<std::size_t>(phrase)];
    if (concept_index >= 0 && concept_index < concepts)
      candidate.concept_columns[static_cast<std::size_t>(concept_index)] |= static_cast<std::uint8_t>(1u << column);
    if (column == kQuestionColumn) {
      const int size = api->xPhraseSize(ctx, phrase);
      for (int q = std::max(offset, 0); q < offset + size && q < static_cast<int>(covered.size()); ++q)
        covered[static_cast<std::size_t>(q)] = true;
    }
  }
  candidate.question_hit_tokens = static_cast<std::int32_t>(std::count(covered.begin(), covered.end(), true));
  if (heap.size() >= collector->limit) {
    std::pop_heap(heap.begin(), heap.end(), worse);
    heap.pop_back();
  }
  heap.push_back(std::move(candidate));
  std::push_heap(heap.begin(), heap.end(), worse);
}

}  // namespace

std::vector<RankOutput> RankCollector::sorted() {
  std::vector<RankOutput> out = std::move(best);
  best.clear();
  std::sort(out.begin(), out.end(), worse);
  return out;
}

int register_rank_function(fts5_api* api) { return api->xCreateFunction(api, "qabot_rank", nullptr, rank, nullptr); }

}  // namespace qabot::store
