// Hot reload under continuous load, through the real server on 127.0.0.1
// (free port): several client threads moderate "alpha bravo" without pause
// while the rules directory is switched between ruleset A (flags only
// "alpha", rule "a"), ruleset B (flags only "bravo", rule "b") and broken
// states (A or B plus a file that fails to load), reloading after each
// switch, alternately through the RulesAdmin RPC and the engine directly.
//
// It shows: no RPC fails; every decision's reasons match the ruleset
// version it records (the version of A always comes with rule "a" alone,
// that of B with "b" alone), so each request was evaluated on exactly one
// snapshot; a broken file is refused and the rules before it keep serving.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "audit/memory_audit_store.h"
#include "engine/reload_rules.h"
#include "engine/reloader.h"
#include "engine/temp_dir.h"
#include "hakam/v1/admin.grpc.pb.h"
#include "hakam/v1/moderation.grpc.pb.h"
#include "service/server.h"

namespace hakam {
namespace {

using testing::kBrokenRuleFile;
using testing::kPolicyFile;
using testing::WordRuleFile;

constexpr int kClients = 4;
constexpr int kCycles = 10;  // each: good, broken, other good, broken
// Decisions awaited on the serving rules after each reload, so that every
// reload happens under load and is followed by traffic.
constexpr int64_t kDecisionsPerPhase = 20;
constexpr absl::Duration kPatience = absl::Seconds(10);

// The two rulesets, by index: 0 = A, 1 = B.
constexpr std::array<const char*, 2> kRuleId = {"a", "b"};
constexpr std::array<const char*, 2> kWord = {"alpha", "bravo"};

class ReloadUnderLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("policies.yaml", kPolicyFile);
    dir_.Write("words.yaml", WordRuleFile(kRuleId[1], kWord[1]));
    DiagnosticSink sink;
    auto engine =
        Engine::Create(std::make_unique<DirectoryRuleSource>(dir_.path()),
                       EngineOptions(), sink);
    ASSERT_TRUE(engine.ok()) << sink.ToString();
    engine_ = *std::move(engine);
    // The version of each ruleset is a hash of its files: learn both.
    versions_[1] = engine_->snapshot()->ruleset->version;
    dir_.Write("words.yaml", WordRuleFile(kRuleId[0], kWord[0]));
    DiagnosticSink reload_sink;
    auto a = engine_->Reload(reload_sink);
    ASSERT_TRUE(a.ok()) << reload_sink.ToString();
    versions_[0] = (*a)->ruleset->version;
    ASSERT_NE(versions_[0], versions_[1]);

    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    auto server = Server::Start(options, *engine_, audit_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ =
        grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                            grpc::InsecureChannelCredentials());
  }

  // Which ruleset a decision claims, or -1 for neither.
  int RulesetOf(const hakam::v1::Decision& d) const {
    for (int i = 0; i < 2; ++i) {
      if (d.ruleset_version() == versions_[i]) return i;
    }
    return -1;
  }

