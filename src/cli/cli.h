/* Private header of the `lcp` command (floor 7). One file per command group: cmd_<group>.c exports
 * lcp_cli_<group>(), registered in main.c. Conventions for every verb:
 *  - `--help` (or -h) prints what the verb does, its options and an example, and exits 0;
 *  - results go to stdout as JSON (one document, newline-terminated);
 *  - a failure prints one line "lcp: error: <reason>" on stderr and exits non-zero
 *    (2 = usage, 1 = everything else). */
#ifndef LCP_CLI_H
#define LCP_CLI_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "lcp/attestation_dcap.h"
#include "lcp/base.h"

/* lcp-c's release; `lcp --version` prints it. */
#define LCP_CLI_VERSION "0.3.0"

#define LCP_CLI_EXIT_FAIL 1
#define LCP_CLI_EXIT_USAGE 2

/* Global options, parsed before the group name. */
typedef struct {
    const char *home;         /* --home, default $LCP_HOME or ~/.lcp */
    const char *sim_platform; /* --sim_platform, default ~/.lcp-sim */
    int log_level;            /* --log_level off|error|warn|info|debug */
    const char *enclave;      /* --enclave PATH: the lcp-enclave executable (default: beside lcp) */
    const char *backend;      /* --backend sim|gramine (default sim) */
} lcp_cli;

/* A parsed verb command line: options `--name value` / `--name=value` / bare flags, plus positionals. */
#define LCP_CLI_MAX_ARGS 64
typedef struct {
    const char *names[LCP_CLI_MAX_ARGS];
    const char *values[LCP_CLI_MAX_ARGS]; /* NULL for a bare flag */
    int n;
    const char *pos[LCP_CLI_MAX_ARGS];
    int npos;
    int help;
} lcp_cli_args;

/* Parses argv (after the verb). known lists the options that take a value, flags those that take none (both
 * NULL-terminated, may be NULL). A flag listed with a trailing '?' ("expired_valid_to?") is a boolean that may also
 * be given an explicit true or false, as LCP's CLI accepts; lcp_cli_has then reports its value. The same rules hold
 * for every verb: an unknown option, a missing value, a value that is another option ("--key --other"; write
 * "--key=--other" if that is meant), a value given to a flag, or any positional argument is a usage error (printed,
 * LCP_CLI_EXIT_USAGE returned). `-a` stands for `--available_only` where that flag exists. */
int lcp_cli_parse(lcp_cli_args *a, int argc, char **argv, const char *const *known, const char *const *flags);
/* The same, allowing up to max_pos positional arguments (FILE operands). */
int lcp_cli_parse_pos(lcp_cli_args *a, int argc, char **argv, const char *const *known, const char *const *flags,
                      int max_pos);
/* The value of option name, or NULL if absent. */
const char *lcp_cli_opt(const lcp_cli_args *a, const char *name);
/* 1 if the flag (or option) is present; for a '?' boolean given "false", 0. */
int lcp_cli_has(const lcp_cli_args *a, const char *name);

/* Prints "lcp: error: ..." on stderr and returns code (use the LCP_CLI_EXIT_* values). */
int lcp_cli_error(int code, const char *fmt, ...) LCP_PRINTF(2, 3);
/* Prints a JSON document on stdout (pretty), then frees it. Returns 0, or LCP_CLI_EXIT_FAIL if printing fails. */
int lcp_cli_print_json(cJSON *doc);
/* Adds "0x"+hex of bytes to obj under name. Returns 0 or -1 when out of memory. */
int lcp_cli_json_hex(cJSON *obj, const char *name, const uint8_t *p, size_t n);
/* Reads a file ("-" = stdin) whose content is raw bytes, or hex (with or without 0x, surrounding whitespace
 * allowed), or base64, detected in that order when the content is text. Free with lcp_free. */
int lcp_cli_read_blob(uint8_t **out, size_t *len, const char *path, char *err);
/* The same for bytes already read (raw, n from lcp_file_read): takes ownership of raw. path names it in errors. */
int lcp_cli_decode_blob(uint8_t **out, size_t *len, uint8_t *raw, size_t n, const char *path, char *err);
/* Parses a decimal unsigned integer fully (no sign, no trailing junk). */
int lcp_cli_parse_u64(uint64_t *out, const char *s);
/* Parses a duration: decimal seconds, or a number with one unit s, m, h or d ("90s", "10m", "36h", "7d"), at most
 * 100 years. Returns 0, or -1 if malformed or out of range. */
int lcp_cli_parse_duration(uint64_t *seconds, const char *s);
/* The verification time: --time (UNIX seconds) if given, else the clock. Returns 0, or prints the usage error and
 * returns LCP_CLI_EXIT_USAGE. */
int lcp_cli_time_opt(int64_t *now, const lcp_cli_args *a);
/* Splits a comma-separated list in place (s is modified). Returns the count, or -1 if there are more than max items
 * or one is empty. */
