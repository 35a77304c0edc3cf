/* lcp/codec_protobuf.h — part of codec (floor 2): glue for the generated protobuf-c code.
 *
 * protobuf-c allocates with malloc unless given an allocator; this one goes through lcp_malloc/lcp_free, so that
 * base.h's rule (all allocation through lcp's allocator, which tests can fail) holds for unpacked messages too.
 * Pass it to every *__unpack and the matching *__free_unpacked. It has no state; any thread may use it.
 */
#ifndef LCP_CODEC_PROTOBUF_H
#define LCP_CODEC_PROTOBUF_H

#include <protobuf-c/protobuf-c.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The allocator backed by lcp_malloc/lcp_free. */
ProtobufCAllocator *lcp_pb_allocator(void);

#ifdef __cplusplus
}
#endif
#endif
