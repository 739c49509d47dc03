#pragma once

// The machine's floating-point peak, measured by a loop of independent fused multiply-adds on
// every thread (the upper bound any convolution can reach).

namespace srgan::bench {

/// Single-precision GFLOP/s of `threads` threads running FMA chains for about `seconds`, with the
/// widest vector unit the CPU has (AVX-512 or AVX2); 0 if neither is present.
double fma_peak_gflops(int threads, double seconds);
/// "avx512", "avx2" or "none": which loop fma_peak_gflops ran.
const char* fma_peak_isa();

}  // namespace srgan::bench
