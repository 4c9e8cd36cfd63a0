// compileSeccomp: a normalized seccomp profile (src/plan/seccomp.ts) -> the
// classic BPF program tsrun-init hands to seccomp(2).
//
// libseccomp builds the filter; we export it, and, when the profile asks for
// it, put in front a short stub that answers ENOSYS for syscall numbers above
// the largest one the profile names (per architecture), so that a program
// trying a syscall newer than the profile falls back as on an older kernel.
#include "seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <string>
#include <vector>

namespace tsrun::addon {
namespace {

struct Condition {
  unsigned index = 0;
  scmp_compare op = SCMP_CMP_EQ;
  uint64_t value = 0;
  uint64_t value_two = 0;
};

struct Rule {
  std::vector<std::string> names;
  uint32_t action = 0;
  std::vector<Condition> args;
  std::string pointer;
};

struct Arch {
  uint32_t token = 0;
  std::string pointer;
};

struct Program {
  uint32_t default_action = 0;
  std::vector<Arch> arches;
  std::vector<Rule> rules;
  bool enosys = false;
  std::vector<std::string> enosys_names;
};

// A part of the profile libseccomp refused; `pointer` names the config field.
struct CompileError {
  std::string pointer;
  std::string message;
};

constexpr const char *kProfile = "/linux/seccomp";
constexpr uint32_t kX32SyscallBit = 0x40000000;

std::string lower_strerror(int err) {
  std::string s = strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(tolower(s[0]));
  return s;
}

// --- reading the JavaScript value ------------------------------------------

[[noreturn]] void bad_input(Napi::Env env, const std::string &where, const char *what) {
  throw Napi::TypeError::New(env, "compileSeccomp: " + where + " " + what);
}

uint32_t read_u32(Napi::Env env, Napi::Value v, const std::string &where) {
  if (!v.IsNumber()) bad_input(env, where, "must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 4294967295.0) || std::floor(d) != d) bad_input(env, where, "must be an unsigned 32-bit integer");
  return static_cast<uint32_t>(d);
}

// A uint64: a BigInt, a safe-integer Number, or a decimal / 0x string.
uint64_t read_u64(Napi::Env env, Napi::Value v, const std::string &where) {
  if (v.IsBigInt()) {
    bool lossless = false;
    uint64_t out = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) bad_input(env, where, "must fit in 64 unsigned bits");
    return out;
  }
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 0 && d <= 9007199254740991.0) || std::floor(d) != d) bad_input(env, where, "must be a non-negative safe integer (use a BigInt or a string above 2^53)");
    return static_cast<uint64_t>(d);
  }
  if (v.IsString()) {
    std::string s = v.As<Napi::String>().Utf8Value();
    int base = 10;
    size_t start = 0;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      base = 16;
      start = 2;
    }
    if (s.size() == start) bad_input(env, where, "must be a number");
    uint64_t out = 0;
    for (size_t i = start; i < s.size(); i++) {
      int digit;
      char c = s[i];
      if (c >= '0' && c <= '9') digit = c - '0';
      else if (base == 16 && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      else if (base == 16 && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      else bad_input(env, where, "must be a decimal or 0x-prefixed hexadecimal number");
      if (out > (UINT64_MAX - static_cast<uint64_t>(digit)) / static_cast<uint64_t>(base)) bad_input(env, where, "must fit in 64 unsigned bits");
      out = out * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit);
    }
    return out;
  }
  bad_input(env, where, "must be a BigInt, a number or a numeric string");
}

std::string read_string(Napi::Env env, Napi::Value v, const std::string &where) {
  if (!v.IsString()) bad_input(env, where, "must be a string");
  return v.As<Napi::String>().Utf8Value();
}

Napi::Array read_array(Napi::Env env, Napi::Object o, const char *key, const std::string &where) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return Napi::Array::New(env, 0);
  if (!v.IsArray()) bad_input(env, where + key, "must be an array");
  return v.As<Napi::Array>();
}

std::string optional_pointer(Napi::Env env, Napi::Object o, const std::string &where, const std::string &fallback) {
  Napi::Value v = o.Get("pointer");
  if (v.IsUndefined() || v.IsNull()) return fallback;
  return read_string(env, v, where + "pointer");
}

