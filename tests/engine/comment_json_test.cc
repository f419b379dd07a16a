#include "engine/comment_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unicode/utf8.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"

namespace hakam {
namespace {

using ::testing::HasSubstr;

TEST(CommentJsonTest, ParsesEveryFieldWithPlainTextStrings) {
  auto c = ParseCommentJson(
      R"({"comment_id":"c1","article_id":"a1","site":"s","section":"politics",
          "author_id":"u1","text":"يا كلب","created_at":"2026-01-02T03:04:05Z",
          "parent_id":"c0","language":"ar"})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->comment_id(), "c1");
  EXPECT_EQ(c->article_id(), "a1");
  EXPECT_EQ(c->site(), "s");
  EXPECT_EQ(c->section(), "politics");
  EXPECT_EQ(c->author_id(), "u1");
  EXPECT_EQ(c->text(), "يا كلب");
  EXPECT_EQ(c->created_at().seconds(), 1767323045);
  EXPECT_EQ(c->parent_id(), "c0");
  EXPECT_EQ(c->language(), "ar");
}

TEST(CommentJsonTest, NamesTheFieldThatIsWrong) {
  EXPECT_THAT(ParseCommentJson(R"({"txt":"x"})").status().message(),
              HasSubstr("unknown field \"txt\""));
  EXPECT_THAT(ParseCommentJson(R"({"text":5})").status().message(),
              HasSubstr("field \"text\" must be a string"));
  EXPECT_THAT(
      ParseCommentJson(R"({"created_at":"yesterday"})").status().message(),
      HasSubstr("\"created_at\""));
  EXPECT_EQ(ParseCommentJson("not json").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCommentJson("[1,2]").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCommentJson("").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CommentJsonTest, NullFieldsAreEmpty) {
  auto c = ParseCommentJson(R"({"text":"hi","parent_id":null})");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->parent_id(), "");
}

TEST(CommentJsonTest, DecisionJsonUsesProtoNamesAndEnumNames) {
  hakam::v1::Decision d;
  d.set_action(hakam::v1::REVIEW);
  d.add_reasons()->set_rule_id("r1");
  const std::string json = DecisionToJson(d);
  EXPECT_THAT(json, HasSubstr("\"action\":\"REVIEW\""));
  EXPECT_THAT(json, HasSubstr("\"rule_id\":\"r1\""));
  EXPECT_EQ(json.find('\n'), std::string::npos);
}

// What ReasonsToJson must equal: protobuf's own printer, element by
// element.
std::string ReferenceReasonsJson(const hakam::v1::Decision& d) {
  std::vector<std::string> parts;
  for (const hakam::v1::Reason& r : d.reasons()) {
    parts.push_back(MessageToJson(r));
  }
  return absl::StrCat("[", absl::StrJoin(parts, ","), "]");
}

TEST(ReasonsToJsonTest, EmptyIsAnEmptyArray) {
  EXPECT_EQ(ReasonsToJson(hakam::v1::Decision().reasons()), "[]");
}

TEST(ReasonsToJsonTest, TypicalReasonsAreWhatProtobufPrints) {
  hakam::v1::Decision d;
  hakam::v1::Reason* r = d.add_reasons();
  r->set_rule_id("ar.insult.animal");
  r->set_category("insult");
  r->set_weight(10);
  r->mutable_span()->set_byte_start(4);
  r->mutable_span()->set_byte_end(10);
  r->mutable_span()->set_codepoint_start(2);
  r->mutable_span()->set_codepoint_end(5);
  r->set_excerpt("كـلب");
  r->set_view("arabic");
  r->set_pack("ar.insults");
  hakam::v1::Reason* shadow = d.add_reasons();
  shadow->set_rule_id("en.spam \"quoted\" <b>");
  shadow->set_weight(2.5);
  shadow->set_shadow(true);
  shadow->set_excerpt("tab\there\nnew\u200bline\u061c");
  const std::string json = ReasonsToJson(d.reasons());
  EXPECT_EQ(json, ReferenceReasonsJson(d));
  EXPECT_THAT(json, HasSubstr(R"("weight":10,"span":{"byte_start":4,)"));
  EXPECT_THAT(json, HasSubstr(R"(\"quoted\" \u003cb\u003e)"));
  EXPECT_THAT(json, HasSubstr(R"(tab\there\nnew\u200bline)"));
}

