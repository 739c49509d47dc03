#include "srgan/available_memory.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "srgan/cuda_device.h"

namespace srgan {
namespace {

// A number from a one-line file ("max" and unreadable files: -1).
int64_t read_number(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return -1;
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    return -1;
  }
}

int64_t meminfo_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  int64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib * 1024;
  }
  return -1;
}

int64_t bounded(int64_t a, int64_t b) {
  if (a < 0) return b;
  if (b < 0) return a;
  return std::min(a, b);
}

}  // namespace

int64_t available_memory_bytes(c10::Device device) {
  int64_t available = -1;
  if (device.is_cuda()) {
    available = free_device_memory(device);
  } else {
    available = meminfo_available();
    const int64_t limit = read_number("/sys/fs/cgroup/memory.max");
    const int64_t used = read_number("/sys/fs/cgroup/memory.current");
    if (limit >= 0 && used >= 0) available = bounded(available, std::max<int64_t>(0, limit - used));
  }
  if (const char* cap = std::getenv("SRGAN_MEMORY_LIMIT_MB")) {
    char* end = nullptr;
    const long long mb = std::strtoll(cap, &end, 10);
    if (end != cap && *end == '\0' && mb >= 0) available = bounded(available, mb * 1024 * 1024);
  }
  return available;
}

std::string format_bytes(int64_t bytes) {
  char text[32];
  const double b = static_cast<double>(bytes);
  if (b >= 1024.0 * 1024 * 1024) {
    std::snprintf(text, sizeof(text), "%.1f GiB", b / (1024.0 * 1024 * 1024));
  } else if (b >= 1024.0 * 1024) {
    std::snprintf(text, sizeof(text), "%.0f MiB", b / (1024.0 * 1024));
  } else {
    std::snprintf(text, sizeof(text), "%.0f KiB", b / 1024.0);
  }
  return text;
}

std::string memory_shortfall(c10::Device device, int64_t needed, const std::string& what,
                             const std::string& detail) {
  const int64_t available = available_memory_bytes(device);
  if (available < 0 || needed <= available) return "";
  return what + " needs " + format_bytes(needed) + " (" + detail + "), only " +
         format_bytes(available) + " is available on " + device.str();
}

}  // namespace srgan
