/* protobuf-c's allocator over lcp's (lcp/codec_protobuf.h). */
#include "lcp/codec_protobuf.h"

#include "lcp/base.h"

/* data, when not NULL, is an int set to 1 by a failed allocation (lcp_pb_unpack). */
static void *pb_alloc(void *data, size_t n)
{
    void *p = lcp_malloc(n);
    if (p == NULL && data != NULL) *(int *)data = 1;
    return p;
}

static void pb_free(void *data, void *p)
{
    (void)data;
    lcp_free(p);
}

ProtobufCAllocator *lcp_pb_allocator(void)
{
    /* protobuf-c takes a non-const pointer but never writes through it. */
    static ProtobufCAllocator a = {pb_alloc, pb_free, NULL};
    return &a;
}

ProtobufCMessage *lcp_pb_unpack(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len, int *oom)
{
    int failed = 0;
    /* the same functions as lcp_pb_allocator(), with a flag of this call's own: safe on any thread */
    ProtobufCAllocator a = {pb_alloc, pb_free, &failed};
    ProtobufCMessage *m = protobuf_c_message_unpack(d, &a, len, p);
    *oom = m == NULL && failed;
    return m;
}
