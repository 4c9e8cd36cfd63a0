// libFuzzer entry for the plan decoder (CVE-2021-43784 class bugs):
//   clang++ -g -fsanitize=fuzzer,address,undefined fuzz_plan.cc plan.cc
#include <stddef.h>
#include <stdint.h>

#include "plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tsrun::init::Plan plan;
  std::string error;
  tsrun::init::decode_plan(data, size, plan, error);
  return 0;
}
