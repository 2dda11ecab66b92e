#pragma once
// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum on every
// stored event envelope (storage/FORMAT.md). Same results as RFC 3720 / iSCSI:
// crc32c("123456789") == 0xE3069283.
//
// Thread-safe, no allocation. Uses the SSE4.2 crc32 instruction when the CPU
// has it and a table-driven fallback otherwise; both give the same value.

#include <cstddef>
#include <cstdint>

namespace callboard::storage {

// Extends `crc` (the value of a previous call, or 0 to start) over n bytes.
std::uint32_t crc32c(const void* data, std::size_t n, std::uint32_t crc = 0);

// The table-driven path alone, whatever the CPU: tests check that both paths
// agree.
std::uint32_t crc32c_portable(const void* data, std::size_t n, std::uint32_t crc = 0);

}  // namespace callboard::storage
