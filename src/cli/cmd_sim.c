/* lcp sim init | show | microcode-update | tcb-recovery | refresh-collateral | measure: the simulated SGX platform
 * (lcp/tee_sim.h) and the simulated Intel that certifies it (lcp/attestation_sim.h). Everything here is a
 * simulation, and every output says so: the fuse secret and Intel's keys are files, so nothing is protected. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "lcp/attestation_sim.h"
#include "lcp/host_lock.h"
#include "lcp/tee.h"
#include "lcp/tee_sim.h"

#define SIM_NOTE "SIMULATED SGX platform: no real CPU, no protection; for development and tests only"

static const char INIT_HELP[] =
    "usage: lcp [--sim_platform DIR] sim init [--force | --keep_existing]\n"
    "\n"
    "Creates a SIMULATED SGX platform (one simulated CPU) in DIR (default ~/.lcp-sim): a random 32-byte fuse\n"
    "secret (mode 0600, the root of every sealing and report key), a platform id, and the initial CPUSVN and\n"
    "PCESVN. The directory is made private (0700). This is a simulation: anyone who can read the directory can\n"
    "derive every key sealed on it.\n"
    "\n"
    "An existing platform is never replaced unless --force is given. Replacing it is like moving to another CPU:\n"
    "the old fuse secret is gone and EVERY KEY SEALED ON IT IS LOST for good (its PCK and QE files are removed\n"
    "too). --keep_existing: an existing platform is kept and the command succeeds (for init containers).\n"
    "\n"
    "It also plays Intel for the platform (SIMULATED Intel, DIR/issuer): on first use it creates a simulated SGX\n"
    "root CA, a PCK Platform CA and a TCB Signing certificate, and publishes collateral (DIR/collateral/\n"
    "collateral.json: TCB Info with several TCB levels, QE Identity, CRLs, TCB evaluation data number 1). Then it\n"
    "certifies the platform: a PCK certificate for its CPUSVN/PCESVN and a QE attestation key. An existing issuer\n"
    "is kept (also with --force). Quotes of this platform verify only under DIR/issuer/root_ca.der, given\n"
    "explicitly: Intel's root (the default of every verifier) refuses them.\n"
    "\n"
    "example: lcp --sim_platform /tmp/cpu1 sim init\n";

static const char SHOW_HELP[] =
    "usage: lcp [--sim_platform DIR] sim show\n"
    "\n"
    "Prints the SIMULATED SGX platform in DIR (default ~/.lcp-sim): its platform id, current CPUSVN and PCESVN,\n"
    "which attestation files (PCK key and certificate, QE key, collateral) it has, and what the simulated Intel\n"
    "currently publishes (TCB evaluation data number, collateral validity, the TCB levels). The fuse secret is\n"
    "never printed.\n";

static const char UPDATE_HELP[] =
    "usage: lcp [--sim_platform DIR] sim microcode-update [--set HEX] [--pcesvn N]\n"
    "\n"
    "A SIMULATED microcode update: raises the first CPUSVN component by one and prints the old and new CPUSVN.\n"
    "Keys sealed before it still unseal after it (a lower CPUSVN may be requested); keys sealed after it do not\n"
    "unseal once the CPUSVN is lowered again. Enclaves see the new CPUSVN when they next start.\n"
    "\n"
    "  --set HEX    set the CPUSVN to exactly these 16 bytes instead, lower included: a downgrade drill, or tests\n"
    "  --pcesvn N   also set the PCESVN (0..65535)\n"
    "\n"
    "When the platform has a simulated issuer (lcp sim init makes one), the simulated Intel then certifies the new\n"
    "TCB: a new PCK key and certificate. Quotes made after this carry the new certificate; enclave keys whose\n"
    "reports predate the update cannot be quoted any more (their report MAC used the old CPUSVN): generate new keys.\n"
    "\n"
    "example: lcp sim microcode-update --set 02020202030100030000000000000000\n";

static const char RECOVERY_HELP[] =
    "usage: lcp [--sim_platform DIR] sim tcb-recovery --advisory INTEL-SA-NNNNN\n"
    "\n"
    "A SIMULATED TCB recovery event, as Intel announces one: the simulated Intel publishes new collateral with the\n"
    "TCB evaluation data number raised by one, a new UpToDate TCB level one microcode update above the highest\n"
    "level so far (CPUSVN component 1 + 1), and every earlier level OutOfDate with the advisory added. The\n"
    "platform's current TCB is then OutOfDate: quotes verified against the new collateral say so, and an LCP\n"
    "client refuses new registrations made with it. 'lcp sim microcode-update' moves the platform to the new\n"
    "level. The previous collateral stays in DIR/collateral/collateral-<N>.json. See docs/tcb-recovery.md.\n"
    "\n"
    "example: lcp sim tcb-recovery --advisory INTEL-SA-00999\n";

static const char REFRESH_HELP[] =
    "usage: lcp [--sim_platform DIR] sim refresh-collateral\n"
    "\n"
    "The SIMULATED Intel republishes its current collateral (same TCB levels and TCB evaluation data number) with\n"
    "fresh dates and CRLs, valid 30 days from now, as Intel's PCS does about monthly. Run it when verification says\n"
    "the collateral is not valid any more.\n";

static const char MEASURE_HELP[] =
    "usage: lcp sim measure FILE [--isv_prod_id N] [--isv_svn N] [--debug] [--signer_pubkey FILE]\n"
    "\n"
    "Computes the SIMULATED MRENCLAVE of an enclave executable, as the sim backend measures itself:\n"
    "SHA-256(\"lcp-c sim MRENCLAVE v1\" || u64le(size) || FILE || u16le(isv_prod_id) || u16le(isv_svn) ||\n"
    "u8(debug)), and MRSIGNER = SHA-256 of the signer public key file's bytes (without one: the development\n"
    "signer, SHA-256(\"lcp-c sim dev signer\"), which marks a development build). Compare the MRENCLAVE with the\n"
    "one an enclave reports to check a reproducible build.\n"
    "\n"
    "example: lcp sim measure build/rel/bin/lcp-enclave\n";

/* The platform directory: --sim_platform, else ~/.lcp-sim. */
static int platform_dir(char out[4096], const lcp_cli *cli)
{
    char err[LCP_ERR_LEN] = "";
    if (cli->sim_platform) {
        if (strlen(cli->sim_platform) >= 4096) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--sim_platform is too long");
        memcpy(out, cli->sim_platform, strlen(cli->sim_platform) + 1);
        return 0;
    }
    if (lcp_tee_sim_default_dir(out, 4096, err) != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    return 0;
}

static cJSON *sim_doc(const char *dir)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) return NULL;
    cJSON_AddStringToObject(o, "backend", "sim");
    cJSON_AddBoolToObject(o, "simulated", 1);
    cJSON_AddStringToObject(o, "note", SIM_NOTE);
    cJSON_AddStringToObject(o, "platform", dir);
    return o;
}

