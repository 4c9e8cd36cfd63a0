// A foreground terminal: tsrun's own stdin and stdout wired to a
// container's pty master, copied on a thread of its own.
#pragma once

namespace tsrun::addon {

// Copies fd 0 -> master and master -> fd 1 until the master reports end of
// file or EIO (every holder of the pty's peer is gone). Puts a terminal on
// fd 0 into raw mode for the duration. Returns 0 or an errno value.
int proxy_pty(int master);

// Gives the pty the window size of the terminal on `from` (if it is one).
void copy_window_size(int from, int master);

}  // namespace tsrun::addon
