// tmpcopyup: filling a fresh tmpfs with a copy of the image directory it is
// about to cover, entirely through file descriptors.
#pragma once
#include <string>

namespace tsrun::init {

// Which attributes of the copied directory its tmpfs root takes over (those
// not set explicitly by the mount's mode=, uid= and gid= options).
struct CopyUpRoot {
  bool mode = true;
  bool owner = true;
  bool group = true;
};

// Copies the contents of the directory `src` (an fd opened O_RDONLY |
// O_DIRECTORY) into the empty directory `dst` (same), recursively: regular
// files, directories, symlinks (never followed), fifos and device nodes
// (skipped with a warning where mknod is refused); sockets are skipped, and
// so is anything on another mount than `src`. Mode, owner and timestamps are
// kept, hard links within the tree stay hard links. The root itself gets
// the source's timestamps and, as `root` says, its mode and owner.
// `where` names `src` in error messages (the destination in the container).
// `dst` must be private to the caller (a detached mount): paths below it are
// trusted. Fails (reports and exits) on any error.
void copy_up(int src, int dst, const std::string &where, CopyUpRoot root);

}  // namespace tsrun::init
