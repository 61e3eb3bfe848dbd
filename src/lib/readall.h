/* A regular file read whole into memory, once, by its open descriptor.
 * Not mapped: a file truncated under a mapping kills the reader with
 * SIGBUS when it touches the lost pages, and a mapping shows writes made
 * to the file after it was checked. */
#ifndef INSMOD_READALL_H
#define INSMOD_READALL_H

#include <stddef.h>
#include <stdint.h>

/* Reads the SIZE bytes (SIZE > 0, from fstat) of the regular file open on
 * FD, from offset 0, into a buffer of exactly SIZE bytes from malloc.
 * Returns 0 and sets *OUT; -ESTALE when the file turned out shorter or
 * longer than SIZE (it changed while it was read: nothing is kept);
 * -ENOMEM; or -errno of a failed read. */
int read_regular_whole(int fd, size_t size, uint8_t **out);

/* Enters the pages of a buffer of SIZE bytes about to be written whole,
 * in one call and on huge pages where it can, rather than one page fault
 * per 4 KiB as the writes reach them.  Advice only; nothing for a buffer
 * under 256 KiB. */
void enter_pages(uint8_t *buf, size_t size);

#endif
