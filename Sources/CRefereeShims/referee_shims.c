// The Linux plumbing behind RefereeSandbox. Between clone(2) and execve(2) the children run in
// a copy of a multi-threaded Swift process: only raw system calls are used there (no malloc, no
// stdio, no locks), and the clones are raw syscalls so that no atfork handler runs.
#define _GNU_SOURCE
#include "referee_shims.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// ---- constants of the new mount API, defined here so that <linux/mount.h> (which clashes with
// <sys/mount.h> on some glibc versions) is not needed.
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#define REFEREE_MOUNT_ATTR_RDONLY 0x00000001
#define REFEREE_MOUNT_ATTR_NOSUID 0x00000002
#define REFEREE_MOUNT_ATTR_NODEV 0x00000004

struct referee_mount_attr {
    uint64_t attr_set;
    uint64_t attr_clr;
    uint64_t propagation;
    uint64_t userns_fd;
};

// ---- wait-status macros
int referee_wifexited(int status) { return WIFEXITED(status); }
int referee_wexitstatus(int status) { return WEXITSTATUS(status); }
int referee_wifsignaled(int status) { return WIFSIGNALED(status); }
int referee_wtermsig(int status) { return WTERMSIG(status); }

// ---- small wrappers
int referee_pipe_cloexec(int fds[2], int nonblocking) {
    return pipe2(fds, O_CLOEXEC | (nonblocking ? O_NONBLOCK : 0));
}

int referee_set_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

int referee_posix_spawn_setsid_flag(void) { return POSIX_SPAWN_SETSID; }

int referee_spawn_addchdir(void *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np((posix_spawn_file_actions_t *)actions, path);
}

// ---- error stages
enum {
    STAGE_OK = 0,
    STAGE_PIPE,
    STAGE_CLONE,
    STAGE_USERNS,
    STAGE_PRIVATE,
    STAGE_OPEN_TREE,
    STAGE_ATTR_BIND,
    STAGE_READ_ONLY_ROOT,
    STAGE_HIDE,
    STAGE_TMPFS,
    STAGE_MKDIR,
    STAGE_MOVE_MOUNT,
    STAGE_PROC,
    STAGE_LOOPBACK,
    STAGE_FORK,
    STAGE_CHDIR,
    STAGE_EXEC,
    STAGE_TOO_MANY,
    STAGE_COUNT
};

static const char *const stage_names[STAGE_COUNT] = {
    "ok", "pipe", "clone (namespaces)", "user namespace mapping", "private mount propagation",
    "open_tree (bind source)", "mount_setattr (bind)", "mount_setattr (read-only root)",
    "hide (tmpfs over a path)", "tmpfs", "mkdir (mount target)", "move_mount (bind target)",
    "mount /proc", "loopback up", "fork (command)", "chdir", "execve", "too many mounts",
};

const char *referee_spawn_stage_name(int stage) {
    if (stage < 0 || stage >= STAGE_COUNT) return "unknown";
    return stage_names[stage];
}

// ---- helpers usable between clone and exec (system calls only)
static long raw_fork(unsigned long flags) {
    // x86_64 and aarch64 both take (flags, stack, ...); a NULL stack means "copy the caller's".
    return syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
}

// The mount being set up when a step fails (an index into spec->mounts), -1 otherwise. Set
// only in the child, which owns its copy of this variable.
static int failing_mount = -1;

static void report(int fd, int stage, int err) {
    int message[3] = {stage, err, failing_mount};
    ssize_t ignored = write(fd, message, sizeof message);
    (void)ignored;
}

static size_t str_len(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

static int write_text(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, str_len(text));
    close(fd);
    return n < 0 ? -1 : 0;
}

static void format_map(char *buf, unsigned id) {
    // "0 <id> 1\n"
    char digits[16];
    int n = 0;
    do { digits[n++] = (char)('0' + id % 10); id /= 10; } while (id && n < 15);
    int i = 0;
    buf[i++] = '0';
    buf[i++] = ' ';
    while (n) buf[i++] = digits[--n];
    buf[i++] = ' ';
    buf[i++] = '1';
    buf[i++] = '\n';
    buf[i] = 0;
}

