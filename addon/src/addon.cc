// The N-API surface of tsrun's native part. Every function is a thin,
// synchronous wrapper (plus one async wait); src/native/ is the only
// TypeScript that imports this module.
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <napi.h>

#include "bpf_devices.h"
#include "child_io.h"
#include "host_mounts.h"
#include "messages.h"
#include "napi_errors.h"
#include "netlink_bindings.h"
#include "process_ops.h"
#include "pty_proxy.h"
#include "seccomp.h"
#include "spawn.h"

namespace {

using namespace tsrun::addon;

Napi::Error errno_error(Napi::Env env, const char *syscall, int err, const std::string &path = "") {
  std::string text = syscall;
  if (!path.empty()) text += " " + path;
  Napi::Error e = error_with_errno(env, text + ": " + lowercase_strerror(err), err);
  e.Set("syscall", Napi::String::New(env, syscall));
  return e;
}

int int_arg(const Napi::CallbackInfo &info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }

Napi::Value SpawnInit(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  SpawnedInit s;
  int stdio[3] = {-1, -1, -1};
  if (info.Length() > 1 && info[1].IsArray()) {
    auto arr = info[1].As<Napi::Array>();
    for (uint32_t i = 0; i < 3 && i < arr.Length(); i++) stdio[i] = arr.Get(i).As<Napi::Number>().Int32Value();
  }
  // A cgroup v2 directory to start in; one that cannot be opened is no error here
  int cgroup_fd = -1;
  if (info.Length() > 2 && info[2].IsString()) {
    cgroup_fd = open(info[2].As<Napi::String>().Utf8Value().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
  bool ok = spawn_init(static_cast<unsigned>(int_arg(info, 0)), stdio, s, cgroup_fd);
  int saved = errno;
  if (cgroup_fd >= 0) close(cgroup_fd);
  if (!ok) throw errno_error(env, "spawn tsrun-init", saved);
  Napi::Object o = Napi::Object::New(env);
  o.Set("pid", s.pid);
  o.Set("pidfd", s.pidfd);
  o.Set("syncFd", s.sync_fd);
  o.Set("inCgroup", s.in_cgroup);
  return o;
}

Napi::Value SendMessage(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fd = int_arg(info, 0);
  uint32_t type = info[1].As<Napi::Number>().Uint32Value();
  auto payload = info[2].As<Napi::Uint8Array>();
  std::vector<int> fds;
  auto arr = info[3].As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); i++) fds.push_back(arr.Get(i).As<Napi::Number>().Int32Value());
  int rc = send_message(fd, type, payload.Data(), static_cast<uint32_t>(payload.ByteLength()), fds);
  if (rc != 0) throw errno_error(env, "sendmsg", rc);
  return env.Undefined();
}

Napi::Value ReceiveMessage(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Message m;
  int rc = receive_message(int_arg(info, 0), int_arg(info, 1), m);
  if (rc == EPIPE) return env.Null();
  if (rc != 0) throw errno_error(env, "recvmsg", rc);
  Napi::Object o = Napi::Object::New(env);
  o.Set("type", m.type);
  o.Set("payload", Napi::Buffer<uint8_t>::Copy(env, m.payload.data(), m.payload.size()));
  Napi::Array fds = Napi::Array::New(env, m.fds.size());
  for (size_t i = 0; i < m.fds.size(); i++) fds.Set(static_cast<uint32_t>(i), m.fds[i]);
  o.Set("fds", fds);
  return o;
}

Napi::Value PidfdOpen(const Napi::CallbackInfo &info) {
  int fd = pidfd_open(int_arg(info, 0));
  if (fd < 0) throw errno_error(info.Env(), "pidfd_open", errno);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  return Napi::Number::New(info.Env(), fd);
}

// A duplicate (close-on-exec) of fd `target` of the process behind the
// pidfd: how a seccomp notify listener leaves tsrun-init, which hands over
// only the number so that a profile may notify sendmsg (runc's way too).
Napi::Value PidfdGetfd(const Napi::CallbackInfo &info) {
  int fd = static_cast<int>(syscall(SYS_pidfd_getfd, int_arg(info, 0), int_arg(info, 1), 0));
  if (fd < 0) throw errno_error(info.Env(), "pidfd_getfd", errno);
  return Napi::Number::New(info.Env(), fd);
}

// execCPUAffinity.initial: pins the exec helper before it is moved into the
// container's cgroup (the move itself then resets it to the cgroup's cpuset).
Napi::Value SetCpuAffinity(const Napi::CallbackInfo &info) {
  if (info.Length() < 2 || !info[1].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "setCpuAffinity(pid, mask)");
  auto mask = info[1].As<Napi::Uint8Array>();
  if (syscall(SYS_sched_setaffinity, int_arg(info, 0), mask.ByteLength(), mask.Data()) < 0)
    throw errno_error(info.Env(), "sched_setaffinity", errno);
  return info.Env().Undefined();
}

Napi::Value PidfdSendSignal(const Napi::CallbackInfo &info) {
  if (pidfd_send_signal(int_arg(info, 0), int_arg(info, 1)) < 0) throw errno_error(info.Env(), "pidfd_send_signal", errno);
  return info.Env().Undefined();
}

Napi::Value StatusObject(Napi::Env env, const ExitStatus &s) {
  if (!s.exited) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("code", s.code);
  o.Set("signal", s.signal);
  return o;
}

Napi::Value WaitPidfd(const Napi::CallbackInfo &info) {
  ExitStatus s;
  int rc = wait_pidfd(int_arg(info, 0), info[1].ToBoolean().Value(), s);
  if (rc != 0) throw errno_error(info.Env(), "waitid", rc);
  return StatusObject(info.Env(), s);
}

// Waits on a worker thread so the event loop can keep forwarding signals.
class WaitWorker : public Napi::AsyncWorker {
 public:
  WaitWorker(Napi::Env env, int pidfd) : Napi::AsyncWorker(env), pidfd_(pidfd), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override { rc_ = wait_pidfd(pidfd_, false, status_); }
  void OnOK() override {
    if (rc_ != 0) deferred_.Reject(errno_error(Env(), "waitid", rc_).Value());
    else deferred_.Resolve(StatusObject(Env(), status_));
  }

