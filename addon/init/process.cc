#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "channel.h"
#include "resolve.h"
#include "seccomp_notify.h"
#include "syscalls.h"

namespace tsrun::init {
namespace {

int last_cap() {
  static int cached = -1;
  if (cached >= 0) return cached;
  cached = CAP_LAST_CAP;
  // The running kernel may know more (or fewer) capabilities than our headers.
  for (int c = 63; c >= 0; c--) {
    if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0) {
      cached = c;
      break;
    }
  }
  return cached;
}

void drop_bounding(uint64_t keep) {
  for (int c = 0; c <= last_cap(); c++) {
    if ((keep >> c) & 1) continue;
    if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) fail_errno("drop capability %d from the bounding set", c);
  }
}

void set_caps(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  data[0].effective = static_cast<uint32_t>(effective);
  data[1].effective = static_cast<uint32_t>(effective >> 32);
  data[0].permitted = static_cast<uint32_t>(permitted);
  data[1].permitted = static_cast<uint32_t>(permitted >> 32);
  data[0].inheritable = static_cast<uint32_t>(inheritable);
  data[1].inheritable = static_cast<uint32_t>(inheritable >> 32);
  if (sys::capset(&hdr, data) < 0) fail_errno("capset");
}

uint64_t current_permitted() {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  if (sys::capget(&hdr, data) < 0) fail_errno("capget");
  return static_cast<uint64_t>(data[0].permitted) | (static_cast<uint64_t>(data[1].permitted) << 32);
}

// The spec asks for a warning, not a failure, when a capability cannot be
// granted (e.g. the host's bounding set lacks it).
uint64_t grantable(uint64_t wanted, uint64_t available, const char *set) {
  uint64_t missing = wanted & ~available;
  for (int c = 0; c < 64; c++)
    if ((missing >> c) & 1) warn("capability %d cannot be granted in the %s set: the runtime does not hold it", c, set);
  return wanted & available;
}

void raise_ambient(uint64_t ambient, uint64_t permitted, uint64_t inheritable) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) fail_errno("clear ambient capabilities");
  for (int c = 0; c <= last_cap(); c++) {
    if (((ambient >> c) & 1) == 0) continue;
    // The kernel only allows ambient capabilities that are both permitted
    // and inheritable.
    if (((permitted & inheritable) >> c & 1) == 0) {
      // runc's own default config asks for ambient capabilities without
      // inheritable ones; that is routine, not worth a warning line that
      // would sit before any error in the engines' log file.
      debug("ambient capability %d not raised: it is not in both the permitted and inheritable sets", c);
      continue;
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0) fail_errno("raise ambient capability %d", c);
  }
}

bool executable_file(const std::string &path, int &err) {
  struct stat st;
  if (stat(path.c_str(), &st) < 0) {
    err = errno;
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    err = EISDIR;
    return false;
  }
  if (faccessat(AT_FDCWD, path.c_str(), X_OK, AT_EACCESS) == 0) return true;
  // An access check never says EPERM for X_OK: that is a seccomp profile
  // without faccessat2 (the default errnoRet), met when the filter goes in
  // before the user switch. The mode bits decide then, as in Go's LookPath
  // under runc; execve has the last word anyway.
  if (errno == EPERM && (st.st_mode & 0111) != 0) return true;
  err = errno == EPERM ? EACCES : errno;
  return false;
}

// The last definition wins, as with getenv after successive putenv calls.
bool env_value(const Plan &plan, const char *name, std::string &value) {
  size_t n = strlen(name);
  bool found = false;
  for (const auto &e : plan.env) {
    if (e.size() > n && e.compare(0, n, name) == 0 && e[n] == '=') {
      value = e.substr(n + 1);
      found = true;
    }
  }
  return found;
}

}  // namespace