static int print(cJSON *o)
{
    if (o == NULL) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "out of memory");
    return lcp_cli_print_json(o);
}

static void tcb_of(lcp_sim_tcb *tcb, const lcp_tee_sim_platform *p)
{
    memcpy(tcb->platform_id, p->platform_id, 16);
    memcpy(tcb->cpusvn, p->cpusvn, 16);
    tcb->pcesvn = p->pcesvn;
}

static void add_path(cJSON *o, const char *name, const char *dir, const char *file)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    cJSON_AddStringToObject(o, name, path);
}

/* What the simulated Intel publishes now, read back with the verifier's parsers. Adds nothing if there is no
 * issuer; an unreadable collateral is reported as such. */
static void add_issuer_info(cJSON *o, const char *dir)
{
    if (!lcp_sim_issuer_exists(dir)) {
        cJSON_AddBoolToObject(o, "simulated_intel", 0);
        return;
    }
    add_path(o, "sim_root", dir, LCP_SIM_FILE_ROOT_DER);
    add_path(o, "collateral", dir, LCP_SIM_FILE_COLLATERAL);
    char err[LCP_ERR_LEN] = "";
    uint8_t *json = NULL, *storage = NULL;
    size_t len = 0;
    lcp_dcap_collateral c;
    lcp_dcap_tcb_info *ti = lcp_calloc(1, sizeof *ti);
    int rc = ti ? lcp_sim_issuer_collateral(&json, &len, dir, 0, err) : LCP_ERR_NOMEM;
    if (rc == LCP_OK && (storage = lcp_malloc(lcp_dcap_collateral_json_storage_len(len))) == NULL) rc = LCP_ERR_NOMEM;
    if (rc == LCP_OK)
        rc = lcp_dcap_collateral_from_json(&c, storage, lcp_dcap_collateral_json_storage_len(len), json, len, err);
    if (rc == LCP_OK) rc = lcp_dcap_tcb_info_parse(ti, c.tcb_info.ptr, c.tcb_info.len, err);
    if (rc != LCP_OK) {
        cJSON_AddStringToObject(o, "collateral_error", err[0] ? err : lcp_strerror(rc));
    } else {
        cJSON_AddNumberToObject(o, "tcb_evaluation_data_number", ti->tcb_evaluation_data_number);
        lcp_cli_json_hex(o, "fmspc", ti->fmspc, sizeof ti->fmspc);
        cJSON_AddNumberToObject(o, "collateral_issued", (double)ti->issue_date);
        cJSON_AddNumberToObject(o, "collateral_next_update", (double)ti->next_update);
        cJSON *levels = cJSON_AddArrayToObject(o, "tcb_levels");
        for (size_t i = 0; levels && i < ti->n_levels; i++) {
            cJSON *l = cJSON_CreateObject();
            if (l == NULL) break;
            lcp_cli_json_hex(l, "cpusvn", ti->levels[i].comp_svn, 16);
            cJSON_AddNumberToObject(l, "pcesvn", ti->levels[i].pce_svn);
            cJSON_AddStringToObject(l, "status", lcp_dcap_tcb_status_name(ti->levels[i].status));
            cJSON_AddItemToArray(levels, l);
        }
    }
    lcp_free(ti);
    lcp_free(json);
    lcp_free(storage);
}

