// Seccomp profile -> classic BPF, with libseccomp, in the parent process
// (tsrun-init only loads the bytes). The input is what src/plan/seccomp.ts
// normalizeSeccomp() produces, as an object or as its JSON text.
#pragma once
#include <napi.h>

namespace tsrun::addon {

// compileSeccomp(program: object | string): Uint8Array (struct sock_filter[]).
// Throws an Error whose `pointer` property, when set, is the JSON pointer of
// the config field libseccomp refused.
Napi::Value CompileSeccomp(const Napi::CallbackInfo &info);

}  // namespace tsrun::addon
