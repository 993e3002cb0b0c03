#include "text/line_file.h"

#include <fstream>

namespace madoguchi::text {

Status ForEachLine(const std::string& path,
                   const std::function<Status(std::string_view line, int number)>& each) {
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kNotFound, path + ": cannot be read");
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    MADOGUCHI_RETURN_IF_ERROR(each(line, number));
  }
  return Status();
}

std::vector<std::string_view> TabFields(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    const size_t tab = line.find('\t');
    if (tab != 0) out.push_back(line.substr(0, tab));
    line = tab == std::string_view::npos ? std::string_view() : line.substr(tab + 1);
  }
  return out;
}

}  // namespace madoguchi::text
