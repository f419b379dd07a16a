#include "load_generator.h"

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "hakam/v1/moderation.grpc.pb.h"
#include "histogram.h"

namespace hakam::bench {

namespace {

using HealthStub = grpc::health::v1::Health::Stub;
using ModerationStub = hakam::v1::Moderation::Stub;

// Error slots: gRPC codes 0..16, then our own three.
constexpr int kLastGrpcCode = 16;  // UNAUTHENTICATED
constexpr int kBadResponse = 17;
constexpr int kNotSent = 18;
// A status code gRPC does not define: a server may send any number as
// grpc-status, and the client passes it on unchanged.
constexpr int kOtherCode = 19;
constexpr int kErrorSlots = 20;

const char* CodeName(int code) {
  static const char* const kNames[kErrorSlots] = {"OK",
                                                  "CANCELLED",
                                                  "UNKNOWN",
                                                  "INVALID_ARGUMENT",
                                                  "DEADLINE_EXCEEDED",
                                                  "NOT_FOUND",
                                                  "ALREADY_EXISTS",
                                                  "PERMISSION_DENIED",
                                                  "RESOURCE_EXHAUSTED",
                                                  "FAILED_PRECONDITION",
                                                  "ABORTED",
                                                  "OUT_OF_RANGE",
                                                  "UNIMPLEMENTED",
                                                  "INTERNAL",
                                                  "UNAVAILABLE",
                                                  "DATA_LOSS",
                                                  "UNAUTHENTICATED",
                                                  "BAD_RESPONSE",
                                                  "NOT_SENT",
                                                  "OTHER_CODE"};
  return code >= 0 && code < kErrorSlots ? kNames[code] : "OTHER_CODE";
}

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// CPU time of this process, all threads.
int64_t ProcessCpuNanos() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return int64_t{t.tv_sec} * 1000000000 + t.tv_nsec;
}

// CPU time (user + system) of process `pid` so far, from /proc/PID/stat;
// -1 if it cannot be read (no such process) or the process has exited (a
// zombie's count is frozen). The fields are counted after
// the command name's closing parenthesis: the name may hold spaces.
int64_t OtherProcessCpuNanos(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;  // no such process
  // After ") ": state (field 3), ... utime (14) and stime (15).
  std::vector<absl::string_view> fields = absl::StrSplit(
      absl::string_view(stat).substr(paren + 1), ' ', absl::SkipEmpty());
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || fields[0] == "Z" ||
      !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return -1;
  }
  static const int64_t ticks = sysconf(_SC_CLK_TCK);
  if (ticks <= 0) return -1;
  return (utime + stime) * 1000000000 / ticks;
}

void SleepUntilNanos(int64_t t) {
  const int64_t now = NowNanos();
  if (t > now) std::this_thread::sleep_for(std::chrono::nanoseconds(t - now));
}

// host:port with a loopback host written literally: an IPv4 address in
// 127.0.0.0/8, [::1] or localhost. A name that only starts like one
// ("127.0.0.1.example.com") is not: it resolves wherever DNS says.
bool IsLoopback(absl::string_view target) {
  const size_t colon = target.rfind(':');
  if (colon == absl::string_view::npos) return false;
  const absl::string_view port = target.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), absl::ascii_isdigit)) {
    return false;
  }
  const std::string host(target.substr(0, colon));
  if (host == "localhost" || host == "[::1]") return true;
  in_addr address;
  return inet_pton(AF_INET, host.c_str(), &address) == 1 &&
         (ntohl(address.s_addr) >> 24) == 127;
}

// One run. Owned by RunLoad; outlives every call it starts (RunLoad waits
// for them, or leaks the runner if they never finish).
class Runner {
 public:
  Runner(const LoadOptions& options,
         const std::vector<hakam::v1::ModerateRequest>& requests)
      : options_(options), requests_(requests) {
    cpu_.server_pid = options.server_pid;
    for (auto& e : errors_) e.store(0);
    health_request_.set_service(options.health_service);
  }

