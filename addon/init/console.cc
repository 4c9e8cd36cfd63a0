#include "console.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <string>

#include "../common/protocol.h"
#include "resolve.h"
#include "syscalls.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

namespace tsrun::init {

int open_container_pty(int rootfd, const Plan &plan, const Channel &channel) {
  int master = open_in_root(rootfd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY);
  if (master < 0) master = open_in_root(rootfd, "/dev/ptmx", O_RDWR | O_NOCTTY);
  if (master < 0) fail_errno("open the container's /dev/pts/ptmx for a terminal");
  int unlock = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) fail_errno("unlock pty");
  int peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0) fail_errno("open pty peer");
  if (plan.console_rows != 0 || plan.console_cols != 0) {
    struct winsize ws = {};
    ws.ws_row = static_cast<unsigned short>(plan.console_rows);
    ws.ws_col = static_cast<unsigned short>(plan.console_cols);
    if (ioctl(master, TIOCSWINSZ, &ws) < 0) fail_errno("set console size");
  }
  unsigned ptn = 0;
  if (ioctl(master, TIOCGPTN, &ptn) < 0) fail_errno("get pty number");
  std::string name = "/dev/pts/" + std::to_string(ptn);
  // The header carries the fd; the payload names the pty, as runc sends it.
  int fds[1] = {master};
  if (!channel.send_fds(proto::kMsgPtyMaster, name.data(), static_cast<uint32_t>(name.size()), fds, 1)) fail_errno("send pty master");
  close(master);
  return peer;
}

void mount_console(int rootfd, int peer) {
  int target = make_mount_target(rootfd, "/dev/console", true, false);
  struct stat st;
  if (fstat(target, &st) < 0) fail_errno("stat /dev/console");
  if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) fail("/dev/console in the rootfs is neither a file nor a device");
  int tree = sys::open_tree(peer, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0) fail_errno("clone pty mount for /dev/console");
  if (sys::move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) fail_errno("bind pty on /dev/console");
  close(tree);
  close(target);
}

void adopt_terminal(int peer) {
  if (ioctl(peer, TIOCSCTTY, 0) < 0) fail_errno("make the pty the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(peer, fd) < 0) fail_errno("dup2 pty to fd %d", fd);
  if (peer > 2) close(peer);
}

}  // namespace tsrun::init
