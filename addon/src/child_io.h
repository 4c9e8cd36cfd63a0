// Collecting what a short-lived child (a hook) writes, with a deadline.
#pragma once
#include <stdint.h>

#include <string>

#include "process_ops.h"

namespace tsrun::addon {

struct ChildOutput {
  std::string out, err;
  ExitStatus status{};
  bool timed_out = false;
};

// Writes `input` to in_fd (then closes it; a child that stops reading is
// fine) while reading out_fd and err_fd, until the child behind pidfd has
// exited and both are at end of file. Any fd may be -1. Past timeout_ms
// (<0: none) the child is killed. Reaps the child. Returns 0 or an errno.
int collect_child(int in_fd, const std::string &input, int out_fd, int err_fd, int pidfd, int64_t timeout_ms, ChildOutput &result);

}  // namespace tsrun::addon
