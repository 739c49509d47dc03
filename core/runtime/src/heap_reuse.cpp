#include "srgan/heap_reuse.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace srgan {
namespace {

std::mutex mutex;
int users = 0;

constexpr int kThreshold = 1 << 30;  // 1 GiB: no activation map is served by mmap
constexpr int kTopPad = 64 << 20;    // the heap grows a map or two at a time

bool wanted() {
  const char* setting = std::getenv("SRGAN_HEAP_REUSE");
  return !(setting && std::strcmp(setting, "0") == 0);
}

}  // namespace

void begin_heap_reuse() {
#if defined(__GLIBC__)
  std::lock_guard<std::mutex> lock(mutex);
  if (!wanted() || users++ > 0) return;
  mallopt(M_MMAP_THRESHOLD, kThreshold);
  mallopt(M_TRIM_THRESHOLD, kThreshold);
  // The heap grows in steps of a map or two rather than page by page (measured: half the faults
  // of the next frame again).
  mallopt(M_TOP_PAD, kTopPad);
#endif
}

void release_heap_reuse() {
#if defined(__GLIBC__)
  std::lock_guard<std::mutex> lock(mutex);
  if (!wanted() || users == 0 || --users > 0) return;
  malloc_trim(0);
#endif
}

std::string heap_reuse_environment() {
#if defined(__GLIBC__)
  if (!wanted()) return {};
  return "MALLOC_MMAP_THRESHOLD_=" + std::to_string(kThreshold) +
         " MALLOC_TRIM_THRESHOLD_=" + std::to_string(kThreshold) +
         " MALLOC_TOP_PAD_=" + std::to_string(kTopPad) + " ";
#else
  return {};
#endif
}

}  // namespace srgan
