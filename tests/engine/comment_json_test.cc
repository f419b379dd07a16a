#include "engine/comment_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
  EXPECT_THAT(ParseCommentJson(R"({"created_at":"yesterday"})")
                  .status()
                  .message(),
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

}  // namespace
}  // namespace hakam
