// The fault layer: a VFS between the sealing VFS (cordon_vfs.c) and the unix VFS that
// fails chosen calls on purpose, for tests (docs/decisions/0007-fault-injection.md).
//
// Every sealing VFS uses it as its base, so a failed or short write meets sealed bytes on
// their way to the disk, exactly where a failing disk would: a short write leaves half a
// sealed page behind, which the next read must refuse or recovery must discard. It
// answers as the unix VFS does for the same errno (a short write is SQLITE_FULL, any
// failed fsync SQLITE_IOERR_FSYNC), so a test sees the codes production would.
//
// Rules live in a small table behind one mutex; while none is armed every call costs one
// atomic load before it is forwarded. A rule matches a call kind, files whose path is a
// directory or lies under it (tests run in parallel in one process, each arming faults
// for its own temporary directory), and optionally some file kinds. It counts every
// matching call, so a test can first count the calls an operation makes, then fail
// call 1, 2, ..., n in turn.
#include "cordon_vfs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

enum {
    RULE_SLOTS = 64,
    PATH_BYTES = 512, /* the unix VFS's MAX_PATHNAME */
    ALL_CALLS = CORDON_FAULT_READ | CORDON_FAULT_WRITE | CORDON_FAULT_SYNC | CORDON_FAULT_TRUNCATE | CORDON_FAULT_LOCK |
                CORDON_FAULT_OPEN,
    ALL_KINDS = CORDON_FAULT_MAIN_DB | CORDON_FAULT_WAL | CORDON_FAULT_JOURNAL | CORDON_FAULT_TEMP | CORDON_FAULT_OTHER,
};

typedef struct fault_rule {
    long long id; /* 0: the slot is free */
    char prefix[PATH_BYTES];
    size_t prefix_length;
    int calls;
    int kinds;
    int failure;
    int persistent;
    unsigned long long skip;    /* matching calls let through before the first failure */
    unsigned long long matched; /* matching calls seen */
    unsigned long long failed;  /* calls failed */
} fault_rule;

static pthread_mutex_t rules_mutex = PTHREAD_MUTEX_INITIALIZER;
static fault_rule rules[RULE_SLOTS];
static long long last_rule_id;
/// Rules in use: the only thing a call looks at while nothing is armed.
static atomic_int armed_rules;

typedef struct fault_file {
    sqlite3_file io; /* first: SQLite (or the sealing VFS) sees this */
    sqlite3_file *real; /* the unix VFS's file, allocated right after this struct */
    int kind;
    char path[PATH_BYTES]; /* empty for a file SQLite names itself */
} fault_file;

// MARK: Rules

/// Whether `path` is `prefix` or a file under it.
static int under(const fault_rule *rule, const char *path) {
    if (strncmp(path, rule->prefix, rule->prefix_length) != 0) return 0;
    const char next = path[rule->prefix_length];
    return next == 0 || next == '/' || rule->prefix[rule->prefix_length - 1] == '/';
}

/// The failure to inject for this call, or 0: counts the call for every rule it matches.
static int decide(const char *path, int kind, int call) {
    if (!path[0]) return 0;
    int failure = 0;
    pthread_mutex_lock(&rules_mutex);
    for (int i = 0; i < RULE_SLOTS; i++) {
        fault_rule *rule = &rules[i];
        if (!rule->id || !(rule->calls & call) || !(rule->kinds & kind) || !under(rule, path)) continue;
        rule->matched++;
        if (failure || rule->failure == CORDON_FAULT_COUNT_ONLY || rule->matched <= rule->skip) continue;
        if (!rule->persistent && rule->failed > 0) continue;
        rule->failed++;
        failure = rule->failure;
    }
    pthread_mutex_unlock(&rules_mutex);
    return failure;
}

/// One atomic load when nothing is armed; the rule table otherwise.
static inline int injected(const fault_file *f, int call) {
    if (atomic_load_explicit(&armed_rules, memory_order_acquire) == 0) return 0;
    return decide(f->path, f->kind, call);
}

