// Test driver for the plan decoder (plan.cc), run by test/unit/plan-decode.test.ts.
// Not part of tsrun-init; build it with sanitizers:
//
//   g++ -std=c++20 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
//       addon/init/test_plan_decode.cc addon/init/plan.cc -o plan-decode
//
// Modes:
//   plan-decode PLAN                 decode PLAN (bytes from encodePlan) and print
//                                    the decoded fields as key=value lines
//   plan-decode --fuzz N SEED PLAN   feed N random and mutated inputs derived from
//                                    PLAN to decode_plan (plus systematic truncation
//                                    and length-field checks); exit 0 if every input
//                                    was handled and every invariant held
//
// Every input is copied into a heap buffer of exactly its size, so AddressSanitizer
// reports any read past the end (CVE-2021-43784 class bugs).
//
// The Makefile builds tsrun-init from addon/init/*.cc; so that this file adds
// no second main() there, its body only exists in a sanitizer build or with
// -DTSRUN_PLAN_DECODE_TEST.
#if defined(TSRUN_PLAN_DECODE_TEST) || defined(__SANITIZE_ADDRESS__)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "../common/protocol.h"
#include "plan.h"

namespace {

using tsrun::init::Plan;
using Bytes = std::vector<uint8_t>;

int failures = 0;

void fail(const std::string &what) {
  fprintf(stderr, "FAIL: %s\n", what.c_str());
  ++failures;
}

bool read_file(const char *path, Bytes &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

// Decodes a copy of the input held in an exactly-sized allocation.
bool decode_exact(const uint8_t *data, size_t size, Plan &plan, std::string &error) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[size]);
  if (size > 0) memcpy(copy.get(), data, size);
  return tsrun::init::decode_plan(copy.get(), size, plan, error);
}

bool decode_exact(const Bytes &b, Plan &plan, std::string &error) { return decode_exact(b.data(), b.size(), plan, error); }

// ---------------------------------------------------------------------------
// decode mode

