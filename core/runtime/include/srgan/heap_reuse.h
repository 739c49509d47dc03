#pragma once

#include <string>

namespace srgan {

/// CPU inference allocates and frees an activation map per layer (32 channels of a 960x540 tile
/// are 66 MB), and glibc serves blocks that large with mmap and gives them back with munmap:
/// every layer's output was page-faulted in anew, a third of a frame's time (measured: 2.4 M
/// minor faults for four 960x540 frames of the x2, 0.23 M with this). Raises glibc's mmap and
/// trim thresholds to 1 GiB (and its top pad to 64 MiB) so that these blocks stay in the heap and
/// the next layer reuses them, as PyTorch's CPU deployment guides get from jemalloc or tcmalloc.
/// Process-wide; the CPU Upscaler calls it while one exists (release_heap_reuse() hands the free
/// memory back when the last goes). SRGAN_HEAP_REUSE=0 leaves malloc as it is (a host application
/// that tunes its own, or a benchmark of the difference).
void begin_heap_reuse();
void release_heap_reuse();

/// The same settings as glibc's environment variables ("MALLOC_MMAP_THRESHOLD_=... "), for a
/// command line that starts another process (a benchmark's PyTorch peer) so that it allocates
/// as the Upscaler does; empty where heap reuse is off or the C library is not glibc.
std::string heap_reuse_environment();

}  // namespace srgan
