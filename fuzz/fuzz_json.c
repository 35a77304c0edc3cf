/* libFuzzer target for the strict JSON reader: validate arbitrary bytes, then walk every member and element
 * recursively through the public accessors (lookup by each name, unescaping, integer and boolean readers), and
 * check that what the walk finds agrees with what validation promised. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/codec_json.h"

/* Some calls are made only for their side effects on sanitizers; their result is deliberately unused. */
static void ignore(int rc) { (void)rc; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int cond)
{
    if (!cond) abort(); /* an inconsistency between validation and access is a bug worth a crash report */
}

static void walk(const lcp_json_value *v, const lcp_json_value *parent, int depth)
{
    must(depth <= LCP_JSON_MAX_DEPTH);
    char buf[256];
    size_t n;
    uint64_t u;
    int64_t i;
    int b;
    switch (v->type) {
    case LCP_JSON_STRING: {
        must(lcp_json_string_len(&n, v, NULL) == LCP_OK);
        int rc = lcp_json_string(buf, sizeof buf, NULL, v, NULL);
        must(rc == (n < sizeof buf ? LCP_OK : LCP_ERR_BUFFER_TOO_SMALL));
        if (rc == LCP_OK) must(lcp_json_string_eq(v, buf, n));
        lcp_bytes view;
        ignore(lcp_json_string_view(&view, v, NULL));
        break;
    }
    case LCP_JSON_NUMBER:
        ignore(lcp_json_u64(&u, v, NULL));
        ignore(lcp_json_i64(&i, v, NULL));
        break;
    case LCP_JSON_TRUE:
    case LCP_JSON_FALSE:
        must(lcp_json_bool(&b, v, NULL) == LCP_OK && b == (v->type == LCP_JSON_TRUE));
        break;
    case LCP_JSON_NULL:
        must(lcp_json_is_null(v));
        break;
    case LCP_JSON_ARRAY:
    case LCP_JSON_OBJECT: {
        lcp_json_iter it;
        lcp_json_value name, val;
        size_t count = 0, k = 0;
        must(lcp_json_count(&count, v, NULL) == LCP_OK);
        must(lcp_json_iter_init(&it, v, NULL) == LCP_OK);
        /* The same container re-validated as it is read (checked 0) must give the very same elements as the
         * fast path that trusts its validated document (checked 1). */
        lcp_json_value slow_v = *v, slow_name, slow_val;
        slow_v.checked = 0;
        lcp_json_iter slow;
        must(lcp_json_iter_init(&slow, &slow_v, NULL) == LCP_OK);
        int rc;
        for (;;) {
            rc = v->type == LCP_JSON_OBJECT ? lcp_json_object_next(&name, &val, &it, NULL)
                                            : lcp_json_array_next(&val, &it, NULL);
            int src = v->type == LCP_JSON_OBJECT ? lcp_json_object_next(&slow_name, &slow_val, &slow, NULL)
                                                 : lcp_json_array_next(&slow_val, &slow, NULL);
            must(src == rc);
            if (rc != 1) break;
            must(slow_val.p == val.p && slow_val.len == val.len && slow_val.type == val.type);
            if (v->type == LCP_JSON_OBJECT) must(slow_name.p == name.p && slow_name.len == name.len);
            must(val.p >= v->p && val.p + val.len <= v->p + v->len);
            if (v->type == LCP_JSON_OBJECT) {
                /* Looking a member up by its own name finds it, or reports a duplicate. */
                if (lcp_json_string(buf, sizeof buf, &n, &name, NULL) == LCP_OK && strlen(buf) == n) {
                    lcp_json_value again;
                    int g = lcp_json_get(&again, v, buf, NULL);
                    must(g == LCP_OK || g == LCP_ERR_JSON_DUPLICATE);
                    if (g == LCP_OK) must(again.p == val.p && again.len == val.len);
                }
            } else {
                lcp_json_value at;
                must(lcp_json_array_at(&at, v, k, NULL) == LCP_OK && at.p == val.p);
            }
            k++;
            walk(&val, v, depth + 1);
        }
        must(rc == 0 && k == count);
        break;
    }
    default:
        must(0);
    }
    (void)parent;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[LCP_ERR_LEN];
    lcp_json_value root;
    int rc = lcp_json_parse(&root, data, size, err);
    must(rc == lcp_json_validate(data, size, NULL));
    if (rc != LCP_OK) {
        must(rc == LCP_ERR_JSON || rc == LCP_ERR_JSON_DEPTH);
        return 0;
    }
    must(root.p >= data && root.p + root.len <= data + size);
    walk(&root, NULL, 0);
    return 0;
}
