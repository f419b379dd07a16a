#include "engine/comment_json.h"

#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

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
  auto c =
      ParseCommentJson(R"({"text":"hi","parent_id":null,"created_at":null})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->parent_id(), "");
  EXPECT_FALSE(c->has_created_at());
}

// Each malformed or ambiguous line is refused with INVALID_ARGUMENT and a
// message that says what is wrong, never accepted as something else.
TEST(CommentJsonTest, RefusesWhatIsNotStrictJsonWithASpecificMessage) {
  const struct {
    std::string line;
    std::string message;
  } kCases[] = {
      {R"({"text":"a","text":"b"})", "field \"text\" appears twice"},
      {R"({"te\u0078t":"a","text":"b"})", "field \"text\" appears twice"},
      {"\xEF\xBB\xBF{\"text\":\"a\"}", "byte order mark"},
      {"[1,2]", "not a JSON object: got an array"},
      {"null", "not a JSON object: got null"},
      {R"("text")", "not a JSON object: got a string"},
      {"5", "not a JSON object: got a number"},
      {R"({"text":"a"} x)", "not valid JSON"},
      {R"({"text":"a"}{})", "not valid JSON"},
      {R"({"text":"a",})", "not valid JSON"},
      {R"({text:"a"})", "not valid JSON"},
      {R"({"text":'a'})", "not valid JSON"},
      {"{\"text\":\"a\tb\"}", "not valid JSON"},   // raw tab in a string
      {"{\"text\":\"a\xFF\"}", "not valid JSON"},  // not UTF-8
      {R"({"text":"\ud800"})", "not valid JSON"},  // lone surrogate
      {R"({"text":"\udc00x"})", "not valid JSON"},
      {R"({"text":"\ud800\u0041"})", "not valid JSON"},
      {R"({"text":"\ud800\ud800"})", "not valid JSON"},
      {R"({"text":1e999})", "not valid JSON"},  // beyond a double's range
      {R"({"text":"\x41"})", "not valid JSON"},
      {R"({"text":"a")", "not valid JSON"},
      {"", "not valid JSON"},
      {R"({"text":true})", "field \"text\" must be a string"},
      {R"({"site":["a"]})", "field \"site\" must be a string"},
      {R"({"site":{"a":1}})", "field \"site\" must be a string"},
      {R"({"created_at":1767323045})",
       "field \"created_at\" must be an RFC 3339 timestamp string"},
      {R"({"created_at":"2026-13-01T00:00:00Z"})",
       "is not an RFC 3339 timestamp"},
      // Not the timestamp before the NUL, which protobuf would read.
      {R"({"created_at":"2026-01-01T00:00:00Z\u0000junk"})",
       "is not an RFC 3339 timestamp"},
      {absl::StrCat(R"({"text":")", std::string(kMaxCommentJsonBytes, 'a'),
                    R"("})"),
       "comment JSON is 1048587 bytes, more than the 1048576 allowed"},
      {R"({"Text":"a"})", "unknown field \"Text\""},
      {R"({"commentId":"a"})", "unknown field \"commentId\""},
      {R"({"text ":"a"})", "unknown field \"text \""},
  };
  for (const auto& c : kCases) {
    const absl::StatusOr<hakam::v1::Comment> parsed = ParseCommentJson(c.line);
    ASSERT_FALSE(parsed.ok()) << c.line;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << c.line;
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.message)) << c.line;
  }
}

// The parser's buffers are kept from line to line: a line after the
// longest one allowed, or after a refused one, is read on its own.
TEST(CommentJsonTest, EachLineIsReadOnItsOwn) {
  const std::string longest_text(kMaxCommentJsonBytes - 11, 'x');
  const std::string longest =
      absl::StrCat(R"({"text":")", longest_text, R"("})");
  ASSERT_EQ(longest.size(), kMaxCommentJsonBytes);
  auto big = ParseCommentJson(longest);
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_EQ(big->text(), longest_text);
  auto small = ParseCommentJson(R"({"text":"hi"})");
  ASSERT_TRUE(small.ok()) << small.status();
  EXPECT_EQ(small->text(), "hi");
  EXPECT_FALSE(ParseCommentJson(R"({"text":"hi", "site":)").ok());
  auto after_bad = ParseCommentJson(R"({"site":"s"})");
  ASSERT_TRUE(after_bad.ok()) << after_bad.status();
  EXPECT_EQ(after_bad->site(), "s");
  EXPECT_EQ(after_bad->text(), "");
}

TEST(CommentJsonTest, DecodesEveryEscapeAndKeepsTheRest) {
  auto c = ParseCommentJson(
      "\t {\"te\\u0078t\" : \"\\u064a\\u0627 \\\"\\/\\\\\\b\\f\\n\\r\\t"
      "\\ud83d\\ude00 \\u0000 \xD9\x83\xD9\x84\xD8\xA8\", "
      "\"comment_id\":\"\"} \r");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->text(),
            std::string("\xD9\x8A\xD8\xA7 \"/\\\b\f\n\r\t\xF0\x9F\x98\x80 ") +
                std::string(1, '\0') + " \xD9\x83\xD9\x84\xD8\xA8");
  EXPECT_EQ(c->comment_id(), "");
}

