// Runs another program as a real separate process, with its stdout and
// stderr captured to files, and waits for it with a deadline.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace ringtest {

class Process {
 public:
  explicit Process(std::vector<std::string> argv) {
    static int counter = 0;
    const std::string base = "/tmp/ringtest_" + std::to_string(::getpid()) + "_" +
                             std::to_string(counter++);
    out_path_ = base + ".out";
    err_path_ = base + ".err";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<char*> args;
    for (auto& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Process() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::remove(out_path_.c_str());
    std::remove(err_path_.c_str());
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }

  // True if the process ended before the deadline; status() then holds the
  // waitpid status. A process still running is left running.
  bool WaitFor(std::chrono::milliseconds timeout) {
    if (exited_) return true;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
      if (done == pid_) {
        exited_ = true;
        return true;
      }
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  void Kill(int signal = SIGKILL) { ::kill(pid_, signal); }

  [[nodiscard]] bool exited_normally() const { return exited_ && WIFEXITED(status_); }
  [[nodiscard]] int exit_code() const { return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1; }
  [[nodiscard]] bool killed_by_signal() const { return exited_ && WIFSIGNALED(status_); }
  [[nodiscard]] std::string out() const { return Slurp(out_path_); }
  [[nodiscard]] std::string err() const { return Slurp(err_path_); }

 private:
  static std::string Slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false;
  std::string out_path_;
  std::string err_path_;
};

// The value of "key=" in a line of key=value pairs, or -1.
inline long long Field(const std::string& text, const std::string& key) {
  const auto at = text.find(key + "=");
  if (at == std::string::npos) return -1;
  return std::stoll(text.substr(at + key.size() + 1));
}

}  // namespace ringtest
