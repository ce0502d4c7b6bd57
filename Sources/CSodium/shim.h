#ifndef CORDON_CSODIUM_SHIM_H
#define CORDON_CSODIUM_SHIM_H
// libsodium, imported only by CordonCrypto.
#include <sodium.h>
#endif