  // Creates the channels and waits (bounded) for them to connect.
  void Connect() {
    const int64_t deadline_ns =
        NowNanos() + absl::ToInt64Nanoseconds(options_.connect_timeout);
    for (int i = 0; i < options_.connections; ++i) {
      grpc::ChannelArguments args;
      // Distinct args give each channel its own subchannel (connection).
      args.SetInt("hakam.load.channel_id", i);
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
          options_.target, grpc::InsecureChannelCredentials(), args);
      moderation_.push_back(hakam::v1::Moderation::NewStub(channel));
      health_.push_back(grpc::health::v1::Health::NewStub(channel));
      channels_.push_back(std::move(channel));
    }
    for (int i = 0; i < options_.connections; ++i) {
      grpc_connectivity_state state = channels_[i]->GetState(true);
      while (state != GRPC_CHANNEL_READY &&
             state != GRPC_CHANNEL_TRANSIENT_FAILURE &&
             state != GRPC_CHANNEL_SHUTDOWN && NowNanos() < deadline_ns) {
        channels_[i]->WaitForStateChange(
            state, std::chrono::system_clock::now() +
                       std::chrono::nanoseconds(
                           std::max<int64_t>(0, deadline_ns - NowNanos())));
        state = channels_[i]->GetState(true);
      }
      if (state != GRPC_CHANNEL_READY) {
        static const char* const kStates[] = {"IDLE", "CONNECTING", "READY",
                                              "TRANSIENT_FAILURE", "SHUTDOWN"};
        const int s = static_cast<int>(state);
        std::fprintf(stderr,
                     "hakam-load: channel %d to %s is not ready (%s); "
                     "running anyway, failures will be counted\n",
                     i, options_.target.c_str(),
                     s >= 0 && s < 5 ? kStates[s] : "?");
      }
    }
  }

  LoadReport Run() {
    const bool open_loop = options_.rate > 0;
    // Sleep precisely: the default 50 us timer slack would delay every
    // scheduled send of the open loop.
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    const int64_t start = NowNanos();
    begin_ns_ = start + absl::ToInt64Nanoseconds(options_.warmup);
    end_ns_ = begin_ns_ + absl::ToInt64Nanoseconds(options_.duration);

    if (open_loop) {
      // RunLoad bounds the rate and the window, so k * period_ns stays far
      // below 2^53 and the schedule is exact to the nanosecond.
      const double period_ns = 1e9 / options_.rate;
      const double window_ns = static_cast<double>(end_ns_ - start);
      for (int64_t k = 0;; ++k) {
        const double offset_ns = static_cast<double>(k) * period_ns;
        if (offset_ns >= window_ns) break;
        const int64_t due = start + std::llround(offset_ns);
        if (due >= end_ns_) break;
        const bool measured = due >= begin_ns_;
        // The window's CPU count starts at its start, before the first
        // measured call is due: reading /proc takes a while under load.
        if (measured && cpu_.begin_wall == 0) {
          SleepUntilNanos(begin_ns_);
          cpu_.Begin();
        }
        SleepUntilNanos(due);
        if (measured) lag_.Record(NowNanos() - due);
        if (outstanding_.load(std::memory_order_relaxed) >=
            options_.max_outstanding) {
          if (measured) errors_[kNotSent].fetch_add(1);
          continue;
        }
        Start(static_cast<int>(k % options_.connections), due);
      }
    } else {
      for (int c = 0; c < options_.connections; ++c) {
        for (int j = 0; j < options_.in_flight; ++j) Start(c, NowNanos());
      }
      SleepUntilNanos(begin_ns_);
      cpu_.Begin();
    }
    SleepUntilNanos(end_ns_);
    cpu_.End();

    // Wait for the calls still in flight (their deadline bounds them).
    // Polled, so that no callback touches the runner after its last
    // decrement of outstanding_.
    const int64_t give_up =
        NowNanos() +
        absl::ToInt64Nanoseconds(options_.deadline + absl::Seconds(5));
    while (outstanding_.load(std::memory_order_acquire) > 0 &&
           NowNanos() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }

    LoadReport r;
    r.rpc = LoadRpcName(options_.rpc);
    r.open_loop = open_loop;
    r.offered_rate = options_.rate;
    r.connections = options_.connections;
    r.in_flight = open_loop ? 0 : options_.connections * options_.in_flight;
    r.seconds = absl::ToDoubleSeconds(options_.duration);
    r.ok = ok_.load();
    for (int code = 1; code < kErrorSlots; ++code) {
      const int64_t n = errors_[code].load();
      if (n == 0) continue;
      r.errors += n;
      r.errors_by_code[CodeName(code)] = n;
    }
    r.warmup_calls = warmup_.load();
    r.p50_ns = latency_.ValueAtQuantile(0.50);
    r.p90_ns = latency_.ValueAtQuantile(0.90);
    r.p99_ns = latency_.ValueAtQuantile(0.99);
    r.p999_ns = latency_.ValueAtQuantile(0.999);
    r.max_ns = latency_.max();
    r.send_lag_p99_ns = lag_.ValueAtQuantile(0.99);
    r.abandoned = outstanding_.load();
    r.client_cpu = cpu_.client;
    r.server_cpu = cpu_.server;
    return r;
  }

  bool finished() const { return outstanding_.load() == 0; }

 private:
  struct Call {
    grpc::ClientContext context;
    hakam::v1::ModerateRequest request;
    hakam::v1::ModerateResponse moderate;
    grpc::health::v1::HealthCheckResponse health;
    int64_t scheduled_ns = 0;
    int connection = 0;
  };

  void Start(int connection, int64_t scheduled_ns) {
    auto* call = new Call;
    call->scheduled_ns = scheduled_ns;
    call->connection = connection;
    call->context.set_deadline(
        std::chrono::system_clock::now() +
        std::chrono::nanoseconds(absl::ToInt64Nanoseconds(options_.deadline)));
    outstanding_.fetch_add(1);
    auto done = [this, call](grpc::Status status) { Done(call, status); };
    if (options_.rpc == LoadRpc::kModerate) {
      const uint64_t i = next_request_.fetch_add(1, std::memory_order_relaxed);
      // Every call is a new comment with the next id, as a site's posting
      // path sends them: the corpus text repeats, the comment never does.
      call->request = requests_[i % requests_.size()];
      call->request.mutable_comment()->set_comment_id(
          absl::StrFormat("%s%012d", call->request.comment().comment_id(), i));
      moderation_[connection]->async()->Moderate(
          &call->context, &call->request, &call->moderate, std::move(done));
    } else {
      health_[connection]->async()->Check(&call->context, &health_request_,
                                          &call->health, std::move(done));
    }
  }

  // A call succeeded only if its status is OK and its response usable.
  int Classify(const Call& call, const grpc::Status& status) const {
    if (!status.ok()) {
      const int code = static_cast<int>(status.error_code());
      return code >= 1 && code <= kLastGrpcCode ? code : kOtherCode;
    }
    if (options_.rpc == LoadRpc::kModerate) {
      const hakam::v1::Decision& d = call.moderate.decision();
      if (!call.moderate.has_decision() || d.decision_id().empty() ||
          d.action() == hakam::v1::ACTION_UNSPECIFIED) {
        return kBadResponse;
      }
      return 0;
    }
    return call.health.status() ==
                   grpc::health::v1::HealthCheckResponse::SERVING
               ? 0
               : kBadResponse;
  }

  void Done(Call* call, const grpc::Status& status) {
    const int64_t now = NowNanos();
    const int code = Classify(*call, status);
    if (call->scheduled_ns >= begin_ns_ && call->scheduled_ns < end_ns_) {
      if (code == 0) {
        ok_.fetch_add(1, std::memory_order_relaxed);
        latency_.Record(now - call->scheduled_ns);
      } else {
        errors_[code].fetch_add(1, std::memory_order_relaxed);
      }
    } else {
      warmup_.fetch_add(1, std::memory_order_relaxed);
    }
    const int connection = call->connection;
    delete call;
    // Closed loop: replace the call, unless the window is over. Starting a
    // call never blocks, so it is allowed in a callback.
    if (options_.rate <= 0 && now < end_ns_) Start(connection, NowNanos());
    // The last touch of the runner by this call.
    outstanding_.fetch_sub(1, std::memory_order_release);
  }

  // This process' CPU time over the measurement window, and the server's
  // if its pid was given.
  struct CpuWindow {
    int server_pid = 0;
    int64_t begin_wall = 0;
    int64_t begin_cpu = 0;
    int64_t begin_server = -1;
    double client = 0;   // cores busy, set by End()
    double server = -1;  // the same; -1 if not measured
    void Begin() {
      begin_wall = NowNanos();
      begin_cpu = ProcessCpuNanos();
      if (server_pid > 0) begin_server = OtherProcessCpuNanos(server_pid);
    }
    void End() {
      const int64_t end_server =
          server_pid > 0 ? OtherProcessCpuNanos(server_pid) : -1;
      const int64_t wall = NowNanos() - begin_wall;
      if (begin_wall == 0 || wall <= 0) return;
      client = static_cast<double>(ProcessCpuNanos() - begin_cpu) / wall;
      if (begin_server >= 0 && end_server >= begin_server) {
        server = static_cast<double>(end_server - begin_server) / wall;
      }
    }
  };

  const LoadOptions options_;
  const std::vector<hakam::v1::ModerateRequest>& requests_;
  grpc::health::v1::HealthCheckRequest health_request_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<ModerationStub>> moderation_;
  std::vector<std::unique_ptr<HealthStub>> health_;

  // Written before the first call starts, read-only afterwards.
  int64_t begin_ns_ = 0;
  int64_t end_ns_ = 0;

  std::atomic<int64_t> outstanding_{0};
  std::atomic<uint64_t> next_request_{0};
  std::atomic<int64_t> ok_{0};
  std::atomic<int64_t> warmup_{0};
  std::array<std::atomic<int64_t>, kErrorSlots> errors_;
  CpuWindow cpu_;  // the thread running Run() only
  Histogram latency_;
  Histogram lag_;  // open loop: how late each call was sent
};

