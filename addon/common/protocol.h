// The wire format shared by the TypeScript parent (through the addon) and
// tsrun-init. Everything is little-endian; every length is 32-bit and is
// checked against the bytes actually received (CVE-2021-43784).
#pragma once
#include <stdint.h>

namespace tsrun::proto {

// Bumped whenever a tag's meaning changes; the parent and init must agree.
constexpr uint32_t kPlanVersion = 1;

// Largest message accepted on the sync socket.
constexpr uint32_t kMaxMessage = 16u << 20;

// A message on the sync socket: a 8-byte header {type, length} then payload.
// File descriptors ride along the header as SCM_RIGHTS.
enum MessageType : uint32_t {
  kMsgPlan = 1,          // parent -> init: the encoded plan
  kMsgUsernsReady = 2,   // init -> parent: "write my id maps" (payload: u32 pid)
  kMsgUsernsMapped = 3,  // parent -> init: maps are written
  kMsgChildPid = 4,      // init -> parent: u32 pid of the container process
  kMsgCreated = 5,       // init -> parent: set-up done, waiting for start
  kMsgError = 6,         // init -> parent: utf-8 text of what failed
  kMsgPtyMaster = 8,     // init -> parent: pty master fd attached
  kMsgGo = 9,            // parent -> init: continue after a parent-side step
  kMsgWarning = 10,      // init -> parent: utf-8 text to log as a warning
  kMsgDebug = 12,        // init -> parent: utf-8 text for the debug log
  kMsgHookPoint = 11,    // init -> parent: namespaces and mounts are ready, before pivot_root; wait for kMsgGo
  kMsgNetDevicesPoint = 28,  // init -> parent: the network namespace exists, move linux.netDevices in; wait for kMsgGo
  kMsgSeccompListener = 20,      // init -> parent: u32 number of its seccomp notify listener fd (parent takes it with pidfd_getfd)
  kMsgSeccompListenerSent = 21,  // parent -> init: the fd reached linux.seccomp.listenerPath
};

// Plan records: {u32 tag, u32 length, payload}. Scalars are 8-byte
// little-endian integers; strings are raw bytes without a terminator.
// Container records (mount, device, ...) hold nested records.
enum Tag : uint32_t {
  kTagVersion = 1,        // u64
  kTagMode = 2,           // u64: 0 = create container, 1 = join (exec)
  // namespaces
  kTagNsNew = 10,         // u64: CLONE_NEW* flags to create
  kTagNsJoin = 11,        // container: {kTagNsType u64 flag, kTagPath}
  kTagNsType = 12,
  kTagUidMapNeeded = 13,  // u64 bool: ask the parent to write id maps
  // rootfs
  kTagRootfs = 20,        // string: absolute host path
  kTagRootReadonly = 21,  // u64 bool
  kTagRootPropagation = 22,  // u64 MS_* flags for "/" after pivot (0: none)
  kTagNoPivot = 23,       // u64 bool
  kTagMount = 24,         // container
  kTagMountSource = 25,   // string
  kTagMountDest = 26,     // string (inside the rootfs)
  kTagMountType = 27,     // string
  kTagMountFlags = 28,    // u64 MS_* flags
  kTagMountData = 29,     // string
  kTagMountPropagation = 30,  // u64: MS_SHARED|MS_PRIVATE|... (+MS_REC)
  kTagMountAttrSet = 31,  // u64 MOUNT_ATTR_* for recursive bind options
  kTagMountAttrClr = 32,  // u64
  kTagMountRecursiveAttr = 33,  // u64 bool: apply attr with AT_RECURSIVE
  kTagHostPropagation = 34,    // u64 MS_* for "/" before set-up (default MS_SLAVE|MS_REC)
  kTagMountCopyUp = 35,   // u64 bool (in a mount): tmpcopyup, fill the tmpfs with the directory it covers
  kTagHostMountNs = 36,   // u64 bool: no mount namespace; mounts go under one private bind of the rootfs, entered by chroot
  kTagDevice = 40,        // container
  kTagDevPath = 41,       // string
  kTagDevMode = 42,       // u64 full st_mode (type bits | permissions)
  kTagDevRdev = 43,       // u64 makedev(major, minor)
  kTagDevUid = 44,        // u64
  kTagDevGid = 45,        // u64
  kTagDevBindFallback = 46,  // u64 bool: bind the host node when mknod is refused
  kTagSymlink = 47,       // container {kTagPath = link path in rootfs, kTagLinkTarget}
  kTagLinkTarget = 48,    // string
  kTagMaskedPath = 50,    // string
  kTagReadonlyPath = 51,  // string
  kTagHostname = 52,      // string
  kTagDomainname = 53,    // string
  kTagSysctl = 54,        // container {kTagPath = key, kTagValue}
  kTagValue = 55,         // string
  // process
  kTagArg = 60,           // string, repeated in order
  kTagEnv = 61,           // string, repeated in order
  kTagCwd = 62,           // string
  kTagUid = 63,           // u64
  kTagGid = 64,           // u64
  kTagAdditionalGid = 65, // u64, repeated
  kTagUmask = 66,         // u64 (absent: keep 0022)
  kTagNoNewPrivs = 67,    // u64 bool
  kTagCapBounding = 68,   // u64 bit mask (low 64 caps)
  kTagCapEffective = 69,
  kTagCapPermitted = 70,
  kTagCapInheritable = 71,
  kTagCapAmbient = 72,
  kTagCapsPresent = 73,   // u64 bool: process.capabilities was given
  kTagRlimit = 74,        // container {kTagRlimitType, kTagRlimitSoft, kTagRlimitHard}
  kTagRlimitType = 75,
  kTagRlimitSoft = 76,
  kTagRlimitHard = 77,
  kTagPreserveFds = 78,   // u64: fds 3..3+N-1 stay open
  kTagSeccompBpf = 79,    // bytes: struct sock_filter[]
  kTagTerminal = 80,      // u64 bool
  kTagSetsid = 81,        // u64 bool
  kTagPath = 82,          // string (generic)
  kTagNewKeyring = 83,    // u64 bool
  kTagExecFifoName = 84,  // string: name of the fifo inside the state dir fd
  kTagConsoleRows = 85,   // u64
  kTagConsoleCols = 86,   // u64
  kTagOomScoreAdj = 87,   // i64 (present only when set)
  kTagExecPath = 110,      // string: join mode execs this path (resolved inside)
  kTagExecFromFd = 111,    // u64 bool: join mode execs the fd sent with the plan
  kTagHookPause = 112,     // u64 bool: create mode stops before pivot_root for runtime hooks
  kTagLoopbackUp = 113,    // u64 bool: bring up "lo" in the new network namespace
  kTagNetDevicesPause = 160,  // u64 bool: create mode stops after entering the namespaces, for kMsgNetDevicesPoint
  kTagJoinProcess = 114,   // u64 bool: join mode sets the process up fully (`exec`), not as a hook
  kTagJoinRoot = 115,      // string: join mode chroots to this directory (a container without a mount namespace)
  kTagSeccompFlags = 90,  // u64 SECCOMP_FILTER_FLAG_* for loading kTagSeccompBpf
  // process attributes (process_attrs.cc)
  kTagPersonality = 120,   // u64 personality(2) persona
  kTagIoPriority = 121,    // u64 ioprio_set(2) value: class << 13 | level
  kTagSchedPolicy = 122,   // u64 SCHED_*; present: sched_setattr(2) the process
  kTagSchedFlags = 123,    // u64 SCHED_FLAG_*
  kTagSchedNice = 124,     // i64
  kTagSchedPriority = 125, // u64
  kTagSchedRuntime = 126,  // u64 ns
  kTagSchedDeadline = 127, // u64 ns
  kTagSchedPeriod = 128,   // u64 ns
  kTagCpuAffinityInitial = 129,  // bytes: CPU bitmask (unsigned long[]), join mode, set first
  kTagCpuAffinityFinal = 130,    // bytes: CPU bitmask, join mode, set right before execve
  kTagMemPolicyMode = 131,  // u64 MPOL_* | MPOL_F_*; present: set_mempolicy(2)
  kTagMemPolicyNodes = 132, // bytes: node bitmask (unsigned long[])
  kTagTimeOffsets = 133,    // string: lines for /proc/self/timens_offsets
  // idmapped bind mounts (idmap.cc), inside a kTagMount
  kTagMountIdmap = 150,        // u64: 1 = idmap the top mount, 2 = every mount of the tree (ridmap)
  kTagMountIdmapUidMap = 151,  // string: uid_map text for a new user namespace
  kTagMountIdmapGidMap = 152,  // string: gid_map text
  kTagMountIdmapUserns = 153,  // string: or the path of a user namespace to take the mapping from
};

}  // namespace tsrun::proto
