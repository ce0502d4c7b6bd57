#ifndef CORDON_CSQLITE_SHIM_H
#define CORDON_CSQLITE_SHIM_H
// SQLite, imported only by CordonStore.
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a destructor pointer; Swift cannot import it.
static inline sqlite3_destructor_type cordon_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

/// sqlite3_db_config is variadic; this wraps the (int, int*) form Swift cannot call.
static inline int cordon_sqlite_db_config_int(sqlite3 *db, int op, int value, int *out) {
    return sqlite3_db_config(db, op, value, out);
}

/// sqlite3_config is variadic. Turns off memory statistics, which take a process-wide
/// mutex on every allocation (a sort of a million rows makes a million of them). Must run
/// before SQLite initializes; returns SQLITE_MISUSE when it already has.
static inline int cordon_sqlite_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
