#pragma once

// What a caller sharing LibTorch's CUDA context needs (the GStreamer element passes GPU frames
// without copies): LibTorch runs everything in each device's primary context, through CUDA's
// runtime API, on its current stream.

#include <cstdint>
#include <string>

#include <c10/core/Device.h>

namespace srgan {

/// Makes `device`'s primary context (the one LibTorch uses) current on the calling thread,
/// initialising CUDA if needed; a driver-API caller can then read it with cuCtxGetCurrent or
/// cuCtxPopCurrent. Throws srgan::Error when `device` is not a usable CUDA device.
void make_cuda_context_current(c10::Device device);

/// Why no CUDA device is visible, in words a user can act on: this build's LibTorch has no
/// CUDA, CUDA_VISIBLE_DEVICES hides every GPU, no NVIDIA driver is installed (libcuda.so.1
/// cannot be loaded), or the driver finds no GPU.
std::string why_no_cuda_device();

/// Retains `device`'s primary context, the one the CUDA runtime and so LibTorch run in, and
/// returns its handle (a CUcontext): it stays alive, even if every other user lets it go,
/// until release_primary_context(device). Uses the driver through the runtime's entry points,
/// so nothing links libcuda. Throws srgan::Error when `device` is not a usable CUDA device.
void* retain_primary_context(c10::Device device);
/// Gives back one retain_primary_context(device).
void release_primary_context(c10::Device device);

/// Blocks until all work on `device`, on every stream, has finished (cudaDeviceSynchronize):
/// what the legacy default stream queued (weights copied in while loading) is then visible to
/// work on non-blocking streams. No-op for the CPU.
void synchronize_device(c10::Device device);

/// Blocks until the work queued on LibTorch's current stream for `device` has finished: the
/// point from which other CUDA users may read what it wrote. No-op for the CPU.
void synchronize_current_stream(c10::Device device);

/// Makes the calling thread run LibTorch's work for `device` on a stream of its own (from
/// LibTorch's pool), so that threads overlap on the GPU. No-op for the CPU.
void use_own_cuda_stream(c10::Device device);

/// Bytes free on `device` now (cudaMemGetInfo); 0 for the CPU.
int64_t free_device_memory(c10::Device device);

/// Hands the memory LibTorch's caching allocator keeps for reuse back to the driver, so that a
/// stopped pipeline leaves the GPU as it found it. No-op for the CPU.
void release_cached_device_memory(c10::Device device);

}  // namespace srgan
