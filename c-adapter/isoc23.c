/* isoc23.c: the four C23 entry points of glibc 2.38+ that crun's newer
 * libcrun.a archives (and sid's libjson-c.a) call, for Debian 12's glibc
 * 2.36, which lacks them.
 *
 * Since glibc 2.38, <stdlib.h> compiled as C23 or with _GNU_SOURCE
 * redirects strtol, strtoll, strtoul and strtoull to __isoc23_strtol and
 * friends. They differ from the plain functions in one thing only: with
 * base 0 or 2 they also accept a "0b"/"0B" binary prefix. The adapter's
 * judges are built from archives compiled that way, so they reference the
 * new names, and the plain functions stand in for them here. That is
 * exact for every call the adapter can reach (checked with objdump -dr on
 * the pinned archives; the third argument is set just before each call):
 *
 * - libocispec's json_common.o (crun 1.21 and 1.28): common_safe_int8 ...
 *   common_safe_uint64 call them with base 0, on the text of a JSON number
 *   as the parser read it (yajl's number token; json-c's text of a number
 *   object), when reading uid, size, limit and the other integer fields.
 *   A JSON number is "-"? then "0" or [1-9][0-9]*, so it never starts
 *   with "0b": base 0 then reads it as the plain function does. The same
 *   helpers also parse the keys of maps keyed by integers, which could
 *   hold any string, but no type of the runtime-spec config has such a map
 *   (the config objects reference only make_json_map_string_string).
 *   json_gen_number (crun 1.28, writing a model) calls them with base 10.
 * - json-c 0.19's json_parse_int64, json_parse_uint64 and json_pointer's
 *   is_valid_index call them with base 10.
 *
 * With base 10 the old and new functions are the same function.
 *
 * On glibc 2.38 and later, libc has them, and this file is empty. */
#include <stdlib.h>

#if !__GLIBC_PREREQ(2, 38)

long __isoc23_strtol (const char *nptr, char **endptr, int base);
long long __isoc23_strtoll (const char *nptr, char **endptr, int base);
unsigned long __isoc23_strtoul (const char *nptr, char **endptr, int base);
unsigned long long __isoc23_strtoull (const char *nptr, char **endptr, int base);

long
__isoc23_strtol (const char *nptr, char **endptr, int base)
{
  return strtol (nptr, endptr, base);
}

long long
__isoc23_strtoll (const char *nptr, char **endptr, int base)
{
  return strtoll (nptr, endptr, base);
}

unsigned long
__isoc23_strtoul (const char *nptr, char **endptr, int base)
{
  return strtoul (nptr, endptr, base);
}

unsigned long long
__isoc23_strtoull (const char *nptr, char **endptr, int base)
{
  return strtoull (nptr, endptr, base);
}

#endif
