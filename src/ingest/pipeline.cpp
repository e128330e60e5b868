#include "ingest/pipeline.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <variant>

#include "core/bounded_queue.h"
#include "core/file_util.h"
#include "core/time_util.h"
#include "extract/registry.h"
#include "index/index.h"
#include "ingest/project.h"
#include "ingest/walker.h"
#include "ingest/writer.h"
#include "sandbox/extraction_runner.h"
#include "store/blob_store.h"
#include "store/catalog.h"
#include "text/lang.h"

namespace dossier::ingest {
namespace {

// The children of one container, in the order its extractor found them, waiting for its
// extraction to end: digest, size and name each. The first kInMemory stay in memory; the rest go
// to an unlinked file under blobs/tmp, so that a million-member archive costs a file of about
// 60 MB rather than that much memory.
class ChildList {
 public:
  struct Entry {
    Digest digest{};
    uint64_t size = 0;
    std::string name;
  };
  static constexpr size_t kInMemory = 4096;

  // The scratch file's name is only made when the list spills, not for every item extracted.
  explicit ChildList(const store::BlobStore& blobs) : blobs_(blobs) {}

  Status add(Entry e) {
    if (memory_.size() < kInMemory) {
      memory_.push_back(std::move(e));
      return ok_status();
    }
    if (!spill_.valid()) {
      spill_path_ = blobs_.make_temp_path();
      int fd = ::open(spill_path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0) return io_error("cannot create", errno);
      spill_ = UniqueFd(fd);
      ::unlink(spill_path_.c_str());  // gone with the descriptor, whatever happens
    }
    buffer_.append(reinterpret_cast<const char*>(e.digest.data()), e.digest.size());
    append_u64(e.size);
    append_u64(e.name.size());
    buffer_ += e.name;
    if (buffer_.size() >= kBuffer) return flush();
    return ok_status();
  }

  // Calls fn on each entry in order until it returns false.
  Status for_each(const std::function<bool(Entry&)>& fn) {
    for (Entry& e : memory_) {
      if (!fn(e)) return ok_status();
      std::string().swap(e.name);
    }
    if (!spill_.valid()) return ok_status();
    DOSSIER_RETURN_IF_ERROR(flush());
    std::string in;
    size_t at = 0;
    uint64_t offset = 0;
    std::vector<uint8_t> chunk(kBuffer);
    for (;;) {
      // One whole record from `in`, when it holds one.
      constexpr size_t kHead = sizeof(Digest) + 16;
      if (in.size() - at >= kHead) {
        Entry e;
        std::memcpy(e.digest.data(), in.data() + at, e.digest.size());
        e.size = read_u64(in.data() + at + e.digest.size());
        uint64_t name_size = read_u64(in.data() + at + e.digest.size() + 8);
        if (in.size() - at - kHead >= name_size) {
          e.name.assign(in, at + kHead, name_size);
          at += kHead + name_size;
          if (!fn(e)) return ok_status();
          continue;
        }
      }
      in.erase(0, at);
      at = 0;
      ssize_t n = ::pread(spill_.get(), chunk.data(), chunk.size(), static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return io_error("cannot read", errno);
      if (n == 0) break;
      offset += static_cast<uint64_t>(n);
      in.append(reinterpret_cast<const char*>(chunk.data()), static_cast<size_t>(n));
    }
    if (at != in.size()) return Error{ErrorCode::kInternal, "the list of embedded items waiting to be read ends midway", ""};
    return ok_status();
  }

 private:
  static constexpr size_t kBuffer = 1 << 20;

  void append_u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) buffer_.push_back(static_cast<char>(v >> (8 * i)));
  }
  static uint64_t read_u64(const char* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
    return v;
  }
  Status flush() {
    if (buffer_.empty()) return ok_status();
    auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(buffer_.data()), buffer_.size());
    DOSSIER_RETURN_IF_ERROR(write_all(spill_.get(), bytes, spill_path_));
    buffer_.clear();
    return ok_status();
  }
  Error io_error(const char* what, int err) const {
    return Error{err == ENOSPC || err == EDQUOT ? ErrorCode::kDiskFull : ErrorCode::kIo,
                 std::string(what) + " the list of embedded items " + spill_path_.string() + ": " + std::strerror(err),
                 ""};
  }

