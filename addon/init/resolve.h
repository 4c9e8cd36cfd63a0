// Path resolution inside the container's rootfs by file descriptor: every
// lookup starts from the rootfs fd with RESOLVE_IN_ROOT, so a symlink in the
// image can never lead outside of it (CVE-2019-19921, CVE-2021-30465,
// CVE-2024-45310).
#pragma once
#include <string>

namespace tsrun::init {

// Opens `path` (absolute or relative, always taken inside root) with flags.
// Returns -1 with errno set.
int open_in_root(int rootfd, const std::string &path, int flags, bool no_symlinks = false);

// Opens the directory at `path` inside root, creating missing components
// with `mode`. Returns an O_PATH fd or calls fail().
int mkdir_all_in_root(int rootfd, const std::string &path, unsigned mode);

// Splits "/a/b/c" into "/a/b" and "c" (lexically, after cleaning).
void split_parent(const std::string &path, std::string &parent, std::string &base);

// Lexical clean: collapses "//", "." and "..", never rising above "/".
std::string clean_path(const std::string &path);

// Opens the mount target for `path` inside root, creating a directory, or an
// empty file when `as_file`, if it is missing. Returns an O_PATH fd or fails.
int make_mount_target(int rootfd, const std::string &path, bool as_file, bool no_symlinks);

// "/proc/self/fd/N" for an fd, for the few calls that take only a path.
std::string fd_path(int fd);

}  // namespace tsrun::init
