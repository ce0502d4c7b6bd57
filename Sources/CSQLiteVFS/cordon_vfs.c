// The encrypting VFS shim: a sqlite3_vfs over the default one (through the fault layer
// in cordon_faults.c) whose files seal every page image with the store's page key. The
// page layout is described in cordon_vfs_codec.c; the files that make up the shim are
// listed in cordon_vfs_private.h.
#include "cordon_vfs_private.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static atomic_uint vfs_counter;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int sodium_ready = -1;

static void after_fork_in_child(void) { atomic_fetch_add(&fork_generation, 1); }

static void initialize_once(void) {
    sodium_ready = sodium_init() < 0 ? -1 : 0;
    pthread_atfork(NULL, NULL, after_fork_in_child);
}

// MARK: Opening files

void release_owner(cordon_vfs *owner) {
    if (atomic_fetch_sub(&owner->refs, 1) != 1) return;
    sodium_free(owner->key);
    sqlite3_free(owner->temporary_directory);
    pthread_mutex_destroy(&owner->mutex);
    sqlite3_free(owner);
}

void release_state(cordon_vfs *owner, db_state *s) {
    pthread_mutex_lock(&owner->mutex);
    int last = --s->refs == 0;
    if (last) {
        for (db_state **link = &owner->states; *link; link = &(*link)->next) {
            if (*link == s) {
                *link = s->next;
                break;
            }
        }
    }
    pthread_mutex_unlock(&owner->mutex);
    if (!last) return;
    if (s->cached_plain) sodium_memzero(s->cached_plain, MAX_PAGE_BYTES);
    sqlite3_free(s->cached_plain);
    sqlite3_free(s->cached_sealed);
    if (s->memo_pages) sodium_memzero(s->memo_pages, (size_t)s->memo_slots * 2 * (size_t)s->memo_page_size);
    sqlite3_free(s->memo_pages);
    sqlite3_free(s->memo_offsets);
    sqlite3_free(s->memo_pgnos);
    gcm_keys_free(s);
    sqlite3_free(s->name);
    sqlite3_free(s);
}

/// The state of the main database a WAL or journal belongs to, found by the name SQLite
/// derives them from; NULL when that database is not open through this VFS.
static db_state *find_state(cordon_vfs *owner, const char *database_name) {
    pthread_mutex_lock(&owner->mutex);
    db_state *s = owner->states;
    while (s && strcmp(s->name, database_name) != 0) s = s->next;
    if (s) s->refs++;
    pthread_mutex_unlock(&owner->mutex);
    return s;
}

/// Sorter spills, temporary tables, statement journals: sealed under a key of their own
/// (cordon_vfs_temp.c). A file SQLite leaves unnamed gets a name in the directory the
/// owner chose, if any.
static int prepare_temporary(cordon_vfs *owner, cordon_file *f, sqlite3_filename *name, int flags) {
    f->kind = KIND_TEMP;
    f->temp = temp_new();
    if (!f->temp) return SQLITE_NOMEM;
    if (!*name && owner->temporary_directory && (flags & SQLITE_OPEN_DELETEONCLOSE)) {
        // In the directory the connection asked for (its store's), unlinked by the
        // unix VFS as soon as it is open, as one it names itself would be.
        int rc = temp_name(f->temp, owner->temporary_directory, owner->base->mxPathname);
        if (rc != SQLITE_OK) {
            temp_free(f->temp);
            f->temp = NULL;
            return rc;
        }
        *name = temp_path(f->temp);
        f->path = *name;
    }
    atomic_fetch_add_explicit(&owner->temporary_files, 1, memory_order_relaxed);
    return SQLITE_OK;
}

/// Undoes a failed vfs_open. pMethods stays NULL, so SQLite will not call io_close:
/// what the open took is released here.
static void abandon_open(cordon_vfs *owner, cordon_file *f) {
    if (f->state) {
        if (f->kind == KIND_MAIN) {
            gcm_keys_free(f->state);
            sqlite3_free(f->state->name);
            sqlite3_free(f->state);
        } else {
            release_state(owner, f->state);
        }
    }
    temp_free(f->temp);
    f->temp = NULL;
    sqlite3_free(f->scratch);
    release_owner(owner);
}

