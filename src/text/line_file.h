// The dictionary files' shared form: UTF-8 text, one record per line, '#' comments.
//
// Pure function; thread-safe.
#ifndef MADOGUCHI_TEXT_LINE_FILE_H_
#define MADOGUCHI_TEXT_LINE_FILE_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace madoguchi::text {

// Calls `each` with every line of the file and its number (from 1), without the line end (a
// CR before it included: a file saved on Windows reads the same), skipping blank lines and
// lines that start with '#'. Stops at the first error `each` returns and returns it; NotFound
// naming the file when it cannot be read.
Status ForEachLine(const std::string& path,
                   const std::function<Status(std::string_view line, int number)>& each);

// The tab-separated fields of a line, empty ones left out. They view `line`.
std::vector<std::string_view> TabFields(std::string_view line);

}  // namespace madoguchi::text

#endif  // MADOGUCHI_TEXT_LINE_FILE_H_
