#pragma once

#include <cstdint>
#include <string>

#include <c10/core/Device.h>

namespace srgan {

/// Bytes that can still be allocated on `device` now: on the CPU, MemAvailable of
/// /proc/meminfo, bounded by the cgroup's memory.max less what it uses (containers); on CUDA,
/// the device's free memory. SRGAN_MEMORY_LIMIT_MB, when set, bounds it further (a budget of
/// one's own on a shared machine, and the tests). -1 when nothing says.
int64_t available_memory_bytes(c10::Device device);

/// "512 KiB", "199 MiB", "7.4 GiB".
std::string format_bytes(int64_t bytes);

/// Empty when `needed` bytes fit in what `device` has available, otherwise one line: "WHAT
/// needs N (DETAIL), only M is available on DEVICE".
std::string memory_shortfall(c10::Device device, int64_t needed, const std::string& what,
                             const std::string& detail);

}  // namespace srgan
