#include "plan.h"

#include <string.h>

#include "../common/protocol.h"

namespace tsrun::init {
namespace {

using namespace tsrun::proto;

struct Record {
  uint32_t tag;
  const uint8_t *data;
  uint32_t size;
};

// Walks {tag, length, payload} records, refusing any length that runs past
// the end of the buffer.
class RecordReader {
 public:
  RecordReader(const uint8_t *data, size_t size) : p_(data), end_(data + size) {}

  // 1: a record, 0: clean end, -1: truncated.
  int next(Record &r) {
    if (p_ == end_) return 0;
    if (static_cast<size_t>(end_ - p_) < 8) return -1;
    memcpy(&r.tag, p_, 4);
    memcpy(&r.size, p_ + 4, 4);
    p_ += 8;
    if (r.size > static_cast<size_t>(end_ - p_)) return -1;
    r.data = p_;
    p_ += r.size;
    return 1;
  }

 private:
  const uint8_t *p_;
  const uint8_t *end_;
};

bool as_u64(const Record &r, uint64_t &out) {
  if (r.size != 8) return false;
  memcpy(&out, r.data, 8);
  return true;
}

bool as_bool(const Record &r, bool &out) {
  uint64_t v;
  if (!as_u64(r, v)) return false;
  out = v != 0;
  return true;
}

// Strings must not contain NUL: they become C strings for system calls.
bool as_string(const Record &r, std::string &out) {
  if (memchr(r.data, 0, r.size) != nullptr) return false;
  out.assign(reinterpret_cast<const char *>(r.data), r.size);
  return true;
}

template <typename Fn>
bool each_record(const Record &container, Fn fn) {
  RecordReader reader(container.data, container.size);
  Record r;
  int rc;
  while ((rc = reader.next(r)) == 1) {
    if (!fn(r)) return false;
  }
  return rc == 0;
}

bool decode_mount(const Record &c, MountEntry &m) {
  return each_record(c, [&](const Record &r) {
    switch (r.tag) {
      case kTagMountSource: return as_string(r, m.source);
      case kTagMountDest: return as_string(r, m.destination);
      case kTagMountType: return as_string(r, m.type);
      case kTagMountData: return as_string(r, m.data);
      case kTagMountFlags: return as_u64(r, m.flags);
      case kTagMountPropagation: return as_u64(r, m.propagation);
      case kTagMountAttrSet: return as_u64(r, m.attr_set);
      case kTagMountAttrClr: return as_u64(r, m.attr_clr);
      case kTagMountRecursiveAttr: return as_bool(r, m.recursive_attr);
      case kTagMountCopyUp: return as_bool(r, m.copy_up);
      case kTagMountIdmap: return as_u64(r, m.idmap) && (m.idmap == 1 || m.idmap == 2);
      // A uid_map / gid_map write takes less than one page.
      case kTagMountIdmapUidMap: return r.size < 4096 && as_string(r, m.idmap_uid_map);
      case kTagMountIdmapGidMap: return r.size < 4096 && as_string(r, m.idmap_gid_map);
      case kTagMountIdmapUserns: return as_string(r, m.idmap_userns);
      default: return false;
    }
  });
}

bool decode_device(const Record &c, DeviceEntry &d) {
  return each_record(c, [&](const Record &r) {
    switch (r.tag) {
      case kTagDevPath: return as_string(r, d.path);
      case kTagDevMode: return as_u64(r, d.mode);
      case kTagDevRdev: return as_u64(r, d.rdev);
      case kTagDevUid: return as_u64(r, d.uid);
      case kTagDevGid: return as_u64(r, d.gid);
      case kTagDevBindFallback: return as_bool(r, d.bind_fallback);
      default: return false;
    }
  });
}

bool decode_rlimit(const Record &c, Rlimit &l) {
  return each_record(c, [&](const Record &r) {
    switch (r.tag) {
      case kTagRlimitType: return as_u64(r, l.type);
      case kTagRlimitSoft: return as_u64(r, l.soft);
      case kTagRlimitHard: return as_u64(r, l.hard);
      default: return false;
    }
  });
}

bool decode_pair(const Record &c, uint32_t first_tag, uint32_t second_tag, std::string &a, std::string &b) {
  return each_record(c, [&](const Record &r) {
    if (r.tag == first_tag) return as_string(r, a);
    if (r.tag == second_tag) return as_string(r, b);
    return false;
  });
}

bool decode_ns_join(const Record &c, NamespaceJoin &j) {
  return each_record(c, [&](const Record &r) {
    if (r.tag == kTagNsType) return as_u64(r, j.type);
    if (r.tag == kTagPath) return as_string(r, j.path);
    return false;
  });
}

bool decode_top(const Record &r, Plan &p) {
  uint64_t u;
  std::string s;
  switch (r.tag) {
    case kTagVersion: return as_u64(r, u) && u == kPlanVersion;
    case kTagMode: return as_u64(r, p.mode);
    case kTagNsNew: return as_u64(r, p.ns_new);
    case kTagNsJoin: {
      NamespaceJoin j;
      if (!decode_ns_join(r, j)) return false;
      p.ns_join.push_back(j);
      return true;
    }
    case kTagUidMapNeeded: return as_bool(r, p.uid_map_needed);
    case kTagRootfs: return as_string(r, p.rootfs);
    case kTagRootReadonly: return as_bool(r, p.root_readonly);
    case kTagRootPropagation: return as_u64(r, p.root_propagation);
    case kTagHostPropagation: return as_u64(r, p.host_propagation);
    case kTagNoPivot: return as_bool(r, p.no_pivot);
    case kTagHostMountNs: return as_bool(r, p.host_mount_ns);
    case kTagMount: {
      MountEntry m;
      if (!decode_mount(r, m)) return false;
      p.mounts.push_back(m);
      return true;
    }
    case kTagDevice: {
      DeviceEntry d;
      if (!decode_device(r, d)) return false;
      p.devices.push_back(d);
      return true;
    }
    case kTagSymlink: {
      SymlinkEntry l;
      if (!decode_pair(r, kTagPath, kTagLinkTarget, l.path, l.target)) return false;
      p.symlinks.push_back(l);
      return true;
    }
    case kTagMaskedPath:
      if (!as_string(r, s)) return false;
      p.masked_paths.push_back(s);
      return true;
    case kTagReadonlyPath:
      if (!as_string(r, s)) return false;
      p.readonly_paths.push_back(s);
      return true;
    case kTagHostname: p.has_hostname = true; return as_string(r, p.hostname);
    case kTagDomainname: p.has_domainname = true; return as_string(r, p.domainname);
    case kTagSysctl: {
      KeyValue kv;
      if (!decode_pair(r, kTagPath, kTagValue, kv.key, kv.value)) return false;
      p.sysctls.push_back(kv);
      return true;
    }
    case kTagArg:
      if (!as_string(r, s)) return false;
      p.args.push_back(s);
      return true;
    case kTagEnv:
      if (!as_string(r, s)) return false;
      p.env.push_back(s);
      return true;
    case kTagCwd: return as_string(r, p.cwd);
    case kTagUid: return as_u64(r, p.uid);
    case kTagGid: return as_u64(r, p.gid);
    case kTagAdditionalGid:
      if (!as_u64(r, u)) return false;
      p.additional_gids.push_back(u);
      return true;
    case kTagUmask: p.has_umask = true; return as_u64(r, p.umask);
    case kTagNoNewPrivs: return as_bool(r, p.no_new_privs);
    case kTagOomScoreAdj:
      p.has_oom_score_adj = true;
      if (!as_u64(r, u)) return false;
      p.oom_score_adj = static_cast<int64_t>(u);
      return p.oom_score_adj >= -1000 && p.oom_score_adj <= 1000;
    case kTagCapsPresent: return as_bool(r, p.caps_present);
    case kTagCapBounding: return as_u64(r, p.cap_bounding);
    case kTagCapEffective: return as_u64(r, p.cap_effective);
    case kTagCapPermitted: return as_u64(r, p.cap_permitted);
    case kTagCapInheritable: return as_u64(r, p.cap_inheritable);
    case kTagCapAmbient: return as_u64(r, p.cap_ambient);
    case kTagRlimit: {
      Rlimit l;
      if (!decode_rlimit(r, l)) return false;
      p.rlimits.push_back(l);
      return true;
    }
    case kTagPreserveFds: return as_u64(r, p.preserve_fds) && p.preserve_fds < 65536;
    case kTagSeccompBpf:
      // struct sock_filter is 8 bytes; the kernel caps a program at 4096.
      if (r.size % 8 != 0 || r.size / 8 > 4096) return false;
      p.seccomp_bpf.assign(r.data, r.data + r.size);
      return true;
    case kTagSeccompFlags: return as_u64(r, p.seccomp_flags);
    case kTagTerminal: return as_bool(r, p.terminal);
    case kTagSetsid: return as_bool(r, p.setsid);
    case kTagNewKeyring: return as_bool(r, p.new_keyring);
    case kTagExecFifoName: return as_string(r, p.exec_fifo_name);
    case kTagExecPath: return as_string(r, p.exec_path);
    case kTagExecFromFd: return as_bool(r, p.exec_from_fd);
    case kTagHookPause: return as_bool(r, p.hook_pause);
    case kTagLoopbackUp: return as_bool(r, p.loopback_up);
    case kTagNetDevicesPause: return as_bool(r, p.net_devices_pause);
    case kTagJoinProcess: return as_bool(r, p.join_process);
    case kTagJoinRoot: return as_string(r, p.join_root);
    case kTagConsoleRows: return as_u64(r, p.console_rows);
    case kTagConsoleCols: return as_u64(r, p.console_cols);
    case kTagPersonality: p.has_personality = true; return as_u64(r, p.personality) && p.personality <= 0xffffffffu;
    case kTagIoPriority: p.has_io_priority = true; return as_u64(r, p.io_priority) && p.io_priority < (4u << 13);
    case kTagSchedPolicy: p.has_scheduler = true; return as_u64(r, p.sched_policy) && p.sched_policy <= 0xffffffffu;
    case kTagSchedFlags: return as_u64(r, p.sched_flags);
    case kTagSchedNice:
      if (!as_u64(r, u)) return false;
      p.sched_nice = static_cast<int64_t>(u);
      return p.sched_nice >= -20 && p.sched_nice <= 19;
    case kTagSchedPriority: return as_u64(r, p.sched_priority) && p.sched_priority <= 99;
    case kTagSchedRuntime: return as_u64(r, p.sched_runtime);
    case kTagSchedDeadline: return as_u64(r, p.sched_deadline);
    case kTagSchedPeriod: return as_u64(r, p.sched_period);
    case kTagCpuAffinityInitial:
    case kTagCpuAffinityFinal:
    case kTagMemPolicyNodes: {
      // unsigned long bitmasks, at most 8192 bits
      if (r.size % 8 != 0 || r.size > 1024) return false;
      auto &v = r.tag == kTagCpuAffinityInitial ? p.cpu_affinity_initial : r.tag == kTagCpuAffinityFinal ? p.cpu_affinity_final : p.mem_policy_nodes;
      v.assign(r.data, r.data + r.size);
      return true;
    }
    case kTagMemPolicyMode: p.has_mem_policy = true; return as_u64(r, p.mem_policy_mode) && p.mem_policy_mode <= 0xffffffffu;
    case kTagTimeOffsets: return as_string(r, p.time_offsets);
    default: return false;
  }
}

}  // namespace

bool decode_plan(const uint8_t *data, size_t size, Plan &plan, std::string &error) {
  RecordReader reader(data, size);
  Record r;
  int rc;
  bool saw_version = false;
  while ((rc = reader.next(r)) == 1) {
    if (r.tag == kTagVersion) saw_version = true;
    if (!decode_top(r, plan)) {
      error = "plan: bad record with tag " + std::to_string(r.tag);
      return false;
    }
  }
  if (rc < 0) {
    error = "plan: truncated record";
    return false;
  }
  if (!saw_version) {
    error = "plan: missing version";
    return false;
  }
  if (plan.args.empty()) {
    error = "plan: no process args";
    return false;
  }
  return true;
}

}  // namespace tsrun::init
