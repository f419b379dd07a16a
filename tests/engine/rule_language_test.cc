// The rule language end to end: shadow rules, composites, category caps,
// pack exceptions, per-site/section policies with overrides, budgets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "engine/rule_tests.h"

namespace hakam {
namespace {

using ::testing::HasSubstr;

constexpr char kPack[] = R"(pack: lang
exceptions: [moby dick]
categories:
  spam: {max_score: 6}
rules:
  - {id: insult, category: insult, weight: 5, words: [idiot]}
  - {id: dick, category: profanity, weight: 5, words: [dick]}
  - {id: new.slur, category: hate, weight: 10, words: [scum], mode: shadow}
  - {id: link, category: spam, weight: 4, pattern: 'https?://\S+'}
  - {id: phone, category: spam, weight: 4, pattern: '[0-9]{10,}'}
  - {id: kill, category: threat, weight: 3, words: [kill you]}
  - {id: email, category: pii, weight: 1, pattern: '[a-z0-9.]+@[a-z0-9.]+'}
  - id: spam.combo
    category: spam-combo
    weight: 5
    composite: {all: [link, phone]}
  - id: abuse.pile
    category: abuse
    weight: 3
    composite: {at_least: 2, of: [insult, dick, "category:threat"]}
)";

constexpr char kPolicies[] = R"(policies:
  - id: default
    review_at: 5
    reject_at: 10
    overrides:
      - {category: threat, min_weight: 3, action: REVIEW}
      - {category: pii, action: REVIEW}
  - id: news.politics
    site: news.example
    section: politics
    review_at: 3
    reject_at: 5
    examples:
      - {text: "you idiot", expect: REJECT}
      - {text: "you idiot", section: sport, expect: REVIEW}
      - {text: "good point", expect: ALLOW}
  - id: kids
    site: kids.example
    review_at: 1
    reject_at: 4
)";

std::unique_ptr<Engine> Load(std::map<std::string, std::string> files,
                             DiagnosticSink& sink) {
  auto engine = Engine::Create(
      std::make_unique<InMemoryRuleSource>(std::move(files)), EngineOptions(),
      sink);
  return engine.ok() ? *std::move(engine) : nullptr;
}

class RuleLanguageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DiagnosticSink sink;
    engine_ = Load({{"lang.yaml", kPack}, {"policies.yaml", kPolicies}}, sink);
    ASSERT_NE(engine_, nullptr) << sink.ToString();
  }
  hakam::v1::Decision Decide(const std::string& text,
                             const std::string& site = "",
                             const std::string& section = "") {
    hakam::v1::Comment c;
    c.set_text(text);
    c.set_site(site);
    c.set_section(section);
    auto d = engine_->Evaluate(c);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? *d : hakam::v1::Decision();
  }
  std::unique_ptr<Engine> engine_;
};

TEST_F(RuleLanguageTest, ShadowRulesAreReportedButChangeNothing) {
  const auto with = Decide("you idiot, scum");
  const auto without = Decide("you idiot");
  EXPECT_EQ(with.action(), without.action());
  EXPECT_DOUBLE_EQ(with.score(), without.score());
  EXPECT_DOUBLE_EQ(with.score(), 5);
  EXPECT_DOUBLE_EQ(with.shadow_score(), 10);
  ASSERT_EQ(with.reasons_size(), 2);
  EXPECT_EQ(with.reasons(1).rule_id(), "new.slur");
  EXPECT_TRUE(with.reasons(1).shadow());
  EXPECT_FALSE(with.reasons(0).shadow());
  for (const auto& cs : with.category_scores()) {
    EXPECT_NE(cs.category(), "hate");
  }
  EXPECT_EQ(Decide("scum").action(), hakam::v1::ALLOW);
}

TEST_F(RuleLanguageTest, SitesAndSectionsPickTheirPolicies) {
  const std::string text = "you idiot";
  const auto general = Decide(text, "other.example", "politics");
  const auto politics = Decide(text, "news.example", "politics");
  const auto kids = Decide(text, "kids.example", "sport");
  EXPECT_EQ(general.action(), hakam::v1::REVIEW);
  EXPECT_EQ(general.policy_id(), "default");
  EXPECT_EQ(politics.action(), hakam::v1::REJECT);
  EXPECT_EQ(politics.policy_id(), "news.politics");
  EXPECT_EQ(kids.action(), hakam::v1::REJECT);
  EXPECT_EQ(kids.policy_id(), "kids");
  EXPECT_DOUBLE_EQ(general.score(), politics.score());
}

