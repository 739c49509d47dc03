#pragma once

// Reads a fuzz input as a sequence of little-endian integers; past the end it yields zeros, so
// every input, however short, decodes to some case.

#include <cstddef>
#include <cstdint>

namespace srgan::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  uint64_t bytes(int count) {
    uint64_t value = 0;
    for (int i = 0; i < count; ++i) {
      const uint64_t byte = offset_ < size_ ? data_[offset_++] : 0;
      value |= byte << (8 * i);
    }
    return value;
  }
  uint8_t u8() { return static_cast<uint8_t>(bytes(1)); }
  uint16_t u16() { return static_cast<uint16_t>(bytes(2)); }
  int32_t i32() { return static_cast<int32_t>(static_cast<uint32_t>(bytes(4))); }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t offset_ = 0;
};

}  // namespace srgan::fuzz
