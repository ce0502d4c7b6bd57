#ifndef CORDON_CMICROHTTPD_SHIM_H
#define CORDON_CMICROHTTPD_SHIM_H
// libmicrohttpd, imported only by the server's HTTP host file.
#include <stdint.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

// MHD_get_connection_info is variadic, which Swift cannot call: the client's address.
static inline const struct sockaddr *cordon_mhd_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info ? info->client_addr : NULL;
}

// MHD_get_daemon_info is variadic too: the port actually bound (for port 0).
static inline uint16_t cordon_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}
#endif
