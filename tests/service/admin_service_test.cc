// hakam.v1.RulesAdmin over gRPC: the real server on 127.0.0.1 with a free
// port, rules in a temporary directory, an in-memory audit store.
#include "service/admin_service.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "audit/memory_audit_store.h"
#include "engine/reload_rules.h"
#include "engine/temp_dir.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "hakam/v1/admin.grpc.pb.h"
#include "hakam/v1/moderation.grpc.pb.h"
#include "service/server.h"

namespace hakam {
namespace {

using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kBrokenRuleFile;
using testing::kPolicyFile;
using ::testing::StartsWith;
using testing::WordRuleFile;

class AdminServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("words.yaml", WordRuleFile("a", "alpha"));
    dir_.Write("policies.yaml", kPolicyFile);
    DiagnosticSink sink;
    auto engine =
        Engine::Create(std::make_unique<DirectoryRuleSource>(dir_.path()),
                       EngineOptions(), sink);
    ASSERT_TRUE(engine.ok()) << sink.ToString();
    engine_ = *std::move(engine);
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.reload_log = [this](absl::string_view text) {
      absl::MutexLock lock(&log_mu_);
      log_.append(text.data(), text.size());
    };
    auto server = Server::Start(options, *engine_, audit_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ =
        grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                            grpc::InsecureChannelCredentials());
    admin_ = hakam::v1::RulesAdmin::NewStub(channel_);
    moderation_ = hakam::v1::Moderation::NewStub(channel_);
  }