std::string Millis(int64_t ns) { return absl::StrFormat("%.3f ms", ns / 1e6); }

}  // namespace

const char* LoadRpcName(LoadRpc rpc) {
  return rpc == LoadRpc::kModerate ? "Moderate" : "Health/Check";
}

std::string LoadReport::ToText() const {
  std::string out = absl::StrFormat(
      "hakam-load: %s, %s, %d connections, %.1f s measured\n", rpc,
      open_loop ? absl::StrFormat("open loop at %g/s", offered_rate)
                : absl::StrFormat("closed loop, %d in flight", in_flight),
      connections, seconds);
  absl::StrAppendFormat(&out, "  calls      %d ok, %d errors (%d warm-up)\n",
                        ok, errors, warmup_calls);
  absl::StrAppendFormat(&out, "  throughput %.1f ok/s\n", qps());
  absl::StrAppendFormat(&out, "  CPU        client %.0f%%", 100 * client_cpu);
  if (server_cpu >= 0) {
    absl::StrAppendFormat(&out, ", server %.0f%%", 100 * server_cpu);
  }
  out += " of a core during the window\n";
  absl::StrAppendFormat(&out,
                        "  latency    p50 %s  p90 %s  p99 %s  p99.9 %s  "
                        "max %s\n",
                        Millis(p50_ns), Millis(p90_ns), Millis(p99_ns),
                        Millis(p999_ns), Millis(max_ns));
  if (open_loop) {
    absl::StrAppendFormat(&out,
                          "  send lag   p99 %s (client behind schedule)\n",
                          Millis(send_lag_p99_ns));
  }
  if (errors_by_code.empty()) {
    out += "  errors     none\n";
  } else {
    for (const auto& [code, n] : errors_by_code) {
      absl::StrAppendFormat(&out, "  errors     %s: %d\n", code, n);
    }
  }
  if (abandoned > 0) {
    absl::StrAppendFormat(&out, "  WARNING    %d calls never completed\n",
                          abandoned);
  }
  return out;
}

