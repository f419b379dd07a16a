#include "policy/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hakam {
namespace {

PolicySpec Spec(std::string id, double review, double reject,
                std::string site = "", std::string section = "") {
  PolicySpec p;
  p.id = std::move(id);
  p.review_at = review;
  p.reject_at = reject;
  p.site = std::move(site);
  p.section = std::move(section);
  return p;
}

const std::map<std::string, double> kNoHits;

TEST(PolicyTest, ThresholdsMapScoresToActions) {
  Policy p(Spec("default", 5, 10));
  EXPECT_EQ(p.Decide(0, kNoHits), hakam::v1::ALLOW);
  EXPECT_EQ(p.Decide(4.9, kNoHits), hakam::v1::ALLOW);
  EXPECT_EQ(p.Decide(5, kNoHits), hakam::v1::REVIEW);
  EXPECT_EQ(p.Decide(9.99, kNoHits), hakam::v1::REVIEW);
  EXPECT_EQ(p.Decide(10, kNoHits), hakam::v1::REJECT);
  EXPECT_EQ(p.Decide(100, kNoHits), hakam::v1::REJECT);
}

TEST(PolicyTest, ZeroScoreIsAllowedEvenWithZeroThresholds) {
  Policy p(Spec("default", 0, 0));
  EXPECT_EQ(p.Decide(0, kNoHits), hakam::v1::ALLOW);
  EXPECT_EQ(p.Decide(0.1, kNoHits), hakam::v1::REJECT);
}

TEST(PolicyTest, CategoryOverridesRaiseTheActionNeverLowerIt) {
  PolicySpec spec = Spec("default", 5, 10);
  spec.overrides.push_back({"threat", 3, hakam::v1::REVIEW, {}});
  spec.overrides.push_back({"pii", 0, hakam::v1::REVIEW, {}});
  Policy p(spec);
  EXPECT_EQ(p.Decide(2, {{"threat", 2}}), hakam::v1::ALLOW);  // under 3
  EXPECT_EQ(p.Decide(3, {{"threat", 3}}), hakam::v1::REVIEW);
  EXPECT_EQ(p.Decide(1, {{"pii", 1}}), hakam::v1::REVIEW);
  EXPECT_EQ(p.Decide(12, {{"pii", 1}, {"insult", 11}}), hakam::v1::REJECT);
}

TEST(PolicySetTest, RequiresADefaultPolicyWithoutScope) {
  DiagnosticSink sink;
  EXPECT_FALSE(PolicySet::Create({Spec("strict", 1, 2, "site")}, sink).ok());
  EXPECT_THAT(sink.ToString(),
              ::testing::HasSubstr("no policy with id \"default\""));
  DiagnosticSink scoped;
  EXPECT_FALSE(PolicySet::Create({Spec("default", 1, 2, "site")}, scoped).ok());
  EXPECT_THAT(scoped.ToString(), ::testing::HasSubstr("applies everywhere"));
}

TEST(PolicySetTest, RejectsDuplicatesAndUnscopedNonDefaults) {
  DiagnosticSink sink;
  EXPECT_FALSE(PolicySet::Create({Spec("default", 1, 2), Spec("default", 3, 4)},
                                 sink)
                   .ok());
  DiagnosticSink same_scope;
  EXPECT_FALSE(PolicySet::Create({Spec("default", 1, 2),
                                  Spec("a", 1, 2, "s", "x"),
                                  Spec("b", 1, 2, "s", "x")},
                                 same_scope)
                   .ok());
  EXPECT_THAT(same_scope.ToString(),
              ::testing::HasSubstr("same site and section as \"a\""));
  DiagnosticSink unscoped;
  EXPECT_FALSE(
      PolicySet::Create({Spec("default", 1, 2), Spec("loose", 1, 2)}, unscoped)
          .ok());
}

TEST(PolicySetTest, SelectsTheMostSpecificPolicy) {
  DiagnosticSink sink;
  auto set = PolicySet::Create(
      {Spec("default", 5, 10), Spec("news", 5, 10, "news.example"),
       Spec("news.politics", 3, 6, "news.example", "politics"),
       Spec("any.sport", 8, 20, "", "sport")},
      sink);
  ASSERT_TRUE(set.ok()) << sink.ToString();
  EXPECT_EQ((*set)->Select("news.example", "politics").id(), "news.politics");
  EXPECT_EQ((*set)->Select("news.example", "culture").id(), "news");
  EXPECT_EQ((*set)->Select("news.example", "").id(), "news");
  EXPECT_EQ((*set)->Select("other.example", "sport").id(), "any.sport");
  EXPECT_EQ((*set)->Select("news.example", "sport").id(), "news");
  EXPECT_EQ((*set)->Select("other.example", "politics").id(), "default");
  EXPECT_EQ((*set)->Select("", "").id(), "default");
}

}  // namespace
}  // namespace hakam
