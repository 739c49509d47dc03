# Finds LibTorch: a CMAKE_PREFIX_PATH or Torch_DIR given by the user wins; otherwise the
# LibTorch inside the pip torch of python3 (torch.utils.cmake_prefix_path).
function(srgan_find_torch)
  find_package(Torch QUIET)
  if(NOT Torch_FOUND)
    find_package(Python3 REQUIRED COMPONENTS Interpreter)
    execute_process(
      COMMAND "${Python3_EXECUTABLE}" -c "import torch; print(torch.utils.cmake_prefix_path)"
      OUTPUT_VARIABLE torch_prefix
      OUTPUT_STRIP_TRAILING_WHITESPACE
      RESULT_VARIABLE torch_result)
    if(NOT torch_result EQUAL 0)
      message(FATAL_ERROR
        "LibTorch not found. Install PyTorch (pip install torch==2.11.0) or pass "
        "-DCMAKE_PREFIX_PATH=/path/to/libtorch.")
    endif()
    find_package(Torch REQUIRED PATHS "${torch_prefix}" NO_DEFAULT_PATH)
  endif()
  if(Torch_VERSION VERSION_LESS 2.0)
    message(FATAL_ERROR "LibTorch 2.x is required, found ${Torch_VERSION}")
  endif()
  # srgan::torch is what our targets link. The pip wheels' libtorch.so exports copies of some
  # libstdc++ functions (std::filesystem among them) that crash when called from code built with
  # the system compiler; listing libstdc++ first makes the dynamic linker bind those symbols to
  # the system library.
  if(NOT TARGET srgan_torch)
    add_library(srgan_torch INTERFACE)
    add_library(srgan::torch ALIAS srgan_torch)
    target_link_libraries(srgan_torch INTERFACE stdc++ torch)
  endif()
  # TorchConfig exports CUDA targets only when LibTorch was built with CUDA.
  if(TARGET torch_cuda OR TARGET c10_cuda)
    set(SRGAN_TORCH_HAS_CUDA ON PARENT_SCOPE)
  else()
    set(SRGAN_TORCH_HAS_CUDA OFF PARENT_SCOPE)
  endif()
  set(Torch_VERSION "${Torch_VERSION}" PARENT_SCOPE)
  set(TORCH_INSTALL_PREFIX "${TORCH_INSTALL_PREFIX}" PARENT_SCOPE)
endfunction()