std::string LoadReport::ToResultLine() const {
  std::vector<std::string> codes;
  for (const auto& [code, n] : errors_by_code) {
    codes.push_back(absl::StrCat(code, ":", n));
  }
  return absl::StrFormat(
      "RESULT rpc=%s mode=%s connections=%d in_flight=%d rate=%g "
      "seconds=%.3f ok=%d errors=%d qps=%.1f p50_us=%.1f p90_us=%.1f "
      "p99_us=%.1f p999_us=%.1f max_us=%.1f send_lag_p99_us=%.1f "
      "abandoned=%d client_cpu=%.3f%s error_codes=%s",
      rpc == "Health/Check" ? "health" : "moderate",
      open_loop ? "open" : "closed", connections, in_flight, offered_rate,
      seconds, ok, errors, qps(), p50_ns / 1e3, p90_ns / 1e3, p99_ns / 1e3,
      p999_ns / 1e3, max_ns / 1e3, send_lag_p99_ns / 1e3, abandoned, client_cpu,
      server_cpu >= 0 ? absl::StrFormat(" server_cpu=%.3f", server_cpu) : "",
      codes.empty() ? "-" : absl::StrJoin(codes, ","));
}

absl::Status ValidateLoadOptions(const LoadOptions& options) {
  if (!IsLoopback(options.target)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target must be a loopback host:port (127.x.x.x, localhost, [::1]), "
        "got \"",
        options.target, "\""));
  }
  if (options.connections < 1 || options.connections > kMaxConnections) {
    return absl::InvalidArgumentError(absl::StrCat("connections must be 1 to ",
                                                   kMaxConnections, ", got ",
                                                   options.connections));
  }
  if (options.rate <= 0 &&
      (options.in_flight < 1 ||
       int64_t{options.connections} * options.in_flight > kMaxInFlight)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "in_flight must be at least 1 and connections x in_flight at most ",
        kMaxInFlight, ", got ", options.connections, " x ", options.in_flight));
  }
  if (options.server_pid < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("server_pid must be a process id, or 0 for none; got ",
                     options.server_pid));
  }
  if (options.max_outstanding < 1 || options.max_outstanding > kMaxInFlight) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_outstanding must be 1 to ", kMaxInFlight, ", got ",
                     options.max_outstanding));
  }
  // Durations are checked before the rate, which is checked against them.
  // Bounded, so that no sum of them overflows 64-bit nanoseconds.
  auto within = [](absl::Duration d, absl::Duration low, absl::Duration high) {
    return d >= low && d <= high;
  };
  if (!within(options.duration, absl::Nanoseconds(1), kMaxWindow) ||
      !within(options.warmup, absl::ZeroDuration(), kMaxWindow)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "duration must be positive and warmup not negative, each at most ",
        absl::FormatDuration(kMaxWindow), "; got duration ",
        absl::FormatDuration(options.duration), ", warmup ",
        absl::FormatDuration(options.warmup)));
  }
  if (!within(options.deadline, absl::Nanoseconds(1), kMaxWait) ||
      !within(options.connect_timeout, absl::ZeroDuration(), kMaxWait)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "deadline must be positive and connect_timeout not negative, each "
        "at most ",
        absl::FormatDuration(kMaxWait), "; got deadline ",
        absl::FormatDuration(options.deadline), ", connect_timeout ",
        absl::FormatDuration(options.connect_timeout)));
  }
  if (!std::isfinite(options.rate) || options.rate < 0 ||
      options.rate > kMaxRate) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rate must be 0 (closed loop) or a number of calls per second up to ",
        kMaxRate, ", got ", options.rate));
  }
  // A rate that schedules no call inside the window would measure nothing
  // and look like a clean run.
  if (options.rate > 0 &&
      options.rate * absl::ToDoubleSeconds(options.duration) < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rate ", options.rate, "/s schedules no call in a window of ",
        absl::FormatDuration(options.duration), ": the least rate is ",
        1 / absl::ToDoubleSeconds(options.duration), "/s"));
  }
  return absl::OkStatus();
}

absl::StatusOr<LoadReport> RunLoad(
    const LoadOptions& options,
    const std::vector<hakam::v1::ModerateRequest>& requests) {
  if (absl::Status s = ValidateLoadOptions(options); !s.ok()) return s;
  if (options.rpc == LoadRpc::kModerate && requests.empty()) {
    return absl::InvalidArgumentError("no requests to send");
  }
  auto runner = std::make_unique<Runner>(options, requests);
  runner->Connect();
  LoadReport report = runner->Run();
  // Calls that never completed still reference the runner: leak it rather
  // than let their callbacks touch freed memory.
  if (!runner->finished()) (void)runner.release();
  return report;
}

}  // namespace hakam::bench
