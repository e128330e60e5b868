// RFC 6962 / RFC 9162 Merkle tree hashing, inclusion and consistency proofs.
//
// leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || left || right), and the root of the empty
// tree is SHA-256(""). Proofs are generated against a NodeReader, which answers the hash of any
// complete ("perfect", aligned) subtree in O(1); every other subtree hash a proof needs is folded
// from O(log n) of those, so proofs at a million leaves cost microseconds.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/sha256.h"

namespace dossier::custody {

using Hash = Digest;  // always 32 bytes

Hash leaf_hash(std::span<const uint8_t> entry);
Hash leaf_hash(std::string_view entry);
Hash node_hash(const Hash& left, const Hash& right);
Hash empty_root();  // SHA-256 of the empty string

// The hashes of complete subtrees. Implementations: MemoryTree (below), TreeStore (files).
class NodeReader {
 public:
  virtual ~NodeReader() = default;
  // Number of leaves.
  virtual uint64_t size() const = 0;
  // Hash of the complete subtree of 2^level leaves that starts at leaf index << level.
  // REQUIRES: ((index + 1) << level) <= size().
  virtual Result<Hash> node(unsigned level, uint64_t index) const = 0;
};

// All levels in memory (2n hashes for n leaves). For verification, tests and small trees.
class MemoryTree final : public NodeReader {
 public:
  MemoryTree() = default;
  explicit MemoryTree(std::span<const Hash> leaves) { append(leaves); }
  void append(const Hash& leaf);
  void append(std::span<const Hash> leaves) {
    for (const Hash& h : leaves)
      append(h);
  }
  uint64_t size() const override { return levels_.empty() ? 0 : levels_[0].size(); }
  Result<Hash> node(unsigned level, uint64_t index) const override;

 private:
  std::vector<std::vector<Hash>> levels_;
};

// MTH(D[begin:end]) over the reader's leaves. REQUIRES: begin <= end <= reader.size().
Result<Hash> subtree_root(const NodeReader& reader, uint64_t begin, uint64_t end);
// Root of the tree of the first `size` leaves (empty_root() for 0).
Result<Hash> root_at(const NodeReader& reader, uint64_t size);
// Root of a list of leaf hashes, computed directly (no reader).
Hash root_of(std::span<const Hash> leaves);

// RFC 6962 §2.1.1 PATH(index, D[0:size]); kInvalidInput unless index < size <= reader.size().
Result<std::vector<Hash>> inclusion_proof(const NodeReader& reader, uint64_t index, uint64_t size);
// RFC 6962 §2.1.2 PROOF(size1, D[0:size2]); kInvalidInput unless 0 < size1 <= size2 <= size().
// For size1 == size2 the proof is empty.
Result<std::vector<Hash>> consistency_proof(const NodeReader& reader, uint64_t size1,
                                            uint64_t size2);

// RFC 9162 §2.1.3.2. kCorrupt (with the reason) if the proof does not prove the leaf is at
// `index` in the tree of `size` leaves with root `root`.
Status verify_inclusion(const Hash& leaf, uint64_t index, uint64_t size,
                        std::span<const Hash> proof, const Hash& root);
// RFC 9162 §2.1.4.2, plus the edge cases of transparency-dev/merkle: size1 == size2 needs an
// empty proof and equal roots; trees of size 0 are rejected (nothing to prove).
Status verify_consistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                          const Hash& root1, const Hash& root2);

}  // namespace dossier::custody