int cordon_fault_supports(int calls, int failure) {
    if (!calls || (calls & ~ALL_CALLS)) return 0;
    switch (failure) {
    case CORDON_FAULT_COUNT_ONLY: return 1;
    case CORDON_FAULT_EIO: return 1;
    case CORDON_FAULT_ENOSPC: return !(calls & (CORDON_FAULT_READ | CORDON_FAULT_LOCK));
    case CORDON_FAULT_SHORT_WRITE: return calls == CORDON_FAULT_WRITE;
    default: return 0;
    }
}

long long cordon_fault_arm(const char *path_prefix, int calls, int kinds, int failure, int persistent,
                           unsigned long long skip) {
    const size_t length = path_prefix ? strlen(path_prefix) : 0;
    if (!length || length >= PATH_BYTES || !cordon_fault_supports(calls, failure) || (kinds & ~ALL_KINDS)) return -1;
    long long id = 0;
    pthread_mutex_lock(&rules_mutex);
    for (int i = 0; i < RULE_SLOTS; i++) {
        if (rules[i].id) continue;
        fault_rule *rule = &rules[i];
        memset(rule, 0, sizeof *rule);
        memcpy(rule->prefix, path_prefix, length + 1);
        rule->prefix_length = length;
        rule->calls = calls;
        rule->kinds = kinds ? kinds : ALL_KINDS;
        rule->failure = failure;
        rule->persistent = persistent;
        rule->skip = skip;
        rule->id = id = ++last_rule_id;
        atomic_fetch_add_explicit(&armed_rules, 1, memory_order_release);
        break;
    }
    pthread_mutex_unlock(&rules_mutex);
    return id;
}

int cordon_fault_counts(long long rule_id, unsigned long long *matched, unsigned long long *failed) {
    int found = 0;
    pthread_mutex_lock(&rules_mutex);
    for (int i = 0; i < RULE_SLOTS; i++) {
        if (rules[i].id != rule_id || !rule_id) continue;
        *matched = rules[i].matched;
        *failed = rules[i].failed;
        found = 1;
        break;
    }
    pthread_mutex_unlock(&rules_mutex);
    return found;
}

void cordon_fault_disarm(long long rule_id) {
    pthread_mutex_lock(&rules_mutex);
    for (int i = 0; i < RULE_SLOTS; i++) {
        if (rules[i].id != rule_id || !rule_id) continue;
        rules[i].id = 0;
        atomic_fetch_sub_explicit(&armed_rules, 1, memory_order_release);
        break;
    }
    pthread_mutex_unlock(&rules_mutex);
}

// MARK: sqlite3_io_methods

// Each failure is answered as the unix VFS (os_unix.c, SQLite 3.40) answers the same errno.

static int fault_read(sqlite3_file *file, void *buf, int amount, sqlite3_int64 offset) {
    fault_file *f = (fault_file *)file;
    if (injected(f, CORDON_FAULT_READ)) return SQLITE_IOERR_READ;
    return f->real->pMethods->xRead(f->real, buf, amount, offset);
}

static int fault_write(sqlite3_file *file, const void *buf, int amount, sqlite3_int64 offset) {
    fault_file *f = (fault_file *)file;
    switch (injected(f, CORDON_FAULT_WRITE)) {
    case CORDON_FAULT_EIO: return SQLITE_IOERR_WRITE;
    case CORDON_FAULT_ENOSPC: return SQLITE_FULL; /* unixWrite: ENOSPC is SQLITE_FULL */
    case CORDON_FAULT_SHORT_WRITE: {
        // The disk filled up part way: the first half reaches the file, and unixWrite
        // reports a short pwrite as SQLITE_FULL.
        const int half = amount / 2;
        if (half > 0) {
            int rc = f->real->pMethods->xWrite(f->real, buf, half, offset);
            if (rc != SQLITE_OK) return rc;
        }
        return SQLITE_FULL;
    }
    default: return f->real->pMethods->xWrite(f->real, buf, amount, offset);
    }
}

