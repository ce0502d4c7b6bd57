#ifndef CORDON_CSODIUM_SHIM_H
#define CORDON_CSODIUM_SHIM_H
// libsodium, imported by CordonCrypto (and by cordon-bench, to time the page AEADs bare).
#include <sodium.h>
#endif
