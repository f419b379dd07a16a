#include "engine/engine.h"

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/arena.h>
#include <gtest/gtest.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/reload_rules.h"
#include "engine/test_rules.h"

namespace hakam {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

hakam::v1::Comment Comment(const std::string& text) {
  hakam::v1::Comment c;
  c.set_comment_id("c1");
  c.set_text(text);
  return c;
}

TEST(EngineTest, RejectsAnArabicInsultWithItsExactSpan) {
  auto engine = testing::TestEngine();
  ASSERT_NE(engine, nullptr);
  const std::string text = "رأيك سخيف، اسكت يا كلب!";
  auto d = engine->Evaluate(Comment(text));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->action(), hakam::v1::REJECT);
  EXPECT_EQ(d->comment_id(), "c1");
  EXPECT_DOUBLE_EQ(d->score(), 10);
  ASSERT_EQ(d->reasons_size(), 1);
  const auto& r = d->reasons(0);
  EXPECT_EQ(r.rule_id(), "ar.kalb");
  EXPECT_EQ(r.category(), "insult");
  EXPECT_EQ(r.excerpt(), "يا كلب");
  EXPECT_EQ(text.substr(r.span().byte_start(),
                        r.span().byte_end() - r.span().byte_start()),
            "يا كلب");
  // Code points: "رأيك سخيف، اسكت " is 16 characters.
  EXPECT_EQ(r.span().codepoint_start(), 16u);
  EXPECT_EQ(r.span().codepoint_end(), 22u);
  EXPECT_EQ(d->policy_id(), "default");
  EXPECT_EQ(d->ruleset_version(), engine->snapshot()->ruleset->version);
  EXPECT_EQ(d->decision_id().size(), 32u);
  ASSERT_EQ(d->category_scores_size(), 1);
  EXPECT_EQ(d->category_scores(0).category(), "insult");
}

TEST(EngineTest, AllowsOrdinaryNews) {
  auto engine = testing::TestEngine();
  ASSERT_NE(engine, nullptr);
  for (const char* text :
       {"قال مسؤولون عراقيون إن الحكومة ستناقش الميزانية يوم الأحد",
        "Iraq's parliament met on Sunday to discuss the budget", "",
        "   \n\t  "}) {
    auto d = engine->Evaluate(Comment(text));
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->action(), hakam::v1::ALLOW) << text;
    EXPECT_EQ(d->reasons_size(), 0) << text;
  }
}

TEST(EngineTest, ScoresAddUpAcrossCategoriesAndRulesCountOnce) {
  auto engine = testing::TestEngine();
  ASSERT_NE(engine, nullptr);
  auto review = engine->Evaluate(Comment("idiot idiot idiot"));
  ASSERT_TRUE(review.ok());
  EXPECT_EQ(review->action(), hakam::v1::REVIEW);
  EXPECT_DOUBLE_EQ(review->score(), 5);
  EXPECT_EQ(review->reasons_size(), 3);
  auto reject = engine->Evaluate(Comment("idiot, see http://spam.example"));
  ASSERT_TRUE(reject.ok());
  EXPECT_EQ(reject->action(), hakam::v1::REJECT);
  EXPECT_DOUBLE_EQ(reject->score(), 10);
  ASSERT_EQ(reject->category_scores_size(), 2);
  EXPECT_EQ(reject->category_scores(0).category(), "insult");
  EXPECT_EQ(reject->category_scores(1).category(), "link");
}

TEST(EngineTest, InvalidUtf8IsInvalidArgumentWithOffset) {
  auto engine = testing::TestEngine();
  ASSERT_NE(engine, nullptr);
  auto d = engine->Evaluate(Comment("abc\xFF"));
  ASSERT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(d.status().message(),
              HasSubstr("comment.text: invalid UTF-8 at byte offset 3"));
}

