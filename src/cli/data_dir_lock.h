// Whether a data directory is in use by a running server, asked without taking the lock: the
// metadata database's LOCK file (RocksDB holds a POSIX record lock on DATA_DIR/meta/LOCK while
// it is open). Lets `serve` and `admin fsck` say "in use by process N" instead of passing on
// RocksDB's "lock file … Resource temporarily unavailable".
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace stocktake::cli {

// The id of the process that holds the data directory's lock; nullopt when none does (or the
// directory has no database yet).
std::optional<pid_t> DataDirLockHolder(const std::string& data_dir);

}  // namespace stocktake::cli
