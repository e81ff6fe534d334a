#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_put (struct buf *b, const void *p, size_t n)
{
  if (n == 0)
    return;
  if (b->cap - b->len < n)
    {
      size_t cap = b->cap ? b->cap : 256;
      while (cap - b->len < n)
        {
          if (cap > SIZE_MAX / 2)
            abort ();
          cap *= 2;
        }
      char *d = realloc (b->data, cap);
      if (d == NULL)
        {
          fputs ("ocidiff-c-adapter: out of memory\n", stderr);
          abort ();
        }
      b->data = d;
      b->cap = cap;
    }
  memcpy (b->data + b->len, p, n);
  b->len += n;
}

void
buf_puts (struct buf *b, const char *s)
{
  buf_put (b, s, strlen (s));
}

/* utf8_len returns the length of the valid UTF-8 sequence at s (at most
 * avail bytes), or 0 if s does not start one. Overlong forms, surrogates and
 * code points above U+10FFFF are invalid, as in RFC 3629. */
static size_t
utf8_len (const unsigned char *s, size_t avail)
{
  unsigned char c = s[0];
  size_t n;
  uint32_t cp, min;

  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    n = 2, cp = c & 0x1f, min = 0x80;
  else if (c >= 0xe0 && c <= 0xef)
    n = 3, cp = c & 0x0f, min = 0x800;
  else if (c >= 0xf0 && c <= 0xf4)
    n = 4, cp = c & 0x07, min = 0x10000;
  else
    return 0;
  if (avail < n)
    return 0;
  for (size_t i = 1; i < n; i++)
    {
      if ((s[i] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[i] & 0x3f);
    }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

void
buf_put_json_string (struct buf *b, const char *s)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t rest = strlen (s);

  buf_put (b, "\"", 1);
  while (rest > 0)
    {
      unsigned char c = *p;
      size_t n;
      char esc[8];

      switch (c)
        {
        case '"':
          buf_put (b, "\\\"", 2);
          break;
        case '\\':
          buf_put (b, "\\\\", 2);
          break;
        case '\n':
          buf_put (b, "\\n", 2);
          break;
        case '\r':
          buf_put (b, "\\r", 2);
          break;
        case '\t':
          buf_put (b, "\\t", 2);
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            {
              snprintf (esc, sizeof esc, "\\u%04x", c);
              buf_put (b, esc, 6);
              break;
            }
          n = utf8_len (p, rest);
          if (n == 0)
            {
              buf_put (b, "\\ufffd", 6);
              break;
            }
          buf_put (b, p, n);
          p += n;
          rest -= n;
          continue;
        }
      p++;
      rest--;
    }
  buf_put (b, "\"", 1);
}

void
buf_reset (struct buf *b)
{
  b->len = 0;
}

void
buf_free (struct buf *b)
{
  free (b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
