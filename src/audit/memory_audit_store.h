// An in-memory AuditStore for tests, benchmarks and dry runs: records are
// "durable" as soon as they are appended.
//
//   MemoryAuditStore store;
//   store.Append(record, done);
//   std::vector<AuditRecord> all = store.Records();
//
// Thread safety: thread-safe.
#pragma once

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "audit/audit_store.h"

namespace hakam {

class MemoryAuditStore : public AuditStore {
 public:
  void Append(AuditRecord record, DoneCallback done) override;
  absl::Status Flush() override { return absl::OkStatus(); }

  // A copy of every record, in append order.
  std::vector<AuditRecord> Records() const;
  size_t size() const;

  // Makes every later Append fail with UNAVAILABLE (for failure tests).
  void FailAppends(bool fail);

 private:
  mutable absl::Mutex mu_;
  std::vector<AuditRecord> records_ ABSL_GUARDED_BY(mu_);
  bool fail_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace hakam
