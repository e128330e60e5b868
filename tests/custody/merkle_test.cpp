// Merkle hashing and proofs against the transparency-dev/merkle vectors in ../shared and against
// self-made trees (brute force over every size and index), for MemoryTree and TreeStore.
#include "custody/merkle.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "custody/codec.h"
#include "custody/tree_store.h"

namespace dossier::custody {
namespace {

namespace fs = std::filesystem;
const fs::path kVectors = fs::path(DOSSIER_SHARED) / "vectors" / "merkle";

nlohmann::json load(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

std::vector<uint8_t> unhex(const std::string& s) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < s.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// A vector field as a Hash; nullopt when it is not base64 of exactly 32 bytes (our typed API
// cannot even be handed such a value, which counts as rejecting it).
std::optional<Hash> hash_field(const nlohmann::json& v) {
  if (v.is_null())
    return std::nullopt;
  auto raw = base64_decode(v.get<std::string>());
  if (!raw || raw->size() != 32)
    return std::nullopt;
  Hash h{};
  std::memcpy(h.data(), raw->data(), 32);
  return h;
}

// Proof hashes; nullopt if any one is not 32 bytes.
std::optional<std::vector<Hash>> proof_field(const nlohmann::json& v) {
  std::vector<Hash> out;
  if (v.is_null())
    return out;
  for (const auto& p : v) {
    auto h = hash_field(p);
    if (!h)
      return std::nullopt;
    out.push_back(*h);
  }
  return out;
}

std::vector<Hash> vector_leaves() {
  std::vector<Hash> leaves;
  nlohmann::json j = load(kVectors / "roots.json");
  for (const auto& hex : j["leaf_inputs_hex"]) {
    leaves.push_back(leaf_hash(unhex(hex.get<std::string>())));
  }
  return leaves;
}

TEST(Merkle, VectorRootsForSizes0To8) {
  if (!fs::exists(kVectors / "roots.json"))
    GTEST_SKIP() << "no vectors at " << kVectors;
  auto j = load(kVectors / "roots.json");
  std::vector<Hash> leaves = vector_leaves();
  MemoryTree tree(leaves);
  auto roots = j["roots_hex_by_size"];
  ASSERT_EQ(roots.size(), 9u);
  for (size_t n = 0; n <= 8; ++n) {
    std::string want = roots[n].get<std::string>();
    EXPECT_EQ(to_hex(root_of(std::span<const Hash>(leaves).first(n))), want) << "size " << n;
    EXPECT_EQ(to_hex(root_at(tree, n).value()), want) << "size " << n;
  }
}

TEST(Merkle, VectorInclusionCases) {
  if (!fs::exists(kVectors / "testdata/inclusion"))
    GTEST_SKIP() << "no vectors";
  int cases = 0;
  for (const auto& de : fs::recursive_directory_iterator(kVectors / "testdata/inclusion")) {
    if (de.path().extension() != ".json")
      continue;
    auto j = load(de.path());
    bool want_err = j["wantErr"].get<bool>();
    auto leaf = hash_field(j["leafHash"]);
    auto root = hash_field(j["root"]);
    auto proof = proof_field(j["proof"]);
    bool ok = leaf && root && proof &&
              verify_inclusion(*leaf, j["leafIdx"].get<uint64_t>(), j["treeSize"].get<uint64_t>(),
                               *proof, *root)
                  .has_value();
    EXPECT_EQ(ok, !want_err) << de.path() << ": " << j["desc"];
    ++cases;
  }
  EXPECT_GT(cases, 80);
}

TEST(Merkle, VectorConsistencyCases) {
  if (!fs::exists(kVectors / "testdata/consistency"))
    GTEST_SKIP() << "no vectors";
  int cases = 0;
  for (const auto& de : fs::recursive_directory_iterator(kVectors / "testdata/consistency")) {
    if (de.path().extension() != ".json")
      continue;
    auto j = load(de.path());
    bool want_err = j["wantErr"].get<bool>();
    uint64_t size1 = j["size1"].get<uint64_t>();
    uint64_t size2 = j["size2"].get<uint64_t>();
    auto root1 = hash_field(j["root1"]);
    auto root2 = hash_field(j["root2"]);
    auto proof = proof_field(j["proof"]);
    bool ok = root1 && root2 && proof &&
              verify_consistency(size1, size2, *proof, *root1, *root2).has_value();
    if (!want_err && !(root1 && root2)) {
      // Upstream's "sizes are equal (one) and proof is empty" compares two equal 12-byte
      // "roots". Our API only takes 32-byte hashes (as the vectors' README requires), so the
      // nearest meaningful check is the same case with equal 32-byte roots.
      ASSERT_EQ(size1, size2) << de.path();
      Hash r{};
      r[0] = 7;
      ok = verify_consistency(size1, size2, *proof, r, r).has_value();
    }
    EXPECT_EQ(ok, !want_err) << de.path() << ": " << j["desc"];
    ++cases;
  }
  EXPECT_GT(cases, 90);
}

// Happy-path vectors built from roots.json's leaves: our generator yields the same proofs.
TEST(Merkle, GeneratedProofsMatchVectorHappyPaths) {
  if (!fs::exists(kVectors / "testdata/inclusion"))
    GTEST_SKIP() << "no vectors";
  MemoryTree tree(vector_leaves());
  int matched = 0;
  for (const char* kind : {"inclusion", "consistency"}) {
    for (const auto& de : fs::recursive_directory_iterator(kVectors / "testdata" / kind)) {
      if (de.path().filename() != "happy-path.json")
        continue;
      auto j = load(de.path());
      auto want = proof_field(j["proof"]).value();
      Result<std::vector<Hash>> got =
          std::string(kind) == "inclusion"
              ? inclusion_proof(tree, j["leafIdx"].get<uint64_t>(), j["treeSize"].get<uint64_t>())
              : consistency_proof(tree, j["size1"].get<uint64_t>(), j["size2"].get<uint64_t>());
      ASSERT_TRUE(got.has_value()) << de.path();
      EXPECT_EQ(*got, want) << de.path();
      ++matched;
    }
  }
  EXPECT_GE(matched, 8);
}

// Self-made vectors that always run: known roots from RFC 6962 leaf inputs.
TEST(Merkle, SelfMadeKnownRoots) {
  EXPECT_EQ(to_hex(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(leaf_hash(std::string_view())),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  std::vector<Hash> leaves;
  for (auto in : {std::string(""), std::string(1, '\0'), std::string(1, '\x10')}) {
    leaves.push_back(leaf_hash(in));
  }
  EXPECT_EQ(to_hex(root_of(std::span<const Hash>(leaves).first(2))),
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
  EXPECT_EQ(to_hex(root_of(leaves)),
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77");
}

std::vector<Hash> numbered_leaves(uint64_t n) {
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < n; ++i)
    leaves.push_back(leaf_hash("entry " + std::to_string(i)));
  return leaves;
}

TEST(Merkle, EveryInclusionAndConsistencyProofVerifiesUpTo40) {
  std::vector<Hash> leaves = numbered_leaves(40);
  MemoryTree tree(leaves);
  for (uint64_t n = 1; n <= 40; ++n) {
    Hash root = root_of(std::span<const Hash>(leaves).first(n));
    ASSERT_EQ(root_at(tree, n).value(), root);
    for (uint64_t i = 0; i < n; ++i) {
      auto p = inclusion_proof(tree, i, n).value();
      EXPECT_TRUE(verify_inclusion(leaves[i], i, n, p, root).has_value()) << i << "/" << n;
      EXPECT_FALSE(verify_inclusion(leaves[(i + 1) % n], i, n, p, root).has_value() && n > 1);
      if (!p.empty()) {
        p[0][0] ^= 1;
        EXPECT_FALSE(verify_inclusion(leaves[i], i, n, p, root).has_value());
      }
    }
    for (uint64_t m = 1; m <= n; ++m) {
      Hash old_root = root_of(std::span<const Hash>(leaves).first(m));
      auto p = consistency_proof(tree, m, n).value();
      EXPECT_TRUE(verify_consistency(m, n, p, old_root, root).has_value()) << m << "->" << n;
      if (m < n) {
        Hash wrong = old_root;
        wrong[5] ^= 0x20;
        EXPECT_FALSE(verify_consistency(m, n, p, wrong, root).has_value());
        EXPECT_FALSE(verify_consistency(m, n, {}, old_root, root).has_value());
      }
    }
  }
  EXPECT_FALSE(inclusion_proof(tree, 40, 40).has_value());
  EXPECT_FALSE(consistency_proof(tree, 0, 4).has_value());
  EXPECT_FALSE(consistency_proof(tree, 5, 41).has_value());
}

TEST(Merkle, TreeStoreMatchesMemoryTreeAndSurvivesReopen) {
  fs::path dir = fs::temp_directory_path() / ("custody-tree-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::vector<Hash> leaves = numbered_leaves(300);
  {
    auto store = TreeStore::open(dir).value();
    // Uneven batches exercise the frontier.
    size_t pos = 0;
    for (size_t step : {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 69}) {
      ASSERT_TRUE(store.append(std::span<const Hash>(leaves).subspan(pos, step)).has_value());
      pos += step;
    }
    ASSERT_EQ(store.size(), 300u);
  }
  // Simulate a crash that lost upper levels and left a torn hash.
  fs::resize_file(dir / "level-03", 5 * 32 + 7);
  fs::remove(dir / "level-05");
  auto store = TreeStore::open(dir).value();
  MemoryTree mem(leaves);
  for (uint64_t n : {1u, 7u, 64u, 129u, 255u, 300u}) {
    EXPECT_EQ(root_at(store, n).value(), root_at(mem, n).value()) << n;
    EXPECT_EQ(inclusion_proof(store, n / 2, n).value(), inclusion_proof(mem, n / 2, n).value());
    EXPECT_EQ(consistency_proof(store, n / 3 + 1, n).value(),
              consistency_proof(mem, n / 3 + 1, n).value());
  }
  ASSERT_TRUE(store.truncate(100).has_value());
  ASSERT_TRUE(store.append(std::span<const Hash>(leaves).subspan(100, 50)).has_value());
  EXPECT_EQ(root_at(store, 150).value(), root_of(std::span<const Hash>(leaves).first(150)));
  fs::remove_all(dir);
}

TEST(Codec, Base64IsStrict) {
  EXPECT_EQ(base64_encode(std::string_view("hello")), "aGVsbG8=");
  EXPECT_TRUE(base64_decode("aGVsbG8=").has_value());
  EXPECT_FALSE(base64_decode("aGVsbG9=").has_value());  // non-zero padding bits
  EXPECT_FALSE(base64_decode("aGVsbG8").has_value());
  EXPECT_FALSE(base64_decode("aGVs bG8=").has_value());
  EXPECT_FALSE(base64_decode("aGV=bG8=").has_value());
  EXPECT_EQ(crc32c(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>("123456789"), 9)),
            0xE3069283u);
  EXPECT_FALSE(parse_decimal("01").has_value());
  EXPECT_FALSE(parse_decimal("18446744073709551616").has_value());
  EXPECT_EQ(parse_decimal("18446744073709551615").value(), UINT64_MAX);
}

// The hardware CRC (SSE 4.2, 8 bytes at a time) must agree with the bitwise definition at every
// length and alignment.
TEST(Codec, Crc32cMatchesBitwiseDefinition) {
  auto reference = [](std::span<const uint8_t> b) {
    uint32_t c = 0xFFFFFFFFu;
    for (uint8_t byte : b) {
      c ^= byte;
      for (int k = 0; k < 8; ++k)
        c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
  };
  std::vector<uint8_t> buf(300);
  for (size_t i = 0; i < buf.size(); ++i)
    buf[i] = static_cast<uint8_t>(i * 131 + 7);
  for (size_t off = 0; off < 9; ++off) {
    for (size_t len = 0; off + len <= buf.size(); len += 7) {
      std::span<const uint8_t> s(buf.data() + off, len);
      ASSERT_EQ(crc32c(s), reference(s)) << off << " " << len;
    }
  }
}

}  // namespace
}  // namespace dossier::custody