Condition read_condition(Napi::Env env, Napi::Value v, const std::string &where) {
  if (!v.IsObject()) bad_input(env, where, "must be an object");
  Napi::Object o = v.As<Napi::Object>();
  Condition c;
  c.index = read_u32(env, o.Get("index"), where + ".index");
  if (c.index >= 6) bad_input(env, where + ".index", "must be below 6");
  uint32_t op = read_u32(env, o.Get("op"), where + ".op");
  if (op <= _SCMP_CMP_MIN || op >= _SCMP_CMP_MAX) bad_input(env, where + ".op", "is not a SCMP_CMP_* value");
  c.op = static_cast<scmp_compare>(op);
  c.value = read_u64(env, o.Get("value"), where + ".value");
  Napi::Value two = o.Get("valueTwo");
  if (!two.IsUndefined() && !two.IsNull()) c.value_two = read_u64(env, two, where + ".valueTwo");
  return c;
}

Program read_program(Napi::Env env, Napi::Value input) {
  if (input.IsString()) {
    Napi::Object json = env.Global().Get("JSON").As<Napi::Object>();
    input = json.Get("parse").As<Napi::Function>().Call(json, {input});
  }
  if (!input.IsObject()) bad_input(env, "profile", "must be an object or its JSON text");
  Napi::Object o = input.As<Napi::Object>();
  Program p;
  p.default_action = read_u32(env, o.Get("defaultAction"), "defaultAction");

  Napi::Array arches = read_array(env, o, "architectures", "");
  for (uint32_t i = 0; i < arches.Length(); i++) {
    std::string where = "architectures[" + std::to_string(i) + "]";
    Napi::Value v = arches.Get(i);
    Arch a;
    if (v.IsNumber()) {
      a.token = read_u32(env, v, where);
      a.pointer = std::string(kProfile) + "/architectures/" + std::to_string(i);
    } else if (v.IsObject()) {
      a.token = read_u32(env, v.As<Napi::Object>().Get("token"), where + ".token");
      a.pointer = optional_pointer(env, v.As<Napi::Object>(), where + ".", std::string(kProfile) + "/architectures/" + std::to_string(i));
    } else {
      bad_input(env, where, "must be a SCMP_ARCH_* token or {token, pointer}");
    }
    p.arches.push_back(a);
  }

  Napi::Array rules = read_array(env, o, "rules", "");
  for (uint32_t i = 0; i < rules.Length(); i++) {
    std::string where = "rules[" + std::to_string(i) + "]";
    Napi::Value v = rules.Get(i);
    if (!v.IsObject()) bad_input(env, where, "must be an object");
    Napi::Object r = v.As<Napi::Object>();
    Rule rule;
    rule.action = read_u32(env, r.Get("action"), where + ".action");
    rule.pointer = optional_pointer(env, r, where + ".", kProfile);
    Napi::Array names = read_array(env, r, "names", where + ".");
    for (uint32_t j = 0; j < names.Length(); j++)
      rule.names.push_back(read_string(env, names.Get(j), where + ".names[" + std::to_string(j) + "]"));
    Napi::Array args = read_array(env, r, "args", where + ".");
    for (uint32_t k = 0; k < args.Length(); k++)
      rule.args.push_back(read_condition(env, args.Get(k), where + ".args[" + std::to_string(k) + "]"));
    p.rules.push_back(std::move(rule));
  }

  Napi::Value stub = o.Get("enosysNames");
  if (!stub.IsUndefined() && !stub.IsNull()) {
    p.enosys = true;
    Napi::Array names = read_array(env, o, "enosysNames", "");
    for (uint32_t j = 0; j < names.Length(); j++)
      p.enosys_names.push_back(read_string(env, names.Get(j), "enosysNames[" + std::to_string(j) + "]"));
  }
  return p;
}

// --- libseccomp --------------------------------------------------------------

class Filter {
 public:
  explicit Filter(uint32_t default_action) : ctx_(seccomp_init(default_action)) {}
  ~Filter() {
    if (ctx_ != nullptr) seccomp_release(ctx_);
  }
  Filter(const Filter &) = delete;
  Filter &operator=(const Filter &) = delete;
  scmp_filter_ctx get() const { return ctx_; }