TEST(EngineTest, AReusedDecisionHoldsOnlyTheLatestComment) {
  auto engine = testing::TestEngine();
  ASSERT_NE(engine, nullptr);
  // One Decision through a rejected comment with reasons in two
  // categories, an allowed one, and an invalid one: each time it must equal
  // a fresh evaluation (but for the id and the times), with nothing left
  // over from the one before.
  const std::vector<std::string> texts = {
      "idiot, see http://spam.example", "Iraq's parliament met on Sunday",
      "idiot idiot idiot", "abc\xFF", "رأيك سخيف، اسكت يا كلب!"};
  hakam::v1::Decision reused;
  for (const std::string& text : texts) {
    const absl::Status s = engine->Evaluate(Comment(text), &reused);
    absl::StatusOr<hakam::v1::Decision> fresh = engine->Evaluate(Comment(text));
    ASSERT_EQ(s.code(), fresh.status().code()) << text;
    if (!s.ok()) {
      EXPECT_EQ(s.message(), fresh.status().message());
      EXPECT_EQ(reused.ByteSizeLong(), 0u) << "left cleared on failure";
      continue;
    }
    EXPECT_EQ(reused.decision_id().size(), 32u);
    EXPECT_NE(reused.decision_id(), fresh->decision_id());
    EXPECT_TRUE(reused.has_processing_time() && reused.has_decided_at() &&
                reused.has_signals());
    EXPECT_GT(reused.decided_at().seconds(), 0);
    // Compared on copies: `reused` goes on to the next comment as it is.
    hakam::v1::Decision a = reused, b = *fresh;
    for (hakam::v1::Decision* d : {&a, &b}) {
      d->clear_decision_id();
      d->clear_processing_time();
      d->clear_decided_at();
    }
    EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString()) << text;
    EXPECT_GT(reused.reasons_size() + (reused.action() == hakam::v1::ALLOW),
              0)
        << text;
  }
}

// The engine keeps a reused Decision's sub-messages across Clear() only
// off an arena; one on an arena is cleared and filled as a fresh one is.
TEST(EngineTest, ADecisionOnAnArenaIsFilledLikeAnyOther) {
  auto engine = testing::TestEngine();
  ASSERT_NE(engine, nullptr);
  google::protobuf::Arena arena;
  auto* on_arena =
      google::protobuf::Arena::CreateMessage<hakam::v1::Decision>(&arena);
  for (absl::string_view text :
       {"idiot idiot", "Iraq's parliament met", "abc\xFF", "you idiot"}) {
    const absl::Status s =
        engine->Evaluate(Comment(std::string(text)), on_arena);
    absl::StatusOr<hakam::v1::Decision> fresh =
        engine->Evaluate(Comment(std::string(text)));
    ASSERT_EQ(s.code(), fresh.status().code()) << text;
    if (!s.ok()) {
      EXPECT_EQ(on_arena->ByteSizeLong(), 0u) << "left cleared on failure";
      continue;
    }
    EXPECT_TRUE(on_arena->has_processing_time() && on_arena->has_decided_at() &&
                on_arena->has_signals());
    hakam::v1::Decision a = *on_arena, b = *fresh;
    for (hakam::v1::Decision* d : {&a, &b}) {
      d->clear_decision_id();
      d->clear_processing_time();
      d->clear_decided_at();
    }
    EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString()) << text;
  }
}

TEST(EngineTest, DecisionTimesAreWellFormedAndRecent) {
  auto engine = testing::TestEngine();
  ASSERT_NE(engine, nullptr);
  const absl::Time before = absl::Now();
  absl::StatusOr<hakam::v1::Decision> d =
      engine->Evaluate(Comment("idiot, see http://spam.example"));
  const absl::Time after = absl::Now();
  ASSERT_TRUE(d.ok()) << d.status();
  const google::protobuf::Timestamp& at = d->decided_at();
  ASSERT_GE(at.nanos(), 0);
  ASSERT_LT(at.nanos(), 1000000000);
  const absl::Time decided =
      absl::FromUnixSeconds(at.seconds()) + absl::Nanoseconds(at.nanos());
  // The wall clock is read once, between the two reads here (absl::Now()
  // and std::chrono read the same clock; a microsecond of slack for their
  // rounding).
  EXPECT_GE(decided, before - absl::Microseconds(1));
  EXPECT_LE(decided, after + absl::Microseconds(1));
  const google::protobuf::Duration& took = d->processing_time();
  EXPECT_GE(took.seconds(), 0);
  EXPECT_GE(took.nanos(), 0);
  EXPECT_LT(took.nanos(), 1000000000);
  EXPECT_GT(took.seconds() * 1000000000 + took.nanos(), 0);
  EXPECT_LE(absl::Seconds(took.seconds()) + absl::Nanoseconds(took.nanos()),
            after - before + absl::Microseconds(1));
}

TEST(EngineTest, BrokenRulesFailToLoadNamingFileAndLine) {
  DiagnosticSink sink;
  auto files = testing::TestRuleFiles();
  files["rules/bad.yaml"] = "pack: bad\nrules:\n  - id: x\n    category: c\n"
                            "    weight: 1\n    pattern: '(unclosed'\n";
  auto engine = Engine::Create(
      std::make_unique<InMemoryRuleSource>(files), EngineOptions(), sink);
  ASSERT_EQ(engine.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(engine.status().message()),
              HasSubstr("rules/bad.yaml:3:5: error: bad RE2 pattern"));
}

