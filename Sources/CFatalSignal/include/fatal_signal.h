#ifndef AIRENV_FATAL_SIGNAL_H
#define AIRENV_FATAL_SIGNAL_H

/* A last resort for a full-screen program: when it dies of a fatal signal (a Swift trap is
 * SIGILL or SIGTRAP, a stack overflow SIGSEGV), the handler gives the terminal back as it was,
 * removes a temporary directory, replays what was written to standard error meanwhile (the
 * runtime's "Fatal error: …" would otherwise be lost on the alternate screen), and dies of the
 * same signal. Everything it does is async-signal-safe: no allocation, only system calls. */

/* Remembers the terminal's settings (before it is put in raw mode) and sends standard error
 * to an anonymous file until airenv_fatal_signal_disarm. Returns 0, or -1 with errno. */
int airenv_fatal_signal_prepare(void);

/* Installs the handlers. `reset` is written to the terminal first (leave the alternate screen,
 * show the cursor, default colours); `directory` (may be NULL) is removed. Both are copied. */
int airenv_fatal_signal_arm(const char *reset, const char *directory);

/* Uninstalls the handlers and puts standard error back, copying to it what was captured. */
void airenv_fatal_signal_disarm(void);

#endif
