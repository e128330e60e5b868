// verify_bundle on a valid bundle with one file replaced by the input. The first byte picks the
// file (bit 7 set: delete it instead); the rest becomes its content.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/sha256.h"
#include "custody/bundle.h"
#include "custody/entry.h"
#include "custody/log.h"

namespace {

namespace fs = std::filesystem;
using namespace dossier;
using namespace dossier::custody;

struct Fixture {
  fs::path root;
  fs::path bundle;  // the pristine bundle
  fs::path work;    // copied and mutated per input
  std::vector<fs::path> files;  // relative to the bundle
};

void write_file(const fs::path& p, std::string_view s) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
}

fs::path g_root;  // removed at exit

Fixture make_fixture() {
  Fixture f;
  std::string tmpl = (fs::temp_directory_path() / "dossier-fuzz-bundle-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr)
    __builtin_trap();
  f.root = tmpl;
  g_root = f.root;
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(g_root, ec);
  });
  auto log = CustodyLog::create(f.root / "custody", "dossier.invalid/fuzz");
  if (!log.has_value())
    __builtin_trap();
  fs::create_directories(f.root / "blobs");
  std::vector<BundleItem> items;
  for (int i = 0; i < 2; ++i) {
    std::string content = "original document " + std::to_string(i) + "\n";
    Digest id = sha256(std::string_view(content));
    fs::path blob = f.root / "blobs" / to_hex(id);
    write_file(blob, content);
    IngestEntry e;
    e.sha256 = id;
    e.size = content.size();
    e.location.path = "/leak/doc" + std::to_string(i);
    e.received = 1700000000;
    e.dossier_version = "0.1.0";
    auto index = log->append(encode_entry(e));
    if (!index.has_value())
      __builtin_trap();
    items.push_back({id, blob, *index});
  }
  f.bundle = f.root / "bundle";
  f.work = f.root / "work";
  if (!write_bundle(*log, items, f.bundle).has_value())
    __builtin_trap();
  for (const auto& entry : fs::recursive_directory_iterator(f.bundle))
    if (entry.is_regular_file())
      f.files.push_back(fs::relative(entry.path(), f.bundle));
  std::sort(f.files.begin(), f.files.end());
  if (f.files.empty() || !verify_bundle(f.bundle).ok())
    __builtin_trap();
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture f = make_fixture();
  if (size == 0)
    return 0;
  std::error_code ec;
  fs::remove_all(f.work, ec);
  fs::copy(f.bundle, f.work, fs::copy_options::recursive, ec);
  if (ec)
    __builtin_trap();
  const fs::path target = f.work / f.files[(data[0] & 0x7f) % f.files.size()];
  if (data[0] & 0x80)
    fs::remove(target, ec);
  else
    write_file(target, std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  BundleReport report = verify_bundle(f.work);
  (void)report.ok();
  return 0;
}
