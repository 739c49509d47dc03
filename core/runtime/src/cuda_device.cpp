#include "srgan/cuda_device.h"

#include <cstdlib>
#include <string>

#include <dlfcn.h>

#include <ATen/Context.h>

#include "srgan/error.h"

#ifdef SRGAN_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda.h>
#include <cuda_runtime_api.h>
#endif

namespace srgan {

void make_cuda_context_current(c10::Device device) {
  if (!device.is_cuda()) throw Error("make_cuda_context_current needs a CUDA device");
#ifdef SRGAN_WITH_CUDA
  if (static_cast<int>(device.index()) >= static_cast<int>(c10::cuda::device_count())) {
    throw Error("no CUDA device " + device.str() + " here");
  }
  c10::cuda::set_device(device.has_index() ? device.index() : 0);
  // The runtime creates and binds the primary context lazily, at the first call that needs it.
  const cudaError_t status = cudaFree(nullptr);
  if (status != cudaSuccess) {
    throw Error("cannot initialise CUDA on " + device.str() + ": " + cudaGetErrorString(status));
  }
#else
  throw Error("LibTorch was built without CUDA: no context for " + device.str());
#endif
}

std::string why_no_cuda_device() {
#ifndef SRGAN_WITH_CUDA
  return "this build's LibTorch has no CUDA support";
#else
  if (!at::hasCUDA()) return "LibTorch's CUDA library is not loaded";
  if (const char* visible = std::getenv("CUDA_VISIBLE_DEVICES")) {
    const std::string v = visible;
    if (v.empty() || v.rfind("-1", 0) == 0 || v == "NoDevFiles")
      return "CUDA_VISIBLE_DEVICES='" + v + "' hides every GPU";
  }
  // The driver's library, loaded by the CUDA runtime at its first call: without it, no GPU.
  if (void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL)) {
    dlclose(driver);
    return "the NVIDIA driver finds no GPU";
  }
  return "no NVIDIA driver: libcuda.so.1 cannot be loaded";
#endif
}

#ifdef SRGAN_WITH_CUDA
namespace {

/// A driver function through the runtime (cudaGetDriverEntryPointByVersion): no libcuda link.
template <typename Function>
Function driver_function(const char* name) {
  void* function = nullptr;
  cudaDriverEntryPointQueryResult found = cudaDriverEntryPointSymbolNotFound;
  if (cudaGetDriverEntryPointByVersion(name, &function, 12000, cudaEnableDefault, &found) !=
          cudaSuccess ||
      found != cudaDriverEntryPointSuccess || function == nullptr) {
    throw Error(std::string("the CUDA driver has no ") + name);
  }
  return reinterpret_cast<Function>(function);
}

CUdevice driver_device(c10::Device device) {
  using DeviceGet = CUresult (*)(CUdevice*, int);
  CUdevice handle = 0;
  const int ordinal = device.has_index() ? device.index() : 0;
  if (driver_function<DeviceGet>("cuDeviceGet")(&handle, ordinal) != CUDA_SUCCESS)
    throw Error("no CUDA device " + device.str() + " for the driver");
  return handle;
}

}  // namespace
#endif

void* retain_primary_context(c10::Device device) {
  make_cuda_context_current(device);  // initialises the runtime (and its own retain) first
#ifdef SRGAN_WITH_CUDA
  using Retain = CUresult (*)(CUcontext*, CUdevice);
  CUcontext context = nullptr;
  const CUresult status =
      driver_function<Retain>("cuDevicePrimaryCtxRetain")(&context, driver_device(device));
  if (status != CUDA_SUCCESS || context == nullptr)
    throw Error("cannot retain the primary CUDA context of " + device.str() + " (CUresult " +
                std::to_string(static_cast<int>(status)) + ")");
  return context;
#else
  return nullptr;  // make_cuda_context_current has thrown
#endif
}

void release_primary_context(c10::Device device) {
#ifdef SRGAN_WITH_CUDA
  using Release = CUresult (*)(CUdevice);
  try {
    driver_function<Release>("cuDevicePrimaryCtxRelease")(driver_device(device));
  } catch (const Error&) {
    // Nothing retained can be given back without a driver.
  }
#else
  (void)device;
#endif
}

void synchronize_device(c10::Device device) {
  if (!device.is_cuda()) return;
#ifdef SRGAN_WITH_CUDA
  c10::cuda::CUDAGuard guard(device.has_index() ? device.index() : 0);
  c10::cuda::device_synchronize();
#endif
}

void synchronize_current_stream(c10::Device device) {
  if (!device.is_cuda()) return;
#ifdef SRGAN_WITH_CUDA
  c10::cuda::getCurrentCUDAStream(device.has_index() ? device.index() : 0).synchronize();
#endif
}

void use_own_cuda_stream(c10::Device device) {
  if (!device.is_cuda()) return;
#ifdef SRGAN_WITH_CUDA
  const c10::DeviceIndex index = device.has_index() ? device.index() : 0;
  c10::cuda::set_device(index);
  c10::cuda::setCurrentCUDAStream(c10::cuda::getStreamFromPool(false, index));
#endif
}

int64_t free_device_memory(c10::Device device) {
  if (!device.is_cuda()) return 0;
#ifdef SRGAN_WITH_CUDA
  c10::cuda::CUDAGuard guard(device.has_index() ? device.index() : 0);
  size_t free = 0, total = 0;
  if (cudaMemGetInfo(&free, &total) != cudaSuccess) return 0;
  return static_cast<int64_t>(free);
#else
  return 0;
#endif
}

void release_cached_device_memory(c10::Device device) {
  if (!device.is_cuda()) return;
#ifdef SRGAN_WITH_CUDA
  c10::cuda::CUDACachingAllocator::emptyCache();
#endif
}

}  // namespace srgan