// mkdir -p for the directories above `path` (and `path` itself unless it is a file target).
static int make_parents(const char *path, int include_last) {
    char buf[4096];
    size_t n = str_len(path);
    if (n == 0 || n >= sizeof buf) { errno = ENAMETOOLONG; return -1; }
    for (size_t i = 0; i <= n; i++) {
        buf[i] = path[i];
        int boundary = (path[i] == '/' && i > 0) || (path[i] == 0 && include_last);
        if (!boundary) continue;
        buf[i] = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
        buf[i] = path[i];
    }
    return 0;
}

static void close_all_but(const int *keep, int count) {
    // Close every descriptor >= 3 that is not in `keep` (sorted ascending, all >= 3).
    unsigned from = 3;
    for (int i = 0; i <= count; i++) {
        unsigned to = i < count ? (unsigned)keep[i] : ~0U;
        if (to > from) {
            if (syscall(SYS_close_range, from, to - 1, 0) != 0) {
                unsigned last = to > 65536 ? 65536 : to;
                for (unsigned fd = from; fd < last; fd++) close((int)fd);
            }
        }
        from = to + 1;
    }
}

static void sort_small(int *a, int n) {
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && a[j - 1] > a[j]; j--) { int t = a[j]; a[j] = a[j - 1]; a[j - 1] = t; }
}

static void reset_signals(void) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        sigaction(sig, &dfl, 0);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, 0);
}

// The command: a new session, stdio on the pipe, then exec. Never returns.
static void exec_command(const struct referee_spawn_spec *spec, int err_fd) {
    reset_signals();
    setsid();
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0 && devnull != 0) { dup2(devnull, 0); close(devnull); }
    if (dup2(spec->output_fd, 1) < 0 || dup2(spec->output_fd, 2) < 0) { report(err_fd, STAGE_EXEC, errno); _exit(127); }
    int keep[1] = {err_fd};
    close_all_but(keep, 1);
    if (spec->cwd && chdir(spec->cwd) != 0) { report(err_fd, STAGE_CHDIR, errno); _exit(127); }
    execve(spec->path, spec->argv, spec->envp);
    report(err_fd, STAGE_EXEC, errno);
    _exit(127);
}

static int setattr(int dfd, const char *path, unsigned flags, uint64_t set, uint64_t clr) {
    struct referee_mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = set;
    attr.attr_clr = clr;
    return (int)syscall(SYS_mount_setattr, dfd, path, flags, &attr, sizeof attr);
}

static int loopback_up(void) {
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) return -1;
    struct ifreq req;
    memset(&req, 0, sizeof req);
    req.ifr_name[0] = 'l';
    req.ifr_name[1] = 'o';
    int rc = ioctl(sock, SIOCGIFFLAGS, &req);
    if (rc == 0) {
        req.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(sock, SIOCSIFFLAGS, &req);
    }
    int saved = errno;
    close(sock);
    errno = saved;
    return rc;
}

#define MAX_MOUNTS 64

