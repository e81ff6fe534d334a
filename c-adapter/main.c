/* ocidiff-c-adapter-crun-VERSION: crun's config.json parser (libocispec,
 * linked from the libcrun.a of Debian's crun package) as an ocidiff judge.
 * The Makefile builds one executable per crun release in crun-versions.
 *
 * It speaks the framed protocol of parsers/adapter/PROTOCOL.md on
 * stdin/stdout: one hello frame, then one verdict frame per input frame,
 * exit 0 at end of input.
 *
 *   ocidiff-c-adapter-crun-V               serve the protocol
 *   ocidiff-c-adapter-crun-V --list        print the hello object on one line
 *   ocidiff-c-adapter-crun-V --files F...  judge each file once and print
 *                                          "F<TAB><verdict>" per file
 *
 * How crun parses: `crun run`/`create` call libcrun_container_load_from_file,
 * which calls runtime_spec_schema_config_schema_parse_file (path, NULL, &err):
 * read_file reads the whole file into a NUL-terminated buffer and
 * parse_data (buffer, NULL, &err) parses it as a C string (with
 * yajl_tree_parse up to crun 1.2x, with json-c's json_tokener_parse since
 * libocispec moved to json-c, containers/libocispec#171, in crun 1.28). A
 * NULL context means options 0: unknown keys are ignored, not an error.
 * libcrun_container_load_from_memory likewise calls parse_data (json, NULL,
 * &err). The adapter does the same with each input: it copies the frame
 * into a NUL-terminated buffer and calls parse_data with a NULL context. As
 * in crun, an embedded NUL byte therefore ends the document: the parser
 * never sees what follows it. That is crun's behaviour, and the verdict
 * reports it as such.
 *
 * Accepted documents are re-serialized with the library's own generator,
 * runtime_spec_schema_config_schema_generate_json, with OPT_GEN_SIMPLIFY.
 *
 * Crashes are not caught: if libocispec or its JSON library dies on an
 * input, the process dies, and the client reports a crash verdict for that
 * input.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ocispec.h"

#ifndef CRUN_VERSION
#error "CRUN_VERSION (upstream crun version, e.g. 1.8.1) must be defined by the Makefile"
#endif
#ifndef CRUN_DEB_VERSION
#error "CRUN_DEB_VERSION (Debian package version of crun) must be defined by the Makefile"
#endif
#ifndef JSON_LIB
#error "JSON_LIB (the Debian package and version of the JSON library linked) must be defined by the Makefile"
#endif

#define JUDGE_NAME "c/libocispec@crun-" CRUN_VERSION
#define JUDGE_VERSION "libocispec in crun " CRUN_DEB_VERSION " (Debian libcrun.a), " JSON_LIB

/* MAX_FRAME is the protocol's limit on a frame's length. */
#define MAX_FRAME (256u << 20)

/* stage names the libocispec call in progress, for the crash message: a
 * crash in generate_json or free is the library failing on what its own
 * parser accepted, which crun's loading of config.json need not reach. */
static const char *volatile stage = "reading input";

/* on_fatal_signal says on stderr (which the client keeps for the crash
 * report) in which call the process died, then dies of the same signal. */
static void
on_fatal_signal (int sig)
{
  static const char prefix[] = "ocidiff-c-adapter: fatal signal in ";
  const char *s = stage;
  ssize_t r;

  r = write (STDERR_FILENO, prefix, sizeof prefix - 1);
  r = write (STDERR_FILENO, s, strlen (s));
  r = write (STDERR_FILENO, "\n", 1);
  (void) r;
  raise (sig); /* SA_RESETHAND restored the default action */
}

/* read_file is libocispec's reader (read-file.h), the one parse_file uses. */
char *read_file (const char *path, size_t *length);

/* put_hello writes the hello frame's object. "judge" comes first because
 * frames.pl, which checks the frame loop under valgrind without the Go
 * client, tells the hello from a verdict by its first member. */
static void
put_hello (struct buf *out)
{
  buf_puts (out, "{\"judge\":");
  buf_put_json_string (out, JUDGE_NAME);
  buf_puts (out, ",\"version\":");
  buf_put_json_string (out, JUDGE_VERSION);
  buf_puts (out, ",\"protocol\":2,\"kind\":\"parser\",\"language\":\"C\",\"library\":\"libocispec\",\"release\":");
  buf_put_json_string (out, "crun " CRUN_VERSION);
  buf_puts (out, "}");
}

static void
put_error_verdict (struct buf *out, const char *outcome, const char *prefix, const char *msg)
{
  struct buf text = { 0 };

  buf_puts (&text, prefix);
  buf_puts (&text, msg);
  buf_put (&text, "", 1);
  buf_puts (out, "{\"outcome\":\"");
  buf_puts (out, outcome);
  buf_puts (out, "\",\"error\":");
  buf_put_json_string (out, text.data);
  buf_puts (out, "}");
  buf_free (&text);
}

/* judge parses doc, a NUL-terminated document, the way crun does, and
 * appends the verdict object to out. */
