#include "sandbox/worker_main.h"

#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "extract/registry.h"
#include "sandbox/alloc_watch.h"
#include "sandbox/channel.h"
#include "sandbox/seccomp_policy.h"
#include "sandbox/wire.h"
#include "sandbox/worker_process.h"

namespace dossier::sandbox {
namespace {

constexpr rlim_t kMaxOpenFiles = 64;  // socket, the item, stdio, OCR models, and a margin

Error errno_failure(const std::string& what) {
  return Error{ErrorCode::kInternal, what + ": " + std::strerror(errno), ""};
}

Status set_limit(int resource, rlim_t soft, rlim_t hard, const char* name) {
  rlimit r{soft, hard};
  if (::setrlimit(resource, &r) != 0) return errno_failure(std::string("cannot set ") + name);
  return ok_status();
}

// Running as root (a container, a forensic workstation), the worker would hold every capability:
// it drops them all, from the bounding set too, and locks the securebits so that nothing (not
// even an exec, which seccomp forbids anyway) brings them back. It keeps uid 0 rather than
// becoming nobody, because the kernel pages out a file's pages for the file's owner only: the
// mbox extractor releases what it has read that way (the blobs belong to the ingest's user), and
// as nobody a 2 GB mailbox would stay resident.
Status drop_capabilities() {
  if (::geteuid() != 0) return ok_status();
  constexpr unsigned long kBits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                                  SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
                                  SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
  if (::prctl(PR_SET_SECUREBITS, kBits) != 0) return errno_failure("cannot lock the securebits");
  for (int cap = 0; ::prctl(PR_CAPBSET_READ, cap) >= 0; ++cap) {
    if (::prctl(PR_CAPBSET_DROP, cap) != 0) return errno_failure("cannot drop capability " + std::to_string(cap));
  }
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
    return errno_failure("cannot clear ambient capabilities");
  }
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct none[2] = {};  // NOLINT(modernize-avoid-c-arrays): the kernel's layout
  if (::syscall(SYS_capset, &header, none) != 0) return errno_failure("cannot drop capabilities");
  return ok_status();
}

Status limit_resources(const WorkerSettings& settings) {
  DOSSIER_RETURN_IF_ERROR(set_limit(RLIMIT_CORE, 0, 0, "RLIMIT_CORE"));
  // Writing a file fails (EFBIG, SIGXFSZ is ignored) rather than kill: the only file a worker
  // could write is a stderr redirected to one.
  DOSSIER_RETURN_IF_ERROR(set_limit(RLIMIT_FSIZE, 0, 0, "RLIMIT_FSIZE"));
  DOSSIER_RETURN_IF_ERROR(set_limit(RLIMIT_NOFILE, kMaxOpenFiles, kMaxOpenFiles, "RLIMIT_NOFILE"));
  // The soft CPU limit is set per item; the hard one stays open so it can be raised again.
  if (settings.address_space_bytes > 0 && alloc_watch_enabled()) {
    DOSSIER_RETURN_IF_ERROR(
        set_limit(RLIMIT_AS, settings.address_space_bytes, settings.address_space_bytes, "RLIMIT_AS"));
  }
  return ok_status();
}

uint64_t cpu_seconds_used() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<uint64_t>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1;
}

[[noreturn]] void lost_parent() { ::_exit(3); }

class Worker {
 public:
  explicit Worker(Channel& channel) : channel_(channel) {}

  Status set_up(const WorkerSettings& settings) {
    settings_ = settings;
    // Libraries load their data now, while files may still be opened.
    extract::warm_up_libraries();
    if (settings.ocr.mode != extract::OcrMode::kOff) {
      // The model files are opened now, while files may still be opened; the models load at
      // the first image this worker reads.
      // An engine that cannot be set up still answers, with the reason, so that no image goes
      // without OCR unsaid.
      auto engine = extract::make_tesseract_engine(settings.ocr.languages);
      if (!engine.has_value()) {
        ocr_status_ = engine.error().message;
        ocr_ = extract::make_unavailable_ocr_engine(engine.error());
      } else if (Status opened = (*engine)->open_models(); !opened.has_value()) {
        ocr_status_ = opened.error().message;
        ocr_ = extract::make_unavailable_ocr_engine(opened.error());
      } else {
        ocr_ = std::move(engine).value();
        ocr_->set_on_page([this] { heartbeat(); });
      }
    }
    DOSSIER_RETURN_IF_ERROR(limit_resources(settings));
    DOSSIER_RETURN_IF_ERROR(drop_capabilities());
    const char* trace = std::getenv("DOSSIER_SECCOMP_TRACE");
    bool tracing = trace != nullptr && std::string_view(trace) == "1";
    return install_worker_filter(tracing ? SeccompMode::kTrace : SeccompMode::kEnforce);
  }

