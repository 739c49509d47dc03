#include "fma_peak.h"

#include <immintrin.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

namespace srgan::bench {
namespace {

// 12 independent accumulators per thread hide the FMA latency on two FMA ports. Each ISA has
// its own function so the compiler may use that ISA's registers there only.
__attribute__((target("avx2,fma"))) double chains256(long iterations) {
  __m256 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm256_set1_ps(0.001f * i);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (long n = 0; n < iterations; ++n) {
    for (int i = 0; i < 12; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  }
  float sum = 0;
  for (int i = 0; i < 12; ++i) sum += _mm256_cvtss_f32(acc[i]);
  return sum;
}

__attribute__((target("avx512f"))) double chains512(long iterations) {
  __m512 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm512_set1_ps(0.001f * i);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (long n = 0; n < iterations; ++n) {
    for (int i = 0; i < 12; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  }
  float sum = 0;
  for (int i = 0; i < 12; ++i) sum += _mm512_cvtss_f32(acc[i]);
  return sum;
}

bool has_avx512() { return __builtin_cpu_supports("avx512f"); }
bool has_avx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

}  // namespace

const char* fma_peak_isa() { return has_avx512() ? "avx512" : has_avx2() ? "avx2" : "none"; }

double fma_peak_gflops(int threads, double seconds) {
  if (!has_avx2()) return 0.0;
  const bool wide = has_avx512();
  const int lanes = wide ? 16 : 8;
  auto chains = wide ? chains512 : chains256;
  // Calibrate the iteration count on one thread, then time all threads together.
  long iterations = 1 << 20;
  for (;;) {
    const auto start = std::chrono::steady_clock::now();
    chains(iterations);
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > 0.05) {
      iterations = static_cast<long>(iterations * seconds / elapsed);
      break;
    }
    iterations *= 4;
  }
  std::atomic<double> sink{0};
  std::vector<std::thread> workers;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      const double value = chains(iterations);
      double old = sink.load();
      while (!sink.compare_exchange_weak(old, old + value)) {
      }
    });
  }
  for (auto& w : workers) w.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double flops = 2.0 * lanes * 12.0 * static_cast<double>(iterations) * threads;
  return sink.load() == 12345.678 ? 0.0 : flops / elapsed / 1e9;
}

}  // namespace srgan::bench
