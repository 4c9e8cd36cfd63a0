// N-API functions for linux.netDevices (netlink.h), added to the addon's exports.
#pragma once
#include <napi.h>

namespace tsrun::addon {

void register_netlink(Napi::Env env, Napi::Object exports);

}  // namespace tsrun::addon
