/* pbedit — what a lying host does to stored protobuf bytes, for tests: strip, flip, add or set one field at a path
 * into nested messages, copying every other byte as it is. Test code (no cmocka here). */
#ifndef LCP_TEST_PBEDIT_H
#define LCP_TEST_PBEDIT_H

#include <stddef.h>
#include <stdint.h>

#include "lcp/base.h"

/* One step of a path: the occ-th occurrence (from 0) of field number `field`. */
typedef struct {
    uint32_t field;
    size_t occ;
} pbedit_step;

enum {
    PBEDIT_STRIP,       /* remove that occurrence */
    PBEDIT_FLIP,        /* varint: value ^ 1; length-delimited: last byte ^ 1 (empty: one byte 0x01) */
    PBEDIT_ADD_VARINT,  /* append the field (path's last step) as a varint of value v */
    PBEDIT_ADD_BYTES,   /* append the field as one byte 0x01 */
    PBEDIT_SET_VARINT,  /* replace that occurrence by a varint of value v (append it when there is none) */
};

/* Appends to out the message msg with op applied at path[depth - 1], descending into the messages the earlier
 * steps name (each rewritten with its new length). Returns LCP_OK, LCP_ERR_PROTO if msg or a message on the path
 * does not parse or a step is missing (nothing useful is then in out), or LCP_ERR_NOMEM. */
int pbedit(lcp_buf *out, const uint8_t *msg, size_t len, const pbedit_step *path, size_t depth, int op, uint64_t v);

#endif
