// feed_replay: runs a whole scenario from one YAML file. Starts the real
// feed_subscriber and feed_publisher processes, shows progress, collects
// their JSON summaries, prints one table, and exits 0 only if every
// expectation held (each subscriber complete or lapped as the scenario says,
// the publisher successful).
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "feed/cli.hpp"
#include "feed/config.hpp"
#include "feed/replay.hpp"
#include "feed/signals.hpp"
#include "feed/summary.hpp"
#include "ringlib/inspect.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;

struct Child {
  std::string label;  // "publisher" or the subscriber's name
  std::vector<std::string> argv;
  std::uint64_t start_after_ns = 0;
  std::optional<feed::Expectation> expect;  // subscribers only
  std::string out_path;
  pid_t pid = -1;
  bool started = false;
  bool finished = false;
  int status = 0;

  [[nodiscard]] int exit_code() const {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  }
};

bool Start(Child& child) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // stdout (the JSON summary) to a file; stderr stays ours, so error lines
  // (a lap, a bad record) reach the user as they happen.
  posix_spawn_file_actions_addopen(&actions, 1, child.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (auto& arg : child.argv) args.push_back(arg.data());
  args.push_back(nullptr);
  const int rc = posix_spawn(&child.pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  child.started = rc == 0;
  if (rc != 0) {
    std::fprintf(stderr, "feed_replay: cannot start %s: %s\n", child.argv[0].c_str(), std::strerror(rc));
  }
  return child.started;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string LastLine(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
  const auto at = trimmed.rfind('\n');
  return at == std::string::npos ? trimmed : trimmed.substr(at + 1);
}

std::string ProgressLine(const feed::ScenarioConfig& scenario, const std::vector<Child>& children,
                         std::uint64_t elapsed_ns) {
  std::string line = fmt::format("[feed_replay {:>6.1f}s]", static_cast<double>(elapsed_ns) / 1e9);
  if (const auto ring = ringlib::InspectRing(scenario.ring.name)) {
    line += fmt::format(" ring {}: {} written", scenario.ring.name,
                        feed::FormatCount(ring->commit_position) + " B");
  }
  for (const Child& child : children) {
    const char* state = !child.started ? "waiting" : child.finished ? "done" : "running";
    line += fmt::format(" | {} {}", child.label, state);
    if (child.finished) line += fmt::format(" ({})", child.exit_code());
  }
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "feed_replay: runs a whole replay scenario from one YAML file.\n\n"
      "Starts feed_subscriber for every subscriber of the scenario (late ones after their "
      "start_after_ms) and feed_publisher, shows progress, collects their JSON summaries and "
      "prints one table. Exits 0 only if every expectation held: each subscriber ended as the "
      "scenario expects (complete: verified count and digest; lapped: overrun, exit 3) and the "
      "publisher succeeded. The schema is in docs/config.md; examples in configs/.\n",
      "feed_replay"};
  std::string scenario_path;
  std::string bin_dir;
  std::string progress = "auto";
  bool json = false;
  app.add_option("scenario", scenario_path, "Scenario YAML, e.g. configs/demo.yaml")->required();
  app.add_option("--bin-dir", bin_dir, "Where feed_publisher and feed_subscriber are (default: beside feed_replay)");
  app.add_option("--progress", progress, "auto (on a terminal), always or never");
  app.add_flag("--json", json, "Print the result as one line of JSON instead of tables");
  app.footer(feed::cli::ExitCodeHelp() +
             "  (feed_replay: 6 means the run finished but an expectation did not hold)\n");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : feed::ToInt(feed::ExitCode::kUsage);
  }

  feed::ScenarioConfig scenario;
  try {
    scenario = feed::LoadScenario(scenario_path);
  } catch (const feed::ConfigError& error) {
    std::fprintf(stderr, "feed_replay: %s\n", error.what());
    return feed::ToInt(feed::ExitCode::kUsage);
  }
  std::error_code ignored;
  const std::string absolute_scenario = fs::absolute(scenario_path, ignored).string();
  if (bin_dir.empty()) bin_dir = fs::read_symlink("/proc/self/exe", ignored).parent_path().string();
  const std::string publisher_path = bin_dir + "/feed_publisher";
  const std::string subscriber_path = bin_dir + "/feed_subscriber";
  for (const auto& program : {publisher_path, subscriber_path}) {
    if (::access(program.c_str(), X_OK) != 0) {
      std::fprintf(stderr, "feed_replay: %s not found or not executable (use --bin-dir)\n", program.c_str());
      return feed::ToInt(feed::ExitCode::kUsage);
    }
  }
  char temp_template[] = "/tmp/feed_replay.XXXXXX";
  const char* temp_dir = ::mkdtemp(temp_template);
  if (temp_dir == nullptr) {
    std::fprintf(stderr, "feed_replay: cannot create a temporary directory: %s\n", std::strerror(errno));
    return feed::ToInt(feed::ExitCode::kUsage);
  }

  // Subscribers first (they wait for the ring), then the publisher, which
  // waits for the ones that start at once before its first message.
  std::vector<Child> children;
  std::uint64_t immediate = 0;
  const std::string attach_timeout =
      fmt::format("{}ms", scenario.run.subscriber_wait_ns / 1'000'000 + 10'000);
  for (const auto& subscriber : scenario.subscribers) {
    Child child;
    child.label = subscriber.name;
    child.argv = {subscriber_path, "--config", absolute_scenario, "--name", subscriber.name, "--json",
                  "--progress", "never", "--attach-timeout", attach_timeout};
    child.start_after_ns = subscriber.start_after_ns;
    child.expect = subscriber.expect;
    child.out_path = fmt::format("{}/{}.json", temp_dir, subscriber.name);
    if (subscriber.start_after_ns == 0) ++immediate;
    children.push_back(std::move(child));
  }
  Child publisher;
  publisher.label = "publisher";
  publisher.argv = {publisher_path, "--config", absolute_scenario, "--json", "--progress", "never",
                    "--wait-subscribers", std::to_string(immediate)};
  publisher.out_path = fmt::format("{}/publisher.json", temp_dir);
  children.push_back(std::move(publisher));

  const bool show_progress = progress == "always" || (progress == "auto" && feed::cli::StderrIsTerminal());
  const auto& stop = feed::InstallStopHandlers();
  const auto start = std::chrono::steady_clock::now();
  auto elapsed_ns = [&start] {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now() - start)
                                          .count());
  };
  for (Child& child : children) {
    if (child.start_after_ns == 0 && !Start(child)) return feed::ToInt(feed::ExitCode::kUsage);
  }
  bool timed_out = false;
  bool stopping = false;
  std::uint64_t next_progress_ns = 0;
  for (;;) {
    bool all_done = true;
    for (Child& child : children) {
      if (!child.started) {
        if (!stopping && elapsed_ns() >= child.start_after_ns && !Start(child)) {
          child.finished = true;
          child.status = 127 << 8;
        }
        all_done = all_done && child.finished;
        continue;
      }
      if (!child.finished && ::waitpid(child.pid, &child.status, WNOHANG) == child.pid) {
        child.finished = true;
      }
      all_done = all_done && child.finished;
    }
    if (all_done) break;
    if (!stopping && stop.load(std::memory_order_relaxed)) {
      stopping = true;  // pass the user's Ctrl-C on: everyone closes cleanly
      for (Child& child : children) {
        if (child.started && !child.finished) ::kill(child.pid, SIGTERM);
      }
    }
    if (!timed_out && elapsed_ns() >= scenario.run.timeout_ns) {
      timed_out = true;
      std::fprintf(stderr, "feed_replay: the run exceeded its timeout of %s; stopping everything\n",
                   feed::FormatDuration(scenario.run.timeout_ns).c_str());
      for (Child& child : children) {
        if (child.started && !child.finished) ::kill(child.pid, SIGKILL);
        if (!child.started) {
          child.finished = true;
          child.status = 127 << 8;
        }
      }
    }
    if (show_progress && elapsed_ns() >= next_progress_ns) {
      next_progress_ns = elapsed_ns() + 250'000'000;
      std::fprintf(stderr, "\r%s   ", ProgressLine(scenario, children, elapsed_ns()).c_str());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (show_progress) std::fprintf(stderr, "\r%s\n", ProgressLine(scenario, children, elapsed_ns()).c_str());

  // Collect and judge.
  bool all_held = !timed_out && !stopping;
  std::vector<feed::SubscriberSummary> summaries;
  std::vector<std::string> verdicts;
  std::optional<feed::PublisherSummary> publisher_summary;
  std::string json_subscribers;
  for (Child& child : children) {
    const std::string text = LastLine(Slurp(child.out_path));
    const int code = child.exit_code();
    const bool is_publisher = !child.expect.has_value();
    bool held = false;
    if (is_publisher) {
      held = code == feed::ToInt(feed::ExitCode::kSuccess);
      try {
        publisher_summary = feed::ParsePublisherSummaryJson(text);
      } catch (const feed::SummaryParseError& error) {
        std::fprintf(stderr, "feed_replay: publisher summary unreadable: %s\n", error.what());
        held = false;
      }
    } else {
      feed::SubscriberSummary summary;
      try {
        summary = feed::ParseSubscriberSummaryJson(text);
      } catch (const feed::SummaryParseError& error) {
        summary.name = child.label;
        summary.exit_code = code;
        summary.outcome = "no summary";
        summary.error = error.what();
      }
      const auto exit = feed::ExitCodeFromInt(code);
      held = exit && feed::ExpectationHeld(*child.expect, *exit);
      verdicts.push_back(fmt::format("{} {}", feed::ExpectationName(*child.expect), held ? "held" : "FAILED"));
      json_subscribers += fmt::format("{}{{\"expected\":{},\"held\":{},\"summary\":{}}}",
                                      json_subscribers.empty() ? "" : ",",
                                      feed::JsonString(feed::ExpectationName(*child.expect)),
                                      held ? "true" : "false", summary.ToJson());
      summaries.push_back(std::move(summary));
    }
    all_held = all_held && held;
  }
  ::fs::remove_all(temp_dir, ignored);

  if (json) {
    std::printf("{\"scenario\":%s,\"ok\":%s,\"timed_out\":%s,\"publisher\":%s,\"subscribers\":[%s]}\n",
                feed::JsonString(absolute_scenario).c_str(), all_held ? "true" : "false",
                timed_out ? "true" : "false",
                publisher_summary ? publisher_summary->ToJson().c_str() : "null", json_subscribers.c_str());
  } else {
    if (publisher_summary) std::printf("%s\n", feed::RenderText(*publisher_summary).c_str());
    feed::TextTable table({{"subscriber"}, {"expected"}, {"outcome"}, {"exit", feed::Align::kRight},
                           {"messages", feed::Align::kRight}, {"gaps", feed::Align::kRight},
                           {"bad checksums", feed::Align::kRight}, {"digest"},
                           {"latency p50", feed::Align::kRight}, {"p99", feed::Align::kRight},
                           {"lapped at sequence", feed::Align::kRight}, {"verdict"}});
    for (std::size_t i = 0; i < summaries.size(); ++i) {
      const auto& s = summaries[i];
      const std::string digest = !s.end_of_stream ? "-" : s.digest_match ? "match" : "MISMATCH";
      table.AddRow({s.name, std::string(feed::ExpectationName(scenario.subscribers[i].expect)), s.outcome,
                    std::to_string(s.exit_code), feed::FormatCount(s.messages), feed::FormatCount(s.gaps),
                    feed::FormatCount(s.checksum_failures), digest, feed::FormatDuration(s.latency.p50_ns),
                    feed::FormatDuration(s.latency.p99_ns),
                    s.lapped ? feed::FormatCount(s.lapped->sequence_reached) : "-", verdicts[i]});
    }
    std::printf("%s", table.Render().c_str());
    std::printf("\nscenario %s: %s\n", scenario_path.c_str(),
                all_held ? "every expectation held" : "EXPECTATIONS NOT MET");
  }
  return all_held ? feed::ToInt(feed::ExitCode::kSuccess) : feed::ToInt(feed::ExitCode::kExpectation);
}