static int fault_truncate(sqlite3_file *file, sqlite3_int64 size) {
    fault_file *f = (fault_file *)file;
    if (injected(f, CORDON_FAULT_TRUNCATE)) return SQLITE_IOERR_TRUNCATE;
    return f->real->pMethods->xTruncate(f->real, size);
}

static int fault_sync(sqlite3_file *file, int flags) {
    fault_file *f = (fault_file *)file;
    // unixSync: every failed fsync is SQLITE_IOERR_FSYNC, ENOSPC included. The data stays
    // in the page cache, as the kernel may keep it: whether it reached the disk is unknown.
    if (injected(f, CORDON_FAULT_SYNC)) return SQLITE_IOERR_FSYNC;
    return f->real->pMethods->xSync(f->real, flags);
}

static int fault_lock(sqlite3_file *file, int level) {
    fault_file *f = (fault_file *)file;
    if (injected(f, CORDON_FAULT_LOCK)) return SQLITE_IOERR_LOCK;
    return f->real->pMethods->xLock(f->real, level);
}

static int fault_close(sqlite3_file *file) {
    fault_file *f = (fault_file *)file;
    return f->real->pMethods->xClose(f->real);
}

// The rest only forward.
#define REAL(file) (((fault_file *)(file))->real)
static int fault_file_size(sqlite3_file *file, sqlite3_int64 *size) { return REAL(file)->pMethods->xFileSize(REAL(file), size); }
static int fault_unlock(sqlite3_file *file, int level) { return REAL(file)->pMethods->xUnlock(REAL(file), level); }
static int fault_check_reserved_lock(sqlite3_file *file, int *out) { return REAL(file)->pMethods->xCheckReservedLock(REAL(file), out); }
static int fault_file_control(sqlite3_file *file, int op, void *arg) { return REAL(file)->pMethods->xFileControl(REAL(file), op, arg); }
static int fault_sector_size(sqlite3_file *file) { return REAL(file)->pMethods->xSectorSize(REAL(file)); }
static int fault_device_characteristics(sqlite3_file *file) { return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file)); }
static int fault_shm_map(sqlite3_file *file, int region, int size, int extend, void volatile **out) { return REAL(file)->pMethods->xShmMap(REAL(file), region, size, extend, out); }
static int fault_shm_lock(sqlite3_file *file, int offset, int n, int flags) { return REAL(file)->pMethods->xShmLock(REAL(file), offset, n, flags); }
static void fault_shm_barrier(sqlite3_file *file) { REAL(file)->pMethods->xShmBarrier(REAL(file)); }
static int fault_shm_unmap(sqlite3_file *file, int delete_flag) { return REAL(file)->pMethods->xShmUnmap(REAL(file), delete_flag); }

/// Version 2, like the sealing VFS above it: no xFetch, so pages are never memory-mapped.
static const sqlite3_io_methods fault_methods = {
    .iVersion = 2,
    .xClose = fault_close,
    .xRead = fault_read,
    .xWrite = fault_write,
    .xTruncate = fault_truncate,
    .xSync = fault_sync,
    .xFileSize = fault_file_size,
    .xLock = fault_lock,
    .xUnlock = fault_unlock,
    .xCheckReservedLock = fault_check_reserved_lock,
    .xFileControl = fault_file_control,
    .xSectorSize = fault_sector_size,
    .xDeviceCharacteristics = fault_device_characteristics,
    .xShmMap = fault_shm_map,
    .xShmLock = fault_shm_lock,
    .xShmBarrier = fault_shm_barrier,
    .xShmUnmap = fault_shm_unmap,
};

// MARK: sqlite3_vfs

static sqlite3_vfs fault_vfs;
static pthread_once_t fault_vfs_once = PTHREAD_ONCE_INIT;

static int kind_of(int flags) {
    if (flags & SQLITE_OPEN_MAIN_DB) return CORDON_FAULT_MAIN_DB;
    if (flags & SQLITE_OPEN_WAL) return CORDON_FAULT_WAL;
    if (flags & SQLITE_OPEN_MAIN_JOURNAL) return CORDON_FAULT_JOURNAL;
    if (flags & (SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TEMP_JOURNAL | SQLITE_OPEN_TRANSIENT_DB | SQLITE_OPEN_SUBJOURNAL)) {
        return CORDON_FAULT_TEMP;
    }
    return CORDON_FAULT_OTHER;
}

