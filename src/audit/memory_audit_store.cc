#include "audit/memory_audit_store.h"

namespace hakam {

void MemoryAuditStore::Append(AuditRecord record, DoneCallback done) {
  absl::Status status;
  {
    absl::MutexLock lock(&mu_);
    if (fail_) {
      status = absl::UnavailableError("memory audit store: appends disabled");
    } else {
      records_.push_back(std::move(record));
    }
  }
  done(std::move(status));
}

std::vector<AuditRecord> MemoryAuditStore::Records() const {
  absl::MutexLock lock(&mu_);
  return records_;
}

size_t MemoryAuditStore::size() const {
  absl::MutexLock lock(&mu_);
  return records_.size();
}

void MemoryAuditStore::FailAppends(bool fail) {
  absl::MutexLock lock(&mu_);
  fail_ = fail;
}

}  // namespace hakam
