#pragma once
// windctl's offline operations: they work on files, with no server.

#include <string>

namespace wind::windctl {

// Replaces the database at `databasePath` with the backup `backupPath`:
// checks the backup (SQLite integrity_check, a users table), removes the
// old database's -wal and -shm files (stale pages must not be replayed onto
// the restored file), and moves a verified copy into place. The caller makes
// sure no server uses the database. Throws std::runtime_error.
void restoreDatabase(const std::string& backupPath, const std::string& databasePath);

}  // namespace wind::windctl
