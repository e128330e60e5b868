#include "extract/pst_bfio.h"

#include <cstdio>
#include <cstring>

namespace dossier::extract {
namespace {

PstMemoryIo* state(intptr_t* io_handle) {
  return reinterpret_cast<PstMemoryIo*>(io_handle);
}

int free_io(intptr_t** io_handle, libbfio_error_t** /*error*/) {
  if (io_handle != nullptr) {
    std::unique_ptr<PstMemoryIo> owned(state(*io_handle));  // clones are owned by libbfio
    *io_handle = nullptr;
  }
  return 1;
}

int clone_io(intptr_t** destination, intptr_t* source, libbfio_error_t** /*error*/) {
  if (destination == nullptr || source == nullptr)
    return -1;
  auto copy = std::make_unique<PstMemoryIo>(*state(source));
  copy->offset = 0;
  *destination = reinterpret_cast<intptr_t*>(copy.release());  // freed by free_io
  return 1;
}

int open_io(intptr_t* io_handle, int access_flags, libbfio_error_t** /*error*/) {
  if ((access_flags & LIBBFIO_ACCESS_FLAG_WRITE) != 0)
    return -1;
  state(io_handle)->open = true;
  state(io_handle)->offset = 0;
  return 1;
}

int close_io(intptr_t* io_handle, libbfio_error_t** /*error*/) {
  state(io_handle)->open = false;
  return 0;
}

ssize_t read_io(intptr_t* io_handle, uint8_t* buffer, size_t size, libbfio_error_t** /*error*/) {
  PstMemoryIo* io = state(io_handle);
  if (buffer == nullptr || io->offset >= io->bytes.size())
    return 0;
  const size_t n = std::min<uint64_t>(size, io->bytes.size() - io->offset);
  std::memcpy(buffer, io->bytes.data() + io->offset, n);
  io->offset += n;
  return static_cast<ssize_t>(n);
}

ssize_t write_io(intptr_t*, const uint8_t*, size_t, libbfio_error_t**) {
  return -1;
}

off64_t seek_io(intptr_t* io_handle, off64_t offset, int whence, libbfio_error_t** /*error*/) {
  PstMemoryIo* io = state(io_handle);
  const auto size = static_cast<off64_t>(io->bytes.size());
  off64_t base = 0;
  if (whence == SEEK_CUR)
    base = static_cast<off64_t>(io->offset);
  else if (whence == SEEK_END)
    base = size;
  else if (whence != SEEK_SET)
    return -1;
  if (offset > size || offset < -size)
    return -1;
  const off64_t target = base + offset;
  if (target < 0 || target > size)
    return -1;
  io->offset = static_cast<uint64_t>(target);
  return target;
}

int exists_io(intptr_t*, libbfio_error_t**) {
  return 1;
}

int is_open_io(intptr_t* io_handle, libbfio_error_t**) {
  return state(io_handle)->open ? 1 : 0;
}

int size_io(intptr_t* io_handle, size64_t* size, libbfio_error_t**) {
  *size = state(io_handle)->bytes.size();
  return 1;
}

}  // namespace

BfioHandle make_pst_memory_handle(PstMemoryIo* io) {
  libbfio_handle_t* raw = nullptr;
  libbfio_error_t* error = nullptr;
  // Not managed: `io` belongs to the caller; clones made by clone_io are freed by free_io.
  const int rc = libbfio_handle_initialize(
      &raw, reinterpret_cast<intptr_t*>(io), free_io, clone_io, open_io, close_io, read_io,
      write_io, seek_io, exists_io, is_open_io, size_io,
      LIBBFIO_FLAG_IO_HANDLE_NON_MANAGED | LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION, &error);
  BfioHandle handle(raw);
  if (error != nullptr)
    libbfio_error_free(&error);
  if (rc != 1)
    handle.reset();
  return handle;
}

}  // namespace dossier::extract
