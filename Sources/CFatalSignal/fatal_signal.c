#define _GNU_SOURCE
#include "fatal_signal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_terminal;
static int have_terminal = 0;
static int saved_stderr = -1;
static int captured_stderr = -1;
static char reset_sequence[256];
static char removed_directory[4096];
static const int fatal_signals[] = {SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGSYS};
static struct sigaction previous_actions[sizeof(fatal_signals) / sizeof(fatal_signals[0])];
static char alternate_stack[64 * 1024];
static int armed = 0;

static void write_all(int fd, const char *bytes, size_t count) {
  while (count > 0) {
    ssize_t written = write(fd, bytes, count);
    if (written < 0) {
      if (errno == EINTR) continue;
      return;
    }
    bytes += written;
    count -= (size_t)written;
  }
}

static void copy_captured_stderr(void) {
  if (captured_stderr < 0 || saved_stderr < 0) return;
  char buffer[4096];
  if (lseek(captured_stderr, 0, SEEK_SET) < 0) return;
  for (;;) {
    ssize_t count = read(captured_stderr, buffer, sizeof buffer);
    if (count <= 0) break;
    write_all(saved_stderr, buffer, (size_t)count);
  }
}

struct linux_dirent64 {
  unsigned long long d_ino;
  long long d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

/* Removes everything inside the open directory `fd`, depth first, with getdents64 and
 * unlinkat only (opendir and nftw allocate). */
static void empty_directory(int fd, int depth) {
  char buffer[8192];
  if (depth > 32) return;
  for (;;) {
    long count = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
    if (count <= 0) return;
    int removed = 0;
    for (long offset = 0; offset < count;) {
      struct linux_dirent64 *entry = (struct linux_dirent64 *)(buffer + offset);
      offset += entry->d_reclen;
      const char *name = entry->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      if (entry->d_type == DT_DIR) {
        int child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child >= 0) {
          empty_directory(child, depth + 1);
          close(child);
        }
        if (unlinkat(fd, name, AT_REMOVEDIR) == 0) removed = 1;
      } else if (unlinkat(fd, name, 0) == 0) {
        removed = 1;
      }
    }
    /* Entries were removed while listing: start the listing again. */
    if (removed) lseek(fd, 0, SEEK_SET);
  }
}

static void on_fatal_signal(int number) {
  int saved_errno = errno;
  write_all(STDOUT_FILENO, reset_sequence, strlen(reset_sequence));
  if (have_terminal) tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
  if (removed_directory[0]) {
    int fd = open(removed_directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      empty_directory(fd, 0);
      close(fd);
    }
    rmdir(removed_directory);
  }
  copy_captured_stderr();
  if (saved_stderr >= 0) dup2(saved_stderr, STDERR_FILENO);
  static const char message[] =
    "airenv: the terminal UI stopped on a fatal error; the terminal was restored\n";
  write_all(STDERR_FILENO, message, sizeof message - 1);
  errno = saved_errno;
  signal(number, SIG_DFL);
  raise(number);
}

int airenv_fatal_signal_prepare(void) {
  have_terminal = tcgetattr(STDIN_FILENO, &saved_terminal) == 0;
  char template[] = "/tmp/airenv-stderr-XXXXXX";
  const char *directory = getenv("TMPDIR");
  char path[4096];
  if (directory && directory[0] && strlen(directory) + sizeof template < sizeof path) {
    strcpy(path, directory);
    strcat(path, "/airenv-stderr-XXXXXX");
  } else {
    strcpy(path, template);
  }
  int capture = mkostemp(path, O_CLOEXEC);
  if (capture < 0) return -1;
  unlink(path);
  saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  if (saved_stderr < 0 || dup2(capture, STDERR_FILENO) < 0) {
    close(capture);
    return -1;
  }
  captured_stderr = capture;
  return 0;
}

int airenv_fatal_signal_arm(const char *reset, const char *directory) {
  strncpy(reset_sequence, reset ? reset : "", sizeof reset_sequence - 1);
  strncpy(removed_directory, directory ? directory : "", sizeof removed_directory - 1);
  stack_t stack = {.ss_sp = alternate_stack, .ss_size = sizeof alternate_stack, .ss_flags = 0};
  sigaltstack(&stack, NULL);
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_fatal_signal;
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (size_t index = 0; index < sizeof fatal_signals / sizeof fatal_signals[0]; index++) {
    struct sigaction *previous = armed ? NULL : &previous_actions[index];
    if (sigaction(fatal_signals[index], &action, previous) != 0) return -1;
  }
  armed = 1;
  return 0;
}

void airenv_fatal_signal_disarm(void) {
  for (size_t index = 0; armed && index < sizeof fatal_signals / sizeof fatal_signals[0]; index++) {
    sigaction(fatal_signals[index], &previous_actions[index], NULL);
  }
  armed = 0;
  reset_sequence[0] = 0;
  removed_directory[0] = 0;
  if (captured_stderr >= 0) {
    copy_captured_stderr();
    if (saved_stderr >= 0) dup2(saved_stderr, STDERR_FILENO);
    close(captured_stderr);
    captured_stderr = -1;
  }
  if (saved_stderr >= 0) {
    close(saved_stderr);
    saved_stderr = -1;
  }
}
