// LINE webhook bodies for tests: tests/line/fixtures, written from LINE's published webhook
// specification (see the README there).
#ifndef MADOGUCHI_TESTS_LINE_FIXTURES_H_
#define MADOGUCHI_TESTS_LINE_FIXTURES_H_

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace madoguchi::line::testing {

inline std::string FixtureDir() { return MADOGUCHI_LINE_FIXTURE_DIR; }

inline bool HaveFixtures() { return std::filesystem::is_directory(FixtureDir()); }

// The exact bytes of fixtures/<name>.
inline std::string ReadFixture(const std::string& name) {
  std::ifstream in(FixtureDir() + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every *.json file name in the fixture directory, sorted.
inline std::vector<std::string> FixtureNames() {
  std::vector<std::string> names;
  if (!HaveFixtures()) return names;
  for (const auto& entry : std::filesystem::directory_iterator(FixtureDir())) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace madoguchi::line::testing

#endif  // MADOGUCHI_TESTS_LINE_FIXTURES_H_
