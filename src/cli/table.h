// Text tables for the terminal, with Japanese columns lined up. Pure; thread-safe.
#ifndef MADOGUCHI_CLI_TABLE_H_
#define MADOGUCHI_CLI_TABLE_H_

#include <string>
#include <vector>

namespace madoguchi::cli {

// Columns padded to their widest cell, two spaces apart; one line per row, each ending in "\n".
// Wide characters (kanji, kana, full-width forms) count as two cells, as terminals show them.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

}  // namespace madoguchi::cli

#endif  // MADOGUCHI_CLI_TABLE_H_
