// Audit appends: the in-memory store, and SQLite with group commit (WAL,
// one writer thread) with synchronous=NORMAL and =FULL; the JSON of a row's
// reasons and of a whole decision, and a line of JSON Lines input parsed
// into a comment. Records are the
// real decisions of the corpus under the shipped rules, each with a fresh
// decision id (the column is UNIQUE). bytes/s counts the text of the
// comments audited (the store keeps only its hash), so it compares with the
// other rows.
#include <benchmark/benchmark.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "audit/memory_audit_store.h"
#include "audit/sqlite_audit_store.h"
#include "bench_fixtures.h"
#include "engine/comment_json.h"

namespace hakam::bench {
namespace {

// The corpus' records under the shipped rules, in corpus order.
const std::vector<AuditRecord>& CorpusRecords() {
  static const std::vector<AuditRecord>* records = [] {
    std::unique_ptr<Engine> engine =
        MakeEngineOrDie(ShippedRuleFiles(), EngineOptions());
    auto* v = new std::vector<AuditRecord>();
    for (const hakam::v1::Comment& c : BenchComments()) {
      absl::StatusOr<hakam::v1::Decision> d = engine->Evaluate(c);
      if (!d.ok()) {
        std::fprintf(stderr, "hakam-bench: %s\n",
                     d.status().ToString().c_str());
        std::exit(1);
      }
      v->push_back(MakeAuditRecord(c, *d));
    }
    return v;
  }();
  return *records;
}

// Record `i` of the corpus (cyclic) with a unique decision id.
AuditRecord NextRecord(uint64_t serial, int64_t* bytes) {
  const std::vector<AuditRecord>& records = CorpusRecords();
  const size_t i = serial % records.size();
  AuditRecord r = records[i];
  r.decision.set_decision_id(absl::StrFormat("%032x", serial));
  *bytes += static_cast<int64_t>(BenchComments()[i].text().size());
  return r;
}

// One append per iteration; the store is replaced every 2^16 appends (out
// of the timing) so memory stays bounded.
void BM_AuditAppendMemory(benchmark::State& state) {
  CorpusRecords();
  auto store = std::make_unique<MemoryAuditStore>();
  std::atomic<int64_t> failed{0};
  uint64_t serial = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    store->Append(NextRecord(serial, &bytes), [&failed](absl::Status s) {
      if (!s.ok()) failed.fetch_add(1);
    });
    if ((++serial & 0xFFFF) == 0) {
      state.PauseTiming();
      store = std::make_unique<MemoryAuditStore>();
      state.ResumeTiming();
    }
  }
  if (failed.load() > 0) state.SkipWithError("appends failed");
  ReportThroughput(state, bytes);
}
BENCHMARK(BM_AuditAppendMemory);

// Each iteration appends a group of `range(1)` records, as that many
// concurrent requests would, then waits until they are durable (Flush):
// items/s is durable records per second. Args: full_sync, group. A group
// of 1 is a store under light or moderate load, where each decision gets a
// commit of its own. `cpu_us_per_record` is the CPU time of every thread
// of the process (writer and checkpointer included, and the kernel's work
// in their system calls) per record: what the store costs a server's
// cores, which real time does not show. It also counts this thread's
// copying of each record, the same in every group.
// `checkpoints_per_1k_commits`: how often the background checkpointer ran.
void BM_AuditAppendSqlite(benchmark::State& state) {
  CorpusRecords();
  const bool full_sync = state.range(0) != 0;
  const int group = static_cast<int>(state.range(1));
  std::string dir =
      (std::filesystem::temp_directory_path() / "hakam-bench-audit-XXXXXX")
          .string();
  if (mkdtemp(dir.data()) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  int64_t bytes = 0;
  {
    SqliteAuditStoreOptions o;
    o.path = dir + "/audit.db";
    o.full_sync = full_sync;
    absl::StatusOr<std::unique_ptr<SqliteAuditStore>> store =
        SqliteAuditStore::Open(o);
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      std::filesystem::remove_all(dir);
      return;
    }
    uint64_t serial = 0;
    const int64_t cpu_start = ProcessCpuNanos();
    for (auto _ : state) {
      for (int k = 0; k < group; ++k) {
        (*store)->Append(NextRecord(serial++, &bytes), [](absl::Status) {});
      }
      if (absl::Status s = (*store)->Flush(); !s.ok()) {
        state.SkipWithError(s.ToString().c_str());
        break;
      }
    }
    if (serial > 0) {
      state.counters["cpu_us_per_record"] =
          static_cast<double>(ProcessCpuNanos() - cpu_start) / 1e3 /
          static_cast<double>(serial);
      // How often the background checkpointer (two fsyncs each) ran.
      const int64_t commits = (*store)->commits();
      if (commits > 0) {
        state.counters["checkpoints_per_1k_commits"] =
            1e3 * static_cast<double>((*store)->checkpoints()) /
            static_cast<double>(commits);
      }
    }
  }
  std::filesystem::remove_all(dir);
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(state.iterations() * group);
}
BENCHMARK(BM_AuditAppendSqlite)
    ->ArgNames({"full_sync", "group"})
    ->Args({0, 1})
    ->Args({0, 64})
    ->Args({1, 64})
    ->UseRealTime();

// The reasons column of one audit row: the corpus' decisions that have
// reasons, in turn, written by ReasonsToJson (protobuf:0) or by protobuf's
// JSON printer, one MessageToJson per Reason (protobuf:1), as the store
// wrote it before. items/s are decisions; counter `reasons_per_decision`.
void BM_ReasonsJson(benchmark::State& state) {
  std::vector<const hakam::v1::Decision*> flagged;
  int64_t reasons = 0;
  for (const AuditRecord& r : CorpusRecords()) {
    if (r.decision.reasons_size() == 0) continue;
    flagged.push_back(&r.decision);
    reasons += r.decision.reasons_size();
  }
  if (flagged.empty()) {
    state.SkipWithError("no decision of the corpus has reasons");
    return;
  }
  const bool protobuf = state.range(0) != 0;
  size_t i = 0;
  for (auto _ : state) {
    const hakam::v1::Decision& d = *flagged[i];
    i = i + 1 == flagged.size() ? 0 : i + 1;
    std::string json;
    if (protobuf) {
      json = "[";
      for (const hakam::v1::Reason& r : d.reasons()) {
        if (json.size() > 1) json += ',';
        json += MessageToJson(r);
      }
      json += ']';
    } else {
      json = ReasonsToJson(d.reasons());
    }
    benchmark::DoNotOptimize(json);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["reasons_per_decision"] =
      static_cast<double>(reasons) / static_cast<double>(flagged.size());
}
BENCHMARK(BM_ReasonsJson)->ArgName("protobuf")->Arg(0)->Arg(1);

// A whole decision as JSON, as `hakam check` prints one per line: every
// decision of the corpus in turn, by DecisionToJson (protobuf:0) or by
// protobuf's JSON printer (protobuf:1; the same bytes). items/s are
// decisions.
void BM_DecisionJson(benchmark::State& state) {
  const std::vector<AuditRecord>& records = CorpusRecords();
  const bool protobuf = state.range(0) != 0;
  size_t i = 0;
  for (auto _ : state) {
    const hakam::v1::Decision& d = records[i].decision;
    i = i + 1 == records.size() ? 0 : i + 1;
    std::string json = protobuf ? MessageToJson(d) : DecisionToJson(d);
    benchmark::DoNotOptimize(json);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecisionJson)->ArgName("protobuf")->Arg(0)->Arg(1);

// One line of `hakam check -` input parsed into a Comment: every corpus
// comment in turn, as {"comment_id":..., "site":"news", "text":...} (the
// text escaped as protobuf's printer escapes it). protobuf:0 is
// ParseCommentJson (simdjson); protobuf:1 is protobuf's JSON parser into a
// Struct, what ParseCommentJson did before 2026-11-30 (the syntax alone;
// reading the fields out of the Struct came on top). bytes/s are
// of JSON.
void BM_ParseCommentJson(benchmark::State& state) {
  static const std::vector<std::string>* const lines = [] {
    auto* v = new std::vector<std::string>();
    const std::vector<std::string>& texts = BenchCorpus().texts;
    for (size_t i = 0; i < texts.size(); ++i) {
      google::protobuf::Value text;
      text.set_string_value(texts[i]);
      v->push_back(absl::StrCat(
          "{\"comment_id\":\"corpus-", i,
          "\",\"site\":\"news\",\"text\":", MessageToJson(text), "}"));
    }
    return v;
  }();
  const bool protobuf = state.range(0) != 0;
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& line = (*lines)[i];
    i = i + 1 == lines->size() ? 0 : i + 1;
    bytes += static_cast<int64_t>(line.size());
    if (protobuf) {
      google::protobuf::Struct object;
      if (!google::protobuf::util::JsonStringToMessage(line, &object).ok()) {
        state.SkipWithError("protobuf refused a corpus line");
        return;
      }
      benchmark::DoNotOptimize(object);
    } else {
      absl::StatusOr<hakam::v1::Comment> comment = ParseCommentJson(line);
      if (!comment.ok()) {
        state.SkipWithError(std::string(comment.status().message()).c_str());
        return;
      }
      benchmark::DoNotOptimize(comment);
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_ParseCommentJson)->ArgName("protobuf")->Arg(0)->Arg(1);

}  // namespace
}  // namespace hakam::bench
