// The tsrun-init executable, linked into the addon, and the sealed memfd it
// runs from: a container can never reach, let alone rewrite, a host binary
// of ours through /proc/<pid>/exe (CVE-2019-5736).
#pragma once

namespace tsrun::addon {

// Returns a CLOEXEC memfd holding the init image, sealed against any write,
// created once per process. -1 with errno set on failure.
int sealed_init_fd();

}  // namespace tsrun::addon
