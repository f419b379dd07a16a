// hakam-load: the gRPC load generator (see load_generator.h and
// docs/performance.md).
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "corpus.h"
#include "load_generator.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051",
          "Server host:port (loopback only)");
ABSL_FLAG(std::string, rpc, "moderate",
          "moderate | health (the no-op baseline)");
ABSL_FLAG(int, connections, 4, "Distinct channels (TCP connections)");
ABSL_FLAG(int, in_flight, 16, "Closed loop: calls outstanding per connection");
ABSL_FLAG(double, rate, 0,
          "Open loop: calls per second in total (0: closed loop)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "Measurement window");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2),
          "Warm-up before the window");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(10), "Deadline of each call");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(5),
          "How long to wait for the channels to connect");
ABSL_FLAG(int, max_outstanding, 100000,
          "Open loop: most calls outstanding; later ones count as NOT_SENT");
ABSL_FLAG(uint64_t, corpus_seed, 1, "Seed of the comment corpus");
ABSL_FLAG(int, corpus_size, 2000, "Comments in the corpus (used round-robin)");
ABSL_FLAG(double, invalid_utf8_fraction, 0,
          "Fraction of requests whose text is made invalid UTF-8 (to check "
          "that failures are counted as errors)");
ABSL_FLAG(std::string, site, "bench", "Comment.site of every request");
ABSL_FLAG(int, server_pid, 0,
          "Process id of the server on this machine: its CPU over the window "
          "is reported as server_cpu (0: not measured)");
ABSL_FLAG(std::string, health_service, "",
          "Health/Check: service name asked about");
ABSL_FLAG(int64_t, max_errors, -1,
          "Exit with status 2 if more calls than this failed (-1: never)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "gRPC load generator for hakamd.\n"
      "Usage: hakam-load --target=127.0.0.1:PORT [--rpc=moderate|health] "
      "[--connections=N --in_flight=M | --rate=QPS] [--duration=10s]");
  absl::ParseCommandLine(argc, argv);

  hakam::bench::LoadOptions o;
  o.target = absl::GetFlag(FLAGS_target);
  const std::string rpc = absl::GetFlag(FLAGS_rpc);
  if (rpc == "moderate") {
    o.rpc = hakam::bench::LoadRpc::kModerate;
  } else if (rpc == "health") {
    o.rpc = hakam::bench::LoadRpc::kHealthCheck;
  } else {
    std::fprintf(stderr, "hakam-load: --rpc must be moderate or health\n");
    return 1;
  }
  o.connections = absl::GetFlag(FLAGS_connections);
  o.in_flight = absl::GetFlag(FLAGS_in_flight);
  o.rate = absl::GetFlag(FLAGS_rate);
  o.duration = absl::GetFlag(FLAGS_duration);
  o.warmup = absl::GetFlag(FLAGS_warmup);
  o.deadline = absl::GetFlag(FLAGS_deadline);
  o.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  o.max_outstanding = absl::GetFlag(FLAGS_max_outstanding);
  o.health_service = absl::GetFlag(FLAGS_health_service);
  o.server_pid = absl::GetFlag(FLAGS_server_pid);

  hakam::bench::CorpusOptions corpus_options;
  corpus_options.seed = absl::GetFlag(FLAGS_corpus_seed);
  corpus_options.count = absl::GetFlag(FLAGS_corpus_size);
  if (corpus_options.count < 1 ||
      corpus_options.count > hakam::bench::kMaxCorpusSize) {
    std::fprintf(stderr, "hakam-load: --corpus_size must be 1 to %d, got %d\n",
                 hakam::bench::kMaxCorpusSize, corpus_options.count);
    return 1;
  }
  const double invalid = absl::GetFlag(FLAGS_invalid_utf8_fraction);
  if (!(invalid >= 0 && invalid <= 1)) {
    std::fprintf(stderr,
                 "hakam-load: --invalid_utf8_fraction must be 0 to 1, got %g\n",
                 invalid);
    return 1;
  }
  const hakam::bench::Corpus corpus =
      hakam::bench::GenerateCorpus(corpus_options);
  hakam::bench::Rng rng(corpus_options.seed ^ 0x5EED);
  std::vector<hakam::v1::ModerateRequest> requests(corpus.texts.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    hakam::v1::Comment* c = requests[i].mutable_comment();
    // The runner appends a per-call sequence number to this prefix.
    c->set_comment_id("load-");
    c->set_site(absl::GetFlag(FLAGS_site));
    std::string text = corpus.texts[i];
    // 0xFF never occurs in UTF-8.
    if (invalid > 0 && rng.Chance(invalid)) {
      const absl::string_view t = text;
      text = absl::StrCat(t.substr(0, t.size() / 2), "\xFF",
                          t.substr(t.size() / 2));
    }
    c->set_text(std::move(text));
  }

  absl::StatusOr<hakam::bench::LoadReport> report =
      hakam::bench::RunLoad(o, requests);
  if (!report.ok()) {
    std::fprintf(stderr, "hakam-load: %s\n",
                 report.status().ToString().c_str());
    return 1;
  }
  std::printf("%s%s\n", report->ToText().c_str(),
              report->ToResultLine().c_str());
  std::fflush(stdout);
  const int64_t max_errors = absl::GetFlag(FLAGS_max_errors);
  if (max_errors >= 0 && report->errors > max_errors) return 2;
  return 0;
}
