/* protobuf-c's allocator over lcp's (lcp/codec_protobuf.h). */
#include "lcp/codec_protobuf.h"

#include "lcp/base.h"

static void *pb_alloc(void *data, size_t n)
{
    (void)data;
    return lcp_malloc(n);
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