TEST(EngineTest, VersionIsAContentHash) {
  auto a = testing::TestEngine();
  auto b = testing::TestEngine();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->snapshot()->ruleset->version, b->snapshot()->ruleset->version);
  EXPECT_THAT(a->snapshot()->ruleset->version, HasSubstr("sha256:"));
  auto files = testing::TestRuleFiles();
  files["rules/policies.yaml"] += "# a comment changes the version\n";
  DiagnosticSink sink;
  auto c = Engine::Create(std::make_unique<InMemoryRuleSource>(files),
                          EngineOptions(), sink);
  ASSERT_TRUE(c.ok());
  EXPECT_NE((*c)->snapshot()->ruleset->version,
            a->snapshot()->ruleset->version);
}

// --- Reload ------------------------------------------------------------------

// A rule source whose files a test can replace between reloads.
class SwappableRuleSource : public RuleSource {
 public:
  explicit SwappableRuleSource(std::map<std::string, std::string> files)
      : files_(std::move(files)) {}
  void Set(std::map<std::string, std::string> files) {
    absl::MutexLock lock(&mu_);
    files_ = std::move(files);
    missing_ = false;
  }
  void SetMissing() {
    absl::MutexLock lock(&mu_);
    missing_ = true;
  }
  absl::StatusOr<std::vector<RuleFile>> ReadAll() const override {
    absl::MutexLock lock(&mu_);
    if (missing_) return absl::NotFoundError("rules directory r is gone");
    return InMemoryRuleSource(files_).ReadAll();
  }
  std::string Describe() const override { return "swappable rules"; }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::string> files_ ABSL_GUARDED_BY(mu_);
  bool missing_ ABSL_GUARDED_BY(mu_) = false;
};

using testing::RulesFlagging;
using testing::WithBrokenFile;

class EngineReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto source =
        std::make_unique<SwappableRuleSource>(RulesFlagging("a", "alpha"));
    source_ = source.get();
    DiagnosticSink sink;
    auto engine = Engine::Create(std::move(source), EngineOptions(), sink);
    ASSERT_TRUE(engine.ok()) << sink.ToString();
    engine_ = *std::move(engine);
  }

  // The ids of the rules that fire on "alpha bravo".
  std::vector<std::string> Fired(std::string* version = nullptr) {
    auto d = engine_->Evaluate(Comment("alpha bravo"));
    EXPECT_TRUE(d.ok()) << d.status();
    std::vector<std::string> ids;
    if (!d.ok()) return ids;
    for (const auto& r : d->reasons()) ids.push_back(r.rule_id());
    if (version != nullptr) *version = d->ruleset_version();
    return ids;
  }

  SwappableRuleSource* source_ = nullptr;  // owned by engine_
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineReloadTest, ReloadSwapsInTheNewRulesAndVersion) {
  const std::string old_version = engine_->snapshot()->ruleset->version;
  EXPECT_THAT(Fired(), ::testing::ElementsAre("a"));

  source_->Set(RulesFlagging("b", "bravo"));
  DiagnosticSink sink;
  auto reloaded = engine_->Reload(sink);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status() << sink.ToString();
  EXPECT_EQ(*reloaded, engine_->snapshot());
  EXPECT_NE((*reloaded)->ruleset->version, old_version);

  std::string version;
  EXPECT_THAT(Fired(&version), ::testing::ElementsAre("b"));
  EXPECT_EQ(version, (*reloaded)->ruleset->version);
}

TEST_F(EngineReloadTest, ReloadOfUnchangedRulesKeepsTheVersion) {
  const std::shared_ptr<const Snapshot> before = engine_->snapshot();
  DiagnosticSink sink;
  auto reloaded = engine_->Reload(sink);
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ((*reloaded)->ruleset->version, before->ruleset->version);
  EXPECT_EQ(engine_->reload_history().accepted, 1);
}