static int cmd_init(const lcp_cli *cli, int argc, char **argv)
{
    lcp_cli_args a;
    static const char *const flags[] = {"force", "keep_existing", NULL};
    if (lcp_cli_parse(&a, argc, argv, NULL, flags)) return LCP_CLI_EXIT_USAGE;
    if (a.help) {
        fputs(INIT_HELP, stdout);
        return 0;
    }
    if (a.npos) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "sim init takes no arguments (see --help)");
    char dir[4096], err[LCP_ERR_LEN] = "";
    int rc = platform_dir(dir, cli);
    if (rc) return rc;
    lcp_tee_sim_platform p;
    if (lcp_cli_has(&a, "force") && lcp_cli_has(&a, "keep_existing"))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--force and --keep_existing exclude each other");
    rc = lcp_tee_sim_init(&p, dir, lcp_cli_has(&a, "force"), err);
    if (rc == LCP_ERR_TEE_PLATFORM_EXISTS && lcp_cli_has(&a, "keep_existing")) {
        fprintf(stderr, "lcp: %s already holds a simulated platform: kept\n", dir);
        return 0;
    }
    if (rc == LCP_ERR_TEE_PLATFORM_EXISTS)
        return lcp_cli_error(LCP_CLI_EXIT_FAIL,
                             "%s already holds a simulated platform. Replacing it destroys its fuse secret and with it "
                             "every key sealed on it; run 'lcp sim init --force' only if you mean that",
                             dir);
    if (rc != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    lcp_sim_tcb tcb;
    tcb_of(&tcb, &p);
    int64_t now = lcp_time_now();
    int had_issuer = lcp_sim_issuer_exists(dir);
    if (!had_issuer) rc = lcp_sim_issuer_create(dir, &tcb, now, err);
    if (rc == LCP_OK) rc = lcp_sim_issuer_certify_platform(dir, &tcb, now, err);
    if (rc != LCP_OK) {
        lcp_tee_sim_platform_wipe(&p);
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "simulated platform created, but the simulated Intel failed: %s", err);
    }
    cJSON *o = sim_doc(dir);
    if (o) {
        cJSON_AddStringToObject(o, "created", lcp_cli_has(&a, "force") ? "new simulated CPU (any previous one replaced)"
                                                                      : "new simulated CPU");
        lcp_cli_json_hex(o, "platform_id", p.platform_id, sizeof p.platform_id);
        lcp_cli_json_hex(o, "cpusvn", p.cpusvn, 16);
        cJSON_AddNumberToObject(o, "pcesvn", p.pcesvn);
        cJSON_AddStringToObject(o, "fuse_secret", "written (0600); losing it loses every key sealed on this platform");
        cJSON_AddStringToObject(o, "issuer", had_issuer ? "existing SIMULATED Intel kept"
                                                        : "SIMULATED Intel created: root CA, PCK Platform CA, TCB Signing");
        cJSON_AddStringToObject(o, "pck_certificate", "issued by the SIMULATED Intel for this CPUSVN and PCESVN");
        add_issuer_info(o, dir);
    }
    lcp_tee_sim_platform_wipe(&p);
    return print(o);
}

