// The decoded plan: everything tsrun-init needs to build the container,
// already resolved by the TypeScript side into flags and numbers.
#pragma once
#include <stdint.h>
#include <string>
#include <vector>

namespace tsrun::init {

struct NamespaceJoin {
  uint64_t type = 0;  // CLONE_NEW* flag
  std::string path;
};

struct MountEntry {
  std::string source, destination, type, data;
  uint64_t flags = 0;
  uint64_t propagation = 0;
  uint64_t attr_set = 0, attr_clr = 0;
  bool recursive_attr = false;
  bool copy_up = false;  // tmpcopyup: fill the tmpfs with the directory it covers
  // Idmapped bind mount (idmap.cc): 0 none, 1 the top mount, 2 every mount
  // of the tree (ridmap). The mapping comes from uid/gid_map text for a new
  // user namespace, or from an existing one given by path.
  uint64_t idmap = 0;
  std::string idmap_uid_map, idmap_gid_map, idmap_userns;
  // Not decoded: the detached, idmapped tree prepare_idmapped_mounts made
  // before tsrun-init left the host's user namespace (-1: none).
  int idmapped_tree = -1;
};

struct DeviceEntry {
  std::string path;
  uint64_t mode = 0, rdev = 0, uid = 0, gid = 0;
  bool bind_fallback = true;
};

struct SymlinkEntry {
  std::string path, target;
};

struct Rlimit {
  uint64_t type = 0, soft = 0, hard = 0;
};

struct KeyValue {
  std::string key, value;
};

struct Plan {
  uint64_t mode = 0;
  uint64_t ns_new = 0;
  std::vector<NamespaceJoin> ns_join;
  bool uid_map_needed = false;

  std::string rootfs;
  bool root_readonly = false;
  uint64_t root_propagation = 0;
  uint64_t host_propagation = 0;
  bool no_pivot = false;
  bool host_mount_ns = false;
  std::vector<MountEntry> mounts;
  std::vector<DeviceEntry> devices;
  std::vector<SymlinkEntry> symlinks;
  std::vector<std::string> masked_paths, readonly_paths;
  bool has_hostname = false, has_domainname = false;
  std::string hostname, domainname;
  std::vector<KeyValue> sysctls;

  std::vector<std::string> args, env;
  std::string cwd = "/";
  uint64_t uid = 0, gid = 0;
  std::vector<uint64_t> additional_gids;
  bool has_umask = false;
  uint64_t umask = 022;
  bool no_new_privs = false;
  bool has_oom_score_adj = false;
  int64_t oom_score_adj = 0;
  bool caps_present = false;
  uint64_t cap_bounding = 0, cap_effective = 0, cap_permitted = 0, cap_inheritable = 0, cap_ambient = 0;
  std::vector<Rlimit> rlimits;
  uint64_t preserve_fds = 0;
  std::vector<uint8_t> seccomp_bpf;
  uint64_t seccomp_flags = 0;  // SECCOMP_FILTER_FLAG_*
  bool terminal = false;
  bool setsid = true;
  bool new_keyring = true;
  std::string exec_fifo_name;
  std::string exec_path;
  bool exec_from_fd = false;
  bool hook_pause = false;
  bool loopback_up = false;
  bool net_devices_pause = false;
  bool join_process = false;
  std::string join_root;
  uint64_t console_rows = 0, console_cols = 0;
  // process_attrs.cc
  bool has_personality = false;
  uint64_t personality = 0;
  bool has_io_priority = false;
  uint64_t io_priority = 0;
  bool has_scheduler = false;
  uint64_t sched_policy = 0, sched_flags = 0, sched_priority = 0;
  int64_t sched_nice = 0;
  uint64_t sched_runtime = 0, sched_deadline = 0, sched_period = 0;
  std::vector<uint8_t> cpu_affinity_initial, cpu_affinity_final;  // unsigned long[] bitmasks
  bool has_mem_policy = false;
  uint64_t mem_policy_mode = 0;
  std::vector<uint8_t> mem_policy_nodes;  // unsigned long[] bitmask
  std::string time_offsets;
};

// Decodes a plan; on malformed input returns false and names the problem.
bool decode_plan(const uint8_t *data, size_t size, Plan &plan, std::string &error);

}  // namespace tsrun::init