// The JSON encoding of `s` with each character written in one of the ways
// JSON allows, chosen by `rng`: raw, or \uXXXX (a surrogate pair above
// U+FFFF), or its short escape.
std::string RandomlyEscaped(const std::string& s, std::mt19937& rng) {
  std::string out = "\"";
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    const bool must = c < 0x20 || c == '"' || c == '\\';
    if (!must && rng() % 2 == 0) {
      out.append(s, start, i - start);
      continue;
    }
    static const std::pair<UChar32, const char*> kShortForms[] = {
        {'"', "\\\""}, {'\\', "\\\\"}, {'/', "\\/"},  {'\b', "\\b"},
        {'\f', "\\f"}, {'\n', "\\n"},  {'\r', "\\r"}, {'\t', "\\t"}};
    const char* short_form = nullptr;
    for (const auto& [code_point, form] : kShortForms) {
      if (code_point == c) short_form = form;
    }
    if (short_form != nullptr && rng() % 2 == 0) {
      out += short_form;
      continue;
    }
    char buf[16];
    if (c > 0xFFFF) {
      std::snprintf(buf, sizeof(buf), "\\u%04X\\u%04x", U16_LEAD(c),
                    U16_TRAIL(c));
    } else {
      std::snprintf(buf, sizeof(buf), rng() % 2 ? "\\u%04x" : "\\u%04X", c);
    }
    out += buf;
  }
  return out + "\"";
}

// Random comments, written as JSON in the many ways JSON allows (field
// order, whitespace, escapes, nulls for empty fields), read back exactly;
// protobuf's JSON parser accepts every one of those lines too.
TEST(CommentJsonTest, RandomCommentsRoundTripThroughEveryWayOfWritingThem) {
  std::mt19937 rng(20261130);
  // Code points from the ranges comments use, and the awkward ones.
  const std::vector<UChar32> kPool = {
      0x00,   0x01,   0x08,   0x09,    0x0A,    0x0D,    0x1F,   ' ',    '"',
      '/',    '\\',   'a',    'Z',     '0',     '<',     0x7F,   0x80,   0xA0,
      0xAD,   0xE9,   0x0627, 0x0644,  0x0640,  0x064B,  0x200B, 0x200F, 0x202E,
      0xFEFF, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
  auto random_string = [&] {
    std::string s;
    const int len = static_cast<int>(rng() % 12);
    for (int k = 0; k < len; ++k) {
      const UChar32 c = kPool[rng() % kPool.size()];
      char buf[4];
      int32_t w = 0;
      U8_APPEND_UNSAFE(buf, w, c);
      s.append(buf, w);
    }
    return s;
  };
  using Setter = void (hakam::v1::Comment::*)(const std::string&);
  const std::pair<const char*, Setter> kStringFields[] = {
      {"comment_id", &hakam::v1::Comment::set_comment_id},
      {"article_id", &hakam::v1::Comment::set_article_id},
      {"site", &hakam::v1::Comment::set_site},
      {"section", &hakam::v1::Comment::set_section},
      {"author_id", &hakam::v1::Comment::set_author_id},
      {"text", &hakam::v1::Comment::set_text},
      {"parent_id", &hakam::v1::Comment::set_parent_id},
      {"language", &hakam::v1::Comment::set_language},
  };
  const char* kSpace[] = {"", " ", "\t", "\n ", "\r\n"};
  auto space = [&] { return kSpace[rng() % std::size(kSpace)]; };
  for (int round = 0; round < 2000; ++round) {
    hakam::v1::Comment want;
    std::vector<std::string> members;
    for (const auto& [name, setter] : kStringFields) {
      switch (rng() % 3) {
        case 0:
          break;  // absent
        case 1:
          members.push_back(absl::StrCat(RandomlyEscaped(name, rng), space(),
                                         ":", space(), "null"));
          break;
        default: {
          const std::string value = random_string();
          (want.*setter)(value);
          members.push_back(absl::StrCat(RandomlyEscaped(name, rng), space(),
                                         ":", space(),
                                         RandomlyEscaped(value, rng)));
        }
      }
    }
    switch (rng() % 3) {
      case 0:
        break;  // absent
      case 1:
        members.push_back(absl::StrCat(RandomlyEscaped("created_at", rng), ":",
                                       space(), "null"));
        break;
      default: {
        // RFC 3339 in UTC or at an offset, its characters escaped or not.
        const int64_t millis = rng() % 4000000000000;
        want.mutable_created_at()->set_seconds(millis / 1000);
        want.mutable_created_at()->set_nanos(
            static_cast<int32_t>(millis % 1000) * 1000000);
        const bool utc = rng() % 2 == 0;
        const std::string stamp = absl::FormatTime(
            utc ? "%Y-%m-%dT%H:%M:%E3SZ" : "%Y-%m-%dT%H:%M:%E3S%Ez",
            absl::FromUnixMillis(millis),
            utc ? absl::UTCTimeZone()
                : absl::FixedTimeZone((static_cast<int>(rng() % 1681) - 840) *
                                      60));
        members.push_back(absl::StrCat(RandomlyEscaped("created_at", rng), ":",
                                       RandomlyEscaped(stamp, rng)));
      }
    }
    std::shuffle(members.begin(), members.end(), rng);
    std::string line = space();
    line += "{";
    for (size_t m = 0; m < members.size(); ++m) {
      if (m > 0) line += ",";
      line += space() + members[m] + space();
    }
    line += "}";
    line += space();
    const absl::StatusOr<hakam::v1::Comment> got = ParseCommentJson(line);
    ASSERT_TRUE(got.ok()) << got.status() << "\n" << line;
    EXPECT_EQ(got->SerializeAsString(), want.SerializeAsString()) << line;
    google::protobuf::Struct reference;
    EXPECT_TRUE(
        google::protobuf::util::JsonStringToMessage(line, &reference).ok())
        << line;
  }
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