 private:
  scmp_filter_ctx ctx_;
};

std::string libseccomp_version() {
  const scmp_version *v = seccomp_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
}

std::vector<sock_filter> export_bpf(scmp_filter_ctx ctx) {
  int fd = memfd_create("tsrun-seccomp", MFD_CLOEXEC);
  if (fd < 0) throw CompileError{kProfile, "memfd_create: " + lower_strerror(errno)};
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc < 0) throw CompileError{kProfile, "exporting the filter: " + lower_strerror(-rc)};
  struct stat st;
  if (fstat(fd, &st) < 0) throw CompileError{kProfile, "fstat: " + lower_strerror(errno)};
  if (st.st_size % sizeof(sock_filter) != 0) throw CompileError{kProfile, "libseccomp exported a partial BPF instruction"};
  std::vector<sock_filter> out(static_cast<size_t>(st.st_size) / sizeof(sock_filter));
  size_t want = static_cast<size_t>(st.st_size), done = 0;
  auto *bytes = reinterpret_cast<uint8_t *>(out.data());
  while (done < want) {
    ssize_t n = pread(fd, bytes + done, want - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw CompileError{kProfile, "reading the exported filter: " + lower_strerror(n < 0 ? errno : EIO)};
    done += static_cast<size_t>(n);
  }
  return out;
}

// --- the ENOSYS stub ---------------------------------------------------------

// The largest number any of `names` has on the architecture, or -1.
long largest_syscall(uint32_t token, const std::vector<std::string> &names) {
  long largest = -1;
  for (const auto &name : names) {
    int nr = seccomp_syscall_resolve_name_arch(token, name.c_str());
    if (nr >= 0 && nr > largest) largest = nr;
  }
  return largest;
}

// Jumps with a destination known only at the end: the ENOSYS return or the
// first instruction of libseccomp's filter.
enum class Target { kEnosys, kFilter };

class StubBuilder {
 public:
  size_t size() const { return code_.size(); }

  size_t emit(uint16_t op, uint8_t jt, uint8_t jf, uint32_t k) {
    code_.push_back(sock_filter{op, jt, jf, k});
    return code_.size() - 1;
  }

  void jump(Target t) { fixups_.push_back({emit(BPF_JMP | BPF_JA | BPF_K, 0, 0, 0), t}); }

  // Jump to ENOSYS when the syscall number (in A) is above `largest`, else
  // on to the filter. No largest number: straight to the filter.
  void bound(long largest) {
    if (largest < 0) {
      jump(Target::kFilter);
      return;
    }
    emit(BPF_JMP | BPF_JGT | BPF_K, 0, 1, static_cast<uint32_t>(largest));
    jump(Target::kEnosys);
    jump(Target::kFilter);
  }

  void set_jf(size_t at, size_t to) { code_[at].jf = static_cast<uint8_t>(to - (at + 1)); }
  void set_jt(size_t at, size_t to) { code_[at].jt = static_cast<uint8_t>(to - (at + 1)); }

