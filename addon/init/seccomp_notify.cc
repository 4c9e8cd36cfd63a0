#include "seccomp_notify.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../common/protocol.h"
#include "channel.h"

namespace tsrun::init {

void hand_over_seccomp_listener(int listener) {
  const Channel *channel = report_channel();
  if (channel == nullptr) fail("seccomp: no runtime to hand the notify listener to");
  // Only the fd number, in one write(2); the runtime takes the fd itself with
  // pidfd_getfd. Every call from here on may already wait for the listener,
  // but this one cannot (check_seccomp refuses a profile that notifies
  // write): a profile may notify sendmsg, as seccomp agents do.
  uint32_t frame[3] = {proto::kMsgSeccompListener, sizeof(uint32_t), static_cast<uint32_t>(listener)};
  ssize_t w;
  do {
    w = write(channel->fd(), frame, sizeof frame);
  } while (w < 0 && errno == EINTR);
  if (w != static_cast<ssize_t>(sizeof frame)) fail_errno("seccomp: hand the notify listener to the runtime");
  // Wait until the listener has it: only then may a notified call come.
  Message reply;
  if (!channel->receive(reply)) fail("seccomp: the runtime did not confirm the notify listener hand-over");
  for (int fd : reply.fds) close(fd);
  if (reply.type != proto::kMsgSeccompListenerSent) fail("seccomp: unexpected message %u from the runtime", reply.type);
  close(listener);
}

}  // namespace tsrun::init
