#include "custody/merkle.h"

#include <openssl/evp.h>

#include <array>
#include <bit>
#include <initializer_list>
#include <memory>

namespace dossier::custody {
namespace {

// Largest power of two strictly less than n. REQUIRES: n > 1.
uint64_t split_point(uint64_t n) {
  return std::bit_floor(n - 1);
}

Error proof_error(std::string message) {
  return Error{ErrorCode::kCorrupt, std::move(message), "merkle proof"};
}

// The RFC 6962 definitions are recursive; depth is at most 64 (one level per bit of the size).
// NOLINTNEXTLINE(misc-no-recursion)
Status path(const NodeReader& r, uint64_t m, uint64_t begin, uint64_t end, std::vector<Hash>& out) {
  uint64_t n = end - begin;
  if (n <= 1)
    return ok_status();
  uint64_t k = split_point(n);
  if (m < k) {
    DOSSIER_RETURN_IF_ERROR(path(r, m, begin, begin + k, out));
    DOSSIER_ASSIGN_OR_RETURN(Hash h, subtree_root(r, begin + k, end));
    out.push_back(h);
  } else {
    DOSSIER_RETURN_IF_ERROR(path(r, m - k, begin + k, end, out));
    DOSSIER_ASSIGN_OR_RETURN(Hash h, subtree_root(r, begin, begin + k));
    out.push_back(h);
  }
  return ok_status();
}

// RFC 6962 §2.1.2 SUBPROOF(m, D[begin:end], b).
// NOLINTNEXTLINE(misc-no-recursion)
Status subproof(const NodeReader& r, uint64_t m, uint64_t begin, uint64_t end, bool whole,
                std::vector<Hash>& out) {
  uint64_t n = end - begin;
  if (m == n) {
    if (whole)
      return ok_status();
    DOSSIER_ASSIGN_OR_RETURN(Hash h, subtree_root(r, begin, end));
    out.push_back(h);
    return ok_status();
  }
  uint64_t k = split_point(n);
  if (m <= k) {
    DOSSIER_RETURN_IF_ERROR(subproof(r, m, begin, begin + k, whole, out));
    DOSSIER_ASSIGN_OR_RETURN(Hash h, subtree_root(r, begin + k, end));
    out.push_back(h);
  } else {
    DOSSIER_RETURN_IF_ERROR(subproof(r, m - k, begin + k, end, false, out));
    DOSSIER_ASSIGN_OR_RETURN(Hash h, subtree_root(r, begin, begin + k));
    out.push_back(h);
  }
  return ok_status();
}

}  // namespace

namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// SHA-256 of the concatenation of `parts`. Merkle hashing is millions of tiny inputs, where
// OpenSSL 3's per-call cost (a context allocation and an implicit algorithm fetch, which takes a
// lock) outweighs the hashing: fetch SHA-256 once and reuse one context per thread.
Hash sha256_of(std::initializer_list<std::span<const uint8_t>> parts) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  DOSSIER_CHECK(md != nullptr && ctx != nullptr);
  DOSSIER_CHECK(EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1);
  for (const auto& p : parts)
    DOSSIER_CHECK(EVP_DigestUpdate(ctx.get(), p.data(), p.size()) == 1);
  Hash h{};
  unsigned int len = 0;
  DOSSIER_CHECK(EVP_DigestFinal_ex(ctx.get(), h.data(), &len) == 1 && len == h.size());
  return h;
}

}  // namespace

Hash leaf_hash(std::span<const uint8_t> entry) {
  const uint8_t prefix = 0x00;
  return sha256_of({std::span<const uint8_t>(&prefix, 1), entry});
}

Hash leaf_hash(std::string_view entry) {
  return leaf_hash(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(entry.data()), entry.size()));
}

Hash node_hash(const Hash& left, const Hash& right) {
  std::array<uint8_t, 65> buf{};
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf.begin() + 1);
  std::copy(right.begin(), right.end(), buf.begin() + 33);
  return sha256_of({std::span<const uint8_t>(buf)});
}

Hash empty_root() {
  return sha256(std::string_view());
}

void MemoryTree::append(const Hash& leaf) {
  if (levels_.empty())
    levels_.emplace_back();
  levels_[0].push_back(leaf);
  for (size_t k = 0; levels_[k].size() % 2 == 0; ++k) {
    if (levels_.size() == k + 1)
      levels_.emplace_back();
    const auto& lv = levels_[k];
    Hash parent = node_hash(lv[lv.size() - 2], lv.back());
    levels_[k + 1].push_back(parent);
  }
}

