#include <gtest/gtest.h>

#include <dirent.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "srgan/threads.h"

namespace srgan {
namespace {

// CPU time (clock ticks) of every thread of this process, from /proc/self/task/*/stat.
std::map<std::string, long> cpu_ticks_per_thread() {
  std::map<std::string, long> ticks;
  DIR* dir = opendir("/proc/self/task");
  if (!dir) return ticks;
  while (dirent* entry = readdir(dir)) {
    const std::string tid = entry->d_name;
    if (tid == "." || tid == "..") continue;
    std::ifstream stat("/proc/self/task/" + tid + "/stat");
    std::string line;
    std::getline(stat, line);
    // Fields after the command name (which may hold spaces): state is field 3, utime 14.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string field;
    long utime = 0;
    for (int i = 3; i <= 14 && rest >> field; ++i) {
      if (i == 14) utime = std::stol(field);
    }
    ticks[tid] = utime;
  }
  closedir(dir);
  return ticks;
}

// Threads that did real work during a LibTorch convolution, the op that dominates inference.
int threads_busy_in_convolution() {
  const auto input = at::rand({1, 64, 96, 96});
  const auto weight = at::rand({64, 64, 3, 3});
  at::conv2d(input, weight, {}, 1, 1);  // warm-up: creates the thread pool
  const auto before = cpu_ticks_per_thread();
  for (int i = 0; i < 40; ++i) at::conv2d(input, weight, {}, 1, 1);
  const auto after = cpu_ticks_per_thread();
  int busy = 0;
  for (const auto& [tid, ticks] : after) {
    const auto found = before.find(tid);
    const long start = found == before.end() ? 0 : found->second;
    if (ticks - start >= 2) ++busy;
  }
  return busy;
}

TEST(Threads, DefaultIsEveryAvailableCore) {
  unsetenv("OMP_NUM_THREADS");
  const int cores = available_cores();
  ASSERT_GE(cores, 1);
  EXPECT_EQ(configure_intra_op_threads(), cores);
  EXPECT_EQ(at::get_num_threads(), cores);
  if (cores > 1) {
    EXPECT_GE(threads_busy_in_convolution(), 2);
  }
}

TEST(Threads, ExplicitRequestWins) {
  EXPECT_EQ(configure_intra_op_threads(1), 1);
  EXPECT_EQ(at::get_num_threads(), 1);
  unsetenv("OMP_NUM_THREADS");
  EXPECT_EQ(configure_intra_op_threads(), available_cores());
}

TEST(Threads, OmpNumThreadsIsRespected) {
  setenv("OMP_NUM_THREADS", "1", 1);
  EXPECT_EQ(configure_intra_op_threads(), 1);
  unsetenv("OMP_NUM_THREADS");
  EXPECT_EQ(configure_intra_op_threads(), available_cores());
}

// Frames in flight on the CPU share the cores out, at least one thread each, whatever divides.
TEST(Threads, JobsRunningAtOnceShareTheCores) {
  setenv("OMP_NUM_THREADS", "4", 1);
  EXPECT_EQ(intra_op_threads_per_job(1), 4);
  EXPECT_EQ(intra_op_threads_per_job(2), 2);
  EXPECT_EQ(intra_op_threads_per_job(3), 1);
  EXPECT_EQ(intra_op_threads_per_job(8), 1);
  EXPECT_EQ(intra_op_threads_per_job(0), 4);  // no jobs counted: as one
  unsetenv("OMP_NUM_THREADS");
  const int cores = available_cores();
  EXPECT_EQ(intra_op_threads_per_job(1), cores);
  EXPECT_EQ(intra_op_threads_per_job(cores), 1);
  EXPECT_EQ(intra_op_threads_per_job(2), std::max(1, cores / 2));
}

}  // namespace
}  // namespace srgan