  const std::string& ocr_status() const { return ocr_status_; }

  // Extracts items until the ingest closes the socket.
  void serve() {
    for (;;) {
      Message msg;
      Error error;
      ReceiveStatus st = channel_.receive(msg, 1 << 20, Clock::time_point::max(), nullptr, true, error);
      if (st == ReceiveStatus::kClosed) ::_exit(0);
      if (st != ReceiveStatus::kMessage || msg.type != MessageType::kExtract) lost_parent();
      auto request = decode_request(msg.payload);
      if (!request.has_value() || !msg.fd.valid()) lost_parent();
      if (!extract_one(*request, std::move(msg.fd))) ::_exit(0);
    }
  }

 private:
  void send_or_exit(MessageType type, std::span<const std::string_view> parts) {
    if (!channel_.send(type, parts).has_value()) lost_parent();
  }

  // The extraction advanced: tells the ingest, which restarts the item's deadline, and gives the
  // CPU backstop the same budget again from now. At most one message per 100 ms.
  void heartbeat() {
    auto now = std::chrono::steady_clock::now();
    if (now - last_heartbeat_ < std::chrono::milliseconds(100)) return;
    last_heartbeat_ = now;
    if (item_cpu_seconds_ > 0) {
      rlimit cpu{};
      rlim_t wanted = static_cast<rlim_t>(cpu_seconds_used() + item_cpu_seconds_);
      if (::getrlimit(RLIMIT_CPU, &cpu) == 0 && cpu.rlim_cur < wanted) {
        cpu.rlim_cur = wanted;
        (void)::setrlimit(RLIMIT_CPU, &cpu);
      }
    }
    send_or_exit(MessageType::kProgress, {});
  }

  // Returns false when the worker should exit after this item (its memory limit was hit).
  bool extract_one(const ExtractRequest& request, UniqueFd fd) {
    WorkerResult result;
    struct stat st {};
    const uint8_t* data = nullptr;
    size_t size = 0;
    if (::fstat(fd.get(), &st) == 0 && st.st_size > 0) {
      size = static_cast<size_t>(st.st_size);
      void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
      data = p == MAP_FAILED ? nullptr : static_cast<const uint8_t*>(p);
    }
    const extract::Extractor* extractor = extract::Registry::instance().by_name(request.extractor);
    uint64_t failures_before = alloc_failures();
    Result<extract::Extraction> extraction = Error{ErrorCode::kInternal, "worker did not extract", ""};
    if (extractor == nullptr) {
      extraction = Error{ErrorCode::kInternal, "no extractor named " + request.extractor, request.name};
    } else if (size > 0 && data == nullptr) {
      extraction = Error{ErrorCode::kIo, std::string("worker cannot map the item: ") + std::strerror(errno), request.name};
    } else {
      item_cpu_seconds_ = request.cpu_seconds;
      last_heartbeat_ = std::chrono::steady_clock::time_point();
      if (request.cpu_seconds > 0) {
        rlimit cpu{static_cast<rlim_t>(cpu_seconds_used() + request.cpu_seconds), RLIM_INFINITY};
        (void)::setrlimit(RLIMIT_CPU, &cpu);
      }
      extract::ExtractContext ctx;
      ctx.limits = request.limits;
      ctx.item_size = request.item_size;
      ctx.ocr = ocr_.get();
      ctx.ocr_mode = settings_.ocr.mode;
      ctx.on_progress = [this] { heartbeat(); };
      ctx.on_child = [this](extract::Child&& child) {
        WireWriter head;
        encode_child_head(head, child.name);
        std::string_view parts[] = {head.bytes(), child.bytes};
        send_or_exit(MessageType::kChild, parts);
      };
      extract::Item item{{data, size}, request.mime, request.name, request.depth};
      extraction = extract_here(*extractor, item, ctx);
    }
    if (data != nullptr) ::munmap(const_cast<uint8_t*>(data), size);
    fd.reset();

    bool memory = alloc_failures() > failures_before;
    if (extraction.has_value()) {
      result.extraction = std::move(extraction).value();
      if (memory) {
        result.extraction.warnings.push_back("an allocation was refused by the worker's memory limit (" +
                                             human_size(settings_.address_space_bytes) +
                                             "); extraction went on without it");
      }
    } else {
      result.error = extraction.error();
      bool out_of_memory = memory || (extraction.error().code == ErrorCode::kLimit &&
                                      extraction.error().message == "out of memory while extracting");
      result.status = out_of_memory ? ResultStatus::kMemoryLimit : ResultStatus::kError;
    }
    // The pages, then the rest of the Extraction, in one go (the text is not copied).
    std::vector<extract::Page> pages = std::move(result.extraction.pages);
    result.extraction.pages.clear();
    std::vector<std::string> heads;
    heads.reserve(pages.size());
    std::vector<Channel::Outgoing> out;
    out.reserve(pages.size() + 1);
    for (const auto& page : pages) {
      WireWriter head;
      encode_page_head(head, page);
      heads.push_back(head.take());
      out.push_back({MessageType::kPage, {heads.back(), page.text}});
    }
    std::string encoded = encode_result(result);
    out.push_back({MessageType::kResult, {encoded}});
    if (!channel_.send_all(out).has_value()) lost_parent();
    return result.status != ResultStatus::kMemoryLimit;
  }