  const store::BlobStore& blobs_;
  std::vector<Entry> memory_;
  std::filesystem::path spill_path_;
  UniqueFd spill_;
  std::string buffer_;
};

using Clock = std::chrono::steady_clock;

// Shared by the walker and workers; each field is atomic or guarded.
struct RunState {
  std::atomic<uint64_t> files_seen{0}, files_unchanged{0}, bytes_read{0}, embedded{0}, not_ingested{0};
  std::atomic<bool> stop{false};
  std::mutex claim_mu;
  // guarded by claim_mu: contents being extracted this run and not committed yet (the writer
  // releases them at each commit, so the set does not grow with the corpus)
  std::unordered_set<std::string> claimed;
  std::mutex fatal_mu;
  std::optional<Error> fatal;  // guarded by fatal_mu: why a worker stopped the run (a full disk)

  // Stops the run: workers finish nothing more, the writer commits what is whole.
  void fail(const Error& e) {
    {
      std::lock_guard lock(fatal_mu);
      if (!fatal) fatal = e;
    }
    stop.store(true);
  }

  // True if this call is the first to claim the content in this run.
  bool claim(const std::string& id) {
    std::lock_guard lock(claim_mu);
    return claimed.insert(id).second;
  }
};

// libmagic calls most saved emails text/plain; the extractor that claimed the content knows better.
std::string family_of(const std::string& extractor, const std::string& mime_family) {
  for (const char* e : {"email", "mbox", "pst", "smime", "tnef"}) {
    if (extractor == e) return "email";
  }
  if (extractor == "ooxml" || extractor == "odf" || extractor == "rtf") return "office";
  if (extractor == "archive") return "archive";
  return mime_family;
}

std::string join_display(const std::string& parent, const std::string& name) { return parent + " \u203a " + name; }

// One extraction worker: owns a read-only catalog connection to ask "do we have this already?".
class Worker {
 public:
  Worker(const ProjectPaths& paths, RunState& run, BoundedQueue<WriterItem>& out, Progress& progress,
         std::unique_ptr<store::Catalog> catalog, std::unique_ptr<sandbox::ExtractionRunner> runner)
      : blobs_(paths.blobs()),
        run_(run),
        out_(out),
        progress_(progress),
        catalog_(std::move(catalog)),
        runner_(std::move(runner)) {}

  Status start() { return runner_->start(); }
  Status wait_ready() { return runner_->wait_ready(); }

  void process_file(const WalkedFile& file) {
    auto put = blobs_.put_file(file.path);
    run_.bytes_read.fetch_add(file.size, std::memory_order_relaxed);
    if (!put.has_value() && blobs_.failed_writing(put.error())) {
      run_.fail(put.error());
    } else if (!put.has_value()) {
      progress_.add_failure();
      run_.not_ingested.fetch_add(1, std::memory_order_relaxed);
      emit(WriterItem::problem(file.path.string(), put.error().to_string()));
    } else {
      store::LocationRecord loc;
      loc.doc_id = to_hex(put->digest);
      loc.path = file.path.string();
      loc.size = put->size;
      loc.mtime_ns = file.mtime_ns;
      process_content(put->digest, put->size, file.path.filename().string(), 0, loc, file.path.string());
    }
    progress_.add_done(1, file.size);
    progress_.tick();
  }

 private:
  void emit(WriterItem item) {
    if (!out_.push(std::move(item))) run_.stop.store(true);
  }

  bool already_stored(const std::string& id) {
    auto doc = catalog_->find_document(id);
    return doc.has_value() && doc->has_value() && (*doc)->state != store::DocState::kPending;
  }

  void process_content(const Digest& digest, uint64_t size, const std::string& name, int depth,
                       store::LocationRecord loc, const std::string& display) {
    std::string id = to_hex(digest);
    if (std::find(ancestors_.begin(), ancestors_.end(), id) != ancestors_.end()) {
      // A container inside itself: recorded, never extracted again (that would not end).
      WriterItem item = WriterItem::location_only(std::move(loc), display);
      item.inside_itself = true;
      emit(std::move(item));
      return;
    }
    if (already_stored(id) || !run_.claim(id)) {
      emit(WriterItem::location_only(std::move(loc), display));
      return;
    }
    // Children are stored as the extractor finds them, so a mailbox never holds more than one
    // message in memory, and extracted (depth first) once it is done; the container's own item
    // follows them.
    WriterItem item = extract_one(digest, size, name, depth, display);
    // A stop during extraction cancels it and skips children: such an item is not the document,
    // and writing it would make the next run take it for done. The next run extracts it again.
    if (run_.stop.load()) return;
    item.location = std::move(loc);
    item.display_path = display;
    if (item.doc.state == store::DocState::kFailed) progress_.add_failure();
    emit(std::move(item));
  }

