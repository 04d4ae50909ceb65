/*
 * receipt-print: sending the patient's copy to the clinic's printer:
 * print_command split into a program and its arguments (no shell ever
 * runs it), started with the PDF on its standard input and waited for with
 * a time limit. Its standard output goes to /dev/null and its standard
 * error into a pipe (the kiosk's terminal is never written to by it); the
 * last line of its standard error is kept for the message staff see when
 * it fails.
 */
#include "receipt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xmalloc.h"

/* ---- splitting ---------------------------------------------------------- */

void
receipt_argv_free(char **argv)
{
	if (argv == NULL)
		return;
	for (char **p = argv; *p != NULL; p++)
		free(*p);
	free(argv);
}

static char **
receipt_split_fail(char **err, char **argv, size_t n, struct strbuf *w,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static char **
receipt_split_fail(char **err, char **argv, size_t n, struct strbuf *w,
		   const char *fmt, ...)
{
	va_list ap;

	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	strbuf_done(w);
	if (err != NULL) {
		free(*err);
		va_start(ap, fmt);
		*err = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return NULL;
}

char **
receipt_command_split(const char *command, char **err)
{
	char **argv = NULL;
	size_t n = 0, cap = 0;
	struct strbuf w;
	bool in_word = false;
	const char *p = command;

	strbuf_init(&w);
	for (;;) {
		char c = *p;
		size_t col = (size_t)(p - command) + 1;

		if (c == '\0' || c == ' ' || c == '\t') {
			if (in_word) {
				XGROW(argv, n, cap);
				argv[n++] = strbuf_detach(&w, NULL);
				in_word = false;
			}
			if (c == '\0')
				break;
			p++;
			continue;
		}
		if (c == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (end == NULL)
				return receipt_split_fail(err, argv, n, &w,
					"print_command: the quote at byte %zu is"
					" not closed", col);
			strbuf_add(&w, p + 1, (size_t)(end - p - 1));
			in_word = true;
			p = end + 1;
			continue;
		}
		if (c == '"') {
			p++;
			while (*p != '"') {
				if (*p == '\0')
					return receipt_split_fail(err, argv, n,
						&w, "print_command: the quote at"
						" byte %zu is not closed", col);
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				strbuf_addch(&w, *p++);
			}
			in_word = true;
			p++;
			continue;
		}
		if (c == '\\') {
			if (p[1] == '\0')
				return receipt_split_fail(err, argv, n, &w,
					"print_command: a backslash ends it");
			strbuf_addch(&w, p[1]);
			in_word = true;
			p += 2;
			continue;
		}
		if (strchr("|;&<>`$()*?[]{}\n\r", c) != NULL ||
		    (!in_word && (c == '#' || c == '~')))
			return receipt_split_fail(err, argv, n, &w,
				"print_command: '%s%c' at byte %zu: it is run"
				" without a shell; quote the character, or put"
				" a pipeline or redirection in a script and"
				" name the script", c == '\n' ? "\\" : "",
				c == '\n' ? 'n' : c == '\r' ? 'r' : c, col);
		if ((unsigned char)c < 0x20 || c == 0x7f)
			return receipt_split_fail(err, argv, n, &w,
				"print_command: control character 0x%02x at"
				" byte %zu", (unsigned char)c, col);
		strbuf_addch(&w, c);
		in_word = true;
		p++;
	}
	strbuf_done(&w);
	if (n == 0)
		return receipt_split_fail(err, argv, n, &w,
			"print_command is empty: name the program that prints"
			" (e.g. lp -d clinic-printer)");
	XGROW(argv, n, cap);
	argv[n] = NULL;
	return argv;
}

/* ---- running ------------------------------------------------------------ */

/* The last non-empty line of what the command wrote to standard error,
 * printable characters only (a hostile or broken program cannot put escape
 * sequences on the staff screen), at most 200 bytes. */
static char *
receipt_last_line(const char *s, size_t n)
{
	size_t end = n, start;
	struct strbuf o;

	while (end > 0 && (s[end - 1] == '\n' || s[end - 1] == '\r' ||
			   s[end - 1] == ' '))
		end--;
	start = end;
	while (start > 0 && s[start - 1] != '\n')
		start--;
	strbuf_init(&o);
	for (size_t i = start; i < end && o.len < 200; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			continue;
		/* C1 controls (U+0080..U+009F) as UTF-8: 0xc2 0x80..0x9f */
		if (c == 0xc2 && i + 1 < end &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f) {
			i++;
			continue;
		}
		strbuf_addch(&o, (char)c);
	}
	/* do not end inside a UTF-8 sequence */
	while (o.len > 0 && ((unsigned char)o.s[o.len - 1] & 0x80)) {
		size_t k = o.len - 1, need;
		unsigned char lead;

		while (k > 0 && ((unsigned char)o.s[k] & 0xc0) == 0x80)
			k--;
		lead = (unsigned char)o.s[k];
		need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
		if (o.len - k == need)
			break;
		o.len = k;
		o.s[k] = '\0';
	}
	return strbuf_detach(&o, NULL);
}

static double
receipt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* In the child: stdin from in, stdout and stderr to out, signals as a
 * fresh program expects them (the kiosk ignores SIGINT, SIGQUIT, SIGTSTP
 * and SIGPIPE, which exec would keep), then the program; 127 if it cannot
 * be run, with why on out. */
static void __attribute__((noreturn))
receipt_child(char **argv, int in, int out, int errpipe)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGPIPE, SIGTERM,
				    SIGHUP, SIGCHLD, SIGTTOU, SIGTTIN };
	sigset_t none;
	char msg[256];
	int devnull;

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Its own process group, away from the terminal's. */
	setpgid(0, 0);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (dup2(in, 0) < 0 || dup2(devnull >= 0 ? devnull : out, 1) < 0 ||
	    dup2(out, 2) < 0)
		_exit(127);
	execvp(argv[0], argv);
	snprintf(msg, sizeof msg, "cannot run %s: %s\n", argv[0],
		 strerror(errno));
	if (write(errpipe, msg, strlen(msg)) < 0)
		_exit(127);
	_exit(127);
}