void enter_cwd(const Plan &plan) {
  std::string cwd = plan.cwd.empty() ? "/" : plan.cwd;
  if (chdir(cwd.c_str()) < 0) fail_errno("chdir to cwd (%s) set in config.json", cwd.c_str());
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf) == nullptr || buf[0] != '/') fail("current working directory is outside of container mount namespace root");
}

void apply_rlimits(const Plan &plan) {
  for (const auto &l : plan.rlimits) {
    struct rlimit lim = {static_cast<rlim_t>(l.soft), static_cast<rlim_t>(l.hard)};
    if (setrlimit(static_cast<__rlimit_resource>(l.type), &lim) < 0) fail_errno("setrlimit %llu", static_cast<unsigned long long>(l.type));
  }
}

void join_new_keyring() {
  // KEYCTL_JOIN_SESSION_KEYRING with no name: an anonymous session keyring,
  // so containers do not share the host's keys.
  if (syscall(SYS_keyctl, 1, 0, 0, 0, 0) < 0 && errno != ENOSYS) fail_errno("join session keyring");
}

void become_user(const Plan &plan) {
  uint64_t available = plan.caps_present ? current_permitted() : 0;
  if (plan.caps_present) drop_bounding(plan.cap_bounding);
  // Keep permitted capabilities across the uid change; the final sets are
  // written right after.
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail_errno("prctl keepcaps");
  std::vector<gid_t> groups(plan.additional_gids.begin(), plan.additional_gids.end());
  if (setgroups(groups.size(), groups.data()) < 0 && !(errno == EPERM && groups.empty())) fail_errno("setgroups");
  if (setresgid(static_cast<gid_t>(plan.gid), static_cast<gid_t>(plan.gid), static_cast<gid_t>(plan.gid)) < 0)
    fail_errno("setresgid %llu", static_cast<unsigned long long>(plan.gid));
  if (setresuid(static_cast<uid_t>(plan.uid), static_cast<uid_t>(plan.uid), static_cast<uid_t>(plan.uid)) < 0)
    fail_errno("setresuid %llu", static_cast<unsigned long long>(plan.uid));
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) fail_errno("prctl keepcaps");
  if (plan.caps_present) {
    uint64_t permitted = grantable(plan.cap_permitted, available, "permitted");
    uint64_t effective = grantable(plan.cap_effective, permitted, "effective");
    uint64_t inheritable = plan.cap_inheritable & available;
    set_caps(effective, permitted, inheritable);
    raise_ambient(plan.cap_ambient, permitted, inheritable);
  }
}

std::string find_executable(const Plan &plan) {
  const std::string &name = plan.args[0];
  int err = ENOENT;
  if (name.find('/') != std::string::npos) {
    if (executable_file(name, err)) return name;
    errno = err;
    fail_errno("exec: \"%s\": stat %s", name.c_str(), name.c_str());
  }
  std::string path;
  if (env_value(plan, "PATH", path)) {
    size_t i = 0;
    while (i <= path.size()) {
      size_t j = path.find(':', i);
      if (j == std::string::npos) j = path.size();
      std::string candidate = (j > i ? path.substr(i, j - i) : std::string(".")) + "/" + name;
      if (executable_file(candidate, err)) return candidate;
      i = j + 1;
    }
  }
  fail("exec: \"%s\": executable file not found in $PATH", name.c_str());
}

void reset_signals() {
  // The raw system call: glibc's sigaction refuses its two internal
  // real-time signals, which posix_spawn left ignored, and an ignored
  // disposition would survive into the container.
  struct kernel_sigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
  } sa = {};
  for (int sig = 1; sig <= 64; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    syscall(SYS_rt_sigaction, sig, &sa, nullptr, sizeof sa.mask);
  }
  sigset_t empty;
  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, nullptr);
}

void close_fds_from(unsigned first) {
  if (sys::close_range(first, ~0U, 0) < 0) fail_errno("close_range");
}

