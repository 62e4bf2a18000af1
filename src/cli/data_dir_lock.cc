#include "cli/data_dir_lock.h"

#include <fcntl.h>
#include <unistd.h>

namespace stocktake::cli {

std::optional<pid_t> DataDirLockHolder(const std::string& data_dir) {
  // kMetaDir of store/object_store.cc; LOCK is RocksDB's lock file in it.
  int fd = ::open((data_dir + "/meta/LOCK").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct flock probe = {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  // F_GETLK only asks: it reports a conflicting lock of another process, and takes none.
  int rc = ::fcntl(fd, F_GETLK, &probe);
  ::close(fd);
  if (rc != 0 || probe.l_type == F_UNLCK) return std::nullopt;
  return probe.l_pid;
}

}  // namespace stocktake::cli
