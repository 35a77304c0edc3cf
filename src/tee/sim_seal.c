/* The sim backend's EGETKEY(SEAL), modelled on the SDM pseudo-code (ops.md §1.1). Hardware derives the key with
 * AES-CMAC from the package's fuse secret over the request and the enclave's SECS; the sim does the same with
 * HMAC-SHA256 keyed by the platform's fuse secret, truncated to 128 bits:
 *
 *   key = HMAC-SHA256(fuse_secret,
 *           "lcp-c sim EGETKEY v1"                       20 ASCII bytes, no NUL
 *           || key_request[0..78)                        KEYNAME, KEYPOLICY, ISVSVN, reserved, CPUSVN,
 *                                                        ATTRIBUTEMASK, KEYID, MISCMASK, CONFIGSVN as stored
 *           || u16le(SECS.ISVPRODID)
 *           || u64le((MASK.flags | INIT | DEBUG) & SECS.flags) || u64le(MASK.xfrm & SECS.xfrm)
 *           || (policy & MRENCLAVE ? SECS.MRENCLAVE : 32 zero bytes)
 *           || (policy & MRSIGNER  ? SECS.MRSIGNER  : 32 zero bytes)
 *           || u32le(SECS.MISCSELECT & MISCMASK))[0..16)
 *
 * The stored request bytes are hashed as they are, so a change to any of them gives another key: the sim binds
 * some fields hardware ignores (CONFIGSVN without KSS), which only makes a changed blob fail sooner. INIT and
 * DEBUG are always bound, so a debug and a production build never share a key. The caller (tee.c) has already
 * checked the request's CPUSVN and ISVSVN against the current ones, as EGETKEY does before deriving.
 * tools/vectors/tee.py implements the same formula independently for the golden blobs in tests/vectors/tee. */
#include "tee_internal.h"

#include <string.h>

#define EGETKEY_DOMAIN "lcp-c sim EGETKEY v1"

static int sim_seal_key(lcp_tee *t, uint8_t key[LCP_AES128_KEY_LEN], const uint8_t req[LCP_TEE_KEYREQUEST_LEN],
                        const lcp_tee_keyrequest *r, char *err)
{
    const lcp_tee_identity *id = &t->id;
    uint8_t secs[2 + 16 + 32 + 32 + 4];
    lcp_put_le16(secs, id->isv_prod_id);
    lcp_put_le64(secs + 2, (r->attribute_mask_flags | LCP_SGX_FLAGS_INIT | LCP_SGX_FLAGS_DEBUG) & id->flags);
    lcp_put_le64(secs + 10, r->attribute_mask_xfrm & id->xfrm);
    if (r->key_policy & LCP_TEE_KEYPOLICY_MRENCLAVE) memcpy(secs + 18, id->mrenclave, 32);
    else memset(secs + 18, 0, 32);
    if (r->key_policy & LCP_TEE_KEYPOLICY_MRSIGNER) memcpy(secs + 50, id->mrsigner, 32);
    else memset(secs + 50, 0, 32);
    lcp_put_le32(secs + 82, id->miscselect & r->misc_mask);
    const lcp_bytes parts[] = {
        {(const uint8_t *)EGETKEY_DOMAIN, sizeof EGETKEY_DOMAIN - 1},
        {req, TEE_KR_RESERVED2},
        {secs, sizeof secs},
    };
    uint8_t mac[LCP_HMAC_SHA256_LEN];
    int rc = lcp_hmac_sha256(mac, t->plat.fuse_secret, sizeof t->plat.fuse_secret, parts, 3);
    if (rc == LCP_OK) memcpy(key, mac, LCP_AES128_KEY_LEN);
    else lcp_fail(err, LCP_ERR_TEE, "EGETKEY: HMAC failed");
    lcp_memzero(mac, sizeof mac);
    return rc == LCP_OK ? LCP_OK : LCP_ERR_TEE;
}

static int sim_open(lcp_tee *t, const lcp_tee_options *opt, char *err)
{
    char dflt[4096];
    const char *dir = opt->sim_platform;
    int rc;
    if (dir == NULL) {
        if ((rc = lcp_tee_sim_default_dir(dflt, sizeof dflt, err)) != LCP_OK) return rc;
        dir = dflt;
    }
    if ((rc = lcp_tee_sim_load(&t->plat, dir, err)) != LCP_OK) return rc;
    lcp_tee_identity *id = &t->id;
    if (opt->identity) {
        *id = *opt->identity;
        id->flags |= LCP_SGX_FLAGS_INIT;
    } else {
        char why[LCP_ERR_LEN] = "";
        if (lcp_tee_measure_file(id->mrenclave, "/proc/self/exe", opt->isv_prod_id, opt->isv_svn, opt->debug, why) !=
            LCP_OK)
            return lcp_fail(err, LCP_ERR_TEE, "cannot measure the enclave: %s", why);
        if (lcp_tee_mrsigner(id->mrsigner, opt->signer_pubkey, opt->signer_pubkey_len) != LCP_OK)
            return lcp_fail(err, LCP_ERR_TEE, "cannot compute MRSIGNER");
        id->isv_prod_id = opt->isv_prod_id;
        id->isv_svn = opt->isv_svn;
        id->flags = LCP_SGX_FLAGS_INIT | LCP_SGX_FLAGS_MODE64BIT | (opt->debug ? LCP_SGX_FLAGS_DEBUG : 0);
        id->xfrm = 0x3;
        id->miscselect = 0;
    }
    memcpy(id->cpusvn, t->plat.cpusvn, 16);
    lcp_tee_target_info_of(t->target_info, id);
    return LCP_OK;
}

const lcp_tee_backend lcp_tee_backend_sim = {
    .name = "sim",
    .open = sim_open,
    .seal_key = sim_seal_key,
    .report = lcp_tee_sim_report,
    .quote = NULL,
};
