#include "engine/reloader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "engine/test_rules.h"

namespace hakam {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Test rules plus, optionally, a file that fails to load.
class FlakyRuleSource : public RuleSource {
 public:
  absl::StatusOr<std::vector<RuleFile>> ReadAll() const override {
    auto files = testing::TestRuleFiles();
    if (broken_) {
      files["rules/bad.yaml"] =
          "pack: bad\nrules:\n  - id: x\n"
          "    category: c\n    weight: 1\n"
          "    pattern: '(unclosed'\n";
    }
    if (extra_) files["rules/policies.yaml"] += "# changed\n";
    return InMemoryRuleSource(files).ReadAll();
  }
  std::string Describe() const override { return "flaky rules"; }
  // Read by the engine only inside Reload(), on the test's thread.
  bool broken_ = false;
  bool extra_ = false;
};

class ReloaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto source = std::make_unique<FlakyRuleSource>();
    source_ = source.get();
    DiagnosticSink sink;
    auto engine = Engine::Create(std::move(source), EngineOptions(), sink);
    ASSERT_TRUE(engine.ok()) << sink.ToString();
    engine_ = *std::move(engine);
    version_ = engine_->snapshot()->ruleset->version;
  }

  Reloader MakeReloader() {
    return Reloader(
        *engine_, [this](absl::string_view text) { logs_.emplace_back(text); });
  }

  FlakyRuleSource* source_ = nullptr;
  std::unique_ptr<Engine> engine_;
  std::string version_;
  std::vector<std::string> logs_;
};

TEST_F(ReloaderTest, LogsAnAcceptedReloadWithOldAndNewVersions) {
  source_->extra_ = true;
  ReloadOutcome o = MakeReloader().Reload("SIGHUP");
  ASSERT_TRUE(o.accepted);
  EXPECT_TRUE(o.status.ok());
  EXPECT_EQ(o.previous_version, version_);
  EXPECT_EQ(o.serving, engine_->snapshot());
  EXPECT_NE(o.serving->ruleset->version, version_);
  ASSERT_EQ(logs_.size(), 1u);
  EXPECT_EQ(logs_[0], "reloaded rules: " + o.serving->ruleset->version +
                          " (3 rules) [SIGHUP; was " + version_ + "]\n");
}

TEST_F(ReloaderTest, SaysWhenTheRulesAreUnchanged) {
  ReloadOutcome o = MakeReloader().Reload("RPC");
  ASSERT_TRUE(o.accepted);
  ASSERT_EQ(logs_.size(), 1u);
  EXPECT_EQ(logs_[0],
            "reloaded rules: " + version_ + " (3 rules) [RPC; unchanged]\n");
}

TEST_F(ReloaderTest, LogsARefusalWithEveryDiagnostic) {
  source_->broken_ = true;
  ReloadOutcome o = MakeReloader().Reload("rules changed: bad.yaml");
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(o.serving->ruleset->version, version_);
  ASSERT_FALSE(o.diagnostics.empty());
  ASSERT_EQ(logs_.size(), 1u);
  EXPECT_THAT(logs_[0], StartsWith("refused reload, still serving " + version_ +
                                   ": 1 error(s) [rules changed: bad.yaml]\n"));
  EXPECT_THAT(logs_[0],
              HasSubstr("\nrules/bad.yaml:3:5: error: bad RE2 pattern"));
  EXPECT_EQ(engine_->snapshot()->ruleset->version, version_);
}

TEST_F(ReloaderTest, WorksWithoutALog) {
  Reloader quiet(*engine_);
  EXPECT_TRUE(quiet.Reload("test").accepted);
}

TEST(ReloadOutcomeTest, ARefusalWithoutDiagnosticsShowsTheStatus) {
  ReloadOutcome o;
  o.previous_version = "sha256:0123";
  o.status = absl::NotFoundError("rules directory r does not exist");
  EXPECT_EQ(o.ToLogText("SIGHUP"),
            "refused reload, still serving sha256:0123: NOT_FOUND: rules "
            "directory r does not exist [SIGHUP]\n");
}

// Rules whose content changes at every read, so every reload is a new
// version.
class ChangingRuleSource : public RuleSource {
 public:
  absl::StatusOr<std::vector<RuleFile>> ReadAll() const override {
    auto files = testing::TestRuleFiles();
    files["rules/policies.yaml"] += "# read " + std::to_string(++reads_) + "\n";
    return InMemoryRuleSource(files).ReadAll();
  }
  std::string Describe() const override { return "changing rules"; }

 private:
  mutable std::atomic<int> reads_{0};
};

// Reloads from several threads at once (the watcher, SIGHUP and the RPC
// do that): each names as its previous version the one it replaced, so
// the versions form one chain. Read before the reload's turn, several
// named the same one.
TEST(ReloaderConcurrencyTest, EachReloadNamesTheVersionItReplaced) {
  DiagnosticSink sink;
  auto engine = Engine::Create(std::make_unique<ChangingRuleSource>(),
                               EngineOptions(), sink);
  ASSERT_TRUE(engine.ok()) << sink.ToString();
  const std::string first = (*engine)->snapshot()->ruleset->version;
  const Reloader reloader(**engine);
  constexpr int kThreads = 4, kEach = 5;
  absl::Mutex mu;
  std::vector<ReloadOutcome> outcomes;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        ReloadOutcome o = reloader.Reload("test");
        absl::MutexLock lock(&mu);
        outcomes.push_back(std::move(o));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  // previous -> new, for every reload: a chain from the first version to
  // the one serving, through every reload once.
  std::map<std::string, std::string> next;
  for (const ReloadOutcome& o : outcomes) {
    ASSERT_TRUE(o.accepted) << o.status;
    EXPECT_TRUE(
        next.emplace(o.previous_version, o.serving->ruleset->version).second)
        << "two reloads replaced " << o.previous_version;
  }
  std::string version = first;
  int steps = 0;
  while (next.count(version) > 0 && steps <= kThreads * kEach) {
    version = next[version];
    ++steps;
  }
  EXPECT_EQ(steps, kThreads * kEach);
  EXPECT_EQ(version, (*engine)->snapshot()->ruleset->version);
}

}  // namespace
}  // namespace hakam
