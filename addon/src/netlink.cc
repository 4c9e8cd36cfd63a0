#include "netlink.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <system_error>
#include <thread>

namespace tsrun::addon {

namespace {

// Dump replies come in skbs of at most 32 KiB.
constexpr size_t kReceiveBuffer = 64 * 1024;
// A dump the kernel marks inconsistent (a link changed meanwhile) is redone.
constexpr int kDumpAttempts = 5;

std::atomic<uint32_t> sequence{1};

// A request: header, fixed body (ifinfomsg, ifaddrmsg), attributes.
class Request {
 public:
  Request(uint16_t type, uint16_t flags, const void *body, size_t len) : buf_(NLMSG_SPACE(len)) {
    header()->nlmsg_type = type;
    header()->nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | flags);
    header()->nlmsg_len = NLMSG_LENGTH(len);
    memcpy(NLMSG_DATA(header()), body, len);
  }

  void attr(uint16_t type, const void *data, size_t len) {
    size_t at = NLMSG_ALIGN(header()->nlmsg_len);
    buf_.resize(at + RTA_SPACE(len));
    auto *rta = reinterpret_cast<struct rtattr *>(buf_.data() + at);
    rta->rta_type = type;
    rta->rta_len = static_cast<uint16_t>(RTA_LENGTH(len));
    memcpy(RTA_DATA(rta), data, len);
    header()->nlmsg_len = static_cast<uint32_t>(at + RTA_LENGTH(len));
  }

  void attr_u32(uint16_t type, uint32_t v) { attr(type, &v, sizeof v); }
  void attr_string(uint16_t type, const std::string &s) { attr(type, s.c_str(), s.size() + 1); }

  struct nlmsghdr *header() { return reinterpret_cast<struct nlmsghdr *>(buf_.data()); }

 private:
  std::vector<uint8_t> buf_;
};

// The text of NLMSGERR_ATTR_MSG in an error reply, if the kernel sent one.
std::string ext_ack_message(const struct nlmsghdr *h) {
  if (!(h->nlmsg_flags & NLM_F_ACK_TLVS)) return "";
  const auto *err = static_cast<const struct nlmsgerr *>(NLMSG_DATA(h));
  size_t off = NLMSG_HDRLEN + sizeof(struct nlmsgerr);
  if (!(h->nlmsg_flags & NLM_F_CAPPED)) off += err->msg.nlmsg_len - NLMSG_HDRLEN;
  off = NLMSG_ALIGN(off);
  const auto *base = reinterpret_cast<const uint8_t *>(h);
  while (off + NLA_HDRLEN <= h->nlmsg_len) {
    const auto *a = reinterpret_cast<const struct nlattr *>(base + off);
    if (a->nla_len < NLA_HDRLEN || off + a->nla_len > h->nlmsg_len) break;
    if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
      const char *s = reinterpret_cast<const char *>(a) + NLA_HDRLEN;
      return std::string(s, strnlen(s, a->nla_len - NLA_HDRLEN));
    }
    off += NLA_ALIGN(a->nla_len);
  }
  return "";
}

// Sends `req` and reads its replies: each data message goes to `each`; ends
// at the ack (NLMSG_ERROR) or, for a dump, at NLMSG_DONE. EAGAIN: the dump
// was interrupted by a concurrent change.
int transact(int sock, Request &req, const std::function<void(const struct nlmsghdr *)> &each, std::string &detail) {
  uint32_t seq = sequence++;
  req.header()->nlmsg_seq = seq;
  struct sockaddr_nl kernel = {};
  kernel.nl_family = AF_NETLINK;
  ssize_t sent;
  do {
    sent = sendto(sock, req.header(), req.header()->nlmsg_len, 0, reinterpret_cast<struct sockaddr *>(&kernel), sizeof kernel);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return errno;

  std::vector<uint8_t> buf(kReceiveBuffer);
  bool interrupted = false;
  for (;;) {
    struct sockaddr_nl from = {};
    socklen_t fromlen = sizeof from;
    ssize_t n = recvfrom(sock, buf.data(), buf.size(), MSG_TRUNC, reinterpret_cast<struct sockaddr *>(&from), &fromlen);
    if (n < 0) {
      if (errno == EINTR) continue;
      // SO_RCVTIMEO ran out; EAGAIN is kept for interrupted dumps
      return errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
    }
    if (static_cast<size_t>(n) > buf.size()) return EMSGSIZE;
    if (from.nl_pid != 0) continue;  // only the kernel answers
    int left = static_cast<int>(n);  // signed: NLMSG_NEXT may step past the end
    for (auto *h = reinterpret_cast<struct nlmsghdr *>(buf.data()); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_seq != seq) continue;
      if (h->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
      if (h->nlmsg_type == NLMSG_ERROR) {
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) return EBADMSG;
        int error = static_cast<const struct nlmsgerr *>(NLMSG_DATA(h))->error;
        if (error != 0) detail = ext_ack_message(h);
        return -error;
      }
      if (h->nlmsg_type == NLMSG_DONE) return interrupted ? EAGAIN : 0;
      each(h);
    }
  }
}

int dump(int sock, uint16_t type, const void *body, size_t len, const std::function<void(const struct nlmsghdr *)> &each,
         const std::function<void()> &reset, std::string &detail) {
  int rc = EAGAIN;
  for (int attempt = 0; attempt < kDumpAttempts && rc == EAGAIN; attempt++) {
    reset();
    Request req(type, NLM_F_DUMP, body, len);
    rc = transact(sock, req, each, detail);
  }
  return rc;
}