TEST_F(EngineReloadTest, BrokenRulesAreRefusedAndTheOldOnesKeepServing) {
  const std::shared_ptr<const Snapshot> before = engine_->snapshot();
  source_->Set(WithBrokenFile(RulesFlagging("b", "bravo")));
  DiagnosticSink sink;
  auto reloaded = engine_->Reload(sink);
  ASSERT_EQ(reloaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(sink.ToString(),
              HasSubstr("r/bad.yaml:3:5: error: bad RE2 pattern"));
  EXPECT_EQ(engine_->snapshot(), before);
  std::string version;
  EXPECT_THAT(Fired(&version), ::testing::ElementsAre("a"));
  EXPECT_EQ(version, before->ruleset->version);
}

TEST_F(EngineReloadTest, HistoryRecordsAcceptedAndRefusedReloads) {
  ReloadHistory h = engine_->reload_history();
  EXPECT_EQ(h.accepted, 0);
  EXPECT_EQ(h.refused, 0);
  EXPECT_FALSE(h.last_refused.has_value());
  EXPECT_EQ(h.serving, engine_->snapshot());

  // A sink that already holds diagnostics: only this reload's are recorded.
  DiagnosticSink sink;
  sink.Warning({"elsewhere.yaml", 1, 1}, "unrelated");
  source_->Set(WithBrokenFile(RulesFlagging("a", "alpha")));
  const absl::Time before_refusal = absl::Now();
  ASSERT_FALSE(engine_->Reload(sink).ok());
  h = engine_->reload_history();
  EXPECT_EQ(h.refused, 1);
  ASSERT_TRUE(h.last_refused.has_value());
  EXPECT_GE(h.last_refused->at, before_refusal);
  EXPECT_EQ(h.last_refused->status.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_FALSE(h.last_refused->diagnostics.empty());
  for (const Diagnostic& d : h.last_refused->diagnostics) {
    EXPECT_NE(d.where.file, "elsewhere.yaml");
  }
  const Diagnostic& first = h.last_refused->diagnostics.front();
  EXPECT_EQ(first.severity, Severity::kError);
  EXPECT_EQ(first.where.file, "r/bad.yaml");
  EXPECT_EQ(first.where.line, 3);
  EXPECT_EQ(first.where.column, 5);
  EXPECT_THAT(first.message, HasSubstr("bad RE2 pattern"));

  // A good reload later counts, and the refusal stays on record.
  source_->Set(RulesFlagging("b", "bravo"));
  DiagnosticSink ok_sink;
  auto reloaded = engine_->Reload(ok_sink);
  ASSERT_TRUE(reloaded.ok());
  h = engine_->reload_history();
  EXPECT_EQ(h.accepted, 1);
  EXPECT_EQ(h.refused, 1);
  EXPECT_TRUE(h.last_refused.has_value());
  EXPECT_EQ(h.serving, *reloaded);
  EXPECT_GE(h.serving->ruleset->loaded_at, h.last_refused->at);
}

TEST_F(EngineReloadTest, AMissingSourceIsRefusedWithItsOwnError) {
  const std::string version = engine_->snapshot()->ruleset->version;
  source_->SetMissing();
  DiagnosticSink sink;
  auto reloaded = engine_->Reload(sink);
  EXPECT_EQ(reloaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->snapshot()->ruleset->version, version);
  const ReloadHistory h = engine_->reload_history();
  ASSERT_TRUE(h.last_refused.has_value());
  EXPECT_EQ(h.last_refused->status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(h.last_refused->diagnostics, IsEmpty());
}

TEST_F(EngineReloadTest, APinnedSnapshotOutlivesTheReloadThatReplacedIt) {
  const std::shared_ptr<const Snapshot> pinned = engine_->snapshot();
  const std::string version = pinned->ruleset->version;
  source_->Set(RulesFlagging("b", "bravo"));
  DiagnosticSink sink;
  ASSERT_TRUE(engine_->Reload(sink).ok());
  ASSERT_NE(engine_->snapshot(), pinned);
  // Still usable: evaluate directly on the pinned pipeline.
  hakam::v1::Comment comment = Comment("alpha");
  Evaluation e(comment);
  ASSERT_TRUE(pinned->pipeline->Run(e).ok());
  EXPECT_EQ(e.hits.size(), 1u);
  EXPECT_EQ(pinned->ruleset->version, version);
}

// Evaluations racing with reloads: each decision's reasons match the
// version it records (old rules flag only "alpha", new ones only "bravo").
TEST_F(EngineReloadTest, EvaluationsDuringReloadsSeeOneConsistentSnapshot) {
  std::map<std::string, std::string> expected;  // version -> rule id
  expected[engine_->snapshot()->ruleset->version] = "a";
  source_->Set(RulesFlagging("b", "bravo"));
  DiagnosticSink sink;
  auto b = engine_->Reload(sink);
  ASSERT_TRUE(b.ok());
  expected[(*b)->ruleset->version] = "b";

  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> evaluations{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      do {
        auto d = engine_->Evaluate(Comment("alpha bravo"));
        evaluations.fetch_add(1);
        if (!d.ok() || d->reasons_size() != 1 ||
            !expected.contains(d->ruleset_version()) ||
            expected.at(d->ruleset_version()) != d->reasons(0).rule_id()) {
          failures.fetch_add(1);
        }
      } while (!done.load());
    });
  }
  for (int i = 0; i < 40; ++i) {
    source_->Set(i % 2 == 0 ? RulesFlagging("a", "alpha")
                            : RulesFlagging("b", "bravo"));
    DiagnosticSink s;
    EXPECT_TRUE(engine_->Reload(s).ok()) << s.ToString();
  }
  done = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(evaluations.load(), 0);
}

}  // namespace
}  // namespace hakam
