// Raw rtnetlink for linux.netDevices: list links and addresses, move a link
// into another network namespace, add an address, set a link up or down.
// Every call returns 0 or an errno value; `detail` gets the kernel's extended
// ack text when it sends one ("The interface netns is immutable").
#pragma once
#include <stdint.h>

#include <string>
#include <vector>

namespace tsrun::addon {

struct LinkInfo {
  int index;
  std::string name;
  unsigned flags;  // IFF_*
};

struct AddressInfo {
  uint8_t family;  // AF_INET or AF_INET6
  uint8_t prefixlen;
  uint8_t scope;   // RT_SCOPE_*
  uint32_t flags;  // IFA_F_* (IFA_FLAGS when present)
  std::vector<uint8_t> local;      // IFA_LOCAL
  std::vector<uint8_t> address;    // IFA_ADDRESS (the peer on point-to-point links)
  std::vector<uint8_t> broadcast;  // IFA_BROADCAST
};

// A NETLINK_ROUTE socket of the network namespace behind netns_fd (-1: ours).
int netlink_open(int netns_fd, int &sock);
int netlink_links(int sock, std::vector<LinkInfo> &out, std::string &detail);
int netlink_addresses(int sock, int index, std::vector<AddressInfo> &out, std::string &detail);
// Moves link `index` into the namespace behind netns_fd, named `name` there
// (one request, so a rename never collides on the side it leaves).
int netlink_move_link(int sock, int index, int netns_fd, const std::string &name, std::string &detail);
int netlink_add_address(int sock, int index, const AddressInfo &addr, std::string &detail);
int netlink_set_up(int sock, int index, bool up, std::string &detail);

}  // namespace tsrun::addon
