#include "base/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace madoguchi {

namespace {

Status ChmodIfPresent(const std::string& path, mode_t mode) {
  if (::chmod(path.c_str(), mode) == 0 || errno == ENOENT) return Status::Ok();
  return Unavailable(path + ": " + std::strerror(errno));
}

}  // namespace

Status MakePrivateDirectory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Unavailable(dir + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) return Unavailable(dir + ": " + std::strerror(errno));
  return Status::Ok();
}

Status MakePrivateDatabaseFile(const std::string& path) {
  if (path.empty() || path[0] == ':' || path.rfind("file:", 0) == 0) return Status::Ok();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable(path + ": " + std::strerror(errno));
  ::close(fd);
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    MADOGUCHI_RETURN_IF_ERROR(ChmodIfPresent(path + suffix, 0600));
  }
  return Status::Ok();
}

}  // namespace madoguchi
