// The sandboxed ExtractionRunner: one worker process for the pipeline thread that owns the
// runner, replaced when it dies. Should run() be re-entered from on_child (a member extracted
// while its archive is still being read; the pipeline does not do that), each nesting level gets
// a worker of its own. docs/design-notes.md "Sandbox" has the whole design.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "sandbox/extraction_runner.h"
#include "sandbox/wire.h"
#include "sandbox/worker_process.h"

namespace dossier::sandbox {
namespace {

// What identifies a child a first attempt already handed on, so that a retry does not hand it on
// twice (the pipeline would count it twice). Extraction is deterministic, so the retry emits the
// same children in the same order. Hashes rather than the name: an attempt keeps one mark per
// child, a million for a million-member tar.
struct ChildMark {
  size_t name_hash = 0;
  uint64_t size = 0;
  size_t hash = 0;
  bool operator==(const ChildMark&) const = default;
};

struct Attempt {
  bool worker_died = false;  // the worker crashed, hung or hit a limit, and was replaced
  Result<extract::Extraction> result = Error{ErrorCode::kInternal, "extraction did not run", ""};
  Error death;                     // when worker_died: the reason, for the document
  std::vector<ChildMark> children;  // every child the worker sent, in order
};

class SandboxRunner final : public ExtractionRunner {
 public:
  explicit SandboxRunner(SandboxConfig config) : config_(std::move(config)) {}

  Status start() override {
    if (slots_.empty()) slots_.resize(1);
    if (!slots_[0]) {
      DOSSIER_ASSIGN_OR_RETURN(slots_[0], WorkerProcess::start(config_));
    }
    return ok_status();
  }

  Status wait_ready() override {
    if (slots_.empty() || !slots_[0]) return ok_status();
    Status ready = slots_[0]->wait_ready();
    if (!ready.has_value()) slots_[0].reset();
    return ready;
  }

  Result<extract::Extraction> run(const ExtractJob& job, extract::ExtractContext& ctx) override {
    size_t level = depth_++;
    struct Leave {
      size_t& depth;
      ~Leave() { --depth; }
    } leave{depth_};

    Attempt first = attempt(job, ctx, level, {});
    if (!first.worker_died) return std::move(first.result);
    // Once more, alone: in a fresh worker that has extracted nothing before.
    Attempt second = attempt(job, ctx, level, first.children);
    if (!second.worker_died) {
      if (second.result.has_value()) {
        second.result->warnings.push_back("extracted on a retry in a fresh worker; the first attempt failed: " +
                                          first.death.message);
      }
      return std::move(second.result);
    }
    Error e = second.death;
    e.message += " (retried once in a fresh worker";
    if (first.death.message != second.death.message) e.message += "; the first attempt: " + first.death.message;
    e.message += ")";
    return e;
  }

 private:
  Result<WorkerProcess*> worker(size_t level) {
    if (slots_.size() <= level) slots_.resize(level + 1);
    if (!slots_[level]) {
      DOSSIER_ASSIGN_OR_RETURN(slots_[level], WorkerProcess::start(config_));
    }
    if (Status ready = slots_[level]->wait_ready(); !ready.has_value()) {
      slots_[level].reset();
      return ready.error();
    }
    return slots_[level].get();
  }

  // Kills (if needed) and forgets the worker at `level`; the next item starts a fresh one.
  void discard(size_t level) {
    slots_[level]->kill_and_reap();
    slots_[level].reset();
  }

  uint64_t budget_seconds(uint64_t size) const {
    if (config_.timeout.count() <= 0) return 0;
    double mib = static_cast<double>(size) / (1 << 20);
    return static_cast<uint64_t>(config_.timeout.count()) + static_cast<uint64_t>(std::floor(mib * config_.seconds_per_mib));
  }

  std::string memory_reason() const {
    return config_.address_space_bytes > 0 ? "memory limit (" + human_size(config_.address_space_bytes) + ") exceeded"
                                           : "out of memory";
  }

  // Why the worker at `level`, whose socket closed or broke, died; reaps it.
  Error death_reason(WorkerProcess& w, uint64_t failures_before, uint64_t cpu_seconds) {
    int status = w.reap_after_close();
    if (w.alloc_failures() > failures_before) return Error{ErrorCode::kLimit, memory_reason(), ""};
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
      return Error{ErrorCode::kLimit, "CPU time limit (" + std::to_string(cpu_seconds) + " s) exceeded", ""};
    }
    return Error{ErrorCode::kInternal, describe_wait_status(status) + " while extracting", ""};
  }

