// Ways a store's file goes bad under a running service, for the readiness tests: a damaged
// file (b-tree pages overwritten) and a disk that takes no more bytes.
#ifndef MADOGUCHI_TESTS_STORE_DAMAGE_H_
#define MADOGUCHI_TESTS_STORE_DAMAGE_H_

#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace madoguchi::store::testing {

// Overwrites the root page of every table and index of the SQLite file at `path` whose name is
// in `names` (empty: all of them) with 0xFF bytes, which SQLite reports as a malformed
// database image once it reads the page. The schema page stays readable, so the file still
// opens. The file must not be open. Returns how many pages were damaged.
inline int DamageTables(const std::string& path, const std::set<std::string>& names = {}) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return 0;
  }
  // Moves what the write-ahead log holds into the file, so the pages overwritten are current.
  sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
  int64_t page_size = 4096;
  std::vector<int64_t> pages;
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &stmt, nullptr);
  if (sqlite3_step(stmt) == SQLITE_ROW) page_size = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_prepare_v2(db, "SELECT name, rootpage FROM sqlite_master WHERE rootpage > 1", -1, &stmt,
                     nullptr);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    if (names.empty() || names.count(name) > 0) pages.push_back(sqlite3_column_int64(stmt, 1));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
  const std::string garbage(static_cast<size_t>(page_size), '\xff');
  for (int64_t page : pages) {
    file.seekp((page - 1) * page_size);
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  return file.good() ? static_cast<int>(pages.size()) : 0;
}

// While it lives, this process can write no byte to any file (RLIMIT_FSIZE 0; SIGXFSZ ignored
// so a write fails instead of killing the process): a disk that is full as far as the service
// can tell. Pipes and sockets are not files and keep working.
class NoFileWrites {
 public:
  NoFileWrites() {
    getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit none = saved_;
    none.rlim_cur = 0;
    setrlimit(RLIMIT_FSIZE, &none);
  }
  ~NoFileWrites() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, previous_handler_);
  }
  NoFileWrites(const NoFileWrites&) = delete;
  NoFileWrites& operator=(const NoFileWrites&) = delete;

 private:
  rlimit saved_{};
  sighandler_t previous_handler_ = SIG_DFL;
};

}  // namespace madoguchi::store::testing

#endif  // MADOGUCHI_TESTS_STORE_DAMAGE_H_
