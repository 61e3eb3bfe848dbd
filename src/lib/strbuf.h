/* A growable, always NUL-terminated byte buffer. */
#ifndef INSMOD_STRBUF_H
#define INSMOD_STRBUF_H

#include <stddef.h>
#include "log.h"

struct strbuf {
	char *data;	/* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

int strbuf_append(struct strbuf *sb, const void *bytes, size_t n);
int strbuf_puts(struct strbuf *sb, const char *s);
int strbuf_putc(struct strbuf *sb, char c);
int strbuf_printf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* The contents ("" when empty); the buffer still owns them. */
const char *strbuf_str(const struct strbuf *sb);
/* Hands the contents to the caller (never NULL on success) and resets sb. */
char *strbuf_steal(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);

#endif
