// A SQLite VFS for tests that wraps the default one and makes its files'
// writes or syncs fail on demand, as a full or failing disk would:
//
//   FaultVfs::Install();  // once; the default VFS from then on
//   {
//     FaultVfs::Scoped full(FaultVfs::kDiskFull);
//     ... every write now fails with SQLITE_FULL ...
//   }
//
// Thread safety: Set and the counters may be called from any thread; the
// fault applies to every connection of the process, whichever thread it
// runs on.
#pragma once

namespace hakam::testing {

class FaultVfs {
 public:
  enum Fault {
    kNone,
    kDiskFull,   // xWrite and xTruncate fail with SQLITE_FULL
    kSyncFails,  // xSync fails with SQLITE_IOERR_FSYNC
  };

  // Which files a fault reaches: the audit spool is the file whose name
  // ends in "-spool" (audit_spool.h); the database is every other.
  enum Target { kAllFiles, kSpoolOnly, kDatabaseOnly };

  // Registers the VFS as the process' default (the first call only).
  static void Install();
  static void Set(Fault fault, Target target = kAllFiles);
  // Calls failed by a fault since Install().
  static int failures();

  // Sets a fault for its scope: a failed assertion that leaves the scope
  // early does not leave the fault on for the tests after it.
  class Scoped {
   public:
    explicit Scoped(Fault fault, Target target = kAllFiles) {
      Set(fault, target);
    }
    ~Scoped() { Set(kNone); }
    Scoped(const Scoped&) = delete;
    Scoped& operator=(const Scoped&) = delete;
  };
};

}  // namespace hakam::testing
