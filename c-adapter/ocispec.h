/* ocispec.h: the few declarations of libocispec's public API that the
 * adapter calls.
 *
 * Debian's crun package ships libcrun.a without headers, so the prototypes
 * are declared here, written from libocispec's src/ocispec/json_common.h
 * and the generated runtime_spec_schema_config_schema.h at the commit crun
 * 1.8.1 vendors (libocispec 23aed835eed8d81d124977583551a81abe595a0c). In
 * that version the option bits are STRICT 0x01, GEN_KEY_VALUE 0x02,
 * GEN_SIMPLIFY 0x04, PARSE_FULLKEY 0x08, GEN_NO_VALIDATE_UTF8 0x10. The
 * json-c libocispec in crun 1.28 keeps these three functions, the context's
 * layout (options first) and GEN_SIMPLIFY as bit 0x04: its json_gen_init
 * reads bit 2 of the context's first byte (objdump -d of json_common.o).
 */
#ifndef OCIDIFF_OCISPEC_H
#define OCIDIFF_OCISPEC_H

#include <stdio.h>

#define OPT_PARSE_STRICT 0x01
#define OPT_GEN_KEY_VALUE 0x02
#define OPT_GEN_SIMPLIFY 0x04
#define OPT_PARSE_FULLKEY 0x08
#define OPT_GEN_NO_VALIDATE_UTF8 0x10

/* parser_error is a malloc'd message, or NULL; the caller frees it. */
typedef char *parser_error;

struct parser_context
{
  unsigned int options;
  FILE *errfile;
};

/* The parsed config. The adapter never looks inside, so it stays opaque:
 * libocispec defines it as an anonymous struct typedef, and only pointers
 * to it cross the API. */
typedef struct ocidiff_runtime_spec_schema_config_schema runtime_spec_schema_config_schema;

/* parse_data parses a NUL-terminated JSON text. A NULL ctx means options 0:
 * unknown keys are ignored and not kept. */
runtime_spec_schema_config_schema *
runtime_spec_schema_config_schema_parse_data (const char *jsondata, const struct parser_context *ctx,
                                              parser_error *err);

/* generate_json returns a malloc'd NUL-terminated JSON text, or NULL with
 * *err set. */
char *runtime_spec_schema_config_schema_generate_json (const runtime_spec_schema_config_schema *ptr,
                                                       const struct parser_context *ctx, parser_error *err);

void free_runtime_spec_schema_config_schema (runtime_spec_schema_config_schema *ptr);

#endif