int open_socket(int &sock) {
  int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (s < 0) return errno;
  int one = 1;
  // Best effort: older kernels give no extended acks, errors still arrive.
  setsockopt(s, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  setsockopt(s, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  struct timeval tv = {10, 0};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_nl self = {};
  self.nl_family = AF_NETLINK;
  if (bind(s, reinterpret_cast<struct sockaddr *>(&self), sizeof self) < 0) {
    int e = errno;
    close(s);
    return e;
  }
  sock = s;
  return 0;
}

}  // namespace

// A socket belongs to the network namespace it was created in. setns(2)
// into a network namespace is allowed in a multi-threaded process but moves
// only the calling thread, so a thread of our own (never a libuv pool
// thread, which would be reused) enters the namespace, creates the socket
// and ends; every request afterwards runs on the caller's thread. Doing this
// here rather than in tsrun-init keeps the host's privileges on both sockets:
// init may sit in a new user namespace, whose root could not move a device
// back to the host when a create fails.
int netlink_open(int netns_fd, int &sock) {
  if (netns_fd < 0) return open_socket(sock);
  int rc = 0;
  try {
    std::thread inside([&] {
      if (setns(netns_fd, CLONE_NEWNET) < 0) rc = errno;
      else rc = open_socket(sock);
    });
    inside.join();
  } catch (const std::system_error &e) {
    return e.code().value() != 0 ? e.code().value() : EAGAIN;
  }
  return rc;
}

int netlink_links(int sock, std::vector<LinkInfo> &out, std::string &detail) {
  struct ifinfomsg body = {};
  body.ifi_family = AF_UNSPEC;
  return dump(
      sock, RTM_GETLINK, &body, sizeof body,
      [&](const struct nlmsghdr *h) {
        if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg))) return;
        const auto *ifi = static_cast<const struct ifinfomsg *>(NLMSG_DATA(h));
        LinkInfo link{ifi->ifi_index, "", ifi->ifi_flags};
        int len = static_cast<int>(IFLA_PAYLOAD(h));
        for (auto *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
          if (a->rta_type != IFLA_IFNAME) continue;
          const char *s = static_cast<const char *>(RTA_DATA(a));
          link.name.assign(s, strnlen(s, RTA_PAYLOAD(a)));
        }
        out.push_back(link);
      },
      [&] { out.clear(); }, detail);
}

int netlink_addresses(int sock, int index, std::vector<AddressInfo> &out, std::string &detail) {
  struct ifaddrmsg body = {};
  body.ifa_family = AF_UNSPEC;
  return dump(
      sock, RTM_GETADDR, &body, sizeof body,
      [&](const struct nlmsghdr *h) {
        if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg))) return;
        const auto *ifa = static_cast<const struct ifaddrmsg *>(NLMSG_DATA(h));
        if (static_cast<int>(ifa->ifa_index) != index) return;
        AddressInfo addr{ifa->ifa_family, ifa->ifa_prefixlen, ifa->ifa_scope, ifa->ifa_flags, {}, {}, {}};
        int len = static_cast<int>(IFA_PAYLOAD(h));
        for (auto *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
          const auto *p = static_cast<const uint8_t *>(RTA_DATA(a));
          std::vector<uint8_t> bytes(p, p + RTA_PAYLOAD(a));
          if (a->rta_type == IFA_LOCAL) addr.local = bytes;
          else if (a->rta_type == IFA_ADDRESS) addr.address = bytes;
          else if (a->rta_type == IFA_BROADCAST) addr.broadcast = bytes;
          else if (a->rta_type == IFA_FLAGS && bytes.size() == sizeof(uint32_t)) memcpy(&addr.flags, p, sizeof addr.flags);
        }
        out.push_back(addr);
      },
      [&] { out.clear(); }, detail);
}

int netlink_move_link(int sock, int index, int netns_fd, const std::string &name, std::string &detail) {
  struct ifinfomsg body = {};
  body.ifi_family = AF_UNSPEC;
  body.ifi_index = index;
  Request req(RTM_NEWLINK, NLM_F_ACK, &body, sizeof body);
  req.attr_u32(IFLA_NET_NS_FD, static_cast<uint32_t>(netns_fd));
  req.attr_string(IFLA_IFNAME, name);
  return transact(sock, req, [](const struct nlmsghdr *) {}, detail);
}

int netlink_add_address(int sock, int index, const AddressInfo &addr, std::string &detail) {
  struct ifaddrmsg body = {};
  body.ifa_family = addr.family;
  body.ifa_prefixlen = addr.prefixlen;
  body.ifa_flags = static_cast<uint8_t>(addr.flags & 0xff);
  body.ifa_scope = addr.scope;
  body.ifa_index = static_cast<uint32_t>(index);
  Request req(RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, &body, sizeof body);
  if (!addr.local.empty()) req.attr(IFA_LOCAL, addr.local.data(), addr.local.size());
  if (!addr.address.empty()) req.attr(IFA_ADDRESS, addr.address.data(), addr.address.size());
  if (!addr.broadcast.empty()) req.attr(IFA_BROADCAST, addr.broadcast.data(), addr.broadcast.size());
  req.attr_u32(IFA_FLAGS, addr.flags);
  return transact(sock, req, [](const struct nlmsghdr *) {}, detail);
}

int netlink_set_up(int sock, int index, bool up, std::string &detail) {
  struct ifinfomsg body = {};
  body.ifi_family = AF_UNSPEC;
  body.ifi_index = index;
  body.ifi_flags = up ? IFF_UP : 0;
  body.ifi_change = IFF_UP;
  Request req(RTM_NEWLINK, NLM_F_ACK, &body, sizeof body);
  return transact(sock, req, [](const struct nlmsghdr *) {}, detail);
}

}  // namespace tsrun::addon
