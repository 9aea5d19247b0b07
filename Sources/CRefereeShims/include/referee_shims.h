// What Swift cannot reach directly on Linux: _GNU_SOURCE-only libc calls, wait-status macros,
// raw clone(2) with namespace flags and the new mount API. Every function here is small and
// documented; the sandboxed spawn is the only large one (referee_shims.c).
#ifndef REFEREE_SHIMS_H
#define REFEREE_SHIMS_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---- wait-status macros (they do not import into Swift)
int referee_wifexited(int status);
int referee_wexitstatus(int status);
int referee_wifsignaled(int status);
int referee_wtermsig(int status);

// ---- small _GNU_SOURCE wrappers
/// pipe2(fds, O_CLOEXEC [| O_NONBLOCK]). Returns 0 or -1 with errno.
int referee_pipe_cloexec(int fds[2], int nonblocking);
/// prctl(PR_SET_CHILD_SUBREAPER, 1). Returns 0 or -1 with errno.
int referee_set_child_subreaper(void);
/// POSIX_SPAWN_SETSID, the posix_spawn flag that starts the child in a new session.
int referee_posix_spawn_setsid_flag(void);
/// posix_spawn_file_actions_addchdir_np (glibc >= 2.29).
int referee_spawn_addchdir(void *actions, const char *path);

// ---- the sandboxed spawn
enum referee_mount_kind {
    /// Bind `source` at `target`, read-only (nosuid, nodev). A file source makes a file target.
    REFEREE_MOUNT_BIND_RO = 0,
    /// Bind `source` at `target`, writable (nosuid, nodev).
    REFEREE_MOUNT_BIND_RW = 1,
    /// A fresh, empty, writable tmpfs at `target` (e.g. /tmp, /dev/shm).
    REFEREE_MOUNT_TMPFS = 2,
    /// An empty read-only tmpfs over `target`, so what was there is not visible; a missing
    /// target is skipped.
    REFEREE_MOUNT_HIDE = 3,
};

struct referee_mount {
    const char *source;  // NULL for TMPFS and HIDE
    const char *target;
    int kind;            // enum referee_mount_kind
};

struct referee_spawn_spec {
    const char *path;         // absolute path of the executable (no PATH search in the child)
    char *const *argv;        // NULL-terminated
    char *const *envp;        // NULL-terminated, complete environment
    const char *cwd;          // working directory, as seen inside the sandbox
    int output_fd;            // write end for stdout and stderr (stdin is /dev/null)
    int sandbox;              // 0: posix-like spawn in a new session; 1: namespaces (below)
    int new_network;          // with sandbox: a new network namespace, loopback brought up
    int new_user;             // with sandbox: a new user namespace mapping the caller to root (non-root callers)
    int read_only_root;       // with sandbox: every existing mount becomes read-only
    const struct referee_mount *mounts;
    int mount_count;
    int lifeline_fd;          // with sandbox: read end of a pipe whose write end only the caller holds
};

struct referee_spawn_result {
    pid_t pid;          // the child (with sandbox: the namespace's init, pid 1 inside)
    int status_fd;      // with sandbox: read end; the init writes the command's raw wait status (4 bytes) there
    int error_stage;    // 0 on success; else which step failed (referee_spawn_stage_name)
    int error_errno;    // errno of the failed step
    int error_mount;    // index into spec->mounts of the mount that failed, -1 for none
};

/// Starts `spec`. Without sandbox the child runs `path` in a new session. With sandbox the
/// child is cloned into new mount, PID, IPC and UTS namespaces (and network, user when asked):
/// it becomes pid 1 there, sets up the mounts, mounts a new /proc, brings loopback up, then
/// forks the command (pid 2) and waits. When the command exits, the init writes its wait
/// status to `status_fd`, kills every other process of the namespace and exits, so the kernel
/// guarantees that nothing started by the command survives it. SIGTERM, SIGINT and SIGHUP sent
/// to the init are forwarded to every process of the namespace; SIGKILL to the init kills
/// them all. When the lifeline pipe reaches end of file (the caller died), the init kills
/// everything and exits.
///
/// Returns 0, or -1 with `error_stage`/`error_errno` set (the child, if any, is reaped).
int referee_spawn(const struct referee_spawn_spec *spec, struct referee_spawn_result *result);

/// A short name for an error stage of referee_spawn.
const char *referee_spawn_stage_name(int stage);

#ifdef __cplusplus
}
#endif

#endif