  std::vector<sock_filter> finish() {
    jump(Target::kFilter);  // architectures without a section of their own
    size_t enosys = emit(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
    size_t filter = enosys + 1;
    for (const auto &[at, t] : fixups_) code_[at].k = static_cast<uint32_t>((t == Target::kEnosys ? enosys : filter) - (at + 1));
    return code_;
  }

 private:
  std::vector<sock_filter> code_;
  std::vector<std::pair<size_t, Target>> fixups_;
};

std::vector<sock_filter> enosys_stub(const Program &p) {
  std::vector<uint32_t> tokens = {seccomp_arch_native()};
  for (const auto &a : p.arches) {
    bool seen = false;
    for (uint32_t t : tokens) seen = seen || t == a.token;
    if (!seen) tokens.push_back(a.token);
  }
  // One section per AUDIT_ARCH_* value; x86-64 and x32 share one, told apart
  // by the x32 bit of the syscall number.
  struct Section {
    uint32_t audit_arch;
    long largest = -1;      // the architecture's own (x86-64's without the x32 bit)
    long largest_x32 = -1;  // x32's (numbers include the x32 bit)
  };
  std::vector<Section> sections;
  for (uint32_t token : tokens) {
    bool x32 = token == SCMP_ARCH_X32;
    uint32_t audit = x32 ? AUDIT_ARCH_X86_64 : token;
    long largest = largest_syscall(token, p.enosys_names);
    if (largest < 0) continue;
    Section *s = nullptr;
    for (auto &e : sections) s = e.audit_arch == audit ? &e : s;
    if (s == nullptr) {
      sections.push_back(Section{audit});
      s = &sections.back();
    }
    (x32 ? s->largest_x32 : s->largest) = largest;
  }
  if (sections.empty()) return {};

  StubBuilder b;
  b.emit(BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
  for (const auto &s : sections) {
    size_t check = b.emit(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, s.audit_arch);
    b.emit(BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
    if (s.audit_arch == AUDIT_ARCH_X86_64) {
      size_t mode = b.emit(BPF_JMP | BPF_JSET | BPF_K, 0, 0, kX32SyscallBit);
      b.bound(s.largest);
      b.set_jt(mode, b.size());
      b.bound(s.largest_x32);
    } else {
      b.bound(s.largest);
    }
    b.set_jf(check, b.size());  // another architecture: the next section
  }
  return b.finish();
}

// --- compile -----------------------------------------------------------------

std::vector<sock_filter> compile(const Program &p) {
  Filter filter(p.default_action);
  scmp_filter_ctx ctx = filter.get();
  if (ctx == nullptr) throw CompileError{std::string(kProfile) + "/defaultAction", "libseccomp refuses the default action"};
  // tsrun-init decides about no_new_privs; libseccomp must not set it.
  int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (rc < 0) throw CompileError{kProfile, "clearing the no_new_privs attribute: " + lower_strerror(-rc)};

  for (const auto &a : p.arches) {
    rc = seccomp_arch_add(ctx, a.token);
    if (rc == -EEXIST) continue;  // the native architecture is always there
    if (rc < 0) throw CompileError{a.pointer, "architecture not supported by libseccomp " + libseccomp_version() + ": " + lower_strerror(-rc)};
  }
  // A binary tree instead of a linear list of syscalls for long profiles
  // (libseccomp <= 2.5.4 mishandles the tree for a filter without rules).
  size_t syscalls = 0;
  for (const auto &rule : p.rules) syscalls += rule.names.size();
  if (syscalls > 32) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

  for (const auto &rule : p.rules) {
    std::vector<scmp_arg_cmp> conds;
    for (const auto &c : rule.args) conds.push_back(scmp_arg_cmp{c.index, c.op, c.value, c.value_two});
    for (const auto &name : rule.names) {
      int nr = seccomp_syscall_resolve_name(name.c_str());
      if (nr == __NR_SCMP_ERROR) continue;  // unknown here: skipped, as runc does
      rc = seccomp_rule_add_array(ctx, rule.action, nr, static_cast<unsigned>(conds.size()), conds.empty() ? nullptr : conds.data());
      if (rc < 0) throw CompileError{rule.pointer, "adding the rule for syscall " + name + ": " + lower_strerror(-rc)};
    }
  }

  std::vector<sock_filter> program = export_bpf(ctx);
  if (p.enosys) {
    std::vector<sock_filter> stub = enosys_stub(p);
    program.insert(program.begin(), stub.begin(), stub.end());
  }
  if (program.size() > BPF_MAXINSNS)
    throw CompileError{kProfile, "the profile compiles to " + std::to_string(program.size()) + " BPF instructions; the kernel accepts at most " +
                                     std::to_string(BPF_MAXINSNS)};
  return program;
}

}  // namespace

Napi::Value CompileSeccomp(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1) throw Napi::TypeError::New(env, "compileSeccomp: expected a profile");
  Program program = read_program(env, info[0]);
  std::vector<sock_filter> bpf;
  try {
    bpf = compile(program);
  } catch (const CompileError &e) {
    Napi::Error err = Napi::Error::New(env, e.message);
    err.Set("pointer", Napi::String::New(env, e.pointer));
    throw err;
  }
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t *>(bpf.data()), bpf.size() * sizeof(sock_filter));
}

}  // namespace tsrun::addon
