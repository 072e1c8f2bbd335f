// A file under the test temp dir with given content, removed when the scope
// ends (also when an assertion fails). One helper for every feed test.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace feedtest {

class TempFile {
 public:
  explicit TempFile(std::string_view content) { Write(content.data(), content.size()); }
  explicit TempFile(const std::vector<std::byte>& content) {
    Write(reinterpret_cast<const char*>(content.data()), content.size());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() { std::remove(path_.c_str()); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  void Write(const char* data, std::size_t size) {
    static int counter = 0;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "feedtest_";
    name.append(info != nullptr ? info->name() : "none")
        .append("_")
        .append(std::to_string(::getpid()))
        .append("_")
        .append(std::to_string(counter++));
    path_ = (std::filesystem::path(::testing::TempDir()) / name).string();
    std::ofstream out(path_, std::ios::binary);
    out.write(data, static_cast<std::streamsize>(size));
  }

  std::string path_;
};

}  // namespace feedtest