  hakam::v1::ReloadRulesResponse Reload() {
    grpc::ClientContext context;
    hakam::v1::ReloadRulesResponse response;
    const grpc::Status s = admin_->ReloadRules(
        &context, hakam::v1::ReloadRulesRequest(), &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  hakam::v1::GetRulesetResponse GetRuleset() {
    grpc::ClientContext context;
    hakam::v1::GetRulesetResponse response;
    const grpc::Status s =
        admin_->GetRuleset(&context, hakam::v1::GetRulesetRequest(), &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  // The decision on "alpha bravo".
  hakam::v1::Decision Moderate() {
    grpc::ClientContext context;
    hakam::v1::ModerateRequest request;
    request.mutable_comment()->set_text("alpha bravo");
    hakam::v1::ModerateResponse response;
    const grpc::Status s = moderation_->Moderate(&context, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.decision();
  }

  std::string log() {
    absl::MutexLock lock(&log_mu_);
    return log_;
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  MemoryAuditStore audit_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<hakam::v1::RulesAdmin::Stub> admin_;
  std::unique_ptr<hakam::v1::Moderation::Stub> moderation_;
  absl::Mutex log_mu_;
  std::string log_ ABSL_GUARDED_BY(log_mu_);
};

TEST_F(AdminServiceTest, GetRulesetDescribesTheServingRules) {
  dir_.Write("more.yaml",
             "pack: more\nrules:\n"
             "  - id: m1\n    category: spam\n    weight: 1\n"
             "    words: [viagra]\n"
             "  - id: m2\n    category: insult\n    weight: 1\n"
             "    words: [moron]\n");
  ASSERT_TRUE(Reload().accepted());
  const auto r = GetRuleset();
  const auto snapshot = engine_->snapshot();
  EXPECT_EQ(r.version(), snapshot->ruleset->version);
  EXPECT_EQ(r.loaded_at().seconds(),
            absl::ToUnixSeconds(snapshot->ruleset->loaded_at));
  EXPECT_EQ(r.rule_count(), 3u);
  EXPECT_THAT(r.files(),
              ElementsAre(dir_.Path("more.yaml"), dir_.Path("policies.yaml"),
                          dir_.Path("words.yaml")));
  ASSERT_EQ(r.packs_size(), 2);
  EXPECT_EQ(r.packs(0).name(), "more");
  EXPECT_EQ(r.packs(0).rules(), 2u);
  EXPECT_EQ(r.packs(1).name(), "reload");
  EXPECT_EQ(r.packs(1).rules(), 1u);
  ASSERT_EQ(r.categories_size(), 2);
  EXPECT_EQ(r.categories(0).name(), "insult");
  EXPECT_EQ(r.categories(0).rules(), 2u);
  EXPECT_EQ(r.categories(1).name(), "spam");
  EXPECT_EQ(r.categories(1).rules(), 1u);
  EXPECT_THAT(r.policy_ids(), ElementsAre("default"));
  EXPECT_EQ(r.source(), "directory " + dir_.path());
  EXPECT_EQ(r.reloads_accepted(), 1u);
  EXPECT_EQ(r.reloads_refused(), 0u);
  EXPECT_FALSE(r.has_last_refused_reload());
}

TEST_F(AdminServiceTest, ReloadRulesAcceptsGoodRulesAndServesThem) {
  const std::string old_version = Moderate().ruleset_version();
  dir_.Write("words.yaml", WordRuleFile("b", "bravo"));
  const auto response = Reload();
  EXPECT_TRUE(response.accepted());
  EXPECT_EQ(response.previous_version(), old_version);
  EXPECT_NE(response.version(), old_version);
  EXPECT_EQ(response.rule_count(), 1u);
  EXPECT_THAT(response.error(), IsEmpty());
  EXPECT_THAT(response.diagnostics(), IsEmpty());

  const auto decision = Moderate();
  EXPECT_EQ(decision.ruleset_version(), response.version());
  ASSERT_EQ(decision.reasons_size(), 1);
  EXPECT_EQ(decision.reasons(0).rule_id(), "b");
  EXPECT_EQ(GetRuleset().version(), response.version());
  EXPECT_EQ(log(), "reloaded rules: " + response.version() +
                       " (1 rules) [RPC; was " + old_version + "]\n");
}

TEST_F(AdminServiceTest, ABrokenRuleFileIsRefusedAndTheOldRulesKeepServing) {
  const std::string old_version = Moderate().ruleset_version();
  dir_.Write("words.yaml", WordRuleFile("b", "bravo"));
  dir_.Write("bad.yaml", kBrokenRuleFile);
  const auto response = Reload();
  EXPECT_FALSE(response.accepted());
  EXPECT_EQ(response.version(), old_version);
  EXPECT_EQ(response.previous_version(), old_version);
  EXPECT_THAT(response.error(), HasSubstr("1 error(s)"));
  ASSERT_EQ(response.diagnostics_size(), 1);
  const auto& d = response.diagnostics(0);
  EXPECT_EQ(d.file(), dir_.Path("bad.yaml"));
  EXPECT_EQ(d.line(), 3u);
  EXPECT_EQ(d.column(), 5u);
  EXPECT_EQ(d.severity(), hakam::v1::RuleDiagnostic::SEVERITY_ERROR);
  EXPECT_THAT(d.message(), HasSubstr("bad RE2 pattern"));
  EXPECT_EQ(d.rule_id(), "x");

  // The old rules still decide.
  const auto decision = Moderate();
  EXPECT_EQ(decision.ruleset_version(), old_version);
  ASSERT_EQ(decision.reasons_size(), 1);
  EXPECT_EQ(decision.reasons(0).rule_id(), "a");

  // The refusal is logged with file:line and reported by GetRuleset.
  EXPECT_THAT(log(), StartsWith("refused reload, still serving " + old_version +
                                ": 1 error(s) [RPC]\n" + dir_.Path("bad.yaml") +
                                ":3:5: error: bad RE2 pattern"));
  const auto r = GetRuleset();
  EXPECT_EQ(r.version(), old_version);
  EXPECT_EQ(r.reloads_refused(), 1u);
  ASSERT_TRUE(r.has_last_refused_reload());
  EXPECT_GT(r.last_refused_reload().at().seconds(), 0);
  EXPECT_THAT(r.last_refused_reload().error(), HasSubstr("1 error(s)"));
  ASSERT_EQ(r.last_refused_reload().diagnostics_size(), 1);
  EXPECT_EQ(r.last_refused_reload().diagnostics(0).line(), 3u);

  // Fixing the file lets the next reload through.
  dir_.Remove("bad.yaml");
  const auto fixed = Reload();
  EXPECT_TRUE(fixed.accepted());
  EXPECT_EQ(Moderate().reasons(0).rule_id(), "b");
  EXPECT_TRUE(GetRuleset().has_last_refused_reload());
}

TEST_F(AdminServiceTest, AnEmptyDirectoryIsRefusedWithoutDiagnostics) {
  const std::string old_version = Moderate().ruleset_version();
  dir_.Remove("words.yaml");
  dir_.Remove("policies.yaml");
  const auto response = Reload();
  EXPECT_FALSE(response.accepted());
  EXPECT_EQ(response.version(), old_version);
  EXPECT_THAT(response.error(), HasSubstr("holds no *.yaml file"));
  EXPECT_THAT(response.diagnostics(), IsEmpty());
  EXPECT_THAT(log(), HasSubstr("INVALID_ARGUMENT: rules directory"));
  EXPECT_THAT(log(), EndsWith("[RPC]\n"));
}

TEST_F(AdminServiceTest, ConcurrentReloadsAllAnswer) {
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto stub = hakam::v1::RulesAdmin::NewStub(channel_);
      grpc::ClientContext context;
      hakam::v1::ReloadRulesResponse response;
      if (stub->ReloadRules(&context, {}, &response).ok() &&
          response.accepted()) {
        accepted.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 4);
  EXPECT_EQ(GetRuleset().reloads_accepted(), 4u);
}

TEST_F(AdminServiceTest, HealthReportsTheAdminServiceServing) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("hakam.v1.RulesAdmin");
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(AdminServiceTest, ShutdownWithAReloadInFlightFinishesIt) {
  grpc::ClientContext context;
  hakam::v1::ReloadRulesResponse response;
  const hakam::v1::ReloadRulesRequest request;
  grpc::Status status;
  absl::Notification done;
  admin_->async()->ReloadRules(&context, &request, &response,
                               [&](grpc::Status s) {
                                 status = std::move(s);
                                 done.Notify();
                               });
  server_->Shutdown(absl::Seconds(5));
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  // Either it ran before the shutdown, or it was refused by it; it never
  // hangs.
  if (status.ok()) {
    EXPECT_TRUE(response.accepted());
  }
}

}  // namespace
}  // namespace hakam