  Attempt died(size_t level, Attempt a, Error why) {
    discard(level);
    a.worker_died = true;
    a.death = std::move(why);
    a.result = a.death;
    return a;
  }

  Attempt done(Attempt a, Result<extract::Extraction> result) {
    a.result = std::move(result);
    return a;
  }

  Attempt attempt(const ExtractJob& job, extract::ExtractContext& ctx, size_t level,
                  const std::vector<ChildMark>& already_delivered);

  SandboxConfig config_;
  std::vector<std::unique_ptr<WorkerProcess>> slots_;  // one per nesting level, started on demand
  size_t depth_ = 0;  // run() calls in progress on this thread
};

// What a worker has streamed for one item so far, checked against the limits as it arrives: the
// worker is not trusted to keep them.
class Stream {
 public:
  Stream(extract::ExtractContext& ctx, Attempt& attempt, const std::vector<ChildMark>& already_delivered)
      : ctx_(ctx), attempt_(attempt), already_delivered_(already_delivered) {}

  // Hands the child on (or keeps it, without an on_child callback), unless a first attempt
  // already did. An Error is a protocol violation.
  Status child(std::string&& payload) {
    DOSSIER_ASSIGN_OR_RETURN(extract::Child c, decode_child(std::move(payload)));
    child_bytes_ += c.bytes.size();
    if (attempt_.children.size() >= ctx_.limits.max_children || child_bytes_ > ctx_.limits.max_child_bytes) {
      return Error{ErrorCode::kLimit, "more embedded items than the limits allow", ""};
    }
    ChildMark mark{std::hash<std::string_view>{}(c.name), c.bytes.size(), std::hash<std::string_view>{}(c.bytes)};
    size_t index = attempt_.children.size();
    attempt_.children.push_back(mark);
    if (index < already_delivered_.size() && already_delivered_[index] == mark) return ok_status();
    if (ctx_.on_child) {
      ctx_.on_child(std::move(c));  // the wall clock is paused meanwhile
    } else {
      children_.push_back(std::move(c));
    }
    return ok_status();
  }

  Status page(std::string&& payload) {
    DOSSIER_ASSIGN_OR_RETURN(extract::Page p, decode_page(std::move(payload)));
    text_bytes_ += p.text.size();
    // Extractors stop near max_text_bytes; twice that is no longer an accident.
    if (text_bytes_ > ctx_.limits.max_text_bytes * 2 + (16 << 20)) {
      return Error{ErrorCode::kLimit, "more text than the limits allow", ""};
    }
    pages_.push_back(std::move(p));
    return ok_status();
  }

  // The Extraction, with what was streamed before it.
  extract::Extraction finish(extract::Extraction x) {
    x.pages = std::move(pages_);
    for (auto& c : children_) x.children.push_back(std::move(c));
    return x;
  }

