#include "feed/exit_codes.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace feed {
namespace {

TEST(ExitCode, ValuesMatchTheDocumentedTable) {
  EXPECT_EQ(ToInt(ExitCode::kSuccess), 0);
  EXPECT_EQ(ToInt(ExitCode::kUsage), 1);
  EXPECT_EQ(ToInt(ExitCode::kInput), 2);
  EXPECT_EQ(ToInt(ExitCode::kLapped), 3);
  EXPECT_EQ(ToInt(ExitCode::kWriterGone), 4);
  EXPECT_EQ(ToInt(ExitCode::kVerification), 5);
  EXPECT_EQ(ToInt(ExitCode::kExpectation), 6);
}

TEST(ExitCode, EveryCodeHasADistinctDescriptionAndName) {
  std::set<std::string> descriptions;
  std::set<std::string> names;
  for (int value = 0; value <= 6; ++value) {
    const auto code = ExitCodeFromInt(value);
    ASSERT_TRUE(code.has_value()) << value;
    EXPECT_EQ(ToInt(*code), value);
    descriptions.emplace(Describe(*code));
    names.emplace(ExitCodeName(*code));
  }
  EXPECT_EQ(descriptions.size(), 7u);
  EXPECT_EQ(names.size(), 7u);
  EXPECT_EQ(names.count("unknown"), 0u);
  EXPECT_NE(Describe(ExitCode::kLapped).find("lapped"), std::string_view::npos);
}

TEST(ExitCode, ValuesOutsideTheTableAreNotOurs) {
  EXPECT_FALSE(ExitCodeFromInt(-1).has_value());
  EXPECT_FALSE(ExitCodeFromInt(7).has_value());
  EXPECT_FALSE(ExitCodeFromInt(139).has_value());  // a shell's "killed by SIGSEGV"
}

}  // namespace
}  // namespace feed
