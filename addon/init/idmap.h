// Idmapped bind mounts (config.md "Mounts": uidMappings/gidMappings, idmap,
// ridmap) through mount_setattr(MOUNT_ATTR_IDMAP).
#pragma once
#include "plan.h"

namespace tsrun::init {

// For every mount that asks for an idmapping: clones its source tree and
// applies the mapping, leaving the detached tree in mount.idmapped_tree for
// prepare_rootfs to move into place. Must run before tsrun-init joins or
// creates the container's user namespace: only the host's user namespace
// may idmap a host filesystem, and the mapping's namespace is made from it.
// Sources are therefore looked up in the host's mount namespace, even when
// the container joins another one by path.
void prepare_idmapped_mounts(Plan &plan);

}  // namespace tsrun::init
