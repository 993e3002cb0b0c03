// The ledger's tables. Versioned with PRAGMA user_version so a later release can migrate a file
// written by this one, and refuse a file written by a newer one.
#ifndef MADOGUCHI_POINTS_LEDGER_SCHEMA_H_
#define MADOGUCHI_POINTS_LEDGER_SCHEMA_H_

#include "base/status.h"
#include "points/sqlite_db.h"

namespace madoguchi::points {

inline constexpr int kLedgerSchemaVersion = 1;

// Creates the tables of an empty file; checks the version of an existing one. Idempotent; safe to
// run from several processes at once (it runs in a write transaction).
Status EnsureLedgerSchema(SqliteDb& db);

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_LEDGER_SCHEMA_H_
