/*
 * tsrun-spawn.node: how tsrun starts tsrun-helper and waits for it.
 *
 * Node's child_process costs a create about 6 ms before the helper even
 * runs: loading the module (it brings net, stream and dgram, 3 ms), then
 * spawn() wrapping the child and its socket in objects (3 ms). The helper
 * needs none of that: a socket to read the plan from and answer on, the
 * caller's stdio and preserved fds, an empty environment. So this addon
 * does just that with posix_spawn, which clones with CLONE_VM|CLONE_VFORK
 * and does not copy Node's page tables as fork would. It decides nothing:
 * what to run, with which fds, is tsrun's (src/native/helper-process.ts).
 *
 *   spawn(path, argv, cwd, keepFds) -> { pid, fd }
 *     runs path with argv and an empty environment in cwd; fds 0 to
 *     keepFds-1 stay open in it as they are, a new stream socket is its fd
 *     keepFds, and nothing else is open. fd is tsrun's end of the socket
 *     (close-on-exec, blocking). Throws with errno's message on failure.
 *   waitpid(pid, block) -> number | null
 *     the exit code of the process, or 128+N when signal N ended it; null
 *     when it is still running and block is false. Throws with errno's
 *     message (ECHILD: not a child of this process).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <node_api.h>

#define MAX_ARGS 16
#define MAX_STR 4096

static napi_value throw_errno(napi_env env, const char *what, int err)
{
	char msg[256];
	snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
	napi_throw_error(env, NULL, msg);
	return NULL;
}

static int get_string(napi_env env, napi_value v, char *buf, size_t size)
{
	size_t len;
	if (napi_get_value_string_utf8(env, v, buf, size, &len) != napi_ok || len >= size - 1)
		return -1;
	return 0;
}

static napi_value js_spawn(napi_env env, napi_callback_info info)
{
	size_t argc = 4;
	napi_value args[4];
	if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 4) {
		napi_throw_type_error(env, NULL, "spawn(path, argv, cwd, keepFds)");
		return NULL;
	}
	static char path[MAX_STR], cwd[MAX_STR], strs[MAX_ARGS][MAX_STR];
	char *argv[MAX_ARGS + 1];
	uint32_t nargs, keep;
	if (get_string(env, args[0], path, sizeof path) < 0 || get_string(env, args[2], cwd, sizeof cwd) < 0 ||
	    napi_get_array_length(env, args[1], &nargs) != napi_ok || nargs > MAX_ARGS ||
	    napi_get_value_uint32(env, args[3], &keep) != napi_ok || keep < 3 || keep > 1024) {
		napi_throw_type_error(env, NULL, "spawn: bad arguments");
		return NULL;
	}
	for (uint32_t i = 0; i < nargs; i++) {
		napi_value s;
		if (napi_get_element(env, args[1], i, &s) != napi_ok || get_string(env, s, strs[i], sizeof strs[i]) < 0) {
			napi_throw_type_error(env, NULL, "spawn: bad argv");
			return NULL;
		}
		argv[i] = strs[i];
	}
	argv[nargs] = NULL;

	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return throw_errno(env, "socketpair", errno);
	/* The child's end goes above keep, so that the dup2 below always
	 * moves it (a dup2 onto itself would leave close-on-exec set). */
	int child_end = fcntl(sv[1], F_DUPFD_CLOEXEC, (int)keep + 1);
	int err = child_end < 0 ? errno : 0;
	close(sv[1]);
	if (err) {
		close(sv[0]);
		return throw_errno(env, "fcntl", err);
	}

	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/* Node ignores SIGPIPE and blocks signals on its threads: the helper
	 * starts with every signal at its default and none blocked. */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setsigmask(&attr, &none);
	/* Node marks its stdio close-on-exec; a dup2 onto itself clears that
	 * (POSIX 2024; glibc since 2.29). */
	for (int fd = 0; fd < (int)keep; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			posix_spawn_file_actions_adddup2(&fa, fd, fd);
	posix_spawn_file_actions_adddup2(&fa, child_end, (int)keep);
	/* Whatever else tsrun has open, its caller's fds among them, stays out. */
	posix_spawn_file_actions_addclosefrom_np(&fa, (int)keep + 1);
	posix_spawn_file_actions_addchdir_np(&fa, cwd);
	char *envp[] = { NULL };
	pid_t pid;
	err = posix_spawn(&pid, path, &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(child_end);
	if (err) {
		close(sv[0]);
		return throw_errno(env, "posix_spawn", err);
	}

	napi_value result, v;
	napi_create_object(env, &result);
	napi_create_int32(env, pid, &v);
	napi_set_named_property(env, result, "pid", v);
	napi_create_int32(env, sv[0], &v);
	napi_set_named_property(env, result, "fd", v);
	return result;
}

static napi_value js_waitpid(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value args[2], result;
	int32_t pid;
	bool block;
	if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 2 ||
	    napi_get_value_int32(env, args[0], &pid) != napi_ok || pid <= 0 ||
	    napi_get_value_bool(env, args[1], &block) != napi_ok) {
		napi_throw_type_error(env, NULL, "waitpid(pid, block)");
		return NULL;
	}
	int status;
	pid_t got;
	do
		got = waitpid(pid, &status, block ? 0 : WNOHANG);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return throw_errno(env, "waitpid", errno);
	if (got == 0) {
		napi_get_null(env, &result);
		return result;
	}
	napi_create_int32(env, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), &result);
	return result;
}

NAPI_MODULE_INIT()
{
	napi_value fn;
	napi_create_function(env, "spawn", NAPI_AUTO_LENGTH, js_spawn, NULL, &fn);
	napi_set_named_property(env, exports, "spawn", fn);
	napi_create_function(env, "waitpid", NAPI_AUTO_LENGTH, js_waitpid, NULL, &fn);
	napi_set_named_property(env, exports, "waitpid", fn);
	return exports;
}
