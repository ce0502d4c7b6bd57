// What the files of the encrypting VFS share; not its API (that is cordon_vfs.h). The
// shim is split by unit, as SQLite's own extensions are:
//
//     cordon_vfs.c         the sqlite3_vfs: creating and releasing it, opening files
//     cordon_vfs_io.c      sqlite3_io_methods: the main database, the rollback journal,
//                          and the check of an existing database before SQLite reads it
//     cordon_vfs_codec.c   the page codec: stamp, associated data, nonces, GCM subkeys,
//                          sealing and opening one page
//     cordon_vfs_wal.c     WAL frames and the WAL memo
//     cordon_vfs_temp.c    sealed temporary files
//     cordon_vfs_verify.c  the verifier, and the detached codec cordon-bench times
//
// Every name declared here is hidden: none leaves the library.
#ifndef CORDON_VFS_PRIVATE_H
#define CORDON_VFS_PRIVATE_H

#include "cordon_vfs.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stddef.h>

enum {
    NONCE_BYTES = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, /* 24 */
    TAG_BYTES = crypto_aead_xchacha20poly1305_ietf_ABYTES,      /* 16 */
    HEADER_BYTES = 100,   /* the database header, clear in page 1 */
    STAMP_OFFSET = 72,    /* "Cdn", algorithm, id: bytes 72..91 */
    STAMP_BYTES = 20,
    ID_OFFSET = 76,
    ID_BYTES = 16,
    ALGORITHM_XCHACHA20POLY1305 = CORDON_VFS_XCHACHA20POLY1305,
    ALGORITHM_AES256GCM = CORDON_VFS_AES256GCM,
    GCM_SALT_BYTES = 12,
    GCM_NONCE_BYTES = crypto_aead_aes256gcm_NPUBBYTES, /* 12 */
    GCM_READ_SLOTS = 8, /* subkeys kept for reading, by salt */
    WAL_HEADER_BYTES = 32,
    WAL_FRAME_HEADER_BYTES = 24,
    NONCE_POOL_BYTES = 4080, /* 170 nonces per getrandom() call */
    MAX_PAGE_BYTES = 65536,
};

_Static_assert(NONCE_BYTES + TAG_BYTES == CORDON_VFS_RESERVE_BYTES, "reserve holds nonce and tag");
_Static_assert(GCM_SALT_BYTES + GCM_NONCE_BYTES + crypto_aead_aes256gcm_ABYTES == CORDON_VFS_RESERVE_BYTES,
               "reserve holds salt, nonce and tag");

/// AES-256-GCM subkeys of one database, in libsodium guarded memory: the writer's current
/// one, and a few for reading pages other sessions sealed, direct-mapped by salt.
typedef struct gcm_keys {
    crypto_aead_aes256gcm_state write_state;
    crypto_aead_aes256gcm_state read_states[GCM_READ_SLOTS];
    unsigned char write_salt[GCM_SALT_BYTES];
    unsigned char read_salts[GCM_READ_SLOTS][GCM_SALT_BYTES];
    unsigned char read_used[GCM_READ_SLOTS];
    unsigned int write_seals; /* pages sealed under write_state; a new salt at the budget */
    int write_generation;     /* fork generation of write_state; 0 before the first seal */
} gcm_keys;

typedef enum file_kind { KIND_MAIN, KIND_WAL, KIND_JOURNAL, KIND_TEMP, KIND_CLEAR } file_kind;

typedef struct temp_file temp_file;

/// What a main database and the WAL and journal opened for it share: the id that goes
/// into every page's associated data, the page size, and the last page read from the
/// WAL, so a checkpoint can write that ciphertext back verbatim instead of resealing.
typedef struct db_state {
    int refs;                    /* files using it; guarded by the VFS mutex */
    char *name;                  /* the main database name as SQLite passed it */
    sqlite3_file *main_real;     /* the main database's base file while it is open */
    int page_size;               /* 0 until learned from the header */
    int has_stamp;
    unsigned char stamp[STAMP_BYTES];
    gcm_keys *gcm;               /* sodium_malloc'ed on the first AES-256-GCM page */
    int cached_pgno;             /* 0: the checkpoint cache is empty */
    int cached_memo_slot;        /* slot + 1 when the cached page is in the WAL memo, else 0 */
    unsigned char *cached_plain; /* page size bytes each */
    unsigned char *cached_sealed;
    /* Pages this connection sealed into the WAL, by frame slot (direct-mapped). Reading
       one back (a checkpoint copying it, or a page SQLite evicted) compares the bytes on
       disk with the ciphertext kept here and, when they are equal and the frame names the
       same page, hands over the kept plaintext instead of decrypting: under one key,
       decryption is a function of (nonce, associated data, ciphertext, tag), so identical
       bytes for the same page of the same database open to the same plaintext. Any other
       bytes are opened and authenticated as before. */
    int memo_slots;               /* 0 until the first WAL page is sealed */
    int memo_page_size;
    sqlite3_int64 *memo_offsets;  /* WAL offset of the page in each slot, -1 when empty */
    unsigned int *memo_pgnos;
    unsigned char *memo_pages;    /* per slot: sealed page, then plain page */
    struct db_state *next;
} db_state;

