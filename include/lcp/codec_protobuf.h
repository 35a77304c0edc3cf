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

/* Unpacks p[0..len) as a message of d with the allocator above (free the result with *__free_unpacked or
 * protobuf_c_message_free_unpacked and lcp_pb_allocator()). protobuf-c answers NULL both for malformed bytes and
 * for a failed allocation: on NULL, *oom is 1 if an allocation failed, 0 if the bytes are malformed, so that a
 * server can tell a client "retry" from "do not". */
ProtobufCMessage *lcp_pb_unpack(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len, int *oom);

#ifdef __cplusplus
}
#endif
#endif
