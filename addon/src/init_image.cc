#include "init_image.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mutex>

// The bytes of build/tsrun-init, placed in .rodata by init_blob.S.
extern "C" const unsigned char tsrun_init_start[];
extern "C" const unsigned char tsrun_init_end[];

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

namespace tsrun::addon {
namespace {

int create_sealed() {
  int fd = memfd_create("tsrun-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) fd = memfd_create("tsrun-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return -1;
  const unsigned char *p = tsrun_init_start;
  size_t left = static_cast<size_t>(tsrun_init_end - tsrun_init_start);
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      close(fd);
      return -1;
    }
    p += w;
    left -= static_cast<size_t>(w);
  }
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int sealed_init_fd() {
  static std::mutex lock;
  static int fd = -1;
  std::lock_guard<std::mutex> guard(lock);
  if (fd < 0) fd = create_sealed();
  return fd;
}

}  // namespace tsrun::addon