  // Moderates until `stop_`; counts decisions per ruleset and records any
  // failure or inconsistency.
  void Client(int client) {
    auto stub = hakam::v1::Moderation::NewStub(channel_);
    int64_t n = 0;
    do {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + kPatience));
      hakam::v1::ModerateRequest request;
      request.mutable_comment()->set_comment_id(
          absl::StrCat("c", client, "-", n++));
      request.mutable_comment()->set_text("alpha bravo");
      hakam::v1::ModerateResponse response;
      const grpc::Status s = stub->Moderate(&context, request, &response);
      if (!s.ok()) {
        Fail(absl::StrCat("RPC failed: ", s.error_code(), " ",
                          s.error_message()));
        continue;
      }
      const hakam::v1::Decision& d = response.decision();
      const int ruleset = RulesetOf(d);
      if (ruleset < 0 || d.reasons_size() != 1 ||
          d.reasons(0).rule_id() != kRuleId[ruleset]) {
        Fail(absl::StrCat("inconsistent decision: ", d.ShortDebugString()));
        continue;
      }
      decisions_[ruleset].fetch_add(1);
    } while (!stop_.load());
  }

  void Fail(std::string what) {
    absl::MutexLock lock(&mu_);
    if (failures_.size() < 10) failures_.push_back(std::move(what));
    ++failure_count_;
  }

  // Waits until kDecisionsPerPhase decisions on ruleset `i` arrive after
  // this call; false after kPatience.
  bool WaitForDecisionsOn(int i) {
    const int64_t until = decisions_[i].load() + kDecisionsPerPhase;
    const absl::Time deadline = absl::Now() + kPatience;
    while (decisions_[i].load() < until) {
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(1));
    }
    return true;
  }

  // Reloads through the RPC (`by_rpc`) or the engine; returns whether the
  // rules were accepted and the version serving afterwards.
  std::pair<bool, std::string> Reload(bool by_rpc) {
    if (by_rpc) {
      auto admin = hakam::v1::RulesAdmin::NewStub(channel_);
      grpc::ClientContext context;
      hakam::v1::ReloadRulesResponse response;
      const grpc::Status s = admin->ReloadRules(&context, {}, &response);
      EXPECT_TRUE(s.ok()) << s.error_message();
      return {response.accepted(), response.version()};
    }
    const ReloadOutcome o = Reloader(*engine_).Reload("test");
    return {o.accepted, o.serving->ruleset->version};
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::array<std::string, 2> versions_;
  MemoryAuditStore audit_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;

  std::atomic<bool> stop_{false};
  std::array<std::atomic<int64_t>, 2> decisions_{};
  absl::Mutex mu_;
  std::vector<std::string> failures_ ABSL_GUARDED_BY(mu_);
  int64_t failure_count_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST_F(ReloadUnderLoadTest, EveryDecisionComesFromOneRulesetAndNoneFails) {
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([this, c] { Client(c); });
  }

  int serving = 0;  // ruleset A, loaded in SetUp
  int reloads = 0;
  for (int cycle = 0; cycle < kCycles && !HasFatalFailure(); ++cycle) {
    for (int step = 0; step < 2; ++step) {
      // Switch to the other ruleset.
      const int next = 1 - serving;
      dir_.WriteAtomically("words.yaml",
                           WordRuleFile(kRuleId[next], kWord[next]));
      auto [accepted, version] = Reload(++reloads % 2 == 0);
      EXPECT_TRUE(accepted) << "cycle " << cycle;
      EXPECT_EQ(version, versions_[next]);
      serving = next;
      EXPECT_TRUE(WaitForDecisionsOn(serving))
          << "too few decisions on the new rules within " << kPatience;

      // A broken file is refused; the same rules keep serving.
      dir_.WriteAtomically("bad.yaml", kBrokenRuleFile);
      std::tie(accepted, version) = Reload(++reloads % 2 == 0);
      EXPECT_FALSE(accepted) << "cycle " << cycle;
      EXPECT_EQ(version, versions_[serving]);
      EXPECT_TRUE(WaitForDecisionsOn(serving))
          << "too few decisions after the refusal within " << kPatience;
      dir_.Remove("bad.yaml");
    }
  }

  stop_ = true;
  for (std::thread& t : clients) t.join();

  {
    absl::MutexLock lock(&mu_);
    EXPECT_EQ(failure_count_, 0) << ::testing::PrintToString(failures_);
  }
  RecordProperty("decisions_on_a", static_cast<int>(decisions_[0].load()));
  RecordProperty("decisions_on_b", static_cast<int>(decisions_[1].load()));
  EXPECT_GT(decisions_[0].load(), 0);
  EXPECT_GT(decisions_[1].load(), 0);
  const ReloadHistory history = engine_->reload_history();
  EXPECT_EQ(history.accepted, 1 + 2 * kCycles);  // SetUp's, then the cycles'
  EXPECT_EQ(history.refused, 2 * kCycles);

  // The audit trail agrees: every decision answered was recorded, each
  // consistent with its version.
  const auto records = audit_.Records();
  EXPECT_EQ(static_cast<int64_t>(records.size()),
            decisions_[0].load() + decisions_[1].load());
  for (const auto& r : records) {
    const int ruleset = RulesetOf(r.decision);
    ASSERT_GE(ruleset, 0) << r.decision.ShortDebugString();
    ASSERT_EQ(r.decision.reasons_size(), 1);
    EXPECT_EQ(r.decision.reasons(0).rule_id(), kRuleId[ruleset]);
  }
}

}  // namespace
}  // namespace hakam
