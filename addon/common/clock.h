// Milliseconds on the monotonic clock, for deadlines.
#pragma once
#include <stdint.h>
#include <time.h>

namespace tsrun {

inline int64_t monotonic_ms() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace tsrun