// A random string over the code points where escaping changes: every one
// below 0xA0, each end of every range protobuf escapes and its
// neighbours, and ordinary Arabic, Latin and astral text.
std::string RandomEscapingText(std::mt19937& rng) {
  static const std::vector<UChar32> kPoints = [] {
    std::vector<UChar32> v;
    for (UChar32 c = 0; c < 0xA0; ++c) v.push_back(c);
    for (UChar32 c :
         {0x00AD, 0x0600, 0x0603,  0x06DD,  0x070F,  0x17B4,  0x17B5, 0x200B,
          0x200F, 0x2028, 0x202E,  0x2060,  0x2064,  0x206A,  0x206F, 0xFEFF,
          0xFFF9, 0xFFFB, 0x1D173, 0x1D17A, 0xE0001, 0xE0020, 0xE007F}) {
      v.push_back(c);
      v.push_back(c - 1);
      v.push_back(c + 1);
    }
    for (UChar32 c : {0x0627, 0x0644, 0x0645, 0x0640, 0x064B, 0x061C, 0x00E9,
                      0x00A0, 0x1F600, 0x10FFFF, 0xFFFD}) {
      v.push_back(c);
    }
    return v;
  }();
  std::uniform_int_distribution<size_t> pick(0, kPoints.size() - 1);
  std::uniform_int_distribution<int> length(0, 24);
  std::string s;
  for (int k = length(rng); k > 0; --k) {
    const UChar32 c = kPoints[pick(rng)];
    if (U_IS_SURROGATE(c)) continue;
    char buffer[4];
    int32_t n = 0;
    U8_APPEND_UNSAFE(buffer, n, c);
    s.append(buffer, n);
  }
  return s;
}

TEST(ReasonsToJsonTest, RandomReasonsAreWhatProtobufPrints) {
  std::mt19937 rng(20261129);
  const std::vector<double> weights = {
      0,
      -0.0,
      1,
      10,
      2.5,
      0.1,
      1.0 / 3,
      -7.25,
      1e-7,
      1e20,
      1e300,
      5e-324,
      123456789012345680.0,
      0.30000000000000004,
      std::numeric_limits<double>::max(),
      std::numeric_limits<double>::infinity(),
      -std::numeric_limits<double>::infinity(),
      std::numeric_limits<double>::quiet_NaN()};
  std::uniform_int_distribution<size_t> weight(0, weights.size() - 1);
  std::uniform_int_distribution<uint32_t> offset;
  std::uniform_real_distribution<double> any_double(-1e6, 1e6);
  for (int i = 0; i < 2000; ++i) {
    hakam::v1::Decision d;
    for (int k = static_cast<int>(rng() % 4); k > 0; --k) {
      hakam::v1::Reason* r = d.add_reasons();
      r->set_rule_id(RandomEscapingText(rng));
      r->set_category(RandomEscapingText(rng));
      r->set_weight(rng() % 2 ? weights[weight(rng)] : any_double(rng));
      if (rng() % 4 != 0) {
        r->mutable_span()->set_byte_start(offset(rng));
        r->mutable_span()->set_byte_end(offset(rng));
        r->mutable_span()->set_codepoint_start(offset(rng) % 1000);
        r->mutable_span()->set_codepoint_end(0);
      }
      r->set_excerpt(RandomEscapingText(rng));
      r->set_view(RandomEscapingText(rng));
      r->set_pack(RandomEscapingText(rng));
      r->set_shadow(rng() % 2);
    }
    ASSERT_EQ(ReasonsToJson(d.reasons()), ReferenceReasonsJson(d))
        << "case " << i;
  }
}

