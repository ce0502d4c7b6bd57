#ifndef CORDON_CMICROHTTPD_SHIM_H
#define CORDON_CMICROHTTPD_SHIM_H
// libmicrohttpd, imported only by the server's HTTP host file.
#include <stdint.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>
#endif
