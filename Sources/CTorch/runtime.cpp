// Runtime entry points of the shim (seed, threads, version, errors).
#include "ctorch.h"
#include "shim_support.hpp"
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/core/Generator.h>
#include <ATen/CPUGeneratorImpl.h>

namespace {
thread_local std::string last_error;
}

namespace ctorch {
void set_last_error(const char *message) { last_error = message ? message : "unknown error"; }
}

extern "C" {
const char *ct_last_error(void) { return last_error.c_str(); }
void ct_manual_seed(uint64_t seed) { at::manual_seed(seed); }
void ct_set_num_threads(int n) { at::set_num_threads(n); }
int ct_get_num_threads(void) { return at::get_num_threads(); }
const char *ct_version(void) { return "1.13.1"; }
}
