// File-backed Merkle node cache: custody/tree/level-NN holds, for each level k, the hashes of all
// complete subtrees of 2^k leaves in order (level-00 is the leaf hashes). It is a cache: every
// byte can be recomputed from the entries file, so it is not fsynced, and open() repairs files
// left short or long by a crash. The first 2n hashes of an n-leaf tree take 64 n bytes.
#pragma once

#include <filesystem>
#include <span>
#include <vector>

#include "core/file_util.h"
#include "custody/merkle.h"

namespace dossier::custody {

class TreeStore final : public NodeReader {
 public:
  TreeStore() = default;
  TreeStore(TreeStore&&) noexcept = default;
  TreeStore& operator=(TreeStore&&) noexcept = default;

  // Opens (creating) the level files under dir and makes upper levels agree with level 0:
  // extra nodes are dropped, missing ones recomputed from the level below.
  static Result<TreeStore> open(const std::filesystem::path& dir);

  uint64_t size() const override { return counts_.empty() ? 0 : counts_[0]; }
  Result<Hash> node(unsigned level, uint64_t index) const override;

  // count leaf hashes from begin, in one read. REQUIRES: begin + count <= size().
  Result<std::vector<Hash>> leaves(uint64_t begin, uint64_t count) const;
  // Appends leaf hashes and every complete subtree they finish; one write per level. All or
  // nothing: on failure the store is as it was.
  Status append(std::span<const Hash> leaves);
  // Drops leaves (and their subtrees) beyond n. REQUIRES: n <= size().
  Status truncate(uint64_t n);

 private:
  Status open_level(unsigned level);
  Status repair_level(unsigned level);

  std::filesystem::path dir_;
  std::vector<UniqueFd> files_;     // one per level
  std::vector<uint64_t> counts_;    // nodes per level
  std::vector<Hash> pending_left_;  // last node of a level whose count is odd (the frontier)
};

}  // namespace dossier::custody