std::string escape(const std::string &s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void kv(const std::string &key, const std::string &value) { printf("%s=%s\n", key.c_str(), escape(value).c_str()); }
void kv(const std::string &key, uint64_t value) { printf("%s=%llu\n", key.c_str(), static_cast<unsigned long long>(value)); }
void kv_i(const std::string &key, int64_t value) { printf("%s=%lld\n", key.c_str(), static_cast<long long>(value)); }
void kv_b(const std::string &key, bool value) { printf("%s=%d\n", key.c_str(), value ? 1 : 0); }

void print_plan(const Plan &p) {
  kv("mode", p.mode);
  kv("ns_new", p.ns_new);
  kv("ns_join.count", p.ns_join.size());
  for (size_t i = 0; i < p.ns_join.size(); i++) {
    const std::string k = "ns_join." + std::to_string(i);
    kv(k + ".type", p.ns_join[i].type);
    kv(k + ".path", p.ns_join[i].path);
  }
  kv_b("uid_map_needed", p.uid_map_needed);
  kv("rootfs", p.rootfs);
  kv_b("root_readonly", p.root_readonly);
  kv("root_propagation", p.root_propagation);
  kv("host_propagation", p.host_propagation);
  kv_b("no_pivot", p.no_pivot);
  kv_b("host_mount_ns", p.host_mount_ns);
  kv("mounts.count", p.mounts.size());
  for (size_t i = 0; i < p.mounts.size(); i++) {
    const auto &m = p.mounts[i];
    const std::string k = "mount." + std::to_string(i);
    kv(k + ".source", m.source);
    kv(k + ".destination", m.destination);
    kv(k + ".type", m.type);
    kv(k + ".data", m.data);
    kv(k + ".flags", m.flags);
    kv(k + ".propagation", m.propagation);
    kv(k + ".attr_set", m.attr_set);
    kv(k + ".attr_clr", m.attr_clr);
    kv_b(k + ".recursive_attr", m.recursive_attr);
    kv(k + ".idmap", m.idmap);
    kv(k + ".idmap_uid_map", m.idmap_uid_map);
    kv(k + ".idmap_gid_map", m.idmap_gid_map);
    kv(k + ".idmap_userns", m.idmap_userns);
  }
  kv("devices.count", p.devices.size());
  for (size_t i = 0; i < p.devices.size(); i++) {
    const auto &d = p.devices[i];
    const std::string k = "device." + std::to_string(i);
    kv(k + ".path", d.path);
    kv(k + ".mode", d.mode);
    kv(k + ".rdev", d.rdev);
    // glibc's own macros: the TS makedev must agree with them.
    kv(k + ".major", static_cast<uint64_t>(major(static_cast<dev_t>(d.rdev))));
    kv(k + ".minor", static_cast<uint64_t>(minor(static_cast<dev_t>(d.rdev))));
    kv(k + ".uid", d.uid);
    kv(k + ".gid", d.gid);
    kv_b(k + ".bind_fallback", d.bind_fallback);
  }
  kv("symlinks.count", p.symlinks.size());
  for (size_t i = 0; i < p.symlinks.size(); i++) {
    kv("symlink." + std::to_string(i) + ".path", p.symlinks[i].path);
    kv("symlink." + std::to_string(i) + ".target", p.symlinks[i].target);
  }
  kv("masked.count", p.masked_paths.size());
  for (size_t i = 0; i < p.masked_paths.size(); i++) kv("masked." + std::to_string(i), p.masked_paths[i]);
  kv("readonly.count", p.readonly_paths.size());
  for (size_t i = 0; i < p.readonly_paths.size(); i++) kv("readonly." + std::to_string(i), p.readonly_paths[i]);
  kv_b("has_hostname", p.has_hostname);
  kv("hostname", p.hostname);
  kv_b("has_domainname", p.has_domainname);
  kv("domainname", p.domainname);
  kv("sysctls.count", p.sysctls.size());
  for (size_t i = 0; i < p.sysctls.size(); i++) {
    kv("sysctl." + std::to_string(i) + ".key", p.sysctls[i].key);
    kv("sysctl." + std::to_string(i) + ".value", p.sysctls[i].value);
  }
  kv("args.count", p.args.size());
  for (size_t i = 0; i < p.args.size(); i++) kv("arg." + std::to_string(i), p.args[i]);
  kv("env.count", p.env.size());
  for (size_t i = 0; i < p.env.size(); i++) kv("env." + std::to_string(i), p.env[i]);
  kv("cwd", p.cwd);
  kv("uid", p.uid);
  kv("gid", p.gid);
  kv("additional_gids.count", p.additional_gids.size());
  for (size_t i = 0; i < p.additional_gids.size(); i++) kv("additional_gid." + std::to_string(i), p.additional_gids[i]);
  kv_b("has_umask", p.has_umask);
  kv("umask", p.umask);
  kv_b("no_new_privs", p.no_new_privs);
  kv_b("has_oom_score_adj", p.has_oom_score_adj);
  kv_i("oom_score_adj", p.oom_score_adj);
  kv_b("caps_present", p.caps_present);
  kv("cap_bounding", p.cap_bounding);
  kv("cap_effective", p.cap_effective);
  kv("cap_permitted", p.cap_permitted);
  kv("cap_inheritable", p.cap_inheritable);
  kv("cap_ambient", p.cap_ambient);
  kv("rlimits.count", p.rlimits.size());
  for (size_t i = 0; i < p.rlimits.size(); i++) {
    const std::string k = "rlimit." + std::to_string(i);
    kv(k + ".type", p.rlimits[i].type);
    kv(k + ".soft", p.rlimits[i].soft);
    kv(k + ".hard", p.rlimits[i].hard);
  }
  kv("preserve_fds", p.preserve_fds);
  kv("seccomp_bpf.size", p.seccomp_bpf.size());
  std::string hex;
  for (uint8_t b : p.seccomp_bpf) {
    static const char digits[] = "0123456789abcdef";
    hex += digits[b >> 4];
    hex += digits[b & 15];
  }
  kv("seccomp_bpf.hex", hex);
  kv_b("terminal", p.terminal);
  kv_b("setsid", p.setsid);
  kv_b("new_keyring", p.new_keyring);
  kv("exec_fifo_name", p.exec_fifo_name);
  kv("join_root", p.join_root);
}

// ---------------------------------------------------------------------------
// fuzz mode

struct Rng {
  uint64_t s;
  uint64_t next() {  // splitmix64
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
};

bool is_container(uint32_t tag) {
  using namespace tsrun::proto;
  return tag == kTagNsJoin || tag == kTagMount || tag == kTagDevice || tag == kTagSymlink || tag == kTagSysctl || tag == kTagRlimit;
}

struct Header {
  size_t offset;   // of the tag; the length is at offset + 4
  uint32_t size;   // the payload length
  bool top_level;
};

// Every record header of a well-formed plan, nested ones included.
void collect_headers(const Bytes &b, size_t begin, size_t end, bool top, std::vector<Header> &out) {
  size_t p = begin;
  while (p + 8 <= end) {
    uint32_t tag, size;
    memcpy(&tag, &b[p], 4);
    memcpy(&size, &b[p + 4], 4);
    if (size > end - p - 8) return;
    out.push_back({p, size, top});
    if (top && is_container(tag)) collect_headers(b, p + 8, p + 8 + size, false, out);
    p += 8 + size;
  }
}

void put_u32(Bytes &b, size_t off, uint32_t v) { memcpy(&b[off], &v, 4); }

// What a successful decode must guarantee whatever the input was.
void check_invariants(const Plan &p, const char *what) {
  if (p.args.empty()) fail(std::string(what) + ": accepted a plan without args");
  if (p.has_oom_score_adj && (p.oom_score_adj < -1000 || p.oom_score_adj > 1000)) fail(std::string(what) + ": oom_score_adj out of range");
  if (p.preserve_fds >= 65536) fail(std::string(what) + ": preserve_fds out of range");
  if (p.seccomp_bpf.size() % 8 != 0 || p.seccomp_bpf.size() / 8 > 4096) fail(std::string(what) + ": bad seccomp program size");
  auto no_nul = [&](const std::string &s) {
    if (s.find('\0') != std::string::npos) fail(std::string(what) + ": a decoded string holds a NUL");
  };
  no_nul(p.rootfs);
  no_nul(p.cwd);
  no_nul(p.hostname);
  for (const auto &a : p.args) no_nul(a);
  for (const auto &e : p.env) no_nul(e);
  for (const auto &m : p.mounts) {
    no_nul(m.source);
    no_nul(m.destination);
    no_nul(m.type);
    no_nul(m.data);
    no_nul(m.idmap_uid_map);
    no_nul(m.idmap_gid_map);
    no_nul(m.idmap_userns);
    if (m.idmap > 2) fail(std::string(what) + ": idmap mode out of range");
    if (m.idmap_uid_map.size() >= 4096 || m.idmap_gid_map.size() >= 4096) fail(std::string(what) + ": id map longer than a page");
  }
  for (const auto &d : p.devices) no_nul(d.path);
}

// Runs one input; returns whether it was accepted.
bool run_one(const Bytes &input, const char *what) {
  Plan plan;
  std::string error;
  bool ok = decode_exact(input, plan, error);
  if (ok) check_invariants(plan, what);
  else if (error.empty()) fail(std::string(what) + ": rejected without an error message");
  return ok;
}

int fuzz(const Bytes &valid, uint64_t iterations, uint64_t seed) {
  {
    Plan plan;
    std::string error;
    if (!decode_exact(valid, plan, error)) {
      fprintf(stderr, "the seed plan does not decode: %s\n", error.c_str());
      return 2;
    }
  }
  std::vector<Header> headers;
  collect_headers(valid, 0, valid.size(), true, headers);
  if (headers.empty()) {
    fprintf(stderr, "the seed plan has no records\n");
    return 2;
  }

  // 1. Every truncation. A cut inside a record must be refused; a cut at a
  //    top-level record boundary is a shorter, well-formed plan.
  std::vector<bool> boundary(valid.size() + 1, false);
  boundary[0] = true;
  for (const auto &h : headers)
    if (h.top_level) boundary[h.offset + 8 + h.size] = true;
  uint64_t truncations = 0, truncations_refused = 0;
  for (size_t cut = 0; cut < valid.size(); cut++) {
    Bytes t(valid.begin(), valid.begin() + static_cast<long>(cut));
    bool ok = run_one(t, "truncation");
    truncations++;
    if (!ok) truncations_refused++;
    if (ok && !boundary[cut]) fail("a plan cut inside a record at byte " + std::to_string(cut) + " was accepted");
  }

  // 2. Every length field set to values that run past the end.
  uint64_t lengths = 0;
  for (const auto &h : headers) {
    const uint32_t room = static_cast<uint32_t>(valid.size() - h.offset - 8);
    for (uint32_t v : {0xffffffffu, 0xfffffff8u, 0x80000000u, 0x7fffffffu, 0x10000000u, room + 1, room + 8}) {
      if (v <= room) continue;
      Bytes m = valid;
      put_u32(m, h.offset + 4, v);
      lengths++;
      if (run_one(m, "huge length")) fail("a length of " + std::to_string(v) + " at byte " + std::to_string(h.offset + 4) + " was accepted");
    }
    // a nested record running past its container must be refused too
    if (!h.top_level) {
      Bytes m = valid;
      put_u32(m, h.offset + 4, h.size + 1);
      lengths++;
      // The container's own length still bounds the nested reader.
      run_one(m, "nested overrun");
    }
  }

  // 3. Random mutations.
  Rng rng{seed};
  uint64_t accepted = 0, rejected = 0;
  for (uint64_t i = 0; i < iterations; i++) {
    Bytes m = valid;
    const int rounds = 1 + static_cast<int>(rng.below(3));
    for (int r = 0; r < rounds; r++) {
      switch (rng.below(9)) {
        case 0: {  // bit flips
          const size_t flips = 1 + rng.below(8);
          for (size_t f = 0; f < flips && !m.empty(); f++) m[rng.below(m.size())] ^= static_cast<uint8_t>(1u << rng.below(8));
          break;
        }
        case 1:  // truncation
          m.resize(rng.below(m.size() + 1));
          break;
        case 2: {  // a length field set to something large or off by a little
          const Header &h = headers[rng.below(headers.size())];
          if (h.offset + 8 > m.size()) break;
          static const uint32_t picks[] = {0xffffffffu, 0x7fffffffu, 0x80000000u, 0xfffffff9u, 0x01000000u};
          uint32_t v;
          switch (rng.below(4)) {
            case 0: v = picks[rng.below(sizeof picks / sizeof picks[0])]; break;
            case 1: v = h.size + 1 + static_cast<uint32_t>(rng.below(16)); break;
            case 2: v = h.size == 0 ? 0 : h.size - 1 - static_cast<uint32_t>(rng.below(h.size)); break;
            default: v = static_cast<uint32_t>(rng.next()); break;
          }
          put_u32(m, h.offset + 4, v);
          break;
        }
        case 3: {  // a tag changed (possibly into a container tag)
          const Header &h = headers[rng.below(headers.size())];
          if (h.offset + 4 > m.size()) break;
          static const uint32_t tags[] = {1, 2, 11, 24, 40, 47, 54, 74, 79, 87, 88, 0, 0xffffffffu};
          put_u32(m, h.offset, rng.below(2) ? tags[rng.below(sizeof tags / sizeof tags[0])] : static_cast<uint32_t>(rng.below(100)));
          break;
        }
        case 4: {  // random bytes over a random span
          if (m.empty()) break;
          size_t at = rng.below(m.size());
          size_t n = 1 + rng.below(16);
          for (size_t k = 0; k < n && at + k < m.size(); k++) m[at + k] = static_cast<uint8_t>(rng.next());
          break;
        }
        case 5: {  // a slice of the plan inserted somewhere (duplicated records)
          size_t from = rng.below(valid.size());
          size_t n = rng.below(std::min<size_t>(valid.size() - from, 64) + 1);
          size_t at = rng.below(m.size() + 1);
          m.insert(m.begin() + static_cast<long>(at), valid.begin() + static_cast<long>(from), valid.begin() + static_cast<long>(from + n));
          break;
        }
        case 6: {  // a span removed
          if (m.empty()) break;
          size_t at = rng.below(m.size());
          size_t n = 1 + rng.below(std::min<size_t>(m.size() - at, 32));
          m.erase(m.begin() + static_cast<long>(at), m.begin() + static_cast<long>(at + n));
          break;
        }
        case 7: {  // entirely random input
          m.resize(rng.below(256));
          for (auto &b : m) b = static_cast<uint8_t>(rng.next());
          break;
        }
        default: {  // a well-formed header with a random tag and a huge length appended
          Bytes h(8);
          put_u32(h, 0, static_cast<uint32_t>(rng.below(90)));
          put_u32(h, 4, 0xffffffffu - static_cast<uint32_t>(rng.below(16)));
          size_t at = rng.below(m.size() + 1);
          m.insert(m.begin() + static_cast<long>(at), h.begin(), h.end());
          break;
        }
      }
    }
    if (run_one(m, "mutation")) accepted++;
    else rejected++;
  }

  printf("fuzz.headers=%zu\n", headers.size());
  printf("fuzz.truncations=%llu\n", static_cast<unsigned long long>(truncations));
  printf("fuzz.truncations_refused=%llu\n", static_cast<unsigned long long>(truncations_refused));
  printf("fuzz.length_checks=%llu\n", static_cast<unsigned long long>(lengths));
  printf("fuzz.iterations=%llu\n", static_cast<unsigned long long>(iterations));
  printf("fuzz.accepted=%llu\n", static_cast<unsigned long long>(accepted));
  printf("fuzz.rejected=%llu\n", static_cast<unsigned long long>(rejected));
  printf("fuzz.failures=%d\n", failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc == 2) {
    Bytes b;
    if (!read_file(argv[1], b)) {
      fprintf(stderr, "cannot read %s\n", argv[1]);
      return 2;
    }
    Plan plan;
    std::string error;
    if (!decode_exact(b, plan, error)) {
      printf("ok=0\nerror=%s\n", escape(error).c_str());
      return 1;
    }
    printf("ok=1\n");
    print_plan(plan);
    return 0;
  }
  if (argc == 5 && strcmp(argv[1], "--fuzz") == 0) {
    char *end = nullptr;
    const uint64_t n = strtoull(argv[2], &end, 10);
    if (*end != '\0') return 2;
    const uint64_t seed = strtoull(argv[3], &end, 10);
    if (*end != '\0') return 2;
    Bytes b;
    if (!read_file(argv[4], b)) {
      fprintf(stderr, "cannot read %s\n", argv[4]);
      return 2;
    }
    return fuzz(b, n, seed);
  }
  fprintf(stderr, "usage: %s PLAN | --fuzz N SEED PLAN\n", argv[0]);
  return 2;
}

#endif  // TSRUN_PLAN_DECODE_TEST || __SANITIZE_ADDRESS__
