// JS errors from the addon carry errno and code, like Node's own, so the
// TypeScript side can tell ENOENT from EPERM without parsing text.
#pragma once
#include <ctype.h>
#include <string.h>

#include <string>

#include <napi.h>

namespace tsrun::addon {

// strerror(err) with a lower-case first letter, as Node words its errors.
inline std::string lowercase_strerror(int err) {
  std::string reason = strerror(err);
  if (!reason.empty()) reason[0] = static_cast<char>(tolower(reason[0]));
  return reason;
}

inline Napi::Error error_with_errno(Napi::Env env, const std::string &text, int err) {
  Napi::Error e = Napi::Error::New(env, text);
  e.Set("errno", Napi::Number::New(env, err));
  const char *code = strerrorname_np(err);
  if (code != nullptr) e.Set("code", Napi::String::New(env, code));
  return e;
}

}  // namespace tsrun::addon
