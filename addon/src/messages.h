// Framed messages with attached fds on the sync socket (see protocol.h).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <vector>

namespace tsrun::addon {

struct Message {
  uint32_t type = 0;
  std::vector<uint8_t> payload;
  std::vector<int> fds;
};

// Returns 0 or an errno value.
int send_message(int fd, uint32_t type, const uint8_t *data, uint32_t len, const std::vector<int> &fds);

// Sends raw bytes (no frame header) with fds attached. 0 or an errno value.
int send_fds_with_payload(int fd, const uint8_t *data, size_t len, const std::vector<int> &fds);

// Waits at most timeout_ms (<0: forever). Returns 0, ETIMEDOUT, EPIPE on a
// clean end of stream, EPROTO on a malformed frame, or another errno value.
int receive_message(int fd, int timeout_ms, Message &out);

}  // namespace tsrun::addon
