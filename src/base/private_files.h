// Files and directories that hold members' data (conversation state, the inbox, the ledger):
// readable and writable by the service's own user only, whatever umask the process was started
// with. Thread-safe (each call works on the file system only).
#ifndef MADOGUCHI_BASE_PRIVATE_FILES_H_
#define MADOGUCHI_BASE_PRIVATE_FILES_H_

#include <string>

#include "base/status.h"

namespace madoguchi {

// Creates `dir` and any missing parents, and sets `dir` itself to 0700, also when it existed
// (a data directory an earlier release created 0755 is tightened). Parents keep their modes.
// Unavailable when it cannot be created or changed.
Status MakePrivateDirectory(const std::string& dir);

// Before SQLite opens the database at `path`: creates it empty with mode 0600 when missing, and
// sets it and any "-wal", "-shm" or "-journal" file beside it to 0600. SQLite creates those
// companions with the database's mode, so they stay private. A path SQLite does not treat as a
// file (empty, ":memory:", "file:" URIs) is left alone. Unavailable when it cannot be done.
Status MakePrivateDatabaseFile(const std::string& path);

}  // namespace madoguchi

#endif  // MADOGUCHI_BASE_PRIVATE_FILES_H_
