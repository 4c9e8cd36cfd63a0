// N-API wrappers of netlink.h (linux.netDevices), registered by addon.cc.
#include "netlink_bindings.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "napi_errors.h"
#include "netlink.h"

namespace tsrun::addon {

namespace {

// "RTM_NEWLINK eth1: invalid argument (The interface netns is immutable)",
// with errno and code set like Node's own errors.
Napi::Error netlink_error(Napi::Env env, const std::string &what, int err, const std::string &detail) {
  std::string text = what + ": " + lowercase_strerror(err);
  if (!detail.empty()) text += " (" + detail + ")";
  return error_with_errno(env, text, err);
}

int int_at(const Napi::CallbackInfo &info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }

Napi::Value Bytes(Napi::Env env, const std::vector<uint8_t> &v) { return Napi::Buffer<uint8_t>::Copy(env, v.data(), v.size()); }

std::vector<uint8_t> BytesOf(const Napi::Object &o, const char *key) {
  if (!o.Has(key) || !o.Get(key).IsTypedArray()) return {};
  auto a = o.Get(key).As<Napi::Uint8Array>();
  return std::vector<uint8_t>(a.Data(), a.Data() + a.ByteLength());
}

// Opens a network namespace file and checks that it is one.
Napi::Value NetnsOpen(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw netlink_error(env, "open " + path, errno, "");
  int type = ioctl(fd, NS_GET_NSTYPE);
  if (type != CLONE_NEWNET) {
    int e = type < 0 ? errno : EINVAL;
    close(fd);
    throw netlink_error(env, path + " is not a network namespace", e, "");
  }
  return Napi::Number::New(env, fd);
}

Napi::Value NetlinkOpen(const Napi::CallbackInfo &info) {
  int sock = -1;
  int rc = netlink_open(int_at(info, 0), sock);
  if (rc != 0) throw netlink_error(info.Env(), "netlink socket", rc, "");
  return Napi::Number::New(info.Env(), sock);
}

Napi::Value NetlinkLinks(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::vector<LinkInfo> links;
  std::string detail;
  int rc = netlink_links(int_at(info, 0), links, detail);
  if (rc != 0) throw netlink_error(env, "RTM_GETLINK", rc, detail);
  Napi::Array out = Napi::Array::New(env, links.size());
  for (size_t i = 0; i < links.size(); i++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("index", links[i].index);
    o.Set("name", links[i].name);
    o.Set("up", (links[i].flags & IFF_UP) != 0);
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

Napi::Value NetlinkAddresses(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::vector<AddressInfo> addrs;
  std::string detail;
  int rc = netlink_addresses(int_at(info, 0), int_at(info, 1), addrs, detail);
  if (rc != 0) throw netlink_error(env, "RTM_GETADDR", rc, detail);
  Napi::Array out = Napi::Array::New(env, addrs.size());
  for (size_t i = 0; i < addrs.size(); i++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("family", addrs[i].family);
    o.Set("prefixLength", addrs[i].prefixlen);
    o.Set("scope", addrs[i].scope);
    o.Set("flags", addrs[i].flags);
    if (!addrs[i].local.empty()) o.Set("local", Bytes(env, addrs[i].local));
    if (!addrs[i].address.empty()) o.Set("address", Bytes(env, addrs[i].address));
    if (!addrs[i].broadcast.empty()) o.Set("broadcast", Bytes(env, addrs[i].broadcast));
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

Napi::Value NetlinkMoveLink(const Napi::CallbackInfo &info) {
  std::string name = info[3].As<Napi::String>().Utf8Value();
  std::string detail;
  int rc = netlink_move_link(int_at(info, 0), int_at(info, 1), int_at(info, 2), name, detail);
  if (rc != 0) throw netlink_error(info.Env(), "RTM_NEWLINK " + name, rc, detail);
  return info.Env().Undefined();
}

Napi::Value NetlinkAddAddress(const Napi::CallbackInfo &info) {
  Napi::Object o = info[2].As<Napi::Object>();
  AddressInfo addr{
      static_cast<uint8_t>(o.Get("family").As<Napi::Number>().Uint32Value()),
      static_cast<uint8_t>(o.Get("prefixLength").As<Napi::Number>().Uint32Value()),
      static_cast<uint8_t>(o.Get("scope").As<Napi::Number>().Uint32Value()),
      o.Get("flags").As<Napi::Number>().Uint32Value(),
      BytesOf(o, "local"),
      BytesOf(o, "address"),
      BytesOf(o, "broadcast"),
  };
  std::string detail;
  int rc = netlink_add_address(int_at(info, 0), int_at(info, 1), addr, detail);
  if (rc != 0) throw netlink_error(info.Env(), "RTM_NEWADDR", rc, detail);
  return info.Env().Undefined();
}

Napi::Value NetlinkSetUp(const Napi::CallbackInfo &info) {
  std::string detail;
  int rc = netlink_set_up(int_at(info, 0), int_at(info, 1), info[2].ToBoolean().Value(), detail);
  if (rc != 0) throw netlink_error(info.Env(), "RTM_NEWLINK (IFF_UP)", rc, detail);
  return info.Env().Undefined();
}

}  // namespace

void register_netlink(Napi::Env env, Napi::Object exports) {
  exports.Set("netnsOpen", Napi::Function::New(env, NetnsOpen));
  exports.Set("netlinkOpen", Napi::Function::New(env, NetlinkOpen));
  exports.Set("netlinkLinks", Napi::Function::New(env, NetlinkLinks));
  exports.Set("netlinkAddresses", Napi::Function::New(env, NetlinkAddresses));
  exports.Set("netlinkMoveLink", Napi::Function::New(env, NetlinkMoveLink));
  exports.Set("netlinkAddAddress", Napi::Function::New(env, NetlinkAddAddress));
  exports.Set("netlinkSetUp", Napi::Function::New(env, NetlinkSetUp));
}

}  // namespace tsrun::addon
