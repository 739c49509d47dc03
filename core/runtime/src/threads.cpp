#include "srgan/threads.h"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include <ATen/Parallel.h>

namespace srgan {

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int count = CPU_COUNT(&set);
    if (count > 0) return count;
  }
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? static_cast<int>(hardware) : 1;
}

namespace {

// The user's OMP_NUM_THREADS when set, otherwise every core this process may use.
int default_intra_op_threads() {
  const char* omp = std::getenv("OMP_NUM_THREADS");
  const int from_env = omp ? std::atoi(omp) : 0;
  return from_env > 0 ? from_env : available_cores();
}

}  // namespace

int configure_intra_op_threads(int requested) {
  const int threads = requested > 0 ? requested : default_intra_op_threads();
  if (at::get_num_threads() != threads) at::set_num_threads(threads);
  return at::get_num_threads();
}

int intra_op_threads_per_job(int jobs) {
  return std::max(1, default_intra_op_threads() / std::max(1, jobs));
}

}  // namespace srgan
