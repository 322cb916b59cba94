#ifndef AIRENV_FILE_SYNC_H
#define AIRENV_FILE_SYNC_H

/* Flushes every file of the file system that holds the open file `fd` to disk, in one
 * call (Linux syncfs): a change that writes 10,000 files then costs one flush, not 10,000
 * fsyncs. Elsewhere, where syncfs does not exist, it is sync(). Returns 0 or -1 with errno. */
int airenv_sync_file_system(int fd);

#endif