  Channel& channel_;
  WorkerSettings settings_;
  std::unique_ptr<extract::OcrEngine> ocr_;
  std::string ocr_status_;
  uint32_t item_cpu_seconds_ = 0;
  std::chrono::steady_clock::time_point last_heartbeat_;
};

StatusPage* map_status_page() {
  void* page = ::mmap(nullptr, static_cast<size_t>(::sysconf(_SC_PAGESIZE)), PROT_READ | PROT_WRITE, MAP_SHARED,
                      kWorkerStatusFd, 0);
  ::close(kWorkerStatusFd);
  return page == MAP_FAILED ? nullptr : static_cast<StatusPage*>(page);
}

Status set_up(Worker& worker, const Result<WorkerSettings>& settings, const StatusPage* page) {
  if (!settings.has_value()) return settings.error();
  if (settings->protocol != kProtocolVersion) return Error{ErrorCode::kInternal, "protocol version mismatch", ""};
  if (page == nullptr) return Error{ErrorCode::kInternal, "worker cannot map its status page", ""};
  return worker.set_up(*settings);
}

}  // namespace

int worker_main() {
  // Started from /proc/self/exe, the process would be called "exe" in ps and top.
  ::prctl(PR_SET_NAME, "dossier-worker");
  // Die with the ingest, even while busy; if it is already gone, stop now.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() == 1) return 3;
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGXFSZ, SIG_IGN);

  Channel channel{UniqueFd(kWorkerSocketFd)};
  StatusPage* page = map_status_page();
  if (page != nullptr) watch_allocations_into(page);

  Message hello;
  Error error;
  if (channel.receive(hello, 1 << 20, Clock::time_point::max(), nullptr, false, error) != ReceiveStatus::kMessage ||
      hello.type != MessageType::kHello) {
    return 3;
  }
  auto settings = decode_settings(hello.payload);
  Worker worker(channel);
  Status ready = set_up(worker, settings, page);
  if (!ready.has_value()) {
    WireWriter w;
    encode_error(w, ready.error());
    (void)channel.send(MessageType::kStartFailed, w.bytes());
    return 2;
  }
  WorkerReady r;
  r.ocr_status = worker.ocr_status();
  if (!channel.send(MessageType::kReady, encode_ready(r)).has_value()) return 3;
  worker.serve();
  return 0;
}

}  // namespace dossier::sandbox
