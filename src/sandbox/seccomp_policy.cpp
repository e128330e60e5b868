#include "sandbox/seccomp_policy.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "sandbox/sanitizers.h"
#include "sandbox/seccomp_handles.h"

namespace dossier::sandbox {
namespace {

// Found by running the Tika, PDF and e-mail corpora in trace mode (see the header); each group says
// who needs it.
constexpr std::array kAllowed = {
    // I/O on descriptors the worker already holds: its socket, the item's fd, stderr.
    SCMP_SYS(read), SCMP_SYS(readv), SCMP_SYS(pread64), SCMP_SYS(write), SCMP_SYS(writev),
    SCMP_SYS(recvmsg), SCMP_SYS(recvfrom), SCMP_SYS(sendmsg), SCMP_SYS(sendto), SCMP_SYS(close),
    SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(lseek), SCMP_SYS(fcntl), SCMP_SYS(dup),
    // Memory (mmap and mprotect also need prot without PROT_EXEC: see below).
    SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(brk), SCMP_SYS(madvise),
    // Threads and locks (libgomp in Tesseract, GLib).
    SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(sched_yield),
    SCMP_SYS(sched_getaffinity), SCMP_SYS(gettid), SCMP_SYS(getpid),
    // Time.
    SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(gettimeofday), SCMP_SYS(time),
    SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
    // Signals and exit.
    SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
    SCMP_SYS(exit), SCMP_SYS(exit_group),
    // glibc: random numbers (hash seeds), qsort's memory probe, resource usage.
    SCMP_SYS(getrandom), SCMP_SYS(sysinfo), SCMP_SYS(getrusage),
};

// Denied with a telling errno rather than the default, so a library (or a test) sees "not
// permitted" and the reason is plain in any message it prints.
constexpr std::array kDeniedEperm = {
    SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(listen),
    SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork),
    SCMP_SYS(vfork), SCMP_SYS(ptrace), SCMP_SYS(kill), SCMP_SYS(process_vm_readv),
    SCMP_SYS(process_vm_writev), SCMP_SYS(unshare), SCMP_SYS(setns), SCMP_SYS(mount),
    SCMP_SYS(bpf), SCMP_SYS(io_uring_setup), SCMP_SYS(perf_event_open),
};
constexpr std::array kDeniedEacces = {
    SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(creat), SCMP_SYS(open_by_handle_at),
};

// Names of system calls for trace mode, resolved before the filter is on (the SIGSYS handler may
// not allocate).
constexpr int kTraceNames = 512;
std::array<std::array<char, 32>, kTraceNames> trace_names{};
std::array<int, kTraceNames> trace_errno{};  // what enforce mode returns; 0 = ENOSYS

void append(char* buf, size_t& n, size_t cap, const char* s) {
  while (*s != '\0' && n + 1 < cap) buf[n++] = *s++;
}

void on_sigsys(int, siginfo_t* info, void* context) {
  char buf[96];
  size_t n = 0;
  append(buf, n, sizeof buf, "seccomp: denied syscall ");
  int nr = info->si_syscall;
  char digits[12];
  int d = 0;
  unsigned v = static_cast<unsigned>(nr);
  do {
    digits[d++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && d < 11);
  while (d > 0 && n + 1 < sizeof buf) buf[n++] = digits[--d];
  if (nr >= 0 && nr < kTraceNames && trace_names[static_cast<size_t>(nr)][0] != '\0') {
    append(buf, n, sizeof buf, " (");
    append(buf, n, sizeof buf, trace_names[static_cast<size_t>(nr)].data());
    append(buf, n, sizeof buf, ")");
  }
  append(buf, n, sizeof buf, "\n");
  (void)!::write(STDERR_FILENO, buf, n);
  // Make the call fail as it would in enforce mode.
  int err = nr >= 0 && nr < kTraceNames && trace_errno[static_cast<size_t>(nr)] != 0
                ? trace_errno[static_cast<size_t>(nr)]
                : ENOSYS;
  auto* uc = static_cast<ucontext_t*>(context);
#if defined(__x86_64__)
  uc->uc_mcontext.gregs[REG_RAX] = -err;
#elif defined(__aarch64__)
  uc->uc_mcontext.regs[0] = static_cast<uint64_t>(-err);
#else
  (void)uc;
#endif
}

Status prepare_trace() {
  for (int nr = 0; nr < kTraceNames; ++nr) {
    char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    if (name != nullptr) {
      std::strncpy(trace_names[static_cast<size_t>(nr)].data(), name, trace_names[0].size() - 1);
      std::free(name);  // NOLINT(cppcoreguidelines-no-malloc): libseccomp allocates with malloc
    }
  }
  struct sigaction sa {};
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (::sigaction(SIGSYS, &sa, nullptr) != 0) {
    return Error{ErrorCode::kInternal, std::string("cannot catch SIGSYS: ") + std::strerror(errno), ""};
  }
  return ok_status();
}

// libseccomp's SCMP_An macros are C99 compound literals, which clang rejects in C++.
scmp_arg_cmp arg(unsigned index, scmp_compare op, scmp_datum_t a, scmp_datum_t b = 0) {
  return scmp_arg_cmp{index, op, a, b};
}

Status rule(scmp_filter_ctx ctx, uint32_t action, int syscall, std::initializer_list<scmp_arg_cmp> args = {}) {
  int rc = seccomp_rule_add_array(ctx, action, syscall, static_cast<unsigned>(args.size()), args.begin());
  if (rc != 0) {
    char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, syscall);
    std::string what = name != nullptr ? name : std::to_string(syscall);
    std::free(name);  // NOLINT(cppcoreguidelines-no-malloc)
    return Error{ErrorCode::kInternal, "seccomp rule for " + what + ": " + std::strerror(-rc), ""};
  }
  return ok_status();
}

}  // namespace