// --- seccomp -----------------------------------------------------------------
//
// The filter goes in right before execve, so the runtime's own set-up is not
// filtered. Loading one takes no_new_privs or CAP_SYS_ADMIN, though: when the
// process keeps neither, it goes in before the user switch (as with runc), and
// the rest of init's work passes through it. A filter with a notify listener
// goes in before `create` returns (runc's order too), since the listener fd
// has to reach the runtime while it still listens, and the listener has to
// have it before the container process runs. Before any load, init runs the
// program over the syscalls it still has to make, so that a profile that
// blocks one of them fails `create` with a message naming seccomp instead of
// a puzzling error (or none) later.
namespace {

#if defined(__x86_64__)
constexpr uint32_t kNativeAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t kNativeAuditArch = AUDIT_ARCH_AARCH64;
#else
constexpr uint32_t kNativeAuditArch = 0;  // no simulation on other architectures
#endif

constexpr int kCapSysAdmin = 21;

struct FilterResult {
  bool known = false;      // false: an instruction this evaluator does not model
  bool uses_args = false;  // the verdict read the arguments or the instruction pointer
  uint32_t ret = 0;
};

// Runs a classic BPF seccomp program over one seccomp_data, as the kernel would.
FilterResult run_filter(const std::vector<uint8_t> &bytes, const struct seccomp_data &data) {
  FilterResult out;
  const size_t n = bytes.size() / sizeof(struct sock_filter);
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
  for (size_t pc = 0; pc < n; pc++) {
    struct sock_filter f;
    memcpy(&f, bytes.data() + pc * sizeof f, sizeof f);
    const uint32_t operand = BPF_SRC(f.code) == BPF_X ? x : f.k;
    switch (BPF_CLASS(f.code)) {
      case BPF_LD:
      case BPF_LDX: {
        uint32_t v;
        if (f.code == (BPF_LD | BPF_W | BPF_ABS)) {
          if (f.k % 4 != 0 || f.k + 4 > sizeof data) return out;
          if (f.k >= offsetof(struct seccomp_data, instruction_pointer)) out.uses_args = true;
          memcpy(&v, reinterpret_cast<const uint8_t *>(&data) + f.k, 4);
        } else if (BPF_MODE(f.code) == BPF_IMM) {
          v = f.k;
        } else if (BPF_MODE(f.code) == BPF_LEN) {
          v = sizeof data;
        } else if (BPF_MODE(f.code) == BPF_MEM && f.k < BPF_MEMWORDS) {
          v = mem[f.k];
        } else {
          return out;
        }
        (BPF_CLASS(f.code) == BPF_LD ? a : x) = v;
        break;
      }
      case BPF_ST:
      case BPF_STX:
        if (f.k >= BPF_MEMWORDS) return out;
        mem[f.k] = BPF_CLASS(f.code) == BPF_ST ? a : x;
        break;
      case BPF_ALU:
        switch (BPF_OP(f.code)) {
          case BPF_ADD: a += operand; break;
          case BPF_SUB: a -= operand; break;
          case BPF_MUL: a *= operand; break;
          case BPF_DIV: if (operand == 0) return out; a /= operand; break;
          case BPF_MOD: if (operand == 0) return out; a %= operand; break;
          case BPF_AND: a &= operand; break;
          case BPF_OR: a |= operand; break;
          case BPF_XOR: a ^= operand; break;
          case BPF_LSH: a = operand < 32 ? a << operand : 0; break;
          case BPF_RSH: a = operand < 32 ? a >> operand : 0; break;
          case BPF_NEG: a = 0 - a; break;
          default: return out;
        }
        break;
      case BPF_JMP: {
        bool taken;
        switch (BPF_OP(f.code)) {
          case BPF_JA: pc += f.k; continue;
          case BPF_JEQ: taken = a == operand; break;
          case BPF_JGT: taken = a > operand; break;
          case BPF_JGE: taken = a >= operand; break;
          case BPF_JSET: taken = (a & operand) != 0; break;
          default: return out;
        }
        pc += taken ? f.jt : f.jf;
        break;
      }
      case BPF_RET:
        out.known = true;
        out.ret = BPF_RVAL(f.code) == BPF_A ? a : f.k;
        return out;
      case BPF_MISC:
        if (BPF_MISCOP(f.code) == BPF_TAX) x = a;
        else a = x;
        break;
      default:
        return out;
    }
  }
  return out;  // ran off the end: the kernel would not have taken the program
}

// A syscall init makes after the filter is loaded. `tolerated` is an errno
// init copes with (kAnyErrno: the result is ignored); with `fallback`, an
// ENOSYS sends glibc on to that syscall instead. `hands_over`: the call that
// gives the notify listener its fd, which cannot itself wait for the listener.
constexpr int kAnyErrno = -1;
struct NeededSyscall {
  long nr;
  const char *name;
  int tolerated = 0;
  long fallback = -1;
  bool hands_over = false;
};

// What the filter does to the call, as far as init is concerned: true when
// it runs (or fails in a way init copes with); otherwise `why` says what
// happens instead. Verdicts that depend on the arguments are given the
// benefit of the doubt.
bool syscall_passes(const Plan &plan, const NeededSyscall &s, std::string &why) {
  struct seccomp_data data = {};
  data.nr = static_cast<int>(s.nr);
  data.arch = kNativeAuditArch;
  FilterResult r = run_filter(plan.seccomp_bpf, data);
  if (!r.known || r.uses_args) return true;
  uint32_t action = r.ret & SECCOMP_RET_ACTION_FULL;
  int err;
  switch (action) {
    case SECCOMP_RET_ALLOW:
    case SECCOMP_RET_LOG:
      return true;
    case SECCOMP_RET_USER_NOTIF:
      // Once the listener has its fd, it decides (as with runc); before, the
      // call would wait for a listener that can never answer.
      if (!s.hands_over) return true;
      why = "it waits for the notify listener, which gets its fd only through this call";
      return false;
    case SECCOMP_RET_ERRNO: err = static_cast<int>(r.ret & SECCOMP_RET_DATA); break;
    case SECCOMP_RET_TRACE: err = ENOSYS; break;  // what it gives without a tracer
    case SECCOMP_RET_TRAP: why = "it raises SIGSYS"; return false;
    case SECCOMP_RET_KILL_PROCESS:
    case SECCOMP_RET_KILL_THREAD: why = "it kills the process"; return false;
    default: why = "it is not allowed"; return false;
  }
  if (s.tolerated == kAnyErrno || (err != 0 && err == s.tolerated)) return true;
  if (err == ENOSYS && s.fallback >= 0) {
    NeededSyscall next = {s.fallback, s.name};
    return syscall_passes(plan, next, why);
  }
  const char *code = strerrorname_np(err);
  char text[96];
  snprintf(text, sizeof text, "it fails with %s", code != nullptr ? code : std::to_string(err).c_str());
  why = text;
  return false;
}

// True when the filter certainly runs the call (ALLOW or LOG, whatever the arguments).
bool filter_lets_through(const Plan &plan, long nr) {
  struct seccomp_data data = {};
  data.nr = static_cast<int>(nr);
  data.arch = kNativeAuditArch;
  FilterResult r = run_filter(plan.seccomp_bpf, data);
  if (!r.known || r.uses_args) return false;
  uint32_t action = r.ret & SECCOMP_RET_ACTION_FULL;
  return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG;
}

bool keeps_sys_admin(const Plan &plan) {
  // become_user sets the configured sets; without any, uid 0 keeps what it has.
  if (plan.caps_present) return ((plan.cap_effective >> kCapSysAdmin) & 1) != 0;
  if (plan.uid != 0) return false;
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  if (sys::capget(&hdr, data) < 0) return false;
  return ((data[kCapSysAdmin / 32].effective >> (kCapSysAdmin % 32)) & 1) != 0;
}

struct sock_fprog seccomp_program(const Plan &plan) {
  struct sock_fprog prog = {};
  prog.len = static_cast<unsigned short>(plan.seccomp_bpf.size() / sizeof(struct sock_filter));
  prog.filter = reinterpret_cast<struct sock_filter *>(const_cast<uint8_t *>(plan.seccomp_bpf.data()));
  return prog;
}

// Loads the filter in a throw-away child, which is in the same state the
// process will be in at the real load, so a refusal is reported while the
// runtime still listens.
void try_load_in_child(const Plan &plan) {
  pid_t pid = fork();
  if (pid < 0) return;  // say, a pids limit: the real load will tell
  if (pid == 0) {
    struct sock_fprog prog = seccomp_program(plan);
    if (sys::seccomp(SECCOMP_SET_MODE_FILTER, static_cast<unsigned>(plan.seccomp_flags), &prog) < 0) _exit(errno > 0 && errno < 256 ? errno : EINVAL);
    _exit(0);  // under the filter now: whatever exit_group meets, it is not a load error
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    errno = WEXITSTATUS(status);
    fail_errno("load seccomp filter (flags %#llx)", static_cast<unsigned long long>(plan.seccomp_flags));
  }
}

// create's ready(): the "created" message, the exec fifo; then
// reset_signals. Keep in step with main() and wait_for_start.
void add_ready_steps(std::vector<NeededSyscall> &needed) {
  needed.insert(needed.end(), {
      {SYS_sendto, "sendto"},
      {SYS_close, "close"},
      {SYS_openat, "openat"},
      {SYS_write, "write"},
      {SYS_rt_sigaction, "rt_sigaction", kAnyErrno},
      {SYS_rt_sigprocmask, "rt_sigprocmask", kAnyErrno},
  });
}

}  // namespace

