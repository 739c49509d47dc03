#include "srgan/heap_reuse.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace srgan {
namespace {

std::mutex mutex;
int users = 0;

bool wanted() {
  const char* setting = std::getenv("SRGAN_HEAP_REUSE");
  return !(setting && std::strcmp(setting, "0") == 0);
}

}  // namespace

void begin_heap_reuse() {
#if defined(__GLIBC__)
  std::lock_guard<std::mutex> lock(mutex);
  if (!wanted() || users++ > 0) return;
  constexpr int kOneGiB = 1 << 30;
  mallopt(M_MMAP_THRESHOLD, kOneGiB);
  mallopt(M_TRIM_THRESHOLD, kOneGiB);
  // The heap grows in steps of a map or two rather than page by page (measured: half the faults
  // of the next frame again).
  mallopt(M_TOP_PAD, 64 << 20);
#endif
}

void release_heap_reuse() {
#if defined(__GLIBC__)
  std::lock_guard<std::mutex> lock(mutex);
  if (!wanted() || users == 0 || --users > 0) return;
  malloc_trim(0);
#endif
}

}  // namespace srgan
