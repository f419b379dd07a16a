// Integration tests: the real server on 127.0.0.1 with a free port, the
// shipped rules, and an in-memory audit store.
#include "service/server.h"

#include <gmock/gmock.h>
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "audit/memory_audit_store.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "hakam/v1/moderation.grpc.pb.h"

namespace hakam {
namespace {

using ::testing::HasSubstr;

// Starts a server on a free loopback port with the shipped rules, `audit`
// and `options`; sets *engine and *server (a fatal failure if it cannot).
void StartWithShippedRules(ServerOptions options, AuditStore& audit,
                           std::unique_ptr<Engine>* engine,
                           std::unique_ptr<Server>* server) {
  DiagnosticSink sink;
  auto created = Engine::Create(
      std::make_unique<DirectoryRuleSource>(HAKAM_SOURCE_DIR "/rules"),
      EngineOptions(), sink);
  ASSERT_TRUE(created.ok()) << sink.ToString();
  *engine = *std::move(created);
  options.listen_address = "127.0.0.1:0";
  auto started = Server::Start(options, **engine, audit);
  ASSERT_TRUE(started.ok()) << started.status();
  *server = *std::move(started);
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(
        StartWithShippedRules(ServerOptions(), audit_, &engine_, &server_));
    channel_ =
        grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                            grpc::InsecureChannelCredentials());
    stub_ = hakam::v1::Moderation::NewStub(channel_);
  }

  grpc::Status Moderate(const std::string& text,
                        hakam::v1::ModerateResponse* response) {
    grpc::ClientContext context;
    hakam::v1::ModerateRequest request;
    request.mutable_comment()->set_comment_id("c-" + std::to_string(++seq_));
    request.mutable_comment()->set_site("test");
    request.mutable_comment()->set_text(text);
    return stub_->Moderate(&context, request, response);
  }

  // The original text covered by a reason's span.
  static std::string Covered(const std::string& text,
                             const hakam::v1::Reason& r) {
    return text.substr(r.span().byte_start(),
                       r.span().byte_end() - r.span().byte_start());
  }

  std::unique_ptr<Engine> engine_;
  MemoryAuditStore audit_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<hakam::v1::Moderation::Stub> stub_;
  int seq_ = 0;
};

TEST_F(ServerTest, RejectsAnArabicInsultWithTheExactSpan) {
  const std::string text = "مقال ممتاز، لكن الكاتب يا حمار لا يفهم شيئا";
  hakam::v1::ModerateResponse response;
  ASSERT_TRUE(Moderate(text, &response).ok());
  const auto& d = response.decision();
  EXPECT_EQ(d.action(), hakam::v1::REJECT);
  ASSERT_EQ(d.reasons_size(), 1);
  EXPECT_EQ(d.reasons(0).rule_id(), "ar.insult.vocative");
  EXPECT_EQ(Covered(text, d.reasons(0)), "يا حمار");
  EXPECT_EQ(d.reasons(0).excerpt(), "يا حمار");
  EXPECT_EQ(d.reasons(0).span().codepoint_start(), 23u);
  EXPECT_EQ(d.reasons(0).span().codepoint_end(), 30u);
  EXPECT_EQ(d.ruleset_version(), engine_->snapshot()->ruleset->version);
}

TEST_F(ServerTest, RejectsAnEnglishInsultAndAllowsTheNews) {
  const std::string text = "The minister is an ASSHOLE, frankly.";
  hakam::v1::ModerateResponse response;
  ASSERT_TRUE(Moderate(text, &response).ok());
  EXPECT_EQ(response.decision().action(), hakam::v1::REJECT);
  ASSERT_EQ(response.decision().reasons_size(), 1);
  EXPECT_EQ(response.decision().reasons(0).rule_id(), "en.insult.strong");
  EXPECT_EQ(Covered(text, response.decision().reasons(0)), "ASSHOLE");

  for (const std::string news :
       {"ناقش البرلمان العراقي قانون الانتخابات وسط خلافات بين الكتل",
        "Coalition forces and Iraqi militias clashed near Mosul, ISIS said"}) {
    hakam::v1::ModerateResponse ok;
    ASSERT_TRUE(Moderate(news, &ok).ok());
    EXPECT_EQ(ok.decision().action(), hakam::v1::ALLOW) << news;
  }
}

