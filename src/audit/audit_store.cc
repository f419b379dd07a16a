#include "audit/audit_store.h"

#include "absl/synchronization/notification.h"
#include "util/sha256.h"

namespace hakam {

AuditRecord MakeAuditRecord(const hakam::v1::Comment& comment,
                            const hakam::v1::Decision& decision) {
  AuditRecord r;
  r.decision = decision;
  r.comment_id = comment.comment_id();
  r.article_id = comment.article_id();
  r.site = comment.site();
  r.section = comment.section();
  r.author_id = comment.author_id();
  r.text_sha256 = Sha256Hex(comment.text());
  return r;
}

absl::Status AuditStore::AppendAndWait(AuditRecord record) {
  absl::Notification done;
  absl::Status result;
  Append(std::move(record), [&](absl::Status s) {
    result = std::move(s);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

}  // namespace hakam
