#include "engine/comment_json.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"

namespace hakam {

namespace {

using google::protobuf::Value;

absl::Status WrongType(absl::string_view field, absl::string_view want) {
  return absl::InvalidArgumentError(
      absl::StrCat("field \"", field, "\" must be ", want));
}

}  // namespace

absl::StatusOr<hakam::v1::Comment> ParseCommentJson(absl::string_view json) {
  google::protobuf::Struct object;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &object);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a JSON object: ", parsed.message().as_string()));
  }
  hakam::v1::Comment c;
  using Setter = void (hakam::v1::Comment::*)(const std::string&);
  static const std::pair<const char*, Setter> kStringFields[] = {
      {"comment_id", &hakam::v1::Comment::set_comment_id},
      {"article_id", &hakam::v1::Comment::set_article_id},
      {"site", &hakam::v1::Comment::set_site},
      {"section", &hakam::v1::Comment::set_section},
      {"author_id", &hakam::v1::Comment::set_author_id},
      {"text", &hakam::v1::Comment::set_text},
      {"parent_id", &hakam::v1::Comment::set_parent_id},
      {"language", &hakam::v1::Comment::set_language},
  };
  for (const auto& [key, value] : object.fields()) {
    if (key == "created_at") {
      if (value.kind_case() != Value::kStringValue) {
        return WrongType(key, "an RFC 3339 timestamp string");
      }
      if (!google::protobuf::util::TimeUtil::FromString(
              value.string_value(), c.mutable_created_at())) {
        return absl::InvalidArgumentError(
            absl::StrCat("field \"created_at\": \"", value.string_value(),
                         "\" is not an RFC 3339 timestamp"));
      }
      continue;
    }
    bool known = false;
    for (const auto& [name, setter] : kStringFields) {
      if (key != name) continue;
      known = true;
      if (value.kind_case() == Value::kNullValue) break;
      if (value.kind_case() != Value::kStringValue) {
        return WrongType(key, "a string");
      }
      (c.*setter)(value.string_value());
    }
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown field \"", key,
          "\" (expected comment_id, article_id, site, section, author_id, "
          "text, created_at, parent_id, language)"));
    }
  }
  return c;
}

std::string MessageToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string out;
  // Printing a well-formed message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

std::string DecisionToJson(const hakam::v1::Decision& decision) {
  return MessageToJson(decision);
}

}  // namespace hakam
