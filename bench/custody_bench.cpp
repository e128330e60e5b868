// dossier-custody-bench: the custody log at a million entries.
// Appends N INGEST entries (default 1,000,000; first argument overrides) to a temporary log in
// fsynced batches, then times root, checkpoint, inclusion and consistency proofs (generation and
// verification, averaged over many random cases), reopening and a full verify().
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "custody/entry.h"
#include "custody/log.h"

namespace {

using Clock = std::chrono::steady_clock;
using dossier::custody::CustodyLog;
namespace custody = dossier::custody;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void row(const char* what, double total_s, double count) {
  double per = total_s / count;
  const char* unit = "s";
  if (per < 1e-3) {
    per *= 1e6;
    unit = "us";
  } else if (per < 1) {
    per *= 1e3;
    unit = "ms";
  }
  std::printf("| %-38s | %10.0f | %10.3f s | %9.2f %-2s |\n", what, count, total_s, per, unit);
}

std::string entry_for(uint64_t i) {
  custody::IngestEntry e;
  std::string content = "document " + std::to_string(i);
  e.sha256 = dossier::sha256(std::string_view(content));
  e.size = content.size();
  e.location.path =
      "/leak/folder " + std::to_string(i % 977) + "/file-" + std::to_string(i) + ".pdf";
  e.received = 1700000000 + static_cast<int64_t>(i);
  e.dossier_version = "0.1.0";
  return custody::encode_entry(e);
}

int fail(const dossier::Error& e) {
  std::fprintf(stderr, "dossier-custody-bench: %s\n", e.to_string().c_str());
  return 2;
}

// Appends n entries in fsynced batches of `batch`.
dossier::Status append_all(const std::filesystem::path& dir, uint64_t n, uint64_t batch) {
  DOSSIER_ASSIGN_OR_RETURN(CustodyLog log, CustodyLog::create(dir, "dossier.invalid/bench"));
  auto t = Clock::now();
  std::vector<std::string> entries;
  for (uint64_t i = 0; i < n; i += batch) {
    entries.clear();
    for (uint64_t k = i; k < std::min(n, i + batch); ++k)
      entries.push_back(entry_for(k));
    DOSSIER_RETURN_IF_ERROR(log.append_batch(entries));
  }
  row("append (encode, write, fsync, tree)", seconds_since(t), static_cast<double>(n));
  return dossier::ok_status();
}

// Times proof generation and verification over random cases; returns the number that failed.
int time_proofs(CustodyLog& log, uint64_t n, const custody::Hash& root) {
  std::mt19937_64 rng(42);
  const int cases = 10000;
  std::vector<uint64_t> idx(cases);
  for (auto& i : idx)
    i = rng() % n;
  std::vector<std::vector<custody::Hash>> proofs(cases);
  auto t = Clock::now();
  for (int c = 0; c < cases; ++c)
    proofs[c] = log.inclusion_proof(idx[c], n).value();
  row("inclusion proof: generate", seconds_since(t), cases);
  std::vector<custody::Hash> leaves(cases);
  for (int c = 0; c < cases; ++c)
    leaves[c] = log.leaf(idx[c]).value();
  int bad = 0;
  t = Clock::now();
  for (int c = 0; c < cases; ++c) {
    bad += !custody::verify_inclusion(leaves[c], idx[c], n, proofs[c], root).has_value();
  }
  row("inclusion proof: verify", seconds_since(t), cases);
  std::vector<uint64_t> olds(cases);
  std::vector<custody::Hash> old_roots(cases);
  for (int c = 0; c < cases; ++c) {
    olds[c] = 1 + rng() % n;
    old_roots[c] = log.root(olds[c]).value();
  }
  t = Clock::now();
  for (int c = 0; c < cases; ++c)
    proofs[c] = log.consistency_proof(olds[c], n).value();
  row("consistency proof: generate", seconds_since(t), cases);
  t = Clock::now();
  for (int c = 0; c < cases; ++c) {
    bad += !custody::verify_consistency(olds[c], n, proofs[c], old_roots[c], root).has_value();
  }
  row("consistency proof: verify", seconds_since(t), cases);
  t = Clock::now();
  for (int c = 0; c < 1000; ++c)
    bad += !log.prove(idx[c]).has_value();
  row("tlog-proof for an entry (prove)", seconds_since(t), 1000);
  return bad;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  if (n == 0)
    n = 1;
  const uint64_t batch = 1000;
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("dossier-custody-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::printf("custody log bench: %llu entries, batches of %llu (one write + fsync each)\n\n",
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(batch));
  std::printf("| %-38s | %10s | %12s | %12s |\n", "operation", "count", "total", "per op");
  std::printf("|%s|%s|%s|%s|\n", std::string(40, '-').c_str(), std::string(12, '-').c_str(),
              std::string(14, '-').c_str(), std::string(14, '-').c_str());
  if (auto st = append_all(dir, n, batch); !st.has_value())
    return fail(st.error());
  auto t = Clock::now();
  auto opened = CustodyLog::open(dir);
  if (!opened.has_value())
    return fail(opened.error());
  CustodyLog& log = *opened;
  row("open (scan records, load tree)", seconds_since(t), 1);
  t = Clock::now();
  auto root = log.root(n);
  if (!root.has_value())
    return fail(root.error());
  row("root at full size", seconds_since(t), 1);
  t = Clock::now();
  auto note = log.checkpoint();
  if (!note.has_value())
    return fail(note.error());
  row("checkpoint (root, Ed25519 sign, store)", seconds_since(t), 1);
  int bad = time_proofs(log, n, *root);
  t = Clock::now();
  auto problems = log.verify(*note);
  row("verify (rehash all, rebuild tree)", seconds_since(t), 1);
  std::printf("\nproof failures: %d, verify problems: %zu, entries file: %.0f MB\n", bad,
              problems.size(),
              static_cast<double>(std::filesystem::file_size(dir / "entries")) / 1e6);
  std::filesystem::remove_all(dir);
  return bad == 0 && problems.empty() ? 0 : 1;
}
