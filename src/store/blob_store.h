// Content-addressed store of originals: blobs/ab/cd/<sha256>. Written once (temp file, fsync,
// rename), never modified. Thread-safe: all state is on disk and every write is atomic.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "core/result.h"
#include "core/sha256.h"

namespace dossier::store {

struct PutResult {
  Digest digest{};
  uint64_t size = 0;
  bool created = false;  // false when identical content was already stored
};

class BlobStore {
 public:
  // REQUIRES: root exists (dossier init creates it).
  explicit BlobStore(std::filesystem::path root) : root_(std::move(root)) {}

  // Streams the file into the store, hashing as it copies, so a 10 GB file never sits in memory.
  Result<PutResult> put_file(const std::filesystem::path& source) const;
  // Stores bytes already in memory (an archive member, an attachment).
  Result<PutResult> put_bytes(std::span<const uint8_t> bytes) const;

  std::filesystem::path path_of(const Digest& digest) const;
  bool contains(const Digest& digest) const;

  // Whether a put failed writing the store (a full disk, an I/O error: the project's problem, so
  // the ingest must stop) rather than reading its source (the input's problem: record it, go on).
  bool failed_writing(const Error& error) const;

  // Deletes temp files that a killed process left in blobs/tmp (a SIGKILL skips the destructor that
  // removes them); returns how many bytes were freed.
  // REQUIRES: no other process is writing to this store (the ingest holds the project's locks).
  Result<uint64_t> remove_stale_temps() const;

  // A fresh path in blobs/tmp, unique across processes and threads: for a scratch file on the
  // project's file system (remove_stale_temps deletes what a killed process left).
  std::filesystem::path make_temp_path() const;

 private:
  // Moves a fully written, fsynced temp file into place under its digest.
  Result<bool> commit_temp(const std::filesystem::path& tmp, const Digest& digest) const;

  std::filesystem::path root_;
};

}  // namespace dossier::store
