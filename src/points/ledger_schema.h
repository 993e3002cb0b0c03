// The ledger's tables in SQLite (postgres_points_core.cc has PostgreSQL's). Versioned with PRAGMA
// user_version so a later release can migrate a file written by this one, and refuse a file written
// by a newer one.
#ifndef MADOGUCHI_POINTS_LEDGER_SCHEMA_H_
#define MADOGUCHI_POINTS_LEDGER_SCHEMA_H_

#include "base/status.h"
#include "db/sqlite_db.h"

namespace madoguchi::points {

// 2: verification guards by salted hash (ledger_meta.guard_salt, verify_guards), the first
//    answer of each reissue key (reissue_keys.first_repeated), member numbers looked up
//    case-insensitively (members_by_number_nocase).
inline constexpr int kLedgerSchemaVersion = 2;

// Creates the tables of an empty file; migrates a file of an earlier version (v1's member lock
// states move to verify_guards); refuses a newer one. Idempotent; safe to run from several
// processes at once (it runs in a write transaction).
Status EnsureLedgerSchema(db::SqliteDb& db);

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_LEDGER_SCHEMA_H_