static int vfs_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags) {
    cordon_vfs *owner = (cordon_vfs *)vfs;
    cordon_file *f = (cordon_file *)file;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)((char *)f + ((sizeof *f + 7) & ~(size_t)7));
    f->owner = owner;
    f->path = name;
    const int temporary = SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TEMP_JOURNAL | SQLITE_OPEN_TRANSIENT_DB | SQLITE_OPEN_SUBJOURNAL;
    if ((flags & temporary) || !name) {
        int rc = prepare_temporary(owner, f, &name, flags);
        if (rc != SQLITE_OK) return rc;
    } else if (flags & SQLITE_OPEN_MAIN_DB) {
        f->kind = KIND_MAIN;
        f->state = sqlite3_malloc(sizeof *f->state);
        if (!f->state) return SQLITE_NOMEM;
        memset(f->state, 0, sizeof *f->state);
        f->state->refs = 1;
        f->state->name = sqlite3_mprintf("%s", name);
        if (!f->state->name) {
            sqlite3_free(f->state);
            return SQLITE_NOMEM;
        }
    } else if (flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) {
        f->kind = (flags & SQLITE_OPEN_WAL) ? KIND_WAL : KIND_JOURNAL;
        f->state = find_state(owner, sqlite3_filename_database(name));
        if (!f->state) return SQLITE_CANTOPEN;
    } else {
        f->kind = KIND_CLEAR; /* a super-journal: names of journals, no page content */
    }
    atomic_fetch_add(&owner->refs, 1);
    int rc = owner->base->xOpen(owner->base, name, f->real, flags, out_flags);
    if (rc == SQLITE_OK && f->kind == KIND_MAIN) {
        f->state->main_real = f->real;
        int unavailable = 0;
        rc = accept_main(f, name, &unavailable);
        atomic_store(&owner->open_refused, rc != SQLITE_NOTADB ? 0
                                           : unavailable   ? CORDON_VFS_CIPHER_UNAVAILABLE
                                                           : CORDON_VFS_PAGE_NOT_AUTHENTIC);
        if (rc != SQLITE_OK) f->real->pMethods->xClose(f->real);
    }
    if (rc != SQLITE_OK) {
        abandon_open(owner, f);
        return rc;
    }
    if (f->kind == KIND_MAIN) {
        pthread_mutex_lock(&owner->mutex);
        f->state->next = owner->states;
        owner->states = f->state;
        pthread_mutex_unlock(&owner->mutex);
    }
    f->io.pMethods = &io_methods;
    return SQLITE_OK;
}

// MARK: sqlite3_vfs

// Everything but xOpen is the base VFS's: names, access checks, randomness and time are
// not encrypted.
#define BASE(vfs) (((cordon_vfs *)(vfs))->base)
static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) { return BASE(vfs)->xDelete(BASE(vfs), name, sync_dir); }
static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out) { return BASE(vfs)->xAccess(BASE(vfs), name, flags, out); }
static int vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out) { return BASE(vfs)->xFullPathname(BASE(vfs), name, n, out); }
static void *vfs_dl_open(sqlite3_vfs *vfs, const char *name) { return BASE(vfs)->xDlOpen(BASE(vfs), name); }
static void vfs_dl_error(sqlite3_vfs *vfs, int n, char *out) { BASE(vfs)->xDlError(BASE(vfs), n, out); }
static void (*vfs_dl_sym(sqlite3_vfs *vfs, void *handle, const char *symbol))(void) { return BASE(vfs)->xDlSym(BASE(vfs), handle, symbol); }
static void vfs_dl_close(sqlite3_vfs *vfs, void *handle) { BASE(vfs)->xDlClose(BASE(vfs), handle); }
static int vfs_randomness(sqlite3_vfs *vfs, int n, char *out) { return BASE(vfs)->xRandomness(BASE(vfs), n, out); }
static int vfs_sleep(sqlite3_vfs *vfs, int microseconds) { return BASE(vfs)->xSleep(BASE(vfs), microseconds); }
static int vfs_current_time(sqlite3_vfs *vfs, double *out) { return BASE(vfs)->xCurrentTime(BASE(vfs), out); }
static int vfs_get_last_error(sqlite3_vfs *vfs, int n, char *out) { return BASE(vfs)->xGetLastError(BASE(vfs), n, out); }
static int vfs_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out) { return BASE(vfs)->xCurrentTimeInt64(BASE(vfs), out); }

int cordon_vfs_aes256gcm_available(void) {
    pthread_once(&once, initialize_once);
    return sodium_ready == 0 && crypto_aead_aes256gcm_is_available();
}