TEST_F(RuleLanguageTest, CategoryOverridesForceReview) {
  const auto threat = Decide("I will kill you");
  EXPECT_DOUBLE_EQ(threat.score(), 3);
  EXPECT_EQ(threat.action(), hakam::v1::REVIEW);
  const auto pii = Decide("write to me at someone@example.com");
  EXPECT_DOUBLE_EQ(pii.score(), 1);
  EXPECT_EQ(pii.action(), hakam::v1::REVIEW);
}

TEST_F(RuleLanguageTest, CompositesFireOnTheirOperandsWithACoveringSpan) {
  const std::string text = "visit http://x.example or call 07701234567";
  const auto d = Decide(text);
  std::vector<std::string> ids;
  for (const auto& r : d.reasons()) ids.push_back(r.rule_id());
  EXPECT_THAT(ids, ::testing::UnorderedElementsAre("link", "phone",
                                                   "spam.combo"));
  for (const auto& r : d.reasons()) {
    if (r.rule_id() != "spam.combo") continue;
    EXPECT_EQ(r.view(), "composite");
    EXPECT_EQ(r.excerpt(), "http://x.example or call 07701234567");
  }
  // link + phone = 8, capped at 6 for spam; the composite adds 5.
  EXPECT_DOUBLE_EQ(d.score(), 11);
  EXPECT_EQ(Decide("visit http://x.example").reasons_size(), 1);

  std::vector<std::string> pile;
  const auto piled = Decide("idiot, I will kill you");
  for (const auto& r : piled.reasons()) pile.push_back(r.rule_id());
  EXPECT_THAT(pile, ::testing::Contains("abuse.pile"));
  std::vector<std::string> single;
  const auto alone = Decide("idiot");
  for (const auto& r : alone.reasons()) single.push_back(r.rule_id());
  EXPECT_THAT(single, ::testing::Not(::testing::Contains("abuse.pile")));
}

TEST_F(RuleLanguageTest, CategoryCapsLimitWhatACategoryAdds) {
  const auto d = Decide("http://a.example 07701234567");
  for (const auto& cs : d.category_scores()) {
    if (cs.category() == "spam") {
      EXPECT_DOUBLE_EQ(cs.score(), 6);
    }
  }
}

TEST_F(RuleLanguageTest, PackExceptionsApplyToEveryRule) {
  EXPECT_EQ(Decide("I read Moby Dick").reasons_size(), 0);
  EXPECT_EQ(Decide("what a dick").reasons_size(), 1);
}

TEST_F(RuleLanguageTest, PolicyExamplesPass) {
  const RuleTestReport report = RunRuleTests(*engine_);
  for (const auto& f : report.failures) ADD_FAILURE() << f.ToString();
  EXPECT_EQ(report.passed, 3);
}

TEST_F(RuleLanguageTest, TextOverTheBudgetIsAClearError) {
  hakam::v1::Comment c;
  c.set_text(std::string(70000, 'a'));
  auto d = engine_->Evaluate(c);
  ASSERT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(d.status().message(),
              HasSubstr("70000 bytes exceeds the limit of 65536 bytes"));
}

TEST(RuleLanguageErrorsTest, CompositeOperandsMustExistAndBePlain) {
  DiagnosticSink sink;
  auto engine = Load({{"p.yaml", R"(pack: p
rules:
  - {id: a, category: x, weight: 1, words: [w]}
  - {id: b, category: x, weight: 1, composite: {any: [a, nope, "category:zzz"]}}
  - {id: c, category: x, weight: 1, composite: {any: [b]}}
)"},
                      {"policies.yaml", kPolicies}},
                     sink);
  EXPECT_EQ(engine, nullptr);
  const std::string all = sink.ToString();
  EXPECT_THAT(all, HasSubstr("unknown rule \"nope\" [b]"));
  EXPECT_THAT(all, HasSubstr("no plain rule has category \"zzz\" [b]"));
  EXPECT_THAT(all, HasSubstr("\"b\" is a composite"));
}

TEST(RuleLanguageErrorsTest, TooManyRulesIsABudgetError) {
  DiagnosticSink sink;
  EngineOptions options;
  options.ruleset.max_rules = 2;
  auto engine = Engine::Create(
      std::make_unique<InMemoryRuleSource>(std::map<std::string, std::string>{
          {"p.yaml", R"(pack: p
rules:
  - {id: a, category: x, weight: 1, words: [a]}
  - {id: b, category: x, weight: 1, words: [b]}
  - {id: c, category: x, weight: 1, words: [c]}
)"},
          {"policies.yaml", kPolicies}}),
      options, sink);
  EXPECT_FALSE(engine.ok());
  EXPECT_THAT(sink.ToString(), HasSubstr("3 rules exceed the budget of 2"));
}

}  // namespace
}  // namespace hakam