#define BASE(vfs) ((sqlite3_vfs *)(vfs)->pAppData)

static int fault_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags) {
    fault_file *f = (fault_file *)file;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)((char *)f + ((sizeof *f + 7) & ~(size_t)7));
    f->kind = kind_of(flags);
    if (name) {
        strncpy(f->path, name, PATH_BYTES - 1);
    }
    // unixOpen: a failed open(2) is SQLITE_CANTOPEN, whatever the errno.
    if (injected(f, CORDON_FAULT_OPEN)) return SQLITE_CANTOPEN;
    int rc = BASE(vfs)->xOpen(BASE(vfs), name, f->real, flags, out_flags);
    // On failure pMethods stays NULL and SQLite does not call xClose.
    if (rc == SQLITE_OK) f->io.pMethods = &fault_methods;
    return rc;
}

static int fault_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) { return BASE(vfs)->xDelete(BASE(vfs), name, sync_dir); }
static int fault_access(sqlite3_vfs *vfs, const char *name, int flags, int *out) { return BASE(vfs)->xAccess(BASE(vfs), name, flags, out); }
static int fault_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out) { return BASE(vfs)->xFullPathname(BASE(vfs), name, n, out); }
static void *fault_dl_open(sqlite3_vfs *vfs, const char *name) { return BASE(vfs)->xDlOpen(BASE(vfs), name); }
static void fault_dl_error(sqlite3_vfs *vfs, int n, char *out) { BASE(vfs)->xDlError(BASE(vfs), n, out); }
static void (*fault_dl_sym(sqlite3_vfs *vfs, void *handle, const char *symbol))(void) { return BASE(vfs)->xDlSym(BASE(vfs), handle, symbol); }
static void fault_dl_close(sqlite3_vfs *vfs, void *handle) { BASE(vfs)->xDlClose(BASE(vfs), handle); }
static int fault_randomness(sqlite3_vfs *vfs, int n, char *out) { return BASE(vfs)->xRandomness(BASE(vfs), n, out); }
static int fault_sleep(sqlite3_vfs *vfs, int microseconds) { return BASE(vfs)->xSleep(BASE(vfs), microseconds); }
static int fault_current_time(sqlite3_vfs *vfs, double *out) { return BASE(vfs)->xCurrentTime(BASE(vfs), out); }
static int fault_get_last_error(sqlite3_vfs *vfs, int n, char *out) { return BASE(vfs)->xGetLastError(BASE(vfs), n, out); }
static int fault_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out) { return BASE(vfs)->xCurrentTimeInt64(BASE(vfs), out); }

static void make_fault_vfs(void) {
    sqlite3_vfs *base = sqlite3_vfs_find(NULL);
    if (!base || base->iVersion < 2 || base->mxPathname > PATH_BYTES) return;
    fault_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)(((sizeof(fault_file) + 7) & ~(size_t)7) + (size_t)base->szOsFile),
        .mxPathname = base->mxPathname,
        .zName = "cordon-faults",
        .pAppData = base,
        .xOpen = fault_open,
        .xDelete = fault_delete,
        .xAccess = fault_access,
        .xFullPathname = fault_full_pathname,
        .xDlOpen = fault_dl_open,
        .xDlError = fault_dl_error,
        .xDlSym = fault_dl_sym,
        .xDlClose = fault_dl_close,
        .xRandomness = fault_randomness,
        .xSleep = fault_sleep,
        .xCurrentTime = fault_current_time,
        .xGetLastError = fault_get_last_error,
        .xCurrentTimeInt64 = fault_current_time_int64,
    };
}

sqlite3_vfs *cordon_fault_vfs(void) {
    pthread_once(&fault_vfs_once, make_fault_vfs);
    return fault_vfs.xOpen ? &fault_vfs : NULL;
}
