#ifndef CORDON_CGFSHARE_SHIM_H
#define CORDON_CGFSHARE_SHIM_H
// libgfshare (Shamir's secret sharing over GF(2^8)), imported only by CordonCrypto.
#include <libgfshare.h>

// Sets libgfshare's randomness source: a mutable C global that Swift 6 refuses to assign
// (not concurrency-safe); CordonCrypto sets it once, to libsodium's CSPRNG.
static inline void cordon_gfshare_set_random(gfshare_rand_func_t source) { gfshare_fill_rand = source; }
#endif
