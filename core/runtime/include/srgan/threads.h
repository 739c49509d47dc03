#pragma once

namespace srgan {

/// The CPU cores this process may run on (its affinity mask, which containers restrict).
int available_cores();

/// Sets LibTorch's intra-op thread count, the one place core does so: `requested` when > 0;
/// otherwise the user's OMP_NUM_THREADS when set; otherwise available_cores(). Returns the
/// count in effect. Some LibTorch builds default to fewer threads than cores.
int configure_intra_op_threads(int requested = 0);

/// The intra-op threads each of `jobs` gets when that many run at once on the CPU (frames in
/// flight): the default count above (OMP_NUM_THREADS, else available_cores()) shared out, at
/// least one each. Separate frames on separate cores scale better than one frame on every core
/// (no barrier between layers), and one thread a frame lets the wide networks use Winograd.
int intra_op_threads_per_job(int jobs);

}  // namespace srgan
