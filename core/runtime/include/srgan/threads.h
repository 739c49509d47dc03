#pragma once

namespace srgan {

/// The CPU cores this process may run on (its affinity mask, which containers restrict).
int available_cores();

/// Sets LibTorch's intra-op thread count, the one place core does so: `requested` when > 0;
/// otherwise the user's OMP_NUM_THREADS when set; otherwise available_cores(). Returns the
/// count in effect. Some LibTorch builds default to fewer threads than cores.
int configure_intra_op_threads(int requested = 0);

}  // namespace srgan