SeccompLoad seccomp_load_point(const Plan &plan) {
  if (!plan.seccomp_bpf.empty() && !plan.no_new_privs && !keeps_sys_admin(plan)) return SeccompLoad::kBeforeUserSwitch;
  if (seccomp_has_listener(plan)) return SeccompLoad::kBeforeReady;
  return SeccompLoad::kBeforeExec;
}

void check_seccomp(const Plan &plan, SeccompLoad at) {
  if (plan.seccomp_bpf.empty()) return;
  const bool before_user_switch = at == SeccompLoad::kBeforeUserSwitch;
  std::vector<NeededSyscall> needed;
  if (seccomp_has_listener(plan)) {
    // hand_over_seccomp_listener, right after the load
    needed.push_back({SYS_write, "write", 0, -1, true});
    needed.push_back({SYS_recvmsg, "recvmsg"});
  }
  if (at == SeccompLoad::kBeforeReady) {
    add_ready_steps(needed);
  }
  if (before_user_switch) {
    // become_user, enter_cwd, find_executable, the "created" message, the
    // exec fifo, reset_signals: everything main() does between this load and
    // execve. Keep in step with those functions. (Not close_range: with an
    // early load, load_seccomp marks the fds close-on-exec instead.)
    needed.insert(needed.end(), {
        {SYS_prctl, "prctl"},
        {SYS_setgroups, "setgroups", plan.additional_gids.empty() ? EPERM : 0},
        {SYS_setresgid, "setresgid"},
        {SYS_setresuid, "setresuid"},
        {SYS_chdir, "chdir"},
        {SYS_getcwd, "getcwd"},
#ifdef SYS_newfstatat
        {SYS_newfstatat, "newfstatat"},
#endif
        {SYS_faccessat2, "faccessat2", EPERM, SYS_faccessat},  // executable_file copes with EPERM
    });
    add_ready_steps(needed);
    if (plan.caps_present) {
      needed.push_back({SYS_capget, "capget"});
      needed.push_back({SYS_capset, "capset"});
    }
  }
  needed.push_back({SYS_execve, "execve"});
  if (kNativeAuditArch != 0) {
    for (const auto &s : needed) {
      std::string why;
      if (syscall_passes(plan, s, why)) continue;
      if (before_user_switch)
        fail("seccomp: the profile blocks %s (%s), which the runtime still needs after loading the filter; the filter is loaded "
             "before the user switch because noNewPrivileges is false and the process keeps no CAP_SYS_ADMIN",
             s.name, why.c_str());
      if (at == SeccompLoad::kBeforeReady)
        fail("seccomp: the profile blocks %s (%s), which the runtime still needs after loading the filter; a filter with "
             "SCMP_ACT_NOTIFY is loaded before the container is created, to hand its listener over",
             s.name, why.c_str());
      fail("seccomp: the profile blocks %s (%s), which the runtime needs to start the container process", s.name, why.c_str());
    }
  }
  // Only a load after the runtime stopped listening needs a rehearsal.
  if (at == SeccompLoad::kBeforeExec) try_load_in_child(plan);
}