static int file_exists(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

static int cmd_show(const lcp_cli *cli, int argc, char **argv)
{
    lcp_cli_args a;
    if (lcp_cli_parse(&a, argc, argv, NULL, NULL)) return LCP_CLI_EXIT_USAGE;
    if (a.help) {
        fputs(SHOW_HELP, stdout);
        return 0;
    }
    if (a.npos) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "sim show takes no arguments (see --help)");
    char dir[4096], err[LCP_ERR_LEN] = "";
    int rc = platform_dir(dir, cli);
    if (rc) return rc;
    lcp_tee_sim_platform p;
    if (lcp_tee_sim_load(&p, dir, err) != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    cJSON *o = sim_doc(dir);
    if (o) {
        lcp_cli_json_hex(o, "platform_id", p.platform_id, sizeof p.platform_id);
        lcp_cli_json_hex(o, "cpusvn", p.cpusvn, 16);
        cJSON_AddNumberToObject(o, "pcesvn", p.pcesvn);
        cJSON_AddStringToObject(o, "fuse_secret", "present (32 bytes, never printed)");
        cJSON *f = cJSON_AddObjectToObject(o, "attestation_files");
        if (f) {
            cJSON_AddBoolToObject(f, LCP_TEE_SIM_FILE_PCK_KEY, file_exists(dir, LCP_TEE_SIM_FILE_PCK_KEY));
            cJSON_AddBoolToObject(f, LCP_TEE_SIM_FILE_PCK_CERT, file_exists(dir, LCP_TEE_SIM_FILE_PCK_CERT));
            cJSON_AddBoolToObject(f, LCP_TEE_SIM_FILE_QE_KEY, file_exists(dir, LCP_TEE_SIM_FILE_QE_KEY));
            cJSON_AddBoolToObject(f, LCP_TEE_SIM_DIR_ISSUER, file_exists(dir, LCP_TEE_SIM_DIR_ISSUER));
            cJSON_AddBoolToObject(f, LCP_TEE_SIM_DIR_COLLATERAL, file_exists(dir, LCP_TEE_SIM_DIR_COLLATERAL));
        }
        add_issuer_info(o, dir);
    }
    lcp_tee_sim_platform_wipe(&p);
    return print(o);
}

static int cmd_update(const lcp_cli *cli, int argc, char **argv)
{
    lcp_cli_args a;
    static const char *const known[] = {"set", "pcesvn", NULL};
    if (lcp_cli_parse(&a, argc, argv, known, NULL)) return LCP_CLI_EXIT_USAGE;
    if (a.help) {
        fputs(UPDATE_HELP, stdout);
        return 0;
    }
    if (a.npos) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "sim microcode-update takes no arguments (see --help)");
    char dir[4096], err[LCP_ERR_LEN] = "";
    int rc = platform_dir(dir, cli);
    if (rc) return rc;
    const char *set = lcp_cli_opt(&a, "set"), *pce = lcp_cli_opt(&a, "pcesvn");
    uint8_t want[16], old[16], neu[16];
    uint64_t pcesvn = 0;
    size_t n = 0;
    if (set && (lcp_hex_decode(want, sizeof want, &n, set, strlen(set), NULL) != LCP_OK || n != 16))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--set needs a CPUSVN of exactly 16 bytes in hex (32 digits)");
    if (pce && (lcp_cli_parse_u64(&pcesvn, pce) != 0 || pcesvn > 0xffff))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--pcesvn needs a number 0..65535");
    if (set) {
        rc = lcp_tee_sim_set_cpusvn(old, dir, want, err);
        memcpy(neu, want, 16);
    } else {
        rc = lcp_tee_sim_microcode_update(old, neu, dir, err);
    }
    if (rc != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    uint16_t old_pce = 0;
    if (pce && lcp_tee_sim_set_pcesvn(&old_pce, dir, (uint16_t)pcesvn, err) != LCP_OK)
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    /* Intel certifies the new TCB: a new PCK certificate (and key), as PCCS serves after a real update. */
    int reissued = lcp_sim_issuer_exists(dir);
    if (reissued) {
        lcp_tee_sim_platform p;
        lcp_sim_tcb tcb;
        rc = lcp_tee_sim_load(&p, dir, err);
        if (rc == LCP_OK) {
            tcb_of(&tcb, &p);
            lcp_tee_sim_platform_wipe(&p);
            rc = lcp_sim_issuer_certify_platform(dir, &tcb, lcp_time_now(), err);
        }
        if (rc != LCP_OK)
            return lcp_cli_error(LCP_CLI_EXIT_FAIL, "CPUSVN changed, but the PCK certificate was not reissued: %s", err);
    }
    cJSON *o = sim_doc(dir);
    if (o) {
        int lower = !lcp_tee_cpusvn_le(old, neu);
        cJSON_AddStringToObject(o, "event", !set ? "simulated microcode update"
                                            : lower ? "simulated CPUSVN change (not above the old one: a downgrade)"
                                                    : "simulated CPUSVN change");
        lcp_cli_json_hex(o, "old_cpusvn", old, 16);
        lcp_cli_json_hex(o, "new_cpusvn", neu, 16);
        if (pce) {
            cJSON_AddNumberToObject(o, "old_pcesvn", old_pce);
            cJSON_AddNumberToObject(o, "new_pcesvn", (double)pcesvn);
        }
        cJSON_AddStringToObject(o, "sealing",
                                lower ? "keys sealed at a CPUSVN not <= the new one no longer unseal"
                                      : "keys sealed before this still unseal; new seals record the new CPUSVN");
        cJSON_AddStringToObject(o, "pck_certificate", reissued ? "reissued by the SIMULATED Intel for the new TCB"
                                                               : "none (no simulated issuer: run lcp sim init)");
        if (reissued)
            cJSON_AddStringToObject(o, "next", "restart the enclave, generate a new enclave key, attest it "
                                               "(lcp attestation dcap) and register it; see docs/tcb-recovery.md");
    }
    return print(o);
}

static int cmd_recovery(const lcp_cli *cli, int argc, char **argv)
{
    lcp_cli_args a;
    static const char *const known[] = {"advisory", NULL};
    if (lcp_cli_parse(&a, argc, argv, known, NULL)) return LCP_CLI_EXIT_USAGE;
    if (a.help) {
        fputs(RECOVERY_HELP, stdout);
        return 0;
    }
    const char *adv = lcp_cli_opt(&a, "advisory");
    if (adv == NULL || !lcp_cli_is_advisory_id(adv))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "sim tcb-recovery needs --advisory INTEL-SA-NNNNN (see --help)%s%s",
                             adv ? "; got " : "", adv ? adv : "");
    char dir[4096], err[LCP_ERR_LEN] = "";
    int rc = platform_dir(dir, cli);
    if (rc) return rc;
    if (!lcp_sim_issuer_exists(dir))
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s has no simulated issuer: run lcp sim init", dir);
    uint32_t eval = 0;
    rc = lcp_sim_issuer_tcb_recovery(&eval, dir, adv, lcp_time_now(), err);
    if (rc == LCP_ERR_ILLEGAL_ARG) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--advisory: %s", err);
    if (rc != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    cJSON *o = sim_doc(dir);
    if (o) {
        cJSON_AddStringToObject(o, "event", "SIMULATED TCB recovery: the simulated Intel published new collateral");
        cJSON_AddStringToObject(o, "advisory", adv);
        cJSON_AddNumberToObject(o, "previous_tcb_evaluation_data_number", eval - 1);
        char prev[64];
        snprintf(prev, sizeof prev, "collateral/collateral-%u.json", eval - 1);
        add_path(o, "previous_collateral", dir, prev);
        add_issuer_info(o, dir);
        cJSON_AddStringToObject(o, "next",
                                "the platform's current TCB is now OutOfDate: run lcp sim microcode-update, restart the "
                                "enclave, generate, attest and register a new key; see docs/tcb-recovery.md");
    }
    return print(o);
}

static int cmd_refresh(const lcp_cli *cli, int argc, char **argv)
{
    lcp_cli_args a;
    if (lcp_cli_parse(&a, argc, argv, NULL, NULL)) return LCP_CLI_EXIT_USAGE;
    if (a.help) {
        fputs(REFRESH_HELP, stdout);
        return 0;
    }
    if (a.npos) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "sim refresh-collateral takes no arguments (see --help)");
    char dir[4096], err[LCP_ERR_LEN] = "";
    int rc = platform_dir(dir, cli);
    if (rc) return rc;
    if (!lcp_sim_issuer_exists(dir))
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s has no simulated issuer: run lcp sim init", dir);
    if (lcp_sim_issuer_refresh(NULL, dir, lcp_time_now(), err) != LCP_OK)
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    cJSON *o = sim_doc(dir);
    if (o) {
        cJSON_AddStringToObject(o, "event", "SIMULATED collateral republished (same TCB levels, fresh dates)");
        add_issuer_info(o, dir);
    }
    return print(o);
}