TEST_F(ServerTest, InvalidUtf8IsInvalidArgumentAndTheServerKeepsServing) {
  hakam::v1::ModerateResponse response;
  const grpc::Status s = Moderate("ok \xD8 broken", &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("comment.text: invalid UTF-8 at byte offset 3"));
  EXPECT_EQ(audit_.size(), 0u);
  hakam::v1::ModerateResponse after;
  EXPECT_TRUE(Moderate("still here", &after).ok());
  EXPECT_EQ(after.decision().action(), hakam::v1::ALLOW);
}

TEST_F(ServerTest, MissingCommentIsInvalidArgument) {
  grpc::ClientContext context;
  hakam::v1::ModerateRequest request;
  hakam::v1::ModerateResponse response;
  const grpc::Status s = stub_->Moderate(&context, request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("comment"));
}

TEST_F(ServerTest, EmptyTextIsAllowed) {
  hakam::v1::ModerateResponse response;
  ASSERT_TRUE(Moderate("", &response).ok());
  EXPECT_EQ(response.decision().action(), hakam::v1::ALLOW);
}

TEST_F(ServerTest, EveryDecisionIsAuditedBeforeTheReply) {
  for (int i = 0; i < 5; ++i) {
    hakam::v1::ModerateResponse response;
    ASSERT_TRUE(Moderate("يا كلب " + std::to_string(i), &response).ok());
    // The record exists as soon as the reply arrived.
    const auto records = audit_.Records();
    ASSERT_EQ(records.size(), static_cast<size_t>(i + 1));
    EXPECT_EQ(records.back().decision.decision_id(),
              response.decision().decision_id());
    EXPECT_EQ(records.back().comment_id, "c-" + std::to_string(seq_));
    EXPECT_EQ(records.back().site, "test");
  }
}

TEST_F(ServerTest, AnAuditFailureReturnsNoDecision) {
  audit_.FailAppends(true);
  hakam::v1::ModerateResponse response;
  const grpc::Status s = Moderate("hello", &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
}

// An audit store that holds every append until released: requests stay in
// flight as long as the test wants.
class HeldAuditStore : public AuditStore {
 public:
  void Append(AuditRecord, DoneCallback done) override {
    absl::MutexLock lock(&mu_);
    held_.push_back(std::move(done));
  }
  absl::Status Flush() override { return absl::OkStatus(); }
  int held() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(held_.size());
  }
  void Release() {
    std::vector<DoneCallback> held;
    {
      absl::MutexLock lock(&mu_);
      held.swap(held_);
    }
    for (DoneCallback& done : held) done(absl::OkStatus());
  }

 private:
  absl::Mutex mu_;
  std::vector<DoneCallback> held_ ABSL_GUARDED_BY(mu_);
};

// A server with the shipped rules, `audit` and the limits in `options`.
class ServerLimitsTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options) {
    ASSERT_NO_FATAL_FAILURE(
        StartWithShippedRules(options, audit_, &engine_, &server_));
    stub_ = hakam::v1::Moderation::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                            grpc::InsecureChannelCredentials()));
    request_.mutable_comment()->set_text("hello");
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
  }

  // One asynchronous Moderate call.
  struct Call {
    grpc::ClientContext context;
    hakam::v1::ModerateResponse response;
    grpc::Status status;
    absl::Notification done;
  };
  void StartCall(Call& c) {
    stub_->async()->Moderate(&c.context, &request_, &c.response,
                             [&c](grpc::Status s) {
                               c.status = std::move(s);
                               c.done.Notify();
                             });
  }
  // Waits (liveness, generous bound) until `n` appends are held.
  void AwaitHeld(int n) {
    for (int i = 0; i < 500 && audit_.held() < n; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
  }

  HeldAuditStore audit_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<hakam::v1::Moderation::Stub> stub_;
  hakam::v1::ModerateRequest request_;
};