 private:
  int pidfd_;
  int rc_ = 0;
  ExitStatus status_{};
  Napi::Promise::Deferred deferred_;
};

Napi::Value WaitPidfdAsync(const Napi::CallbackInfo &info) {
  auto *w = new WaitWorker(info.Env(), int_arg(info, 0));
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

// Proxies a pty on a worker thread; the promise settles when the pty closes.
class PtyProxyWorker : public Napi::AsyncWorker {
 public:
  PtyProxyWorker(Napi::Env env, int master) : Napi::AsyncWorker(env), master_(master), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override { rc_ = proxy_pty(master_); }
  void OnOK() override {
    if (rc_ != 0) deferred_.Reject(errno_error(Env(), "pty proxy", rc_).Value());
    else deferred_.Resolve(Env().Undefined());
  }

 private:
  int master_;
  int rc_ = 0;
  Napi::Promise::Deferred deferred_;
};

Napi::Value ProxyPty(const Napi::CallbackInfo &info) {
  auto *w = new PtyProxyWorker(info.Env(), int_arg(info, 0));
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

Napi::Value CopyWindowSize(const Napi::CallbackInfo &info) {
  copy_window_size(int_arg(info, 0), int_arg(info, 1));
  return info.Env().Undefined();
}

Napi::Value Mkfifo(const Napi::CallbackInfo &info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  if (mkfifo(path.c_str(), static_cast<mode_t>(int_arg(info, 1))) < 0) throw errno_error(info.Env(), "mkfifo", errno, path);
  return info.Env().Undefined();
}

Napi::Value OpenDirPath(const Napi::CallbackInfo &info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int fd = open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw errno_error(info.Env(), "open", errno, path);
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value MountIdentityOf(const Napi::CallbackInfo &info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  MountIdentity m{};
  int err = mount_identity(path.c_str(), m);
  if (err != 0) throw errno_error(info.Env(), "statx", err, path);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("id", Napi::BigInt::New(info.Env(), m.id));
  o.Set("mountRoot", Napi::Boolean::New(info.Env(), m.mount_root));
  return o;
}

Napi::Value DetachMountIf(const Napi::CallbackInfo &info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  bool lossless = false;
  uint64_t id = info[1].As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) throw Napi::TypeError::New(info.Env(), "detachMountIf: the mount id must fit in 64 bits");
  int err = detach_mount_if(path.c_str(), id);
  if (err == ESTALE) return Napi::Boolean::New(info.Env(), false);
  if (err != 0) throw errno_error(info.Env(), "umount2", err, path);
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value Pipe(const Napi::CallbackInfo &info) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) throw errno_error(info.Env(), "pipe2", errno);
  Napi::Array a = Napi::Array::New(info.Env(), 2);
  a.Set(0u, fds[0]);
  a.Set(1u, fds[1]);
  return a;
}

Napi::Value CollectChild(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  ChildOutput out;
  std::string input = info[1].As<Napi::String>().Utf8Value();
  int rc = collect_child(int_arg(info, 0), input, int_arg(info, 2), int_arg(info, 3), int_arg(info, 4), info[5].As<Napi::Number>().Int64Value(), out);
  if (rc != 0) throw errno_error(env, "collect child output", rc);
  Napi::Object o = Napi::Object::New(env);
  o.Set("stdout", Napi::String::New(env, out.out));
  o.Set("stderr", Napi::String::New(env, out.err));
  o.Set("status", StatusObject(env, out.status));
  o.Set("timedOut", out.timed_out);
  return o;
}

// The console socket protocol: connect to the caller's AF_UNIX socket and
// send the pty master as SCM_RIGHTS, with the pty's name as the payload.
Napi::Value SendFdToSocket(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int fd = int_arg(info, 1);
  std::string name = info[2].As<Napi::String>().Utf8Value();
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) throw errno_error(env, "connect", ENAMETOOLONG, path);
  memcpy(addr.sun_path, path.c_str(), path.size());
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) throw errno_error(env, "socket", errno);
  if (connect(s, reinterpret_cast<struct sockaddr *>(&addr), sizeof addr) < 0) {
    int e = errno;
    close(s);
    throw errno_error(env, "connect", e, path);
  }
  std::vector<int> fds = {fd};
  int rc = send_fds_with_payload(s, reinterpret_cast<const uint8_t *>(name.data()), name.size(), fds);
  close(s);
  if (rc != 0) throw errno_error(env, "sendmsg", rc, path);
  return env.Undefined();
}

