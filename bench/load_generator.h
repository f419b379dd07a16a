// The gRPC load generator behind `hakam-load`: drives hakamd (or any server
// with the same services) over N connections on gRPC's callback client API
// and measures throughput, errors by status code and latency.
//
//   LoadOptions o;
//   o.target = "127.0.0.1:50051";
//   o.rpc = LoadRpc::kModerate;
//   o.connections = 4;
//   o.in_flight = 16;                       // closed loop: 64 in flight
//   absl::StatusOr<LoadReport> r = RunLoad(o, requests);
//   std::printf("%s", r->ToText().c_str());
//
// Two modes:
//  - closed loop (rate == 0): every connection keeps `in_flight` calls
//    outstanding, starting the next one as soon as one completes; measures
//    the maximum throughput at that concurrency.
//  - open loop (rate > 0): calls are started on a fixed schedule (rate per
//    second in total, round-robin over the connections) whether or not the
//    earlier ones have completed; latency is measured from each call's
//    *scheduled* start, so a stalled server cannot hide its stall by
//    slowing the client down (no coordinated omission).
//
// Accounting: a call belongs to the measurement if it was (scheduled to be)
// started inside the measurement window [warm-up end, warm-up end +
// duration); calls started during the warm-up are made but not counted.
// Every measured call is either OK or an error, never both: a call is OK
// only if its status is OK *and* its response is well-formed (a Moderate
// decision with an action and an id; a health check answering SERVING).
// Errors are counted by gRPC status code, plus BAD_RESPONSE (status OK,
// unusable response), NOT_SENT (open loop: the client's backlog of
// outstanding calls was full when the call was due) and OTHER_CODE (a
// status code gRPC does not define, which a server may still send). Latency
// percentiles are over OK calls only.
//
// Thread safety: RunLoad is thread-compatible (one run at a time per
// process is the intended use); LoadReport is a plain value.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hakam/v1/moderation.pb.h"

namespace hakam::bench {

enum class LoadRpc {
  kModerate,     // hakam.v1.Moderation/Moderate
  kHealthCheck,  // grpc.health.v1.Health/Check: the no-op baseline
};

// "Moderate" or "Health/Check".
const char* LoadRpcName(LoadRpc rpc);

// Bounds of LoadOptions, checked by RunLoad: past them a run would exhaust
// memory (every call outstanding holds a context and its messages), hang
// (a rate whose schedule never advances) or overflow 64-bit nanoseconds.
inline constexpr int kMaxConnections = 1024;
// Calls outstanding at once: connections x in_flight (closed loop), or
// max_outstanding (open loop).
inline constexpr int kMaxInFlight = 100000;
inline constexpr double kMaxRate = 1e7;  // calls per second
// duration and warmup, each.
inline constexpr absl::Duration kMaxWindow = absl::Hours(24);
// deadline and connect_timeout, each.
inline constexpr absl::Duration kMaxWait = absl::Hours(1);

struct LoadOptions {
  // host:port of the server. Only loopback hosts written literally are
  // accepted (127.x.x.x, localhost, [::1]). Required.
  std::string target;
  // The RPC to call. Default Moderate.
  LoadRpc rpc = LoadRpc::kModerate;
  // Distinct channels (TCP connections). Default 4.
  int connections = 4;
  // Closed loop: calls outstanding per connection. Default 16.
  int in_flight = 16;
  // Open loop: calls started per second, in total; 0 (default) selects
  // the closed loop. Otherwise at least one call per `duration`.
  double rate = 0;
  // Open loop: most calls outstanding at once; a call due while this many
  // are outstanding is not sent and counts as a NOT_SENT error.
  // Default (and most) 100000.
  int max_outstanding = 100000;
  // Length of the measurement window and of the warm-up before it.
  // Defaults 10 s and 2 s.
  absl::Duration duration = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(2);
  // Deadline of every call. Default 10 s.
  absl::Duration deadline = absl::Seconds(10);
  // How long to wait for each channel to connect before starting (calls
  // are made regardless, so an unreachable server shows up as errors).
  // Default 5 s.
  absl::Duration connect_timeout = absl::Seconds(5);
  // Health/Check: the service name asked about ("" = the whole server).
  std::string health_service;
  // If > 0, the server's process id on this machine: its CPU time over
  // the measurement window is reported too (server_cpu). Default 0.
  int server_pid = 0;
};

struct LoadReport {
  std::string rpc;
  bool open_loop = false;
  double offered_rate = 0;  // open loop only
  int connections = 0;
  int in_flight = 0;   // closed loop: total (connections x in_flight)
  double seconds = 0;  // the measurement window
  int64_t ok = 0;      // measured calls that succeeded
  int64_t errors = 0;  // measured calls that failed, all codes
  // Failed measured calls by code name ("UNAVAILABLE", "BAD_RESPONSE", ...).
  std::map<std::string, int64_t> errors_by_code;
  int64_t warmup_calls = 0;  // completed calls not measured
  // Latency of the OK calls, nanoseconds.
  int64_t p50_ns = 0, p90_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;
  // Open loop: p99 of how late calls were sent after their scheduled time
  // (large values mean the client, not the server, fell behind).
  int64_t send_lag_p99_ns = 0;
  // Calls still outstanding when the run gave up waiting (should be 0).
  int64_t abandoned = 0;
  // CPU time of the load generator's process during the measurement
  // window, in cores (1.0: one core busy throughout). Near 1 when the
  // generator is pinned to one core, it, not the server, may be the limit.
  double client_cpu = 0;
  // The same for the process LoadOptions::server_pid names, over the same
  // window; -1 if not measured (no pid given, or /proc/PID/stat unreadable).
  double server_cpu = -1;

  // ok / seconds.
  double qps() const { return seconds > 0 ? ok / seconds : 0; }
  // A human-readable report, several lines.
  std::string ToText() const;
  // One line, "RESULT key=value ...", for scripts (see docs/performance.md).
  std::string ToResultLine() const;
};

// OK if `options` can be run; otherwise INVALID_ARGUMENT saying which value
// is wrong and what it may be (a non-loopback target, zero connections, a
// value past the bounds above, ...). Touches no network.
absl::Status ValidateLoadOptions(const LoadOptions& options);

// Runs the load. `requests` are the Moderate payloads, used round-robin
// (ignored for Health/Check); must not be empty for Moderate. Each call's
// comment_id is the payload's comment_id followed by the call's sequence
// number in 12 digits, so every call is a distinct comment and ids
// increase as a site's do. Returns ValidateLoadOptions()'s error for bad
// options, before any call; a run whose calls all fail is still OK, and
// its report counts the failures.
absl::StatusOr<LoadReport> RunLoad(
    const LoadOptions& options,
    const std::vector<hakam::v1::ModerateRequest>& requests);

}  // namespace hakam::bench
