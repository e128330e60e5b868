// A libbfio handle over a span of memory that never reads outside it.
//
// libbfio 20170123's own memory-range handle copies whatever size is asked for, even past the end
// of the range, and libpff asks for sizes and offsets that come from the (untrusted) file: a
// truncated PST made it read past the buffer under ASan. This handle clamps every read.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "extract/libpff_handles.h"

namespace dossier::extract {

// The state behind the handle; must outlive the returned BfioHandle and anything opened on it.
struct PstMemoryIo {
  std::span<const uint8_t> bytes;
  uint64_t offset = 0;
  bool open = false;
};

// A read-only libbfio handle over `io->bytes`, or nullptr if libbfio refused. Reads past the end
// return fewer bytes (0 at the end); seeks outside [0, size] fail. Clones (libbfio makes them on
// its own) get their own offset over the same bytes.
BfioHandle make_pst_memory_handle(PstMemoryIo* io);

}  // namespace dossier::extract
