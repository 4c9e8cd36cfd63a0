#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "channel.h"
#include "resolve.h"
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

void raise_ambient(uint64_t ambient) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) fail_errno("clear ambient capabilities");
  for (int c = 0; c <= last_cap(); c++) {
    if (((ambient >> c) & 1) == 0) continue;
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
  if (faccessat(AT_FDCWD, path.c_str(), X_OK, AT_EACCESS) < 0) {
    err = errno;
    return false;
  }
  return true;
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
    set_caps(plan.cap_effective, plan.cap_permitted, plan.cap_inheritable);
    raise_ambient(plan.cap_ambient);
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

void load_seccomp(const Plan &plan) {
  if (plan.seccomp_bpf.empty()) return;
  struct sock_fprog prog = {};
  prog.len = static_cast<unsigned short>(plan.seccomp_bpf.size() / sizeof(struct sock_filter));
  prog.filter = reinterpret_cast<struct sock_filter *>(const_cast<uint8_t *>(plan.seccomp_bpf.data()));
  if (sys::seccomp(SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) fail_errno("load seccomp filter");
}

void exec_program(const Plan &plan, const std::string &path) {
  std::vector<char *> argv, envp;
  for (const auto &a : plan.args) argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto &e : plan.env) envp.push_back(const_cast<char *>(e.c_str()));
  envp.push_back(nullptr);
  execve(path.c_str(), argv.data(), envp.data());
  // The parent is gone by now: stderr is all that is left to tell.
  dprintf(2, "tsrun: exec %s: %s\n", path.c_str(), strerror(errno));
  _exit(127);
}

}  // namespace tsrun::init