static int parse_u16(uint16_t *out, const lcp_cli_args *a, const char *name)
{
    const char *s = lcp_cli_opt(a, name);
    uint64_t v = 0;
    if (s == NULL) {
        *out = 0;
        return 0;
    }
    if (lcp_cli_parse_u64(&v, s) != 0 || v > 0xffff)
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--%s needs a number 0..65535", name);
    *out = (uint16_t)v;
    return 0;
}

static int cmd_measure(int argc, char **argv)
{
    lcp_cli_args a;
    static const char *const known[] = {"isv_prod_id", "isv_svn", "signer_pubkey", NULL};
    static const char *const flags[] = {"debug", NULL};
    if (lcp_cli_parse_pos(&a, argc, argv, known, flags, 1)) return LCP_CLI_EXIT_USAGE;
    if (a.help) {
        fputs(MEASURE_HELP, stdout);
        return 0;
    }
    if (a.npos != 1) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "sim measure needs one FILE (see --help)");
    uint16_t prod, svn;
    int rc;
    if ((rc = parse_u16(&prod, &a, "isv_prod_id")) || (rc = parse_u16(&svn, &a, "isv_svn"))) return rc;
    int debug = lcp_cli_has(&a, "debug");
    char err[LCP_ERR_LEN] = "";
    uint8_t mrenclave[32], mrsigner[32];
    if (lcp_tee_measure_file(mrenclave, a.pos[0], prod, svn, debug, err) != LCP_OK)
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    const char *signer = lcp_cli_opt(&a, "signer_pubkey");
    uint8_t *pub = NULL;
    size_t pub_len = 0;
    if (signer && lcp_file_read(&pub, &pub_len, signer, 1 << 20, err) != LCP_OK)
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    rc = lcp_tee_mrsigner(mrsigner, pub, pub_len);
    lcp_free(pub);
    if (rc != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "MRSIGNER: %s", lcp_strerror(rc));
    cJSON *o = cJSON_CreateObject();
    if (o) {
        cJSON_AddStringToObject(o, "backend", "sim");
        cJSON_AddBoolToObject(o, "simulated", 1);
        cJSON_AddStringToObject(o, "note", "SIMULATED measurement: the sim backend's MRENCLAVE, not an SGX one");
        lcp_cli_json_hex(o, "mrenclave", mrenclave, 32);
        lcp_cli_json_hex(o, "mrsigner", mrsigner, 32);
        cJSON_AddStringToObject(o, "signer", signer ? signer : "development signer (\"" LCP_TEE_SIM_DEV_SIGNER "\")");
        cJSON_AddNumberToObject(o, "isv_prod_id", prod);
        cJSON_AddNumberToObject(o, "isv_svn", svn);
        cJSON_AddBoolToObject(o, "debug", debug);
    }
    return print(o);
}