TEST_F(ServerLimitsTest, CallsBeyondMaxInFlightFailFastAndServiceResumes) {
  ServerOptions options;
  options.max_in_flight = 2;
  ASSERT_NO_FATAL_FAILURE(Start(options));

  // Two calls in flight, held by the audit store.
  Call held[2];
  for (Call& c : held) StartCall(c);
  AwaitHeld(2);
  ASSERT_EQ(audit_.held(), 2);

  // A third is refused at once, with a message that says why.
  {
    grpc::ClientContext context;
    hakam::v1::ModerateResponse response;
    const grpc::Status s = stub_->Moderate(&context, request_, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(s.error_message(), HasSubstr("2 requests in flight"));
    EXPECT_FALSE(response.has_decision());
  }

  // Once the audit store commits, the held calls succeed and the slots
  // are free again.
  audit_.Release();
  for (Call& c : held) {
    c.done.WaitForNotification();
    EXPECT_TRUE(c.status.ok()) << c.status.error_message();
    EXPECT_TRUE(c.response.has_decision());
  }
  Call after;
  StartCall(after);
  AwaitHeld(1);
  audit_.Release();
  after.done.WaitForNotification();
  EXPECT_TRUE(after.status.ok()) << after.status.error_message();
}

TEST_F(ServerLimitsTest, EachConnectionHasAtMostMaxConcurrentStreamsOpen) {
  ServerOptions options;
  options.max_concurrent_streams = 2;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  constexpr int kCalls = 5;
  Call calls[kCalls];
  for (Call& c : calls) StartCall(c);
  // Two calls reach the server; the other three wait in the client (not
  // refused: they are not even sent).
  AwaitHeld(2);
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(audit_.held(), 2);
  // As held calls complete, the waiting ones go through; all succeed.
  int completed = 0;
  for (int round = 0; round < 2000 && completed < kCalls; ++round) {
    audit_.Release();
    absl::SleepFor(absl::Milliseconds(5));
    completed = 0;
    for (Call& c : calls) completed += c.done.HasBeenNotified();
  }
  ASSERT_EQ(completed, kCalls);
  for (Call& c : calls) EXPECT_TRUE(c.status.ok()) << c.status.error_message();
}

TEST_F(ServerTest, HealthServiceReportsServing) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  for (const char* service :
       {"", "hakam.v1.Moderation", "hakam.v1.RulesAdmin"}) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(),
              grpc::health::v1::HealthCheckResponse::SERVING);
  }
}

// A generic client that knows nothing of our .proto: it speaks the
// reflection protocol with hand-encoded bytes and decodes the answer
// without any schema.
TEST_F(ServerTest, ReflectionListsTheServices) {
  grpc::GenericStub generic(channel_);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  auto call = generic.PrepareCall(
      &context,
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag;
  bool ok;
  auto step = [&](intptr_t want) {
    ASSERT_TRUE(cq.Next(&tag, &ok));
    ASSERT_EQ(reinterpret_cast<intptr_t>(tag), want);
    ASSERT_TRUE(ok);
  };
  call->StartCall(reinterpret_cast<void*>(1));
  step(1);
  // ServerReflectionRequest{list_services (field 7) = ""}.
  const std::string request("\x3a\x00", 2);
  grpc::Slice slice(request);
  grpc::ByteBuffer out(&slice, 1);
  call->Write(out, reinterpret_cast<void*>(2));
  step(2);
  grpc::ByteBuffer in;
  call->Read(&in, reinterpret_cast<void*>(3));
  step(3);
  call->WritesDone(reinterpret_cast<void*>(4));
  step(4);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(5);
  ASSERT_TRUE(status.ok()) << status.error_message();

  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(in.Dump(&slices).ok());
  std::string bytes;
  for (const auto& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  // ServerReflectionResponse.list_services_response (6) ->
  // ListServiceResponse.service (1) -> ServiceResponse.name (1).
  google::protobuf::UnknownFieldSet response;
  ASSERT_TRUE(response.ParseFromString(bytes));
  std::vector<std::string> names;
  for (int i = 0; i < response.field_count(); ++i) {
    if (response.field(i).number() != 6) continue;
    google::protobuf::UnknownFieldSet list;
    ASSERT_TRUE(list.ParseFromString(response.field(i).length_delimited()));
    for (int j = 0; j < list.field_count(); ++j) {
      google::protobuf::UnknownFieldSet service;
      ASSERT_TRUE(service.ParseFromString(list.field(j).length_delimited()));
      names.push_back(service.field(0).length_delimited());
    }
  }
  EXPECT_THAT(names, ::testing::Contains("hakam.v1.Moderation"));
  EXPECT_THAT(names, ::testing::Contains("hakam.v1.RulesAdmin"));
  EXPECT_THAT(names, ::testing::Contains("grpc.health.v1.Health"));
}

TEST_F(ServerTest, ShutdownFinishesAndReportsNotServing) {
  hakam::v1::ModerateResponse response;
  ASSERT_TRUE(Moderate("hello", &response).ok());
  server_->Shutdown(absl::Seconds(5));
  hakam::v1::ModerateResponse after;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(2));
  hakam::v1::ModerateRequest request;
  request.mutable_comment()->set_text("x");
  EXPECT_FALSE(stub_->Moderate(&context, request, &after).ok());
}

}  // namespace
}  // namespace hakam