  void store_child(extract::Child& child, ChildList& stored) {
    if (run_.stop.load()) return;
    run_.embedded.fetch_add(1, std::memory_order_relaxed);
    auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(child.bytes.data()), child.bytes.size());
    auto put = blobs_.put_bytes(bytes);
    if (!put.has_value()) {
      // Bytes in memory can only fail to be written: the store's problem, not the item's.
      run_.fail(put.error());
      return;
    }
    std::string().swap(child.bytes);  // the blob has it now
    if (Status s = stored.add({put->digest, put->size, std::move(child.name)}); !s.has_value()) run_.fail(s.error());
  }

  WriterItem extract_one(const Digest& digest, uint64_t size, const std::string& name, int depth,
                         const std::string& display) {
    WriterItem item;
    store::DocumentRecord& doc = item.doc;
    doc.id = to_hex(digest);
    doc.size = size;
    doc.ingested_at = now_unix();
    doc.title = name;

    auto mapped = MappedFile::open(blobs_.path_of(digest));
    if (!mapped.has_value()) {
      mark_failed(doc, mapped.error());
      return item;
    }
    auto bytes = mapped->bytes();
    auto head = bytes.subspan(0, std::min<size_t>(bytes.size(), 64 << 10));
    extract::Probe probe{head, extract::sniff_mime(head), name};
    doc.mime = probe.mime;
    doc.type = extract::type_family(probe.mime);

    if (bytes.empty()) {
      // An empty file is a document (its hash and locations matter), with nothing to extract.
      doc.state = store::DocState::kIndexed;
      return item;
    }
    const extract::Extractor* extractor = extract::Registry::instance().find(probe);
    if (extractor == nullptr) {
      mark_failed(doc, Error{ErrorCode::kUnsupported, "unsupported type: " + probe.mime + "; the original is stored", name});
      return item;
    }
    auto xid = extractor->id();
    doc.extractor = xid.name + "/" + std::to_string(xid.version);
    doc.type = family_of(xid.name, doc.type);

    extract::ExtractContext ctx;
    ctx.cancelled = &run_.stop;
    ctx.item_size = size;
    if (static_cast<uint32_t>(depth) >= ctx.limits.max_depth) {
      mark_failed(doc, Error{ErrorCode::kLimit, "nesting deeper than " + std::to_string(ctx.limits.max_depth) +
                                                    " containers: not extracted", name});
      return item;
    }
    uint64_t emitted = 0;
    ChildList children(blobs_);
    ctx.on_child = [&](extract::Child&& child) {
      ++emitted;
      store_child(child, children);
    };
    sandbox::ExtractJob job{extractor, extract::Item{bytes, probe.mime, name, depth}, blobs_.path_of(digest)};
    Result<extract::Extraction> result = runner_->run(job, ctx);
    // The children are extracted only now, so that one worker per thread suffices: a sandboxed
    // worker cannot take a member while it is still reading the archive.
    ancestors_.push_back(doc.id);
    Status listed = children.for_each([&](ChildList::Entry& c) {
      if (run_.stop.load()) return false;
      store::LocationRecord loc;
      loc.doc_id = to_hex(c.digest);
      loc.parent_id = doc.id;
      loc.path = c.name;
      loc.size = c.size;
      process_content(c.digest, c.size, c.name, depth + 1, std::move(loc), join_display(display, c.name));
      return true;
    });
    ancestors_.pop_back();
    if (!listed.has_value()) run_.fail(listed.error());
    doc.children_emitted = emitted;
    if (!result.has_value()) {
      mark_failed(doc, result.error());
      return item;
    }
    for (const auto& p : result->child_problems) {
      run_.not_ingested.fetch_add(1, std::memory_order_relaxed);
      emit(WriterItem::problem(join_display(display, p.name), p.code + ": " + p.reason));
    }
    doc.children_failed = result->child_problems.size();
    doc.children_declared = result->declared_children;
    fill_from_extraction(item, std::move(result).value());
    return item;
  }

  static void mark_failed(store::DocumentRecord& doc, const Error& error) {
    doc.state = store::DocState::kFailed;
    doc.failure_code = error_code_name(error.code);
    doc.failure_reason = error.message;
  }

  static void fill_from_extraction(WriterItem& item, extract::Extraction x) {
    store::DocumentRecord& doc = item.doc;
    doc.state = store::DocState::kIndexed;
    if (!x.common.title.empty()) doc.title = x.common.title;
    doc.author = x.common.author;
    doc.application = x.common.application;
    doc.from = x.common.from;
    doc.to = x.common.to;
    doc.created = x.common.created;
    doc.modified = x.common.modified;
    doc.page_count = x.page_count > 0 ? x.page_count : static_cast<int>(x.pages.size());
    doc.text_bytes = x.text_bytes();
    std::string sample;
    for (const auto& p : x.pages) {
      if (sample.size() >= (64 << 10)) break;
      sample.append(p.text, 0, (64 << 10) - sample.size());
    }
    doc.lang = text::detect_language(sample);
    // Languages of long parts too (a mostly-English PDF with a Chinese section is also lang:zh),
    // kept as metadata so that the index can be rebuilt from the catalog.
    std::vector<std::string_view> texts;
    for (const auto& p : x.pages) texts.emplace_back(p.text);
    std::string langs;
    for (const auto& l : text::detect_part_languages(texts)) langs += (langs.empty() ? "" : " ") + l;
    if (!langs.empty()) item.metadata.push_back({std::string(kPartLanguagesKey), std::move(langs)});
    item.pages.reserve(x.pages.size());
    for (auto& p : x.pages) {
      item.pages.push_back({p.number, std::move(p.text), p.source == extract::TextSource::kOcr, p.ocr_confidence});
    }
    for (auto& m : x.metadata) item.metadata.push_back({std::move(m.key), std::move(m.value)});
    for (auto& w : x.warnings) item.metadata.push_back({"dossier:warning", std::move(w)});
  }

  store::BlobStore blobs_;
  RunState& run_;
  BoundedQueue<WriterItem>& out_;
  // The containers whose members this thread is extracting, outermost first.
  std::vector<std::string> ancestors_;
  Progress& progress_;
  std::unique_ptr<store::Catalog> catalog_;
  std::unique_ptr<sandbox::ExtractionRunner> runner_;  // used by this worker's thread only
};