Napi::Value CloseFd(const Napi::CallbackInfo &info) {
  close(int_arg(info, 0));
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("spawnInit", Napi::Function::New(env, SpawnInit));
  exports.Set("sendMessage", Napi::Function::New(env, SendMessage));
  exports.Set("receiveMessage", Napi::Function::New(env, ReceiveMessage));
  exports.Set("pidfdOpen", Napi::Function::New(env, PidfdOpen));
  exports.Set("pidfdSendSignal", Napi::Function::New(env, PidfdSendSignal));
  exports.Set("pidfdGetfd", Napi::Function::New(env, PidfdGetfd));
  exports.Set("setCpuAffinity", Napi::Function::New(env, SetCpuAffinity));
  exports.Set("waitPidfd", Napi::Function::New(env, WaitPidfd));
  exports.Set("waitPidfdAsync", Napi::Function::New(env, WaitPidfdAsync));
  exports.Set("mkfifo", Napi::Function::New(env, Mkfifo));
  exports.Set("openDirPath", Napi::Function::New(env, OpenDirPath));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd));
  exports.Set("mountIdentity", Napi::Function::New(env, MountIdentityOf));
  exports.Set("detachMountIf", Napi::Function::New(env, DetachMountIf));
  exports.Set("pipe", Napi::Function::New(env, Pipe));
  exports.Set("proxyPty", Napi::Function::New(env, ProxyPty));
  exports.Set("copyWindowSize", Napi::Function::New(env, CopyWindowSize));
  exports.Set("sendFdToSocket", Napi::Function::New(env, SendFdToSocket));
  exports.Set("collectChild", Napi::Function::New(env, CollectChild));
  exports.Set("compileSeccomp", Napi::Function::New(env, CompileSeccomp));
  exports.Set("replaceDeviceFilter", Napi::Function::New(env, ReplaceDeviceFilter));
  exports.Set("deviceFilterIds", Napi::Function::New(env, DeviceFilterIds));
  register_netlink(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(tsrun_native, Init)