struct cordon_vfs {
    sqlite3_vfs vfs; /* first, so a sqlite3_vfs* is a cordon_vfs* */
    sqlite3_vfs *base;
    char name[40];
    unsigned char *key; /* sodium_malloc'ed, read-only */
    int algorithm;      /* for databases this VFS creates */
    unsigned int gcm_seals_per_subkey;
    atomic_int refs;    /* 1 for the owner plus one per open file */
    atomic_int open_refused; /* a cordon_vfs_failure_kind, 0 when the last open passed */
    atomic_ullong pages_sealed; /* cipher work done, for cordon_vfs_page_counts */
    atomic_ullong pages_opened;
    atomic_ullong temporary_files; /* temporary files opened, for cordon_vfs_temporary_files */
    char *temporary_directory; /* set before the first open; NULL: the base VFS chooses */
    pthread_mutex_t mutex; /* guards states and failure */
    db_state *states;
    cordon_vfs_failure failure;
};

typedef struct cordon_file {
    sqlite3_file io; /* first: SQLite sees this */
    sqlite3_file *real; /* the base VFS's file, allocated right after this struct */
    cordon_vfs *owner;
    db_state *state; /* NULL for KIND_TEMP and KIND_CLEAR */
    temp_file *temp; /* KIND_TEMP only */
    file_kind kind;
    const char *path;
    unsigned char *scratch;      /* one page plus a WAL frame header */
    sqlite3_int64 last_header_offset; /* WAL: the frame header written last */
    unsigned int last_header_pgno;
    sqlite3_int64 last_pgno_offset;   /* journal: the page number written last */
    unsigned int last_pgno;
    unsigned char nonces[NONCE_POOL_BYTES];
    int nonces_used;
    int nonces_generation;
} cordon_file;

/// Bumped in every child after fork(), so a child never reuses its parent's buffered

#pragma GCC visibility push(hidden)

/// Bumped in every child after fork(), so a child never reuses its parent's buffered
/// nonces (cordon_vfs_codec.c).
extern atomic_int fork_generation;

static inline unsigned int get32(const unsigned char *p) {
    return ((unsigned int)p[0] << 24) | ((unsigned int)p[1] << 16) | ((unsigned int)p[2] << 8) | p[3];
}

static inline void put32(unsigned char *p, unsigned int v) {
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/// The page size a database header declares: "The value 1 represents a page size of 65536".
static inline int valid_page_size(int size) {
    return size >= 512 && size <= MAX_PAGE_BYTES && (size & (size - 1)) == 0;
}

static inline int header_page_size(const unsigned char *header) {
    int size = (header[16] << 8) | header[17];
    if (size == 1) size = 65536;
    return valid_page_size(size) ? size : 0;
}

static inline int is_zero(const unsigned char *p, size_t n) {
    unsigned char acc = 0;
    for (size_t i = 0; i < n; i++) acc |= p[i];
    return acc == 0;
}

static inline int stamp_is_ours(const unsigned char *stamp) {
    return stamp[0] == 'C' && stamp[1] == 'd' && stamp[2] == 'n' &&
           (stamp[3] == ALGORITHM_XCHACHA20POLY1305 || stamp[3] == ALGORITHM_AES256GCM);
}

// The page codec (cordon_vfs_codec.c).
void record_failure(cordon_file *f, int kind, unsigned int page);
void ensure_stamp(db_state *s, int algorithm);
void learn_from_disk(db_state *s);
int known_page_size(cordon_file *f);
void gcm_keys_free(db_state *s);
int seal_page(cordon_file *f, unsigned int pgno, const unsigned char *plain, unsigned char *sealed, int size);
int open_page(cordon_file *f, unsigned int pgno, const unsigned char *sealed, unsigned char *plain, int size);
unsigned char *scratch(cordon_file *f);

// WAL frames (cordon_vfs_wal.c).
int wal_read(cordon_file *f, unsigned char *buf, int amount, sqlite3_int64 offset);
int wal_write(cordon_file *f, const unsigned char *buf, int amount, sqlite3_int64 offset);

// Sealed temporary files (cordon_vfs_temp.c).
temp_file *temp_new(void);
void temp_free(temp_file *t);
int temp_name(temp_file *t, const char *directory, int max_pathname);
const char *temp_path(const temp_file *t);
sqlite3_int64 temp_size(const temp_file *t);
int temp_read(cordon_file *f, unsigned char *buf, int amount, sqlite3_int64 offset);
int temp_write(cordon_file *f, const unsigned char *buf, int amount, sqlite3_int64 offset);
int temp_truncate(cordon_file *f, sqlite3_int64 size);

// File I/O (cordon_vfs_io.c).
extern const sqlite3_io_methods io_methods;
int accept_main(cordon_file *f, const char *name, int *unavailable);

// The VFS (cordon_vfs.c).
void release_owner(cordon_vfs *owner);
void release_state(cordon_vfs *owner, db_state *s);

#pragma GCC visibility pop

#endif