std::unique_ptr<sandbox::ExtractionRunner> make_runner(const IngestOptions& options, const extract::OcrConfig& ocr) {
  if (options.isolation == IngestOptions::Isolation::kThreads) return sandbox::make_in_process_runner(ocr);
  sandbox::SandboxConfig config;
  config.timeout = std::chrono::seconds(std::max(0, options.timeout_seconds));
  config.address_space_bytes = options.memory_limit_bytes;
  config.ocr = ocr;
  // OCR reads a scanned page in seconds: a scan of 200 KiB a page needs far more than the
  // second per MiB that text extraction does.
  if (ocr.mode != extract::OcrMode::kOff) config.seconds_per_mib = 30.0;
  return sandbox::make_sandbox_runner(config);
}

}  // namespace

Result<extract::OcrConfig> ocr_config(store::Catalog& catalog, const IngestOptions& options) {
  extract::OcrConfig config;
  config.mode = options.ocr_mode;
  if (!options.ocr_languages.empty()) {
    config.languages = options.ocr_languages;
  } else {
    DOSSIER_ASSIGN_OR_RETURN(auto saved, catalog.setting(std::string(kOcrLanguagesSetting)));
    if (saved.has_value() && !saved->empty()) config.languages = *saved;
  }
  if (config.mode != extract::OcrMode::kOff) DOSSIER_RETURN_IF_ERROR(extract::check_ocr_languages(config.languages));
  return config;
}