int lcp_cli_split_list(char **items, int max, char *s);
/* Largest certificate or key file read. */
#define LCP_CLI_MAX_CERT_FILE (1u << 20)

/* One verb of a command group. */
typedef struct {
    const char *name;
    int (*run)(const lcp_cli *cli, int argc, char **argv);
    const char *summary;
} lcp_cli_verb;

/* The one dispatcher of every command group, so that all groups behave alike: `help`, `--help` or `-h` print the
 * group's usage (intro, then the verbs) on stdout and return 0; no verb prints it on stderr and returns
 * LCP_CLI_EXIT_USAGE; an unknown verb is one "lcp: error:" line and LCP_CLI_EXIT_USAGE. `--enclave PATH` is taken
 * from the verb's arguments wherever it stands (as LCP accepts it per verb) and overrides the global option. */
int lcp_cli_dispatch(const lcp_cli *cli, const char *group, const char *intro, const lcp_cli_verb *verbs,
                     size_t n_verbs, int argc, char **argv);
/* Parses a 20-byte address option: absent → "--NAME ... is required"; present but not 20 bytes of hex →
 * "--NAME: malformed address". Returns 0 or the usage error already printed. */
int lcp_cli_address_opt(uint8_t out[20], const lcp_cli_args *a, const char *name, int required, int *present);
/* Parses a duration option (lcp_cli_parse_duration: 600, 10m, 36h, 7d) into *seconds, which stays as it is when the
 * option is absent: zero, malformed or above max_s (0: no bound) → "--NAME must be ..." naming the example.
 * Returns 0 or the usage error already printed. */
int lcp_cli_duration_opt(uint64_t *seconds, const lcp_cli_args *a, const char *name, uint64_t max_s,
                         const char *example);
/* 1 if s is one of the NULL-terminated values (exact match). */
int lcp_cli_one_of(const char *s, const char *const *values);
/* 1 if s has the form of an Intel advisory ID: INTEL-SA-NNNNN (5 digits) or INTEL-DOC-NNNNN. */
int lcp_cli_is_advisory_id(const char *s);

/* Command groups. */
int lcp_cli_commitment(const lcp_cli *cli, int argc, char **argv);
int lcp_cli_attestation(const lcp_cli *cli, int argc, char **argv);
int lcp_cli_demo(const lcp_cli *cli, int argc, char **argv);
int lcp_cli_sim(const lcp_cli *cli, int argc, char **argv);
int lcp_cli_enclave(const lcp_cli *cli, int argc, char **argv);
int lcp_cli_elc(const lcp_cli *cli, int argc, char **argv);
int lcp_cli_service(const lcp_cli *cli, int argc, char **argv);
int lcp_cli_dev(const lcp_cli *cli, int argc, char **argv);
int lcp_cli_attestation_simulate(const lcp_cli *cli, int argc, char **argv);

/* Opens the host node (store under --home, enclave process, sim platform) for verbs that need the enclave.
 * Prints the error itself; returns 0 or an exit code. */
struct lcp_host;
int lcp_cli_open_host(const lcp_cli *cli, struct lcp_host **out);
/* Resolved directories (static buffers, valid until the next call of the same function). */
const char *lcp_cli_home(const lcp_cli *cli);
const char *lcp_cli_sim_platform(const lcp_cli *cli);
/* Parses a 20-byte address "0x…" (or without 0x). */
int lcp_cli_parse_address(uint8_t out[20], const char *s);

/* Verbs of `lcp attestation` implemented outside cmd_attestation.c (listed in its verb table). */
/* `lcp attestation verify`: DCAP quote verification (cmd_attestation_dcap.c). argv starts after the verb. */
int lcp_cli_attestation_verify_dcap(const lcp_cli *cli, int argc, char **argv);
/* `lcp attestation dcap`: attest an enclave key with a simulated DCAP quote (cmd_attestation_dcap.c). */
int lcp_cli_attestation_dcap_sim(const lcp_cli *cli, int argc, char **argv);
/* The same verb on --backend gramine: the enclave's own quote, collateral from a PCCS or a file
 * (cmd_attestation_gramine.c). */
int lcp_cli_attestation_dcap_gramine(const lcp_cli *cli, int argc, char **argv);
/* The DCAP policy options (--allow_debug, --allowed_statuses, --allowed_advisory_ids, --mrenclave,
 * --min_tcb_evaluation_data_number) as pol; status_buf (1024 bytes), ids_buf (4096) and ids (64 entries) hold what
 * pol points to. Returns 0 or the usage error already printed (cmd_attestation_dcap.c). */
int lcp_cli_dcap_policy(lcp_dcap_policy *pol, uint8_t mrenclave[32], char *status_buf, char *ids_buf, char **ids,
                        const lcp_cli_args *a);
/* lcp_host_quote_fn for --quote_out: writes the verified quote to the file path names (NULL: nothing), atomically,
 * before the attestation is recorded. Returns 0 or the error already printed. */
int lcp_cli_quote_out(void *path, const uint8_t *q, size_t n);

#endif