/* Runs a verb that writes the platform while holding its lock (lcp/host_lock.h): two writers at once could leave
 * files of two different CPUs (fuse secret of one, PCK certificate of the other). init creates the directory
 * first. A directory that cannot be locked for another reason (missing) is left to the verb to report. */
static int locked(int (*verb)(const lcp_cli *, int, char **), int create, const lcp_cli *cli, int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return verb(cli, argc, argv);
    char dir[4096], what[4200], err[LCP_ERR_LEN] = "";
    int rc = platform_dir(dir, cli);
    if (rc) return rc;
    if (create) (void)mkdir(dir, 0700); /* as lcp_tee_sim_init would; it reports a failure itself */
    snprintf(what, sizeof what, "the simulated platform %s", dir);
    lcp_dir_lock l;
    if (lcp_host_lock(&l, dir, what, err) == LCP_ERR_HOST_LOCKED) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    rc = verb(cli, argc, argv);
    lcp_host_unlock(&l);
    return rc;
}

static int verb_measure(const lcp_cli *cli, int argc, char **argv)
{
    (void)cli;
    return cmd_measure(argc, argv);
}
static int locked_init(const lcp_cli *cli, int argc, char **argv) { return locked(cmd_init, 1, cli, argc, argv); }
static int locked_update(const lcp_cli *cli, int argc, char **argv) { return locked(cmd_update, 0, cli, argc, argv); }
static int locked_recovery(const lcp_cli *cli, int argc, char **argv)
{
    return locked(cmd_recovery, 0, cli, argc, argv);
}
static int locked_refresh(const lcp_cli *cli, int argc, char **argv)
{
    return locked(cmd_refresh, 0, cli, argc, argv);
}

int lcp_cli_sim(const lcp_cli *cli, int argc, char **argv)
{
    static const lcp_cli_verb verbs[] = {
        {"init", locked_init, "[--force|--keep_existing] create a platform (never replaces one without --force)"},
        {"show", cmd_show, "print its id, CPUSVN and PCESVN"},
        {"microcode-update", locked_update, "[--set HEX] [--pcesvn N] raise (or set) the CPUSVN; reissue the PCK cert"},
        {"tcb-recovery", locked_recovery, "--advisory ID: simulated Intel: new collateral, current TCB OutOfDate"},
        {"refresh-collateral", locked_refresh, "simulated Intel: republish collateral with fresh dates"},
        {"measure", verb_measure, "FILE: the sim MRENCLAVE/MRSIGNER of an enclave executable"},
    };
    return lcp_cli_dispatch(cli, "sim",
                            "The SIMULATED SGX platform (--sim_platform DIR, default ~/.lcp-sim): a directory standing "
                            "for one CPU,\nfor machines without SGX. It protects nothing.",
                            verbs, sizeof verbs / sizeof verbs[0], argc, argv);
}