// DecisionToJson and ReasonsToJson write each field by hand. The random
// tests below catch a new scalar or repeated field (protobuf prints those
// even when unset); this catches a new message field too.
TEST(DecisionToJsonTest, KnowsEveryFieldOfTheMessagesItWrites) {
  const std::string hint =
      "a field was added: write it in DecisionToJson or ReasonsToJson "
      "(src/engine/comment_json.cc) and set it in the random tests";
  EXPECT_EQ(hakam::v1::Decision::descriptor()->field_count(), 12) << hint;
  EXPECT_EQ(hakam::v1::CategoryScore::descriptor()->field_count(), 2) << hint;
  EXPECT_EQ(hakam::v1::Reason::descriptor()->field_count(), 8) << hint;
  EXPECT_EQ(hakam::v1::Span::descriptor()->field_count(), 4) << hint;
  EXPECT_EQ(hakam::v1::TextSignals::descriptor()->field_count(), 6) << hint;
}

TEST(DecisionToJsonTest, RandomDecisionsAreWhatProtobufPrints) {
  std::mt19937 rng(29112026);
  std::uniform_real_distribution<double> any_double(-100, 100);
  std::uniform_int_distribution<uint32_t> count;
  // The whole range of Timestamp and Duration JSON can print.
  std::uniform_int_distribution<int64_t> timestamp_seconds(-62135596800,
                                                           253402300799);
  std::uniform_int_distribution<int64_t> duration_seconds(-315576000000,
                                                          315576000000);
  std::uniform_int_distribution<int32_t> nanos(0, 999999999);
  // Nanoseconds that print with 0, 3, 6 and 9 digits.
  auto some_nanos = [&] {
    const int32_t n = nanos(rng);
    switch (rng() % 4) {
      case 0:
        return 0;
      case 1:
        return n / 1000000 * 1000000;
      case 2:
        return n / 1000 * 1000;
      default:
        return n;
    }
  };
  for (int i = 0; i < 2000; ++i) {
    hakam::v1::Decision d;
    d.set_decision_id(RandomEscapingText(rng));
    d.set_comment_id(RandomEscapingText(rng));
    // 0-3 are named; 7 is a value a newer peer could send.
    d.set_action(static_cast<hakam::v1::Action>(rng() % 2 ? rng() % 4 : 7));
    d.set_score(rng() % 3 ? std::floor(any_double(rng)) : any_double(rng));
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) {
      hakam::v1::CategoryScore* c = d.add_category_scores();
      c->set_category(RandomEscapingText(rng));
      c->set_score(any_double(rng));
    }
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) {
      hakam::v1::Reason* r = d.add_reasons();
      r->set_rule_id(RandomEscapingText(rng));
      r->set_weight(any_double(rng));
      r->mutable_span()->set_byte_end(count(rng));
      r->set_excerpt(RandomEscapingText(rng));
      r->set_shadow(rng() % 2);
    }
    d.set_ruleset_version(RandomEscapingText(rng));
    d.set_policy_id(RandomEscapingText(rng));
    if (rng() % 4 != 0) {
      hakam::v1::TextSignals* s = d.mutable_signals();
      s->set_invisible_chars(count(rng) % 100);
      s->set_bidi_controls(count(rng));
      s->set_mixed_script_words(count(rng) % 3);
      s->set_letters(count(rng) % 1000);
      s->set_letters_changed(count(rng) % 10);
    }
    d.set_shadow_score(rng() % 2 ? 0 : any_double(rng));
    if (rng() % 4 != 0) {
      // A duration's seconds and nanos share their sign.
      const int64_t seconds = rng() % 2 ? 0 : duration_seconds(rng);
      const int32_t n = some_nanos();
      d.mutable_processing_time()->set_seconds(seconds);
      d.mutable_processing_time()->set_nanos(
          seconds < 0 || (seconds == 0 && rng() % 8 == 0) ? -n : n);
    }
    if (rng() % 4 != 0) {
      d.mutable_decided_at()->set_seconds(timestamp_seconds(rng));
      d.mutable_decided_at()->set_nanos(some_nanos());
    }
    ASSERT_EQ(DecisionToJson(d), MessageToJson(d)) << "case " << i;
  }
}

TEST(ReasonsToJsonTest, IllFormedUtf8IsDroppedNotCopied) {
  hakam::v1::Decision d;
  d.add_reasons()->set_excerpt(
      "a\xFF"
      "b\xC3");
  EXPECT_THAT(ReasonsToJson(d.reasons()), HasSubstr(R"("excerpt":"ab")"));
}

}  // namespace
}  // namespace hakam