int cordon_vfs_store_algorithm(const char *path) {
    unsigned char header[HEADER_BYTES];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    const int complete = pread(fd, header, HEADER_BYTES, 0) == HEADER_BYTES;
    close(fd);
    if (!complete || memcmp(header, "SQLite format 3", 16) != 0 || !stamp_is_ours(header + STAMP_OFFSET)) return 0;
    return header[STAMP_OFFSET + 3];
}

int cordon_vfs_create(const unsigned char *key, int algorithm, cordon_vfs **out) {
    *out = NULL;
    pthread_once(&once, initialize_once);
    // The fault layer over the default VFS: inert (one atomic load per call) unless a test
    // arms a fault for this store's directory (cordon_faults.c).
    sqlite3_vfs *base = cordon_fault_vfs();
    if (sodium_ready != 0 || !base || base->iVersion < 2) return SQLITE_ERROR;
    if (algorithm != ALGORITHM_XCHACHA20POLY1305 && !(algorithm == ALGORITHM_AES256GCM && cordon_vfs_aes256gcm_available())) {
        return SQLITE_MISUSE;
    }
    cordon_vfs *v = sqlite3_malloc(sizeof *v);
    if (!v) return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    // Guarded memory: guard pages around it, excluded from core dumps, zeroed on free.
    v->key = sodium_malloc(CORDON_VFS_KEY_BYTES);
    if (!v->key) {
        sqlite3_free(v);
        return SQLITE_NOMEM;
    }
    memcpy(v->key, key, CORDON_VFS_KEY_BYTES);
    sodium_mprotect_readonly(v->key);
    v->base = base;
    v->algorithm = algorithm;
    v->gcm_seals_per_subkey = CORDON_VFS_GCM_SEALS_PER_SUBKEY;
    atomic_init(&v->refs, 1);
    atomic_init(&v->open_refused, 0);
    pthread_mutex_init(&v->mutex, NULL);
    snprintf(v->name, sizeof v->name, "cordon-%u", atomic_fetch_add(&vfs_counter, 1) + 1);
    v->vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)(((sizeof(cordon_file) + 7) & ~(size_t)7) + (size_t)base->szOsFile),
        .mxPathname = base->mxPathname,
        .zName = v->name,
        .xOpen = vfs_open,
        .xDelete = vfs_delete,
        .xAccess = vfs_access,
        .xFullPathname = vfs_full_pathname,
        .xDlOpen = vfs_dl_open,
        .xDlError = vfs_dl_error,
        .xDlSym = vfs_dl_sym,
        .xDlClose = vfs_dl_close,
        .xRandomness = vfs_randomness,
        .xSleep = vfs_sleep,
        .xCurrentTime = vfs_current_time,
        .xGetLastError = vfs_get_last_error,
        .xCurrentTimeInt64 = vfs_current_time_int64,
    };
    int rc = sqlite3_vfs_register(&v->vfs, 0);
    if (rc != SQLITE_OK) {
        release_owner(v);
        return rc;
    }
    *out = v;
    return SQLITE_OK;
}

const char *cordon_vfs_name(const cordon_vfs *vfs) { return vfs->name; }

void cordon_vfs_set_gcm_seals_per_subkey(cordon_vfs *vfs, unsigned int seals) {
    if (seals > 0 && seals <= CORDON_VFS_GCM_SEALS_PER_SUBKEY) vfs->gcm_seals_per_subkey = seals;
}

int cordon_vfs_open_was_refused(const cordon_vfs *vfs) { return atomic_load(&vfs->open_refused); }

void cordon_vfs_page_counts(cordon_vfs *vfs, unsigned long long *sealed, unsigned long long *opened) {
    *sealed = atomic_load_explicit(&vfs->pages_sealed, memory_order_relaxed);
    *opened = atomic_load_explicit(&vfs->pages_opened, memory_order_relaxed);
}

int cordon_vfs_set_temporary_directory(cordon_vfs *vfs, const char *directory) {
    if (vfs->temporary_directory) return SQLITE_MISUSE;
    vfs->temporary_directory = sqlite3_mprintf("%s", directory);
    return vfs->temporary_directory ? SQLITE_OK : SQLITE_NOMEM;
}

unsigned long long cordon_vfs_temporary_files(cordon_vfs *vfs) {
    return atomic_load_explicit(&vfs->temporary_files, memory_order_relaxed);
}

void cordon_vfs_release(cordon_vfs *vfs) {
    // New opens stop here; files still open (a connection closed as a zombie) keep the
    // key until their last close.
    sqlite3_vfs_unregister(&vfs->vfs);
    release_owner(vfs);
}

