/* Shared by the tests/tee tests: temporary platform directories and the fixed test platform and enclave that
 * tools/vectors/tee.py also uses for the golden vectors in tests/vectors/tee. */
#ifndef LCP_TEE_FIXTURE_H
#define LCP_TEE_FIXTURE_H

#include "testutil.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lcp/tee.h"
#include "lcp/tee_sim.h"

#define TF_INIT 0x1ull
#define TF_DEBUG 0x2ull
#define TF_MODE64 0x4ull

/* A fresh empty directory under /tmp (path in dir, 64 bytes). */
static inline void tf_mkdtemp(char dir[64]) { tu_tmpdir(dir, 64, "tee"); }

/* Removes dir and everything below it. */
static inline void tf_rmrf(const char *dir) { tu_rmtree(dir); }

/* The fixed test platform: fuse secret 00 01 .. 1f (plus `variant` added to every byte, so variant != 0 is
 * "another CPU"), the default CPUSVN, PCESVN 13. */
static inline void tf_platform_values(lcp_tee_sim_platform *p, uint8_t variant)
{
    static const uint8_t cpusvn[16] = LCP_TEE_SIM_DEFAULT_CPUSVN;
    memset(p, 0, sizeof *p);
    for (int i = 0; i < 32; i++) p->fuse_secret[i] = (uint8_t)(i + variant);
    for (int i = 0; i < 16; i++) p->platform_id[i] = (uint8_t)(0xc0 + i + variant);
    memcpy(p->cpusvn, cpusvn, 16);
    p->pcesvn = 13;
}

static inline void tf_platform(const char *dir, uint8_t variant)
{
    lcp_tee_sim_platform p;
    tf_platform_values(&p, variant);
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_tee_sim_create(dir, &p, 1, err), LCP_OK);
    lcp_tee_sim_platform_wipe(&p);
}

/* The fixed test enclave: MRENCLAVE 11.., MRSIGNER 22.., ISVPRODID 1, ISVSVN 2, xfrm 3, misc 0. */
static inline lcp_tee_identity tf_identity(uint64_t flags)
{
    lcp_tee_identity id;
    memset(&id, 0, sizeof id);
    memset(id.mrenclave, 0x11, 32);
    memset(id.mrsigner, 0x22, 32);
    id.isv_prod_id = 1;
    id.isv_svn = 2;
    id.flags = flags;
    id.xfrm = 3;
    return id;
}

static inline lcp_tee *tf_open(const char *dir, const lcp_tee_identity *id)
{
    lcp_tee_options o;
    memset(&o, 0, sizeof o);
    o.backend = "sim";
    o.sim_platform = dir;
    o.identity = id;
    lcp_tee *t = NULL;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_tee_open(&t, &o, err);
    if (rc != LCP_OK) fail_msg("lcp_tee_open: %s", err);
    return t;
}

#endif
