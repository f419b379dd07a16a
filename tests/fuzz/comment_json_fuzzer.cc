// libFuzzer target over the JSON Lines input of `hakam check -`: every line
// either parses into a Comment or is a clear INVALID_ARGUMENT.
#include <cstdint>
#include <cstdlib>

#include "engine/comment_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view line(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<hakam::v1::Comment> c = hakam::ParseCommentJson(line);
  if (!c.ok() && c.status().code() != absl::StatusCode::kInvalidArgument) {
    std::abort();
  }
  return 0;
}