Status install_worker_filter(SeccompMode mode) {
  if (mode == SeccompMode::kTrace) DOSSIER_RETURN_IF_ERROR(prepare_trace());
  SeccompFilter filter(seccomp_init(mode == SeccompMode::kTrace ? SCMP_ACT_TRAP : SCMP_ACT_ERRNO(ENOSYS)));
  if (!filter) return Error{ErrorCode::kInternal, "cannot create a seccomp filter", ""};
  scmp_filter_ctx ctx = filter.get();
  // Every thread, including those libraries started during warm-up.
  if (int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1); rc != 0) {
    return Error{ErrorCode::kInternal, std::string("seccomp thread sync: ") + std::strerror(-rc), ""};
  }
  for (int sc : kAllowed) DOSSIER_RETURN_IF_ERROR(rule(ctx, SCMP_ACT_ALLOW, sc));
  // In trace mode the denied calls trap too, so that they are printed; the handler then returns
  // the same errno.
  auto deny = [&](int sc, int err) {
    if (mode == SeccompMode::kTrace) {
      if (sc >= 0 && sc < kTraceNames) trace_errno[static_cast<size_t>(sc)] = err;
      return ok_status();
    }
    return rule(ctx, SCMP_ACT_ERRNO(static_cast<uint32_t>(err)), sc);
  };
  for (int sc : kDeniedEperm) DOSSIER_RETURN_IF_ERROR(deny(sc, EPERM));
  for (int sc : kDeniedEacces) DOSSIER_RETURN_IF_ERROR(deny(sc, EACCES));

  // Memory may be mapped and protected, never executable: no code is loaded after warm-up, and a
  // compromised worker cannot map shellcode.
  DOSSIER_RETURN_IF_ERROR(rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), {arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)}));
  DOSSIER_RETURN_IF_ERROR(rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), {arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)}));
  // Threads, not processes. clone3 passes its flags in memory the filter cannot read; ENOSYS
  // makes glibc fall back to clone. (ENOSYS is the default action except in trace mode, and
  // libseccomp refuses a rule that repeats the default.)
  DOSSIER_RETURN_IF_ERROR(
      rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), {arg(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)}));
  if (mode == SeccompMode::kTrace) DOSSIER_RETURN_IF_ERROR(rule(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3)));
  // Signals to itself only (abort() raises SIGABRT with tgkill).
  DOSSIER_RETURN_IF_ERROR(rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill),
                               {arg(0, SCMP_CMP_EQ, static_cast<scmp_datum_t>(::getpid()))}));
  // Its own limits: read any, set only RLIMIT_CPU (the per-item CPU budget).
  DOSSIER_RETURN_IF_ERROR(
      rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), {arg(0, SCMP_CMP_EQ, 0), arg(2, SCMP_CMP_EQ, 0)}));
  DOSSIER_RETURN_IF_ERROR(
      rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), {arg(0, SCMP_CMP_EQ, 0), arg(1, SCMP_CMP_EQ, RLIMIT_CPU)}));

  // The sanitizers test whether memory is readable by writing it to a pipe (UBSan's vptr check,
  // reports); without one every check fails. Sanitizer builds only.
  if (kSanitizerBuild) {
    DOSSIER_RETURN_IF_ERROR(rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(pipe)));
    DOSSIER_RETURN_IF_ERROR(rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(pipe2)));
  }

  if (int rc = seccomp_load(ctx); rc != 0) {
    return Error{ErrorCode::kInternal, std::string("cannot install the seccomp filter: ") + std::strerror(-rc),
                 "is seccomp enabled in this kernel?"};
  }
  return ok_status();
}

}  // namespace dossier::sandbox