int
receipt_print(const char *command, const void *pdf, size_t len, int timeout_s,
	      char **err)
{
	char **argv = receipt_command_split(command, err);
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, status = 0, rc = -1;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	struct strbuf errtext;
	size_t sent = 0;
	bool exited = false, killed = false;
	double deadline;
	pid_t pid;

	if (argv == NULL)
		return -1;
	strbuf_init(&errtext);
	if (pipe(in) != 0 || pipe(out) != 0) {
		xfailf(err, "cannot start the print command: %s",
				   strerror(errno));
		goto done;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(in[i], F_SETFD, FD_CLOEXEC);
		fcntl(out[i], F_SETFD, FD_CLOEXEC);
	}
	/* A printer program that stops reading must not kill the kiosk. */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	pid = fork();
	if (pid < 0) {
		xfailf(err, "cannot start the print command: %s",
				   strerror(errno));
		sigaction(SIGPIPE, &old_pipe, NULL);
		goto done;
	}
	if (pid == 0)
		receipt_child(argv, in[0], out[1], out[1]);
	setpgid(pid, pid); /* as the child does: no race with kill(-pid) */
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
	deadline = receipt_now() + timeout_s;
	/* Feed it the PDF while reading what it says, until both ends close. */
	while (out[0] >= 0 || in[1] >= 0) {
		struct pollfd fds[2];
		int nfds = 0, left = (int)((deadline - receipt_now()) * 1000);

		if (left <= 0)
			break;
		if (in[1] >= 0 && sent == len) {
			close(in[1]);
			in[1] = -1;
			continue;
		}
		if (in[1] >= 0)
			fds[nfds++] = (struct pollfd){ in[1], POLLOUT, 0 };
		if (out[0] >= 0)
			fds[nfds++] = (struct pollfd){ out[0], POLLIN, 0 };
		if (poll(fds, (nfds_t)nfds, left) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < nfds; i++) {
			if (fds[i].fd == in[1] && fds[i].revents) {
				ssize_t k = write(in[1], (const char *)pdf + sent,
						  len - sent);

				if (k > 0) {
					sent += (size_t)k;
				} else if (k < 0 && errno != EAGAIN &&
					   errno != EINTR) {
					/* it stopped reading (EPIPE) */
					close(in[1]);
					in[1] = -1;
				}
			} else if (fds[i].fd == out[0] && fds[i].revents) {
				char buf[4096];
				ssize_t k = read(out[0], buf, sizeof buf);

				if (k > 0) {
					/* keep the tail only */
					if (errtext.len > 8192) {
						memmove(errtext.s, errtext.s +
							errtext.len - 4096, 4096);
						errtext.len = 4096;
					}
					strbuf_add(&errtext, buf, (size_t)k);
				} else if (k == 0 || (errno != EAGAIN &&
						      errno != EINTR)) {
					close(out[0]);
					out[0] = -1;
				}
			}
		}
	}
	/* Wait for it until the deadline, then kill it. */
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid) {
			exited = true;
			break;
		}
		if (w < 0 && errno != EINTR)
			break;
		if (receipt_now() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			killed = true;
			break;
		}
		usleep(10000);
	}
	sigaction(SIGPIPE, &old_pipe, NULL);
	{
		char *last = receipt_last_line(errtext.s, errtext.len);
		const char *sep = last[0] != '\0' ? ": " : "";

		if (killed)
			xfailf(err, "%s did not finish within %d s"
					   " and was stopped%s%s", argv[0],
					   timeout_s, sep, last);
		else if (!exited)
			xfailf(err, "%s: lost track of it", argv[0]);
		else if (WIFSIGNALED(status))
			xfailf(err, "%s was killed by signal %d%s%s",
					   argv[0], WTERMSIG(status), sep, last);
		else if (WEXITSTATUS(status) != 0)
			xfailf(err, "%s failed (exit status %d)%s%s",
					   argv[0], WEXITSTATUS(status), sep,
					   last);
		else if (sent < len)
			xfailf(err, "%s ended without reading the"
					   " whole copy (%zu of %zu bytes)",
					   argv[0], sent, len);
		else
			rc = 0;
		free(last);
	}
done:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	strbuf_done(&errtext);
	receipt_argv_free(argv);
	return rc;
}