void load_seccomp(const Plan &plan, SeccompLoad at) {
  if (plan.seccomp_bpf.empty()) return;
  if (at != SeccompLoad::kBeforeExec) {
    // Profiles older than close_range (Linux 5.9) refuse it, so the fds past
    // the preserved ones are made close-on-exec now, while it still passes;
    // the caller skips close_range then. Everything init opens from here to
    // execve is O_CLOEXEC.
    if (sys::close_range(3 + static_cast<unsigned>(plan.preserve_fds), ~0U, CLOSE_RANGE_CLOEXEC) < 0)
      fail_errno("close_range (close-on-exec)");
  }
  struct sock_fprog prog = seccomp_program(plan);
  // With SECCOMP_FILTER_FLAG_NEW_LISTENER the result is the listener fd
  // (close-on-exec), else 0.
  int rc = sys::seccomp(SECCOMP_SET_MODE_FILTER, static_cast<unsigned>(plan.seccomp_flags), &prog);
  if (rc < 0) fail_errno("load seccomp filter (flags %#llx)", static_cast<unsigned long long>(plan.seccomp_flags));
  if (seccomp_has_listener(plan)) hand_over_seccomp_listener(rc, filter_lets_through(plan, SYS_sendmsg));
}

std::vector<std::string> environment_with_home(const Plan &plan) {
  std::vector<std::string> env = plan.env;
  for (const auto &e : env)
    if (e.compare(0, 5, "HOME=") == 0) return env;
  // Like runc: the user's home from the container's own /etc/passwd, looked
  // up by number (a name is never resolved), else "/".
  std::string home = "/";
  int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    std::string text;
    char buf[4096];
    ssize_t n;
    while (text.size() < (1u << 20) && (n = read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    close(fd);
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::vector<std::string> fields;
      size_t f = start;
      for (;;) {
        size_t colon = text.find(':', f);
        if (colon == std::string::npos || colon > end) {
          fields.push_back(text.substr(f, end - f));
          break;
        }
        fields.push_back(text.substr(f, colon - f));
        f = colon + 1;
      }
      if (fields.size() >= 6 && fields[2] == std::to_string(plan.uid) && !fields[5].empty()) {
        home = fields[5];
        break;
      }
      start = end + 1;
    }
  }
  env.push_back("HOME=" + home);
  return env;
}

void exec_program(const Plan &plan, const std::string &path, const std::vector<std::string> &env) {
  std::vector<char *> argv, envp;
  for (const auto &a : plan.args) argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto &e : env) envp.push_back(const_cast<char *>(e.c_str()));
  envp.push_back(nullptr);
  execve(path.c_str(), argv.data(), envp.data());
  // `exec` still listens on the sync socket; after `start` nobody does, and
  // stderr is all that is left to tell.
  if (has_report_channel()) fail_errno("exec %s", path.c_str());
  dprintf(2, "tsrun: exec %s: %s\n", path.c_str(), strerror(errno));
  _exit(127);
}

}  // namespace tsrun::init
