#include "archive_check.h"

#include <cstdint>
#include <optional>
#include <string_view>

#include "model_file.h"
#include "srgan/error.h"

namespace srgan::detail {
namespace {

uint64_t little_endian(std::string_view bytes, size_t at, int count) {
  uint64_t value = 0;
  for (int i = count - 1; i >= 0; --i) value = value << 8 | static_cast<uint8_t>(bytes[at + i]);
  return value;
}

// Pickle opcodes by the argument they carry (protocols 0 to 5).
bool is_one_of(uint8_t opcode, std::string_view opcodes) {
  return opcodes.find(static_cast<char>(opcode)) != std::string_view::npos;
}

// Opcodes whose argument is a length field of `width` bytes and that many bytes: SHORT_BINSTRING,
// SHORT_BINBYTES, SHORT_BINUNICODE, LONG1; BINSTRING, BINUNICODE, BINBYTES, LONG4; BINUNICODE8,
// BINBYTES8, BYTEARRAY8.
std::optional<int> length_width(uint8_t opcode) {
  if (is_one_of(opcode, "UC\x8c\x8a")) return 1;
  if (is_one_of(opcode, "TXB\x8b")) return 4;
  if (is_one_of(opcode, "\x8d\x8e\x96")) return 8;
  return std::nullopt;
}

// Bytes of the other opcodes' fixed arguments; -1: text up to a newline (-2: two lines, GLOBAL
// and INST); nullopt: an opcode this check does not know (it stops there).
std::optional<int> fixed_width(uint8_t opcode) {
  if (is_one_of(opcode, "Khq\x80\x82")) return 1;
  if (is_one_of(opcode, "M\x83")) return 2;
  if (is_one_of(opcode, "Jjr\x84")) return 4;
  if (is_one_of(opcode, "G\x95")) return 8;
  if (is_one_of(opcode, "ILSVFgpP")) return -1;
  if (is_one_of(opcode, "ci")) return -2;
  if (is_one_of(opcode,
                "().012NRabdelstu}]Q\x81\x85\x86\x87\x88\x89\x90\x91\x92\x93\x94\x97\x98")) {
    return 0;
  }
  return std::nullopt;
}

// An error message for the first argument that runs past the pickle's end, or nullopt.
std::optional<std::string> overlong_argument(std::string_view pickle) {
  size_t at = 0;
  while (at < pickle.size()) {
    const uint8_t opcode = static_cast<uint8_t>(pickle[at++]);
    if (opcode == '.') return std::nullopt;  // STOP
    if (const auto width = length_width(opcode)) {
      if (at + *width > pickle.size()) return "a length field is cut off";
      const uint64_t length = little_endian(pickle, at, *width);
      at += *width;
      if (length > pickle.size() - at) {
        return "a value declares " + std::to_string(length) + " bytes where " +
               std::to_string(pickle.size() - at) + " remain";
      }
      at += length;
    } else if (const auto fixed = fixed_width(opcode)) {
      for (int lines = -*fixed; lines > 0; --lines) {
        const size_t end = pickle.find('\n', at);
        if (end == std::string_view::npos) return "a text argument has no end";
        at = end + 1;
      }
      if (*fixed > 0) at += *fixed;
    } else {
      return std::nullopt;  // unknown to this check: LibTorch decides
    }
  }
  return std::nullopt;
}

}  // namespace

void check_archive_pickles(const std::string& path, const std::string& bytes) {
  const std::string_view zip = bytes;
  const auto end = zip_end_record(bytes);
  if (!end || *end + 22 > zip.size()) return;
  const size_t end_record = *end;
  const uint64_t entries = little_endian(zip, end_record + 10, 2);
  const uint64_t directory = little_endian(zip, end_record + 16, 4);
  if (entries == 0xffff || directory == 0xffffffff) return;  // zip64
  size_t at = directory;
  for (uint64_t i = 0; i < entries; ++i) {
    if (at + 46 > zip.size() || zip.substr(at, 4) != "PK\x01\x02") return;
    const uint64_t method = little_endian(zip, at + 10, 2);
    const uint64_t size = little_endian(zip, at + 20, 4);
    const uint64_t name_length = little_endian(zip, at + 28, 2);
    const uint64_t extra_length = little_endian(zip, at + 30, 2);
    const uint64_t comment_length = little_endian(zip, at + 32, 2);
    const uint64_t local = little_endian(zip, at + 42, 4);
    if (at + 46 + name_length > zip.size()) return;
    const std::string_view name = zip.substr(at + 46, name_length);
    at += 46 + name_length + extra_length + comment_length;
    const bool pickle = name.size() > 4 && name.substr(name.size() - 4) == ".pkl";
    if (!pickle || method != 0 || local + 30 > zip.size()) continue;
    const uint64_t data =
        local + 30 + little_endian(zip, local + 26, 2) + little_endian(zip, local + 28, 2);
    if (data > zip.size() || size > zip.size() - data) continue;  // LibTorch reports these
    if (const auto problem = overlong_argument(zip.substr(data, size))) {
      throw ModelFileError(path, ModelFileError::Reason::kCorrupt,
                           "damaged archive: in " + std::string(name) + ", " + *problem);
    }
  }
}

}  // namespace srgan::detail
