/* buf.h: a growable byte buffer and the JSON string writer the adapter
 * builds its hello and verdict frames with. */
#ifndef OCIDIFF_BUF_H
#define OCIDIFF_BUF_H

#include <stddef.h>

struct buf
{
  char *data;
  size_t len;
  size_t cap;
};

/* buf_put appends n bytes; it aborts the process if memory runs out, which
 * the client reports as a crash. */
void buf_put (struct buf *b, const void *p, size_t n);
void buf_puts (struct buf *b, const char *s);

/* buf_put_json_string appends s as a JSON string literal. It escapes quotes,
 * backslashes and control characters, and writes each byte that is not part
 * of a valid UTF-8 sequence as U+FFFD, so that any error text (yajl echoes
 * pieces of the input) yields valid JSON. */
void buf_put_json_string (struct buf *b, const char *s);

void buf_reset (struct buf *b);
void buf_free (struct buf *b);

#endif
