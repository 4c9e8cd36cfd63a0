// File descriptors riding along a message as SCM_RIGHTS: shared by the addon
// and tsrun-init, which both speak the sync-socket protocol.
#pragma once
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <vector>

namespace tsrun::scm {

// Points msg at `control` (resized to fit) carrying `count` fds.
inline void attach_fds(struct msghdr &msg, std::vector<char> &control, const int *fds, size_t count) {
  if (count == 0) return;
  control.assign(CMSG_SPACE(sizeof(int) * count), 0);
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * count);
  memcpy(CMSG_DATA(c), fds, sizeof(int) * count);
}

// Appends every fd a received message carried.
inline void collect_fds(struct msghdr &msg, std::vector<int> &out) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    const unsigned char *data = CMSG_DATA(c);
    for (size_t i = 0; i < count; i++) {
      int fd;
      memcpy(&fd, data + i * sizeof(int), sizeof fd);
      out.push_back(fd);
    }
  }
}

// One recvmsg into buf (retrying EINTR), collecting up to 16 fds, which
// arrive close-on-exec. Sets *truncated when fds were lost. -1 with errno.
inline ssize_t receive_with_fds(int fd, void *buf, size_t len, int flags, std::vector<int> &fds, bool *truncated) {
  char control[CMSG_SPACE(sizeof(int) * 16)];
  struct iovec iov = {buf, len};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t r;
  do {
    r = ::recvmsg(fd, &msg, flags | MSG_CMSG_CLOEXEC);
  } while (r < 0 && errno == EINTR);
  if (r >= 0) {
    collect_fds(msg, fds);
    *truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
  }
  return r;
}

}  // namespace tsrun::scm
