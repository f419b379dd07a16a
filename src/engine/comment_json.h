// JSON forms of comments and decisions, for JSON Lines input (`hakam check
// -`, later batch re-scoring), for printing decisions, and for the audit
// trail's reasons column.
//
//   absl::StatusOr<hakam::v1::Comment> c =
//       ParseCommentJson(R"({"comment_id": "c1", "text": "hello"})");
//   std::string out = DecisionToJson(decision);  // one line
//   std::string column = ReasonsToJson(decision.reasons());
//
// Field names are the proto's (`comment_id`, `article_id`, `site`,
// `section`, `author_id`, `text`, `created_at`, `parent_id`, `language`);
// `text` is a plain JSON string (not base64 as protobuf's mapping of
// `bytes` would require), `created_at` an RFC 3339 timestamp.
//
// Thread safety: safe from any thread (the parser's buffers are per
// thread).
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hakam/v1/moderation.pb.h"

namespace hakam {

// The longest JSON a comment may take: 16 times the engine's default cap
// on a comment's text (64 KiB), room for any escaping of it and the other
// fields.
inline constexpr size_t kMaxCommentJsonBytes = size_t{1} << 20;

// Parses one JSON object into a Comment: strict JSON (RFC 8259, read by
// simdjson; see docs/performance.md for why not protobuf's parser). A null
// field is the same as an absent one. INVALID_ARGUMENT, naming the field
// where there is one, for malformed JSON (a number beyond a double's range
// included), a byte order mark, a value that is not an object, unknown or
// repeated fields, wrong types, and JSON longer than kMaxCommentJsonBytes.
absl::StatusOr<hakam::v1::Comment> ParseCommentJson(absl::string_view json);

// A decision as single-line JSON (protobuf's JSON mapping, proto field
// names, enums by name, default values included): byte for byte what
// MessageToJson prints, written directly for the reason ReasonsToJson
// below gives (about 40 us a decision through protobuf's printer, more
// than evaluating the comment; `hakam check -` prints one per line).
std::string DecisionToJson(const hakam::v1::Decision& decision);

// Any message as single-line JSON, same conventions.
std::string MessageToJson(const google::protobuf::Message& message);

// `reasons` as a JSON array: each element byte for byte what MessageToJson
// prints for that Reason, comma-separated, in brackets ("[]" for none).
// Written directly rather than through protobuf's printer, which resolves
// the type and parses the message's binary form again for every message:
// about 19 us per Reason, more than the rest of an audit append. Strings
// are escaped as protobuf escapes them (", \, control characters, < >, and
// the invisible formatting characters it lists). Ill-formed UTF-8, which
// validated comments never produce, is dropped; protobuf drops it too, but
// not always the same bytes (it also swallows the byte that breaks a
// sequence), so only valid UTF-8 is byte for byte the same.
std::string ReasonsToJson(
    const google::protobuf::RepeatedPtrField<hakam::v1::Reason>& reasons);

}  // namespace hakam
