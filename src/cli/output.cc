#include "cli/output.h"

#include <google/protobuf/struct.pb.h>

#include "absl/strings/str_cat.h"
#include "engine/comment_json.h"

namespace hakam::cli {

namespace {
// A JSON string literal, escaped by protobuf's JSON printer.
std::string JsonString(absl::string_view s) {
  google::protobuf::Value v;
  v.set_string_value(std::string(s));
  return MessageToJson(v);
}
}  // namespace

std::string ErrorJson(const absl::Status& status, int64_t line) {
  return absl::StrCat("{", line > 0 ? absl::StrCat("\"line\":", line, ",") : "",
                      "\"error\":{\"code\":",
                      JsonString(absl::StatusCodeToString(status.code())),
                      ",\"message\":", JsonString(status.message()), "}}");
}

}  // namespace hakam::cli
