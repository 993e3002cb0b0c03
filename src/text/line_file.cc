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

}  // namespace madoguchi::text