Result<Hash> MemoryTree::node(unsigned level, uint64_t index) const {
  if (level >= levels_.size() || index >= levels_[level].size()) {
    return Error{ErrorCode::kInvalidInput, "no such complete subtree in the tree", "merkle"};
  }
  return levels_[level][index];
}

// NOLINTNEXTLINE(misc-no-recursion): depth at most 64
Result<Hash> subtree_root(const NodeReader& reader, uint64_t begin, uint64_t end) {
  uint64_t n = end - begin;
  if (begin > end || end > reader.size()) {
    return Error{ErrorCode::kInvalidInput, "subtree range beyond the tree", "merkle"};
  }
  if (n == 0)
    return empty_root();
  if (std::has_single_bit(n) && begin % n == 0) {
    return reader.node(static_cast<unsigned>(std::countr_zero(n)), begin / n);
  }
  uint64_t k = split_point(n);
  DOSSIER_ASSIGN_OR_RETURN(Hash left, subtree_root(reader, begin, begin + k));
  DOSSIER_ASSIGN_OR_RETURN(Hash right, subtree_root(reader, begin + k, end));
  return node_hash(left, right);
}

Result<Hash> root_at(const NodeReader& reader, uint64_t size) {
  return subtree_root(reader, 0, size);
}

// NOLINTNEXTLINE(misc-no-recursion): depth at most 64
Hash root_of(std::span<const Hash> leaves) {
  if (leaves.empty())
    return empty_root();
  if (leaves.size() == 1)
    return leaves[0];
  auto k = static_cast<size_t>(split_point(leaves.size()));
  return node_hash(root_of(leaves.first(k)), root_of(leaves.subspan(k)));
}

Result<std::vector<Hash>> inclusion_proof(const NodeReader& reader, uint64_t index, uint64_t size) {
  if (index >= size || size > reader.size()) {
    return Error{ErrorCode::kInvalidInput,
                 "inclusion proof asked for leaf " + std::to_string(index) + " in a tree of " +
                     std::to_string(size) + " (log has " + std::to_string(reader.size()) + ")",
                 "merkle"};
  }
  std::vector<Hash> out;
  DOSSIER_RETURN_IF_ERROR(path(reader, index, 0, size, out));
  return out;
}

Result<std::vector<Hash>> consistency_proof(const NodeReader& reader, uint64_t size1,
                                            uint64_t size2) {
  if (size1 == 0 || size1 > size2 || size2 > reader.size()) {
    return Error{ErrorCode::kInvalidInput,
                 "consistency proof asked from size " + std::to_string(size1) + " to " +
                     std::to_string(size2) + " (log has " + std::to_string(reader.size()) + ")",
                 "merkle"};
  }
  std::vector<Hash> out;
  if (size1 == size2)
    return out;
  DOSSIER_RETURN_IF_ERROR(subproof(reader, size1, 0, size2, true, out));
  return out;
}

Status verify_inclusion(const Hash& leaf, uint64_t index, uint64_t size,
                        std::span<const Hash> proof, const Hash& root) {
  if (index >= size)
    return proof_error("leaf index is not inside the tree");
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0)
      return proof_error("inclusion proof is longer than the tree is deep");
    if ((fn & 1) != 0 || fn == sn) {
      r = node_hash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0)
    return proof_error("inclusion proof is too short for the tree size");
  if (r != root)
    return proof_error("inclusion proof does not lead to the root");
  return ok_status();
}

Status verify_consistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                          const Hash& root1, const Hash& root2) {
  if (size2 < size1)
    return proof_error("the new tree is smaller than the old one");
  if (size1 == 0)
    return proof_error("a consistency proof from an empty tree proves nothing");
  if (size1 == size2) {
    if (!proof.empty())
      return proof_error("equal tree sizes need an empty proof");
    if (root1 != root2)
      return proof_error("same tree size but different roots");
    return ok_status();
  }
  if (proof.empty())
    return proof_error("consistency proof is empty");
  std::vector<Hash> path(proof.begin(), proof.end());
  if (std::has_single_bit(size1))
    path.insert(path.begin(), root1);
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0)
      return proof_error("consistency proof is longer than the tree is deep");
    if ((fn & 1) != 0 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0)
    return proof_error("consistency proof is too short");
  if (fr != root1)
    return proof_error("consistency proof does not lead to the old root");
  if (sr != root2)
    return proof_error("consistency proof does not lead to the new root");
  return ok_status();
}

}  // namespace dossier::custody
