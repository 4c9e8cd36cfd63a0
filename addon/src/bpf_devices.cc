// See bpf_devices.h. Every fd here is close-on-exec (bpf(2) makes its fds so)
// and closed before returning.
#include "bpf_devices.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "napi_errors.h"

namespace tsrun::addon {

namespace {

int sys_bpf(int cmd, union bpf_attr *attr) {
  return static_cast<int>(syscall(SYS_bpf, cmd, attr, sizeof *attr));
}

// Closes an fd when leaving scope.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

Napi::Error bpf_error(Napi::Env env, const std::string &what, const std::string &dir, int err, const std::string &detail = "") {
  std::string text = what + " " + dir + ": " + strerror(err);
  if (!detail.empty()) text += " (" + detail + ")";
  return error_with_errno(env, text, err);
}

int open_cgroup(const std::string &dir) { return open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); }

// Ids of the device programs attached to the cgroup itself; errno value or 0.
int query_ids(int cgroup_fd, std::vector<uint32_t> &ids) {
  ids.assign(16, 0);
  for (;;) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.query.target_fd = static_cast<uint32_t>(cgroup_fd);
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = reinterpret_cast<uint64_t>(ids.data());
    attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
    if (sys_bpf(BPF_PROG_QUERY, &attr) == 0) {
      ids.resize(attr.query.prog_cnt);
      return 0;
    }
    // ENOSPC: prog_cnt now says how many there are
    if (errno != ENOSPC || attr.query.prog_cnt <= ids.size()) return errno;
    ids.assign(attr.query.prog_cnt, 0);
  }
}

int load_program(const uint8_t *insns, size_t len, std::string &log) {
  static const char license[] = "Apache-2.0";
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = reinterpret_cast<uint64_t>(insns);
  attr.insn_cnt = static_cast<uint32_t>(len / sizeof(struct bpf_insn));
  attr.license = reinterpret_cast<uint64_t>(license);
  memcpy(attr.prog_name, "tsrun_devices", sizeof "tsrun_devices");
  int fd = sys_bpf(BPF_PROG_LOAD, &attr);
  if (fd >= 0 || (errno != EINVAL && errno != EACCES)) return fd;
  // The verifier refused it (EINVAL or EACCES): load again with its log, to say why.
  std::vector<char> buf(64 * 1024, 0);
  attr.log_level = 1;
  attr.log_buf = reinterpret_cast<uint64_t>(buf.data());
  attr.log_size = static_cast<uint32_t>(buf.size());
  fd = sys_bpf(BPF_PROG_LOAD, &attr);
  int saved = errno;
  // The complaint is the last line before the statistics ("processed N insns ...").
  std::string text(buf.data());
  size_t end = text.size();
  while (end > 0) {
    size_t start = text.rfind('\n', end - 1);
    start = start == std::string::npos ? 0 : start + 1;
    std::string line = text.substr(start, end - start);
    end = start > 0 ? start - 1 : 0;
    if (line.empty() || line.rfind("processed ", 0) == 0 || line.rfind("verification time", 0) == 0) continue;
    log = line;
    break;
  }
  errno = saved;
  return fd;
}

}  // namespace

Napi::Value ReplaceDeviceFilter(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string dir = info[0].As<Napi::String>().Utf8Value();
  Napi::Uint8Array insns = info[1].As<Napi::Uint8Array>();
  if (insns.ByteLength() == 0 || insns.ByteLength() % sizeof(struct bpf_insn) != 0) {
    throw bpf_error(env, "bpf(BPF_PROG_LOAD) for", dir, EINVAL, "not a whole number of instructions");
  }
  Fd cgroup(open_cgroup(dir));
  if (cgroup.fd < 0) throw bpf_error(env, "open", dir, errno);

  std::vector<uint32_t> old;
  if (int err = query_ids(cgroup.fd, old)) throw bpf_error(env, "bpf(BPF_PROG_QUERY) on", dir, err);

  std::string log;
  Fd prog(load_program(insns.Data(), insns.ByteLength(), log));
  if (prog.fd < 0) throw bpf_error(env, "bpf(BPF_PROG_LOAD) for", dir, errno, log);

  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.target_fd = static_cast<uint32_t>(cgroup.fd);
  attr.attach_bpf_fd = static_cast<uint32_t>(prog.fd);
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0) throw bpf_error(env, "bpf(BPF_PROG_ATTACH) to", dir, errno);

  // The new program is in force; the old ones go. Until they are gone both
  // apply, and a device passes only if every program allows it.
  for (uint32_t id : old) {
    union bpf_attr get;
    memset(&get, 0, sizeof get);
    get.prog_id = id;
    Fd old_prog(sys_bpf(BPF_PROG_GET_FD_BY_ID, &get));
    if (old_prog.fd < 0) {
      if (errno == ENOENT) continue;  // gone meanwhile
      throw bpf_error(env, "bpf(BPF_PROG_GET_FD_BY_ID) for a program of", dir, errno);
    }
    union bpf_attr detach;
    memset(&detach, 0, sizeof detach);
    detach.target_fd = static_cast<uint32_t>(cgroup.fd);
    detach.attach_bpf_fd = static_cast<uint32_t>(old_prog.fd);
    detach.attach_type = BPF_CGROUP_DEVICE;
    if (sys_bpf(BPF_PROG_DETACH, &detach) < 0 && errno != ENOENT) throw bpf_error(env, "bpf(BPF_PROG_DETACH) from", dir, errno);
  }
  return env.Undefined();
}

Napi::Value DeviceFilterIds(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string dir = info[0].As<Napi::String>().Utf8Value();
  Fd cgroup(open_cgroup(dir));
  if (cgroup.fd < 0) throw bpf_error(env, "open", dir, errno);
  std::vector<uint32_t> ids;
  if (int err = query_ids(cgroup.fd, ids)) throw bpf_error(env, "bpf(BPF_PROG_QUERY) on", dir, err);
  Napi::Array out = Napi::Array::New(env, ids.size());
  for (uint32_t i = 0; i < ids.size(); i++) out.Set(i, Napi::Number::New(env, ids[i]));
  return out;
}

}  // namespace tsrun::addon
