#include "seccomp_notify.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/protocol.h"
#include "channel.h"

namespace tsrun::init {

void hand_over_seccomp_listener(int listener, bool with_sendmsg) {
  const Channel *channel = report_channel();
  if (channel == nullptr) fail("seccomp: no runtime to hand the notify listener to");
  // One call, the whole message: every call from here on may already wait
  // for the listener. write(2) never does (check_seccomp refuses a profile
  // that notifies it); sendmsg only when the filter lets it through.
  uint32_t frame[3] = {proto::kMsgSeccompListener, sizeof(uint32_t), static_cast<uint32_t>(listener)};
  ssize_t w;
  if (with_sendmsg) {
    // No allocation here: the filter is in force, and it may notify mmap.
    struct iovec iov = {frame, sizeof frame};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    struct msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &listener, sizeof(int));
    do {
      w = sendmsg(channel->fd(), &msg, MSG_NOSIGNAL);
    } while (w < 0 && errno == EINTR);
  } else {
    do {
      w = write(channel->fd(), frame, sizeof frame);
    } while (w < 0 && errno == EINTR);
  }
  if (w != static_cast<ssize_t>(sizeof frame)) fail_errno("seccomp: hand the notify listener to the runtime");
  // Wait until the listener has it: only then may a notified call come.
  Message reply;
  if (!channel->receive(reply)) fail("seccomp: the runtime did not confirm the notify listener hand-over");
  for (int fd : reply.fds) close(fd);
  if (reply.type != proto::kMsgSeccompListenerSent) fail("seccomp: unexpected message %u from the runtime", reply.type);
  close(listener);
}

}  // namespace tsrun::init