 private:
  extract::ExtractContext& ctx_;
  Attempt& attempt_;
  const std::vector<ChildMark>& already_delivered_;
  std::vector<extract::Page> pages_;
  std::vector<extract::Child> children_;
  uint64_t text_bytes_ = 0;
  uint64_t child_bytes_ = 0;
};

Attempt SandboxRunner::attempt(const ExtractJob& job, extract::ExtractContext& ctx, size_t level,
                               const std::vector<ChildMark>& already_delivered) {
  Attempt a;
  auto started = worker(level);
  if (!started.has_value()) return done(std::move(a), started.error());
  WorkerProcess& first = **started;
  auto fd = open_read(job.blob);
  if (!fd.has_value()) return done(std::move(a), fd.error());

  ExtractRequest request;
  request.extractor = job.extractor->id().name;
  request.mime = job.item.mime;
  request.name = job.item.name;
  request.depth = job.item.depth;
  request.item_size = ctx.item_size;
  request.limits = ctx.limits;
  const uint64_t budget = budget_seconds(job.item.bytes.size());
  // A backstop for CPU burnt while the wall clock is paused (the ingest busy with a child).
  request.cpu_seconds = budget > 0 ? static_cast<uint32_t>(std::min<uint64_t>(budget + 10, UINT32_MAX)) : 0;
  std::string encoded = encode_request(request);
  Status sent = first.channel().send(MessageType::kExtract, encoded, fd->get(), SendMode::kNonBlocking);
  if (!sent.has_value()) {
    // The worker died between items (the out-of-memory killer, say): not this item's doing. A
    // fresh one takes it.
    discard(level);
    auto fresh = worker(level);
    if (!fresh.has_value()) return done(std::move(a), fresh.error());
    sent = (*fresh)->channel().send(MessageType::kExtract, encoded, fd->get(), SendMode::kNonBlocking);
    if (!sent.has_value()) {
      return died(level, std::move(a), Error{ErrorCode::kInternal, "worker stopped answering: " + sent.error().message, ""});
    }
  }
  fd->reset();
  WorkerProcess& w = *slots_[level];
  const uint64_t failures_before = w.alloc_failures();

  auto violation = [&](Attempt& attempt, const std::string& what) {
    w.kill_and_reap();
    return died(level, std::move(attempt), Error{ErrorCode::kInternal, "worker broke the protocol: " + what, ""});
  };
  const uint64_t max_message =
      std::max<uint64_t>({ctx.limits.max_child_bytes, ctx.limits.max_text_bytes, uint64_t{256} << 20}) + (1 << 20);
  Stream stream(ctx, a, already_delivered);
  auto remaining = std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(budget));
  // After each progress message the item has at least the base timeout again: a long OCR'd scan
  // advances page by page, a hang does not.
  const auto grace = std::chrono::duration_cast<Clock::duration>(config_.timeout);
  Clock::duration waited{0};
  uint64_t steps = 0;
  for (;;) {
    Message msg;
    Error error;
    auto t0 = Clock::now();
    auto deadline = budget > 0 ? t0 + remaining : Clock::time_point::max();
    ReceiveStatus st = w.channel().receive(msg, max_message, deadline, ctx.cancelled, false, error);
    remaining -= Clock::now() - t0;
    waited += Clock::now() - t0;
    switch (st) {
      case ReceiveStatus::kMessage:
        break;
      case ReceiveStatus::kTimedOut:
        if (steps == 0) {
          return died(level, std::move(a), Error{ErrorCode::kLimit, "timed out after " + std::to_string(budget) + " s", ""});
        }
        return died(level, std::move(a),
                    Error{ErrorCode::kLimit,
                          "timed out: no progress for " + std::to_string(config_.timeout.count()) + " s after " +
                              std::to_string(steps) + (steps == 1 ? " step" : " steps") + " (" +
                              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(waited).count()) +
                              " s in all)",
                          ""});
      case ReceiveStatus::kCancelled:
        discard(level);
        return done(std::move(a), Error{ErrorCode::kInternal, "extraction stopped: the ingest is stopping", job.item.name});
      case ReceiveStatus::kClosed:
        return died(level, std::move(a), death_reason(w, failures_before, request.cpu_seconds));
      case ReceiveStatus::kBroken:
        return violation(a, error.message);
    }
    Status handled = ok_status();
    if (msg.type == MessageType::kProgress) {
      ++steps;
      if (budget > 0) remaining = std::max(remaining, grace);
    } else if (msg.type == MessageType::kChild) {
      handled = stream.child(std::move(msg.payload));
    } else if (msg.type == MessageType::kPage) {
      handled = stream.page(std::move(msg.payload));
    } else if (msg.type == MessageType::kResult) {
      auto result = decode_result(msg.payload);
      if (!result.has_value()) return violation(a, result.error().message);
      if (result->status == ResultStatus::kMemoryLimit) {
        w.reap_after_close();  // it exits after such a result
        return died(level, std::move(a), Error{ErrorCode::kLimit, memory_reason(), result->error.message});
      }
      if (result->status == ResultStatus::kError) return done(std::move(a), result->error);
      return done(std::move(a), stream.finish(std::move(result->extraction)));
    } else {
      handled = Error{ErrorCode::kCorrupt, std::string("unexpected ") + message_type_name(msg.type) + " message", ""};
    }
    if (!handled.has_value()) return violation(a, handled.error().message);
  }
}

}  // namespace

std::unique_ptr<ExtractionRunner> make_sandbox_runner(const SandboxConfig& config) {
  return std::make_unique<SandboxRunner>(config);
}

}  // namespace dossier::sandbox