Result<IngestReport> run_ingest(const std::filesystem::path& project_dir,
                                const std::vector<std::filesystem::path>& inputs, const IngestOptions& options) {
  auto started = Clock::now();
  ProjectPaths paths{project_dir};
  if (!is_project(project_dir)) return no_project_error(project_dir);

  DOSSIER_ASSIGN_OR_RETURN(auto writer, Writer::open(paths, options));
  // The writer holds the project's locks now: a temp file in the blob store is a killed run's.
  DOSSIER_RETURN_IF_ERROR(store::BlobStore(paths.blobs()).remove_stale_temps());
  DOSSIER_ASSIGN_OR_RETURN(auto walk_catalog, store::open_sqlite_catalog(paths.db().string(), store::OpenMode::kReadOnly));

  DOSSIER_ASSIGN_OR_RETURN(extract::OcrConfig ocr, ocr_config(*walk_catalog, options));
  int jobs = options.jobs > 0 ? options.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  RunState run;
  writer->on_commit([&run](const std::vector<std::string>& ids) {
    std::lock_guard lock(run.claim_mu);
    for (const auto& id : ids) run.claimed.erase(id);
  });
  Progress progress(options.progress);
  BoundedQueue<WalkedFile> files(static_cast<size_t>(jobs) * 4);
  BoundedQueue<WriterItem> results(static_cast<size_t>(jobs) * 8);

  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < jobs; ++i) {
    DOSSIER_ASSIGN_OR_RETURN(auto cat, store::open_sqlite_catalog(paths.db().string(), store::OpenMode::kReadOnly));
    workers.push_back(std::make_unique<Worker>(paths, run, results, progress, std::move(cat), make_runner(options, ocr)));
  }
  // Every worker process starts (and proves it can sandbox itself) before the first file is read.
  // They are started from this thread, which outlives them (a worker dies with the thread that
  // started it), and warm up side by side.
  for (auto& w : workers) DOSSIER_RETURN_IF_ERROR(w->start());
  {
    std::vector<Status> ready(workers.size(), ok_status());
    std::vector<std::thread> waiting;
    for (size_t i = 0; i < workers.size(); ++i) waiting.emplace_back([&, i] { ready[i] = workers[i]->wait_ready(); });
    for (auto& t : waiting) t.join();
    for (const Status& s : ready) DOSSIER_RETURN_IF_ERROR(s);
  }

  std::thread walker([&] {
    walk(
        inputs,
        [&](const WalkedFile& f) {
          if (run.stop.load()) return false;
          run.files_seen.fetch_add(1, std::memory_order_relaxed);
          progress.add_total(1, f.size);
          if (!options.rehash) {
            auto known = walk_catalog->unchanged_file(f.path.string(), f.size, f.mtime_ns);
            if (known.has_value() && known->has_value()) {
              run.files_unchanged.fetch_add(1, std::memory_order_relaxed);
              progress.add_done(1, f.size);
              progress.tick();
              return true;
            }
          }
          return files.push(f);
        },
        [&](const WalkProblem& p) {
          run.not_ingested.fetch_add(1, std::memory_order_relaxed);
          progress.add_failure();
          return results.push(WriterItem::problem(p.path.string(), p.reason));
        });
    progress.set_total_known();
    files.close();
  });

  std::vector<std::thread> threads;
  for (auto& w : workers) {
    threads.emplace_back([&, worker = w.get()] {
      while (auto f = files.pop()) {
        if (run.stop.load()) continue;  // drain so the walker is never stuck on a full queue
        worker->process_file(*f);
      }
    });
  }

  // The writer runs on this thread; workers are joined before the final commit.
  std::thread closer([&] {
    walker.join();
    for (auto& t : threads) t.join();
    results.close();
  });
  Status written = writer->drain(results, progress);
  if (!written.has_value()) {
    run.stop.store(true);
    files.close();
    results.close();
  }
  closer.join();
  progress.finish();
  {
    std::lock_guard lock(run.fatal_mu);
    if (run.fatal) return stopped_writing(*run.fatal, project_dir);
  }
  if (!written.has_value()) return stopped_writing(written.error(), project_dir);
  if (Status s = writer->finish(); !s.has_value()) return stopped_writing(s.error(), project_dir);

  IngestReport report = writer->report();
  report.files_seen = run.files_seen.load();
  report.files_unchanged = run.files_unchanged.load();
  report.bytes_read = run.bytes_read.load();
  report.embedded = run.embedded.load();
  report.not_ingested = run.not_ingested.load();
  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return report;
}

}  // namespace dossier::ingest
