/* The Tendermint test-chain generator moved to the dev module (include/lcp/dev_tmchain.h) so that `lcp dev
 * tendermint-chain` can link it; tests and benchmarks keep including it by this name. */
#include "lcp/dev_tmchain.h"
