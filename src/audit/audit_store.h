// The audit trail: every decision, with what it was about, appended before
// the reply is sent. Storage sits behind this interface (SQLite for one
// server, in memory for tests and dry runs; PostgreSQL later).
//
//   std::unique_ptr<AuditStore> store = ...;
//   store->Append(MakeAuditRecord(comment, decision),
//                 [](absl::Status s) { /* durable, or why not */ });
//   store->Flush();  // at shutdown: everything appended is durable
//
// Thread safety: implementations are thread-safe.
#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "hakam/v1/moderation.pb.h"

namespace hakam {

// One audited decision. The comment's text itself is not stored, only its
// SHA-256, so the trail proves what was decided without keeping copies of
// readers' words.
struct AuditRecord {
  hakam::v1::Decision decision;
  std::string comment_id;
  std::string article_id;
  std::string site;
  std::string section;
  std::string author_id;
  std::string text_sha256;  // lowercase hex
};

AuditRecord MakeAuditRecord(const hakam::v1::Comment& comment,
                            const hakam::v1::Decision& decision);

class AuditStore {
 public:
  using DoneCallback = std::function<void(absl::Status)>;

  virtual ~AuditStore() = default;

  // Appends `record`. `done` is called exactly once, possibly on another
  // thread, when the record is durable (OK) or cannot be stored
  // (UNAVAILABLE, with the reason). Never waits for an fsync or for other
  // callers' records; an implementation may write this one record into
  // the page cache itself, and call `done` before returning.
  virtual void Append(AuditRecord record, DoneCallback done) = 0;

  // Blocks until every record appended before the call is durable or has
  // failed; returns the first failure among the records that were still
  // waiting when it was called (an earlier failure went to its record's
  // callback, and says nothing about the records appended since).
  virtual absl::Status Flush() = 0;

  // Convenience: Append and wait for the result.
  absl::Status AppendAndWait(AuditRecord record);
};

}  // namespace hakam
