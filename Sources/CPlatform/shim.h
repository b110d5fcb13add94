// C shims for Linux thread placement (per-thread nice, CPU affinity, name): what Swift cannot
// call directly (variadic syscall() and prctl(), macros behind _GNU_SOURCE) and the per-thread
// state (thread-local flags) the HTTP server's hot path needs.
#ifndef HOOKD_CPLATFORM_SHIM_H
#define HOOKD_CPLATFORM_SHIM_H

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/// Why: gettid() needs _GNU_SOURCE and syscall() is variadic. The calling thread's kernel id.
static inline pid_t hookd_current_tid(void) { return (pid_t)syscall(SYS_gettid); }

/// Why: Linux applies setpriority(PRIO_PROCESS, tid) to one thread only (per-thread nice), which
/// lets the server yield the cores to training (PERF-NOTES item 5) and a training job take back
/// the daemon's own nice on a Dispatch worker. Lowering priority never needs privileges; raising
/// it needs CAP_SYS_NICE or an RLIMIT_NICE that allows it (systemd's LimitNICE=).
/// Returns 0, or the errno (EACCES/EPERM leave the thread as it was).
static inline int hookd_set_current_thread_nice(int nice) {
    if (setpriority(PRIO_PROCESS, (id_t)hookd_current_tid(), nice) != 0) return errno;
    return 0;
}

/// Applies `nice` once per thread (a thread-local flag keeps the hot path to one branch).
/// Returns 0 when applied (now or earlier on this thread), else the errno.
static inline int hookd_nice_current_thread_once(int nice) {
    static __thread int applied = 0;
    if (applied) return 0;
    applied = 1;
    return hookd_set_current_thread_nice(nice);
}

/// Why: the per-thread counterpart of getpriority, for reading back what the shims above set.
/// Returns the calling thread's nice value.
static inline int hookd_current_thread_nice(void) {
    errno = 0;
    return getpriority(PRIO_PROCESS, (id_t)hookd_current_tid());
}

/// Why: sched_setaffinity and the CPU_SET macros need _GNU_SOURCE, which this module cannot
/// define; the raw syscalls take a plain bit mask. 8192 CPUs: the kernel refuses a read mask
/// smaller than its own (EINVAL), and NR_CPUS is at most 8192 on distribution kernels.
#define HOOKD_CPU_MASK_WORDS (8192 / (8 * sizeof(unsigned long)))
#define HOOKD_CPU_WORD_BITS ((int)(8 * sizeof(unsigned long)))

/// Pins thread `tid` (0 = the caller; Linux affinity is per thread) to `cpus`. Returns 0, or the
/// errno (EINVAL for a CPU out of range or a mask with no allowed CPU).
static inline int hookd_set_thread_affinity(pid_t tid, const int32_t *cpus, int32_t count) {
    unsigned long mask[HOOKD_CPU_MASK_WORDS];
    memset(mask, 0, sizeof mask);
    for (int32_t i = 0; i < count; i++) {
        if (cpus[i] < 0 || cpus[i] >= 8192) return EINVAL;
        mask[cpus[i] / HOOKD_CPU_WORD_BITS] |= 1UL << (cpus[i] % HOOKD_CPU_WORD_BITS);
    }
    if (syscall(SYS_sched_setaffinity, tid, sizeof mask, mask) != 0) return errno;
    return 0;
}

/// Writes the CPUs the calling thread may run on to `out` (at most `max`); returns how many, or
/// -errno.
static inline int32_t hookd_allowed_cpus(int32_t *out, int32_t max) {
    unsigned long mask[HOOKD_CPU_MASK_WORDS];
    memset(mask, 0, sizeof mask);
    if (syscall(SYS_sched_getaffinity, 0, sizeof mask, mask) < 0) return -errno;
    int32_t n = 0;
    for (int cpu = 0; cpu < 8192 && n < max; cpu++)
        if ((mask[cpu / HOOKD_CPU_WORD_BITS] >> (cpu % HOOKD_CPU_WORD_BITS)) & 1UL) out[n++] = cpu;
    return n;
}

/// Why: like the nice shim, a server thread pins itself on its first request, once.
static inline int hookd_pin_current_thread_once(const int32_t *cpus, int32_t count) {
    static __thread int applied = 0;
    if (applied) return 0;
    applied = 1;
    return hookd_set_thread_affinity(0, cpus, count);
}

/// Why: prctl() is variadic. Names the calling thread for /proc/<pid>/task/<tid>/comm and top
/// (the kernel keeps 15 bytes); threads it creates later (libtorch's OpenMP pool) inherit the
/// name. Returns 0, or the errno.
static inline int hookd_set_current_thread_name(const char *name) {
    if (prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0) != 0) return errno;
    return 0;
}

/// Writes the calling thread's name (NUL-terminated) into `buffer`, which must hold 16 bytes.
/// Returns 0, or the errno.
static inline int hookd_current_thread_name(char *buffer) {
    memset(buffer, 0, 16);
    if (prctl(PR_GET_NAME, (unsigned long)buffer, 0, 0, 0) != 0) return errno;
    return 0;
}

/// Why: rlimit's resource constant is an enum Swift imports awkwardly. Raises the soft limit on
/// open files to at least `wanted` (never above the hard limit, never lowering it); writes the
/// limits in force afterwards. Returns 0 or the errno.
static inline int hookd_raise_open_file_limit(uint64_t wanted, uint64_t *soft, uint64_t *hard) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return errno;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        struct rlimit raised = limit;
        raised.rlim_cur = (limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= wanted) ? wanted : limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    *soft = limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)limit.rlim_cur;
    *hard = limit.rlim_max == RLIM_INFINITY ? UINT64_MAX : (uint64_t)limit.rlim_max;
    return 0;
}

/// glibc's malloc tuning (mallopt's parameters are macros Swift cannot see): large blocks stay in
/// the heap up to `mmap_max` bytes, and its top is trimmed only beyond `trim` free bytes.
static inline void hookd_keep_freed_memory(int mmap_max, int trim) {
    mallopt(M_MMAP_THRESHOLD, mmap_max);
    mallopt(M_TRIM_THRESHOLD, trim);
}

#endif