static void
judge (const char *doc, struct buf *out)
{
  parser_error err = NULL;
  runtime_spec_schema_config_schema *def;
  struct parser_context gen_ctx = { OPT_GEN_SIMPLIFY, NULL };
  char *model;

  stage = "runtime_spec_schema_config_schema_parse_data";
  def = runtime_spec_schema_config_schema_parse_data (doc, NULL, &err);
  if (def == NULL)
    {
      /* crun reports "load: %s" with this text; a NULL text (an
       * allocation failure inside libocispec) would print "(null)". */
      put_error_verdict (out, "reject", "", err != NULL ? err : "(null)");
      free (err);
      return;
    }
  free (err);
  err = NULL;

  stage = "runtime_spec_schema_config_schema_generate_json (after parse_data accepted)";
  model = runtime_spec_schema_config_schema_generate_json (def, &gen_ctx, &err);
  if (model == NULL)
    {
      /* The parser accepted, but the library cannot write back what it
       * read: not a verdict the protocol can carry as accept, so the adapter
       * reports it as a failure it caught itself. */
      put_error_verdict (out, "crash", "parse_data accepted but generate_json failed: ",
                         err != NULL ? err : "(null)");
    }
  else
    {
      /* model is JSON written by the library's generator, embedded as is.
       * yajl's generator validates UTF-8; json-c's passes a string's bytes
       * through, so an invalid byte crun 1.28 read reaches the client as
       * that byte, inside an otherwise valid verdict. */
      buf_puts (out, "{\"outcome\":\"accept\",\"model\":");
      buf_puts (out, model);
      buf_puts (out, "}");
    }
  free (model);
  free (err);
  stage = "free_runtime_spec_schema_config_schema";
  free_runtime_spec_schema_config_schema (def);
  stage = "reading input";
}

/* read_full reads exactly n bytes; it returns n, or fewer at end of input. */
static size_t
read_full (void *p, size_t n)
{
  size_t got = 0;

  while (got < n)
    {
      size_t r = fread ((char *) p + got, 1, n - got, stdin);
      if (r == 0)
        break;
      got += r;
    }
  return got;
}

static int
write_frame (const struct buf *b)
{
  unsigned char hdr[4];
  uint32_t n = (uint32_t) b->len;

  hdr[0] = n >> 24;
  hdr[1] = n >> 16;
  hdr[2] = n >> 8;
  hdr[3] = n;
  if (fwrite (hdr, 1, 4, stdout) != 4 || fwrite (b->data, 1, b->len, stdout) != b->len || fflush (stdout) != 0)
    {
      fprintf (stderr, "ocidiff-c-adapter: writing a frame: %s\n", strerror (errno));
      return -1;
    }
  return 0;
}

static int
serve (void)
{
  struct buf out = { 0 };
  int ret = 0;

  put_hello (&out);
  if (write_frame (&out) < 0)
    {
      buf_free (&out);
      return 1;
    }

  for (;;)
    {
      unsigned char hdr[4];
      size_t got = read_full (hdr, 4);
      uint32_t n;
      char *doc;

      if (got == 0 && feof (stdin))
        break;
      if (got != 4)
        {
          fprintf (stderr, "ocidiff-c-adapter: protocol error: input ends inside a frame header (%zu of 4 bytes)\n",
                   got);
          ret = 2;
          break;
        }
      n = ((uint32_t) hdr[0] << 24) | ((uint32_t) hdr[1] << 16) | ((uint32_t) hdr[2] << 8) | hdr[3];
      if (n > MAX_FRAME)
        {
          fprintf (stderr, "ocidiff-c-adapter: protocol error: frame of %u bytes exceeds the limit of %u\n", n,
                   MAX_FRAME);
          ret = 2;
          break;
        }
      doc = malloc ((size_t) n + 1);
      if (doc == NULL)
        {
          fprintf (stderr, "ocidiff-c-adapter: cannot allocate %u bytes for a frame\n", n);
          ret = 1;
          break;
        }
      got = read_full (doc, n);
      if (got != n)
        {
          fprintf (stderr, "ocidiff-c-adapter: protocol error: input ends inside a frame (%zu of %u bytes)\n", got,
                   n);
          free (doc);
          ret = 2;
          break;
        }
      /* As crun's read_file does: the buffer ends with a NUL, and the
       * parser reads it as a C string (see the comment at the top). */
      doc[n] = '\0';

      buf_reset (&out);
      judge (doc, &out);
      free (doc);
      if (write_frame (&out) < 0)
        {
          ret = 1;
          break;
        }
    }
  buf_free (&out);
  return ret;
}

static int
judge_files (int n, char **paths)
{
  struct buf out = { 0 };
  int ret = 0;

  for (int i = 0; i < n; i++)
    {
      size_t len;
      char *doc = read_file (paths[i], &len);

      buf_reset (&out);
      if (doc == NULL)
        {
          fprintf (stderr, "ocidiff-c-adapter: cannot read %s: %s\n", paths[i], strerror (errno));
          ret = 1;
          continue;
        }
      judge (doc, &out);
      free (doc);
      printf ("%s\t%.*s\n", paths[i], (int) out.len, out.data);
    }
  buf_free (&out);
  if (fflush (stdout) != 0)
    ret = 1;
  return ret;
}

int
main (int argc, char **argv)
{
  /* The handler runs on its own stack: the crash it reports may be a
   * stack overflow (yajl_tree_free recursing on deep nesting). */
  static char altstack[64 * 1024];
  stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
  struct sigaction sa = { .sa_handler = on_fatal_signal, .sa_flags = SA_ONSTACK | SA_RESETHAND };
  const int fatal[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };

  sigaltstack (&ss, NULL);
  sigemptyset (&sa.sa_mask);
  for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
    sigaction (fatal[i], &sa, NULL);
  if (argc == 1)
    return serve ();
  if (argc == 2 && strcmp (argv[1], "--list") == 0)
    {
      struct buf out = { 0 };
      put_hello (&out);
      printf ("%.*s\n", (int) out.len, out.data);
      buf_free (&out);
      return 0;
    }
  if (argc >= 2 && strcmp (argv[1], "--files") == 0)
    return judge_files (argc - 2, argv + 2);
  fprintf (stderr, "usage: ocidiff-c-adapter [--list | --files FILE...]\n");
  return 2;
}