static int setup_mounts(const struct referee_spawn_spec *spec, int err_fd) {
    if (spec->mount_count > MAX_MOUNTS) { report(err_fd, STAGE_TOO_MANY, E2BIG); return -1; }
    if (mount(0, "/", 0, MS_REC | MS_PRIVATE, 0) != 0) { report(err_fd, STAGE_PRIVATE, errno); return -1; }

    // Clone every bind source first, while all of them are still visible.
    int trees[MAX_MOUNTS];
    for (int i = 0; i < spec->mount_count; i++) {
        const struct referee_mount *m = &spec->mounts[i];
        failing_mount = i;
        trees[i] = -1;
        if (m->kind != REFEREE_MOUNT_BIND_RO && m->kind != REFEREE_MOUNT_BIND_RW) continue;
        int fd = (int)syscall(SYS_open_tree, AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (fd < 0) { report(err_fd, STAGE_OPEN_TREE, errno); return -1; }
        uint64_t set = REFEREE_MOUNT_ATTR_NOSUID | REFEREE_MOUNT_ATTR_NODEV;
        uint64_t clr = 0;
        if (m->kind == REFEREE_MOUNT_BIND_RO) set |= REFEREE_MOUNT_ATTR_RDONLY; else clr |= REFEREE_MOUNT_ATTR_RDONLY;
        if (setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, set, clr) != 0) { report(err_fd, STAGE_ATTR_BIND, errno); return -1; }
        trees[i] = fd;
    }

    failing_mount = -1;
    if (spec->read_only_root && setattr(AT_FDCWD, "/", AT_RECURSIVE, REFEREE_MOUNT_ATTR_RDONLY, 0) != 0) {
        report(err_fd, STAGE_READ_ONLY_ROOT, errno);
        return -1;
    }

    for (int i = 0; i < spec->mount_count; i++) {
        const struct referee_mount *m = &spec->mounts[i];
        if (m->kind != REFEREE_MOUNT_HIDE) continue;
        failing_mount = i;
        if (mount("tmpfs", m->target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555") != 0) {
            if (errno == ENOENT || errno == ENOTDIR) continue;
            report(err_fd, STAGE_HIDE, errno);
            return -1;
        }
    }
    for (int i = 0; i < spec->mount_count; i++) {
        const struct referee_mount *m = &spec->mounts[i];
        if (m->kind != REFEREE_MOUNT_TMPFS) continue;
        failing_mount = i;
        if (mount("tmpfs", m->target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0) { report(err_fd, STAGE_TMPFS, errno); return -1; }
    }
    for (int i = 0; i < spec->mount_count; i++) {
        const struct referee_mount *m = &spec->mounts[i];
        if (trees[i] < 0) continue;
        failing_mount = i;
        struct stat st;
        int is_file = fstat(trees[i], &st) == 0 && !S_ISDIR(st.st_mode);
        if (make_parents(m->target, !is_file) != 0) { report(err_fd, STAGE_MKDIR, errno); return -1; }
        struct stat existing;
        // A file target that already exists (a placeholder inside a read-only folder bind) is
        // bound over as is; only a missing one is created.
        if (is_file && stat(m->target, &existing) != 0) {
            int fd = open(m->target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
            if (fd < 0) { report(err_fd, STAGE_MKDIR, errno); return -1; }
            close(fd);
        }
        if (syscall(SYS_move_mount, trees[i], "", AT_FDCWD, m->target, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
            report(err_fd, STAGE_MOVE_MOUNT, errno);
            return -1;
        }
        close(trees[i]);
    }
    failing_mount = -1;
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0) != 0) { report(err_fd, STAGE_PROC, errno); return -1; }
    return 0;
}

static volatile sig_atomic_t init_forward_signal;
static volatile sig_atomic_t init_child_changed;

static void init_on_signal(int sig) {
    if (sig == SIGCHLD) init_child_changed = 1; else init_forward_signal = sig;
}

// Pid 1 of the sandbox. Never returns.
static void run_init(const struct referee_spawn_spec *spec, int err_fd, int status_fd) {
    setsid();
    int keep[4] = {spec->output_fd, err_fd, status_fd, spec->lifeline_fd};
    int count = spec->lifeline_fd >= 0 ? 4 : 3;
    sort_small(keep, count);
    close_all_but(keep, count);
    reset_signals();

    if (spec->new_user) {
        char map[32];
        if (write_text("/proc/self/setgroups", "deny") != 0 && errno != ENOENT) { report(err_fd, STAGE_USERNS, errno); _exit(127); }
        format_map(map, (unsigned)getuid());
        if (write_text("/proc/self/uid_map", map) != 0) { report(err_fd, STAGE_USERNS, errno); _exit(127); }
        format_map(map, (unsigned)getgid());
        if (write_text("/proc/self/gid_map", map) != 0) { report(err_fd, STAGE_USERNS, errno); _exit(127); }
    }
    if (setup_mounts(spec, err_fd) != 0) _exit(127);
    if (spec->new_network && loopback_up() != 0) { report(err_fd, STAGE_LOOPBACK, errno); _exit(127); }

    // Signals arrive only inside ppoll, so the flags are read race-free.
    sigset_t blocked, during_wait;
    sigemptyset(&blocked);
    int handled[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT};
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = init_on_signal;
    for (unsigned i = 0; i < sizeof handled / sizeof handled[0]; i++) {
        sigaddset(&blocked, handled[i]);
        sigaction(handled[i], &action, 0);
    }
    sigprocmask(SIG_SETMASK, &blocked, &during_wait);
    sigemptyset(&during_wait);

    long command = raw_fork(0);
    if (command < 0) { report(err_fd, STAGE_FORK, errno); _exit(127); }
    if (command == 0) {
        if (spec->lifeline_fd >= 0) close(spec->lifeline_fd);
        close(status_fd);
        exec_command(spec, err_fd);
    }
    close(err_fd);
    close(spec->output_fd);

    int command_status = 0;
    int command_done = 0;
    while (!command_done) {
        struct pollfd fds[1] = {{.fd = spec->lifeline_fd, .events = POLLIN, .revents = 0}};
        int n = ppoll(fds, spec->lifeline_fd >= 0 ? 1 : 0, 0, &during_wait);
        if (n > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            // The caller is gone (or wrote to the lifeline, which means the same): end everything.
            kill(-1, SIGKILL);
            _exit(137);
        }
        if (init_forward_signal) {
            int sig = init_forward_signal;
            init_forward_signal = 0;
            kill(-1, sig);
        }
        if (init_child_changed) {
            init_child_changed = 0;
            for (;;) {
                int status = 0;
                pid_t pid = waitpid(-1, &status, WNOHANG);
                if (pid <= 0) break;
                if (pid == command) { command_status = status; command_done = 1; }
            }
        }
    }
    ssize_t ignored = write(status_fd, &command_status, sizeof command_status);
    (void)ignored;
    // Nothing the command started may outlive it; the kernel kills the rest when pid 1 exits,
    // this makes it explicit and immediate.
    kill(-1, SIGKILL);
    _exit(0);
}

int referee_spawn(const struct referee_spawn_spec *spec, struct referee_spawn_result *result) {
    result->pid = -1;
    result->status_fd = -1;
    result->error_stage = 0;
    result->error_errno = 0;
    result->error_mount = -1;

    int err_pipe[2];
    if (pipe2(err_pipe, O_CLOEXEC) != 0) { result->error_stage = STAGE_PIPE; result->error_errno = errno; return -1; }
    int status_pipe[2] = {-1, -1};
    if (spec->sandbox && pipe2(status_pipe, O_CLOEXEC) != 0) {
        result->error_stage = STAGE_PIPE;
        result->error_errno = errno;
        close(err_pipe[0]);
        close(err_pipe[1]);
        return -1;
    }

    unsigned long flags = 0;
    if (spec->sandbox) {
        flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
        if (spec->new_network) flags |= CLONE_NEWNET;
        if (spec->new_user) flags |= CLONE_NEWUSER;
    }
    long pid = raw_fork(flags);
    if (pid == 0) {
        close(err_pipe[0]);
        if (spec->sandbox) {
            close(status_pipe[0]);
            run_init(spec, err_pipe[1], status_pipe[1]);
        }
        if (spec->lifeline_fd >= 0) close(spec->lifeline_fd);
        exec_command(spec, err_pipe[1]);
    }
    close(err_pipe[1]);
    if (status_pipe[1] >= 0) close(status_pipe[1]);
    if (pid < 0) {
        result->error_stage = STAGE_CLONE;
        result->error_errno = errno;
        close(err_pipe[0]);
        if (status_pipe[0] >= 0) close(status_pipe[0]);
        return -1;
    }

    // End of file on the error pipe: the command was exec'd (every copy of the write end is
    // close-on-exec or closed by the init once the command is forked).
    int message[3] = {0, 0, -1};
    size_t got = 0;
    while (got < sizeof message) {
        ssize_t n = read(err_pipe[0], (char *)message + got, sizeof message - got);
        if (n > 0) { got += (size_t)n; continue; }
        if (n < 0 && errno == EINTR) continue;
        break;
    }
    close(err_pipe[0]);
    if (got == sizeof message) {
        int status;
        while (waitpid((pid_t)pid, &status, 0) < 0 && errno == EINTR) {}
        if (status_pipe[0] >= 0) close(status_pipe[0]);
        result->error_stage = message[0];
        result->error_errno = message[1];
        result->error_mount = message[2];
        return -1;
    }
    result->pid = (pid_t)pid;
    result->status_fd = status_pipe[0];
    return 0;
}
