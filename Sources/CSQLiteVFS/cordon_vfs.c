// The encrypting VFS shim. Each page image — in the main database, a WAL frame or a
// rollback-journal record — is laid out as
//
//     [ body, sealed with XChaCha20-Poly1305 ][ nonce 24 ][ tag 16 ]   (the reserve)
//     [ body, sealed with AES-256-GCM ][ salt 12 ][ nonce 12 ][ tag 16 ]
//
// AES-256-GCM never uses the page key itself: each writing session (a database opened
// by one connection, in one process) draws a random 96-bit salt, derives a subkey
// BLAKE2b(key = page key, "Cordon page AES-256-GCM v1" || salt), and seals at most
// CORDON_VFS_GCM_SEALS_PER_SUBKEY pages with it under random 96-bit nonces before it
// draws another salt. That keeps every GCM key far below NIST SP 800-38D's 2^32 random-
// nonce invocations without a durable counter: a subkey lives only in memory, and a
// restarted process starts a new one.
//
// and page 1 keeps its first 100 bytes (the database header) in clear, because SQLite
// reads them before it knows the page size; they are authenticated as associated data.
// Bytes 72..91 of the header, which SQLite keeps at zero, hold "Cdn", an algorithm byte
// and the database's random 16-byte id. The associated data of every page is
// page number (big-endian) || id, plus the clear header for page 1, so a page cannot be
// moved to another position or another database. SQLite always sees zeros in the
// reserve and in bytes 72..91: its WAL checksums cover them.
//
// Temporary files (sorter spills, temporary tables and their journals, statement
// journals) are sealed too, in 4 KiB blocks with XChaCha20-Poly1305 under a key drawn
// for that file alone; nonce counters and tags stay in memory, so a block's bytes on
// disk are ciphertext only and the file keeps SQLite's offsets. They are created in the
// directory the owner names (cordon_vfs_set_temporary_directory), the store's own.
//
// Measured facts this relies on are listed in DESIGN.md, "Encrypted region stores".
#include "cordon_vfs.h"

#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
/// nonces.
static atomic_int fork_generation = 1;
static atomic_uint vfs_counter;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int sodium_ready = -1;

static void after_fork_in_child(void) { atomic_fetch_add(&fork_generation, 1); }

static void initialize_once(void) {
    sodium_ready = sodium_init() < 0 ? -1 : 0;
    pthread_atfork(NULL, NULL, after_fork_in_child);
}

static unsigned int get32(const unsigned char *p) {
    return ((unsigned int)p[0] << 24) | ((unsigned int)p[1] << 16) | ((unsigned int)p[2] << 8) | p[3];
}

static void put32(unsigned char *p, unsigned int v) {
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/// The page size a database header declares: "The value 1 represents a page size of 65536".
static int valid_page_size(int size) {
    return size >= 512 && size <= MAX_PAGE_BYTES && (size & (size - 1)) == 0;
}

static int header_page_size(const unsigned char *header) {
    int size = (header[16] << 8) | header[17];
    if (size == 1) size = 65536;
    return valid_page_size(size) ? size : 0;
}

static int is_zero(const unsigned char *p, size_t n) {
    unsigned char acc = 0;
    for (size_t i = 0; i < n; i++) acc |= p[i];
    return acc == 0;
}

/// Remembers the last failure so CordonStore can name the file and page in its error.
static void record_failure(cordon_file *f, int kind, unsigned int page) {
    cordon_vfs *owner = f->owner;
    pthread_mutex_lock(&owner->mutex);
    owner->failure.kind = kind;
    owner->failure.page = page;
    snprintf(owner->failure.path, sizeof owner->failure.path, "%s", f->path ? f->path : "(temporary)");
    pthread_mutex_unlock(&owner->mutex);
    sqlite3_log(SQLITE_IOERR, "cordon vfs: failure %d on page %u of %s", kind, page,
                f->path ? f->path : "(temporary)");
}

/// The stamp (bytes 72..91) for a new database: "Cdn", the algorithm, a random id.
static void ensure_stamp(db_state *s, int algorithm) {
    if (s->has_stamp) return;
    s->stamp[0] = 'C';
    s->stamp[1] = 'd';
    s->stamp[2] = 'n';
    s->stamp[3] = (unsigned char)algorithm;
    randombytes_buf(s->stamp + 4, ID_BYTES);
    s->has_stamp = 1;
}

static int stamp_is_ours(const unsigned char *stamp) {
    return stamp[0] == 'C' && stamp[1] == 'd' && stamp[2] == 'n' &&
           (stamp[3] == ALGORITHM_XCHACHA20POLY1305 || stamp[3] == ALGORITHM_AES256GCM);
}

/// Loads the page size and stamp from the main database's header on disk when they are
/// not known yet (a database another connection created after this one opened it).
static void learn_from_disk(db_state *s) {
    if ((s->page_size && s->has_stamp) || !s->main_real) return;
    unsigned char header[HEADER_BYTES];
    if (s->main_real->pMethods->xRead(s->main_real, header, HEADER_BYTES, 0) != SQLITE_OK) return;
    if (!s->page_size) s->page_size = header_page_size(header);
    if (!s->has_stamp && stamp_is_ours(header + STAMP_OFFSET)) {
        memcpy(s->stamp, header + STAMP_OFFSET, STAMP_BYTES);
        s->has_stamp = 1;
    }
}

/// Associated data: page number || database id, then the clear header for page 1.
static size_t make_ad(unsigned char *ad, unsigned int pgno, const unsigned char *id, const unsigned char *header) {
    put32(ad, pgno);
    memcpy(ad + 4, id, ID_BYTES);
    if (pgno != 1) return 4 + ID_BYTES;
    memcpy(ad + 4 + ID_BYTES, header, HEADER_BYTES);
    return 4 + ID_BYTES + HEADER_BYTES;
}

/// `n` fresh random bytes for a nonce. Served from a pool refilled by randombytes_buf
/// (getrandom) so a page write does not cost a system call; a child process after fork()
/// refills first.
static void fresh_nonce(cordon_file *f, unsigned char *out, int n) {
    int generation = atomic_load(&fork_generation);
    if (f->nonces_used + n > NONCE_POOL_BYTES || f->nonces_generation != generation) {
        randombytes_buf(f->nonces, NONCE_POOL_BYTES);
        f->nonces_used = 0;
        f->nonces_generation = generation;
    }
    memcpy(out, f->nonces + f->nonces_used, (size_t)n);
    f->nonces_used += n;
}

// MARK: AES-256-GCM subkeys

/// The database's GCM subkeys, allocated on first use; NULL without memory.
static gcm_keys *gcm_keys_of(db_state *s) {
    if (!s->gcm) {
        s->gcm = sodium_malloc(sizeof(gcm_keys));
        if (s->gcm) memset(s->gcm, 0, sizeof(gcm_keys));
    }
    return s->gcm;
}

static void gcm_keys_free(db_state *s) {
    sodium_free(s->gcm); /* zeroes it */
    s->gcm = NULL;
}

/// Expands the subkey for `salt` into `state`: keyed BLAKE2b of a context and the salt.
static int gcm_derive(const cordon_vfs *owner, const unsigned char *salt, crypto_aead_aes256gcm_state *state) {
    static const char context[] = "Cordon page AES-256-GCM v1";
    unsigned char input[sizeof context - 1 + GCM_SALT_BYTES];
    memcpy(input, context, sizeof context - 1);
    memcpy(input + sizeof context - 1, salt, GCM_SALT_BYTES);
    unsigned char subkey[crypto_aead_aes256gcm_KEYBYTES];
    int rc = crypto_generichash(subkey, sizeof subkey, input, sizeof input, owner->key, CORDON_VFS_KEY_BYTES);
    if (rc == 0) rc = crypto_aead_aes256gcm_beforenm(state, subkey);
    sodium_memzero(subkey, sizeof subkey);
    return rc;
}

/// The writer's subkey, with a new salt (written to `salt`) at the seal budget and in a
/// child after fork(), which must not continue its parent's count.
static const crypto_aead_aes256gcm_state *gcm_write_state(cordon_file *f, unsigned char *salt) {
    gcm_keys *keys = gcm_keys_of(f->state);
    if (!keys) return NULL;
    const int generation = atomic_load(&fork_generation);
    if (keys->write_generation != generation || keys->write_seals >= f->owner->gcm_seals_per_subkey) {
        randombytes_buf(keys->write_salt, GCM_SALT_BYTES);
        if (gcm_derive(f->owner, keys->write_salt, &keys->write_state) != 0) {
            keys->write_generation = 0;
            return NULL;
        }
        keys->write_generation = generation;
        keys->write_seals = 0;
    }
    keys->write_seals++;
    memcpy(salt, keys->write_salt, GCM_SALT_BYTES);
    return &keys->write_state;
}

/// The subkey for a page sealed under `salt`: the writer's, a kept one, or a new one.
static const crypto_aead_aes256gcm_state *gcm_read_state(cordon_file *f, const unsigned char *salt) {
    gcm_keys *keys = gcm_keys_of(f->state);
    if (!keys) return NULL;
    if (keys->write_generation && memcmp(keys->write_salt, salt, GCM_SALT_BYTES) == 0) return &keys->write_state;
    const int slot = salt[0] % GCM_READ_SLOTS;
    if (keys->read_used[slot] && memcmp(keys->read_salts[slot], salt, GCM_SALT_BYTES) == 0) {
        return &keys->read_states[slot];
    }
    keys->read_used[slot] = 0;
    if (gcm_derive(f->owner, salt, &keys->read_states[slot]) != 0) return NULL;
    memcpy(keys->read_salts[slot], salt, GCM_SALT_BYTES);
    keys->read_used[slot] = 1;
    return &keys->read_states[slot];
}

/// Seals page `pgno` of `size` bytes from `plain` into `sealed`. Fails when the reserve is
/// not zero, which means SQLite was not told to reserve room (the bytes are data).
static int seal_page(cordon_file *f, unsigned int pgno, const unsigned char *plain, unsigned char *sealed, int size) {
    db_state *s = f->state;
    const int body_offset = pgno == 1 ? HEADER_BYTES : 0;
    const int body_end = size - CORDON_VFS_RESERVE_BYTES;
    if (!is_zero(plain + body_end, CORDON_VFS_RESERVE_BYTES) || (pgno == 1 && plain[20] < CORDON_VFS_RESERVE_BYTES)) {
        record_failure(f, CORDON_VFS_NO_RESERVE, pgno);
        return SQLITE_IOERR_WRITE;
    }
    if (pgno == 1) {
        memcpy(sealed, plain, HEADER_BYTES);
        memcpy(sealed + STAMP_OFFSET, s->stamp, STAMP_BYTES);
    }
    unsigned char ad[4 + ID_BYTES + HEADER_BYTES];
    size_t ad_len = make_ad(ad, pgno, s->stamp + 4, sealed);
    const unsigned long long body_len = (unsigned long long)(body_end - body_offset);
    if (s->stamp[3] == ALGORITHM_AES256GCM) {
        unsigned char *salt = sealed + body_end;
        unsigned char *nonce = salt + GCM_SALT_BYTES;
        unsigned char *tag = nonce + GCM_NONCE_BYTES;
        const crypto_aead_aes256gcm_state *state = gcm_write_state(f, salt);
        if (!state) return SQLITE_IOERR_NOMEM;
        fresh_nonce(f, nonce, GCM_NONCE_BYTES);
        crypto_aead_aes256gcm_encrypt_detached_afternm(sealed + body_offset, tag, NULL, plain + body_offset, body_len,
                                                       ad, ad_len, NULL, nonce, state);
        atomic_fetch_add_explicit(&f->owner->pages_sealed, 1, memory_order_relaxed);
        return SQLITE_OK;
    }
    unsigned char *nonce = sealed + body_end;
    unsigned char *tag = nonce + NONCE_BYTES;
    fresh_nonce(f, nonce, NONCE_BYTES);
    crypto_aead_xchacha20poly1305_ietf_encrypt_detached(sealed + body_offset, tag, NULL, plain + body_offset, body_len,
                                                        ad, ad_len, NULL, nonce, f->owner->key);
    atomic_fetch_add_explicit(&f->owner->pages_sealed, 1, memory_order_relaxed);
    return SQLITE_OK;
}

/// Opens page `pgno` from `sealed` into `plain` (which may be the same buffer) and hands
/// SQLite zeros in the reserve and the stamp. Returns 0, or -1 when it is not authentic.
static int open_page(cordon_file *f, unsigned int pgno, const unsigned char *sealed, unsigned char *plain, int size) {
    db_state *s = f->state;
    const int body_offset = pgno == 1 ? HEADER_BYTES : 0;
    const int body_end = size - CORDON_VFS_RESERVE_BYTES;
    // Page 1 carries its own stamp; any other page needs the one learned from page 1.
    const unsigned char *stamp = pgno == 1 ? sealed + STAMP_OFFSET : s->stamp;
    if (pgno == 0 || !stamp_is_ours(stamp) || (pgno != 1 && !s->has_stamp)) return -1;
    // The reserve is copied out first: `plain` may be `sealed`.
    unsigned char reserve[CORDON_VFS_RESERVE_BYTES];
    memcpy(reserve, sealed + body_end, CORDON_VFS_RESERVE_BYTES);
    unsigned char ad[4 + ID_BYTES + HEADER_BYTES];
    size_t ad_len = make_ad(ad, pgno, stamp + 4, sealed);
    const unsigned long long body_len = (unsigned long long)(body_end - body_offset);
    atomic_fetch_add_explicit(&f->owner->pages_opened, 1, memory_order_relaxed);
    if (stamp[3] == ALGORITHM_AES256GCM) {
        if (!crypto_aead_aes256gcm_is_available()) return -1;
        const crypto_aead_aes256gcm_state *state = gcm_read_state(f, reserve);
        if (!state || crypto_aead_aes256gcm_decrypt_detached_afternm(
                          plain + body_offset, NULL, sealed + body_offset, body_len,
                          reserve + GCM_SALT_BYTES + GCM_NONCE_BYTES, ad, ad_len, reserve + GCM_SALT_BYTES, state) != 0) {
            return -1;
        }
    } else if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(plain + body_offset, NULL, sealed + body_offset,
                                                                   body_len, reserve + NONCE_BYTES, ad, ad_len, reserve,
                                                                   f->owner->key) != 0) {
        return -1;
    }
    if (pgno == 1) {
        if (plain != sealed) memcpy(plain, sealed, HEADER_BYTES);
        if (!s->has_stamp) {
            memcpy(s->stamp, stamp, STAMP_BYTES);
            s->has_stamp = 1;
        }
        memset(plain + STAMP_OFFSET, 0, STAMP_BYTES);
    }
    memset(plain + body_end, 0, CORDON_VFS_RESERVE_BYTES);
    return 0;
}

/// A buffer of one page plus a frame header, allocated at the largest page size once.
static unsigned char *scratch(cordon_file *f) {
    if (!f->scratch) f->scratch = sqlite3_malloc(MAX_PAGE_BYTES + WAL_FRAME_HEADER_BYTES);
    return f->scratch;
}

// MARK: Main database

/// Reads of a main database are either the clear header (before SQLite knows the page
/// size) or whole pages, which are opened in place.
static int main_read(cordon_file *f, unsigned char *buf, int amount, sqlite3_int64 offset) {
    int rc = f->real->pMethods->xRead(f->real, buf, amount, offset);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
    if (offset + amount <= HEADER_BYTES) {
        // SQLite sees zeros where the stamp is, as it wrote them.
        for (sqlite3_int64 i = offset; i < offset + amount; i++) {
            if (i >= STAMP_OFFSET && i < STAMP_OFFSET + STAMP_BYTES) buf[i - offset] = 0;
        }
        return rc;
    }
    db_state *s = f->state;
    learn_from_disk(s);
    const int size = s->page_size;
    if (!size || amount != size || offset % size != 0) {
        record_failure(f, CORDON_VFS_UNEXPECTED_ACCESS, 0);
        return SQLITE_IOERR_READ;
    }
    const unsigned int pgno = (unsigned int)(offset / size) + 1;
    // A read past the end comes back as zeros and SQLite treats it as an empty page; a
    // page cut short by truncation is not empty and must not pass unauthenticated.
    if (rc == SQLITE_IOERR_SHORT_READ && is_zero(buf, (size_t)amount)) return rc;
    if (rc != SQLITE_OK || open_page(f, pgno, buf, buf, size) != 0) {
        record_failure(f, CORDON_VFS_PAGE_NOT_AUTHENTIC, pgno);
        return SQLITE_IOERR_DATA;
    }
    return SQLITE_OK;
}

/// Writes of a main database are whole pages. A page a checkpoint just read from the
/// WAL is written back as the same ciphertext: same key, nonce, associated data and
/// plaintext, so nothing new is revealed and the work is not done twice.
static int main_write(cordon_file *f, const unsigned char *buf, int amount, sqlite3_int64 offset) {
    db_state *s = f->state;
    if (offset == 0 && amount >= HEADER_BYTES && header_page_size(buf)) s->page_size = header_page_size(buf);
    learn_from_disk(s);
    // A new database can write page N before page 1: a transaction larger than the page
    // cache spills pages mid-way (VACUUM INTO a big copy does), and page 1 comes at
    // commit. Main-database writes are always whole pages, so the size is the amount.
    if (!s->page_size && valid_page_size(amount) && offset % amount == 0) s->page_size = amount;
    const int size = s->page_size;
    if (!size || amount != size || offset % size != 0) {
        record_failure(f, CORDON_VFS_UNEXPECTED_ACCESS, 0);
        return SQLITE_IOERR_WRITE;
    }
    const unsigned int pgno = (unsigned int)(offset / size) + 1;
    ensure_stamp(s, f->owner->algorithm);
    if (s->cached_pgno == (int)pgno) {
        const unsigned char *plain = s->cached_plain, *sealed = s->cached_sealed;
        if (s->cached_memo_slot) {
            // The page came from the WAL memo: use its copies while the slot still holds
            // this page (a later WAL write may have reused the slot).
            const int slot = s->cached_memo_slot - 1;
            const unsigned char *kept = s->memo_pages + (size_t)slot * 2 * (size_t)size;
            plain = s->memo_pgnos[slot] == pgno && s->memo_page_size == size ? kept + size : NULL;
            sealed = kept;
        }
        if (plain && memcmp(plain, buf, (size_t)size) == 0) return f->real->pMethods->xWrite(f->real, sealed, size, offset);
    }
    unsigned char *sealed = scratch(f);
    if (!sealed) return SQLITE_IOERR_NOMEM;
    int rc = seal_page(f, pgno, buf, sealed, size);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xWrite(f->real, sealed, size, offset);
}

// MARK: WAL

/// The database's page size, which its WAL and journal share, learned from the header.
static int known_page_size(cordon_file *f) {
    learn_from_disk(f->state);
    return f->state->page_size;
}

/// Keeps the ciphertext and plaintext of the WAL page read last for main_write.
static void remember_for_checkpoint(db_state *s, unsigned int pgno, const unsigned char *sealed,
                                    const unsigned char *plain, int size) {
    if (!s->cached_plain) {
        s->cached_plain = sqlite3_malloc(MAX_PAGE_BYTES);
        s->cached_sealed = sqlite3_malloc(MAX_PAGE_BYTES);
        if (!s->cached_plain || !s->cached_sealed) return;
    }
    memcpy(s->cached_plain, plain, (size_t)size);
    memcpy(s->cached_sealed, sealed, (size_t)size);
    s->cached_pgno = (int)pgno;
    s->cached_memo_slot = 0;
}

/// The memo's budget per database (sealed and plain copies): 2048 frames of 4 KiB, more
/// than a WAL holds between SQLite's default automatic checkpoints (1000 pages).
enum { WAL_MEMO_BYTES = 16 * 1024 * 1024 };

/// The memo slot for a WAL page about to be written at `offset`, emptied so a failed
/// write leaves nothing behind: the page is sealed straight into the slot's first half,
/// and memo_keep fills in the rest once the write succeeded. Returns -1 without memory
/// (the memo is best effort) or for a page of another size.
static int memo_claim(db_state *s, sqlite3_int64 offset, int size) {
    if (s->memo_slots && s->memo_page_size != size) return -1;
    if (!s->memo_slots) {
        int slots = WAL_MEMO_BYTES / (2 * size);
        s->memo_offsets = sqlite3_malloc64(sizeof(sqlite3_int64) * (sqlite3_uint64)slots);
        s->memo_pgnos = sqlite3_malloc64(sizeof(unsigned int) * (sqlite3_uint64)slots);
        s->memo_pages = sqlite3_malloc64((sqlite3_uint64)slots * 2 * (sqlite3_uint64)size);
        if (!s->memo_offsets || !s->memo_pgnos || !s->memo_pages) {
            sqlite3_free(s->memo_offsets);
            sqlite3_free(s->memo_pgnos);
            sqlite3_free(s->memo_pages);
            s->memo_offsets = NULL;
            s->memo_pgnos = NULL;
            s->memo_pages = NULL;
            return -1;
        }
        for (int i = 0; i < slots; i++) s->memo_offsets[i] = -1;
        s->memo_slots = slots;
        s->memo_page_size = size;
    }
    const int slot = (int)((offset / (size + WAL_FRAME_HEADER_BYTES)) % s->memo_slots);
    s->memo_offsets[slot] = -1;
    s->memo_pgnos[slot] = 0; /* a checkpoint cache pointing here no longer matches */
    return slot;
}

/// Completes a claimed slot once its sealed page is on disk: the plaintext beside it.
static void memo_keep(db_state *s, int slot, sqlite3_int64 offset, unsigned int pgno, const unsigned char *plain) {
    const int size = s->memo_page_size;
    memcpy(s->memo_pages + (size_t)slot * 2 * (size_t)size + size, plain, (size_t)size);
    s->memo_offsets[slot] = offset;
    s->memo_pgnos[slot] = pgno;
}

/// The memo slot holding what this connection sealed as `sealed` for page `pgno` at WAL
/// `offset` (sealed page, then its plaintext), or -1 when it did not or no longer
/// remembers it.
static int memo_find(const db_state *s, sqlite3_int64 offset, unsigned int pgno, const unsigned char *sealed, int size) {
    if (!s->memo_slots || s->memo_page_size != size) return -1;
    const int slot = (int)((offset / (size + WAL_FRAME_HEADER_BYTES)) % s->memo_slots);
    if (s->memo_offsets[slot] != offset || s->memo_pgnos[slot] != pgno) return -1;
    const unsigned char *kept = s->memo_pages + (size_t)slot * 2 * (size_t)size;
    return memcmp(kept, sealed, (size_t)size) == 0 ? slot : -1;
}

/// A WAL is a 32-byte header, then frames of a 24-byte header (page number first) and a
/// page. Headers are clear; SQLite checksums them over the plaintext pages.
static int wal_read(cordon_file *f, unsigned char *buf, int amount, sqlite3_int64 offset) {
    if (offset + amount <= WAL_HEADER_BYTES) return f->real->pMethods->xRead(f->real, buf, amount, offset);
    const int size = known_page_size(f);
    const sqlite3_int64 frame_bytes = size + WAL_FRAME_HEADER_BYTES;
    const sqlite3_int64 within = size ? (offset - WAL_HEADER_BYTES) % frame_bytes : -1;
    if (size && offset >= WAL_HEADER_BYTES && within == 0 && amount == frame_bytes) {
        // Recovery reads whole frames. A frame that fails authentication is a torn tail
        // (or a tampered one): it is handed over with a zeroed page, which fails SQLite's
        // frame checksum, so the log ends before it — otherwise a crashed store would
        // never open again. The audit trail's commit anchor catches a rolled-back tail.
        int rc = f->real->pMethods->xRead(f->real, buf, amount, offset);
        if (rc != SQLITE_OK) return rc;
        if (open_page(f, get32(buf), buf + WAL_FRAME_HEADER_BYTES, buf + WAL_FRAME_HEADER_BYTES, size) != 0) {
            memset(buf + WAL_FRAME_HEADER_BYTES, 0, (size_t)size);
        }
        return SQLITE_OK;
    }
    if (size && offset >= WAL_HEADER_BYTES && within == WAL_FRAME_HEADER_BYTES && amount == size) {
        // A page of a committed frame: its number is in the frame header just before it.
        unsigned char *frame = scratch(f);
        if (!frame) return SQLITE_IOERR_NOMEM;
        int rc = f->real->pMethods->xRead(f->real, frame, (int)frame_bytes, offset - WAL_FRAME_HEADER_BYTES);
        const unsigned int pgno = get32(frame);
        db_state *s = f->state;
        const int slot = rc == SQLITE_OK ? memo_find(s, offset, pgno, frame + WAL_FRAME_HEADER_BYTES, size) : -1;
        if (slot >= 0) {
            // Known bytes: the kept plaintext, and the checkpoint cache points at the slot.
            memcpy(buf, s->memo_pages + (size_t)slot * 2 * (size_t)size + size, (size_t)size);
            s->cached_pgno = (int)pgno;
            s->cached_memo_slot = slot + 1;
            return SQLITE_OK;
        }
        if (rc != SQLITE_OK || open_page(f, pgno, frame + WAL_FRAME_HEADER_BYTES, buf, size) != 0) {
            if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
            record_failure(f, CORDON_VFS_PAGE_NOT_AUTHENTIC, pgno);
            return SQLITE_IOERR_DATA;
        }
        remember_for_checkpoint(s, pgno, frame + WAL_FRAME_HEADER_BYTES, buf, size);
        return SQLITE_OK;
    }
    if (size && offset >= WAL_HEADER_BYTES && within + amount <= WAL_FRAME_HEADER_BYTES) {
        // Part of a frame header, such as the checksums walRewriteChecksums() reads.
        return f->real->pMethods->xRead(f->real, buf, amount, offset);
    }
    record_failure(f, CORDON_VFS_UNEXPECTED_ACCESS, 0);
    return SQLITE_IOERR_READ;
}

/// SQLite writes a frame header and its page in two calls, and may rewrite a page in
/// place later in the same transaction without a new header: the page number comes
/// from the header written last, or from the one on disk.
static int wal_write(cordon_file *f, const unsigned char *buf, int amount, sqlite3_int64 offset) {
    db_state *s = f->state;
    if (offset == 0 && amount == WAL_HEADER_BYTES) {
        if (!s->page_size) s->page_size = (int)get32(buf + 8);
        return f->real->pMethods->xWrite(f->real, buf, amount, offset);
    }
    const int size = known_page_size(f);
    const sqlite3_int64 frame_bytes = size + WAL_FRAME_HEADER_BYTES;
    const sqlite3_int64 within = size && offset >= WAL_HEADER_BYTES ? (offset - WAL_HEADER_BYTES) % frame_bytes : -1;
    if (within == 0 && amount == WAL_FRAME_HEADER_BYTES) {
        f->last_header_offset = offset;
        f->last_header_pgno = get32(buf);
        return f->real->pMethods->xWrite(f->real, buf, amount, offset);
    }
    if (within >= 0 && within + amount <= WAL_FRAME_HEADER_BYTES) {
        return f->real->pMethods->xWrite(f->real, buf, amount, offset); /* part of a header */
    }
    if (within == WAL_FRAME_HEADER_BYTES && amount == size) {
        const sqlite3_int64 header_offset = offset - WAL_FRAME_HEADER_BYTES;
        unsigned int pgno = f->last_header_pgno;
        if (header_offset != f->last_header_offset) {
            unsigned char header[4];
            int rc = f->real->pMethods->xRead(f->real, header, 4, header_offset);
            if (rc != SQLITE_OK) return rc;
            pgno = get32(header);
        }
        ensure_stamp(s, f->owner->algorithm);
        // Sealed into the memo slot when there is one, so keeping it costs no copy.
        const int slot = memo_claim(s, offset, size);
        unsigned char *sealed = slot >= 0 ? s->memo_pages + (size_t)slot * 2 * (size_t)size : scratch(f);
        if (!sealed) return SQLITE_IOERR_NOMEM;
        int rc = seal_page(f, pgno, buf, sealed, size);
        if (rc == SQLITE_OK) rc = f->real->pMethods->xWrite(f->real, sealed, size, offset);
        if (rc == SQLITE_OK && slot >= 0) memo_keep(s, slot, offset, pgno, buf);
        return rc;
    }
    record_failure(f, CORDON_VFS_UNEXPECTED_ACCESS, 0);
    return SQLITE_IOERR_WRITE;
}

// MARK: Rollback journal

/// In a rollback journal a record is a 4-byte page number, the page, a 4-byte checksum;
/// headers sit at sector boundaries, so a page starts at an offset = 4 (mod 8) and
/// nothing else of page size does. Everything but pages stays clear. A page that fails
/// authentication is an error: a hot journal is synced before the database is touched.
static int journal_read(cordon_file *f, unsigned char *buf, int amount, sqlite3_int64 offset) {
    const int size = known_page_size(f);
    if (!size || amount != size || offset % 8 != 4) return f->real->pMethods->xRead(f->real, buf, amount, offset);
    unsigned char *record = scratch(f);
    if (!record) return SQLITE_IOERR_NOMEM;
    int rc = f->real->pMethods->xRead(f->real, record, size + 4, offset - 4);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
    const unsigned int pgno = get32(record);
    if (rc != SQLITE_OK || open_page(f, pgno, record + 4, buf, size) != 0) {
        record_failure(f, CORDON_VFS_PAGE_NOT_AUTHENTIC, pgno);
        return SQLITE_IOERR_DATA;
    }
    return SQLITE_OK;
}

static int journal_write(cordon_file *f, const unsigned char *buf, int amount, sqlite3_int64 offset) {
    const int size = known_page_size(f);
    if (amount == 4) {
        f->last_pgno_offset = offset;
        f->last_pgno = get32(buf);
    }
    if (!size || amount != size || offset % 8 != 4) return f->real->pMethods->xWrite(f->real, buf, amount, offset);
    unsigned int pgno = f->last_pgno;
    if (f->last_pgno_offset != offset - 4) {
        unsigned char number[4];
        int rc = f->real->pMethods->xRead(f->real, number, 4, offset - 4);
        if (rc != SQLITE_OK) return rc;
        pgno = get32(number);
    }
    ensure_stamp(f->state, f->owner->algorithm);
    unsigned char *sealed = scratch(f);
    if (!sealed) return SQLITE_IOERR_NOMEM;
    int rc = seal_page(f, pgno, buf, sealed, size);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xWrite(f->real, sealed, size, offset);
}

// MARK: Temporary files

/// A temporary file's sealing state. SQLite reads and writes temporary files at any
/// offset and length (a sorter's buffered writer starts mid-block; journals write 4-byte
/// fields), so the file is cut into blocks: a write seals every block it touches whole
/// (reading back the rest of a partly written block), a read opens every block it
/// touches. Each seal takes the next nonce counter, so no nonce repeats under the key;
/// counter and tag of each block stay here, in memory: nothing on disk but ciphertext,
/// and a block changed on disk fails to open. The file itself is unlinked by the unix
/// VFS as soon as it is open (SQLITE_OPEN_DELETEONCLOSE).
struct temp_file {
    unsigned char *key;        /* sodium_malloc'ed, drawn for this file */
    unsigned char prefix[16];  /* random first 16 bytes of every nonce */
    unsigned long long seals;  /* last nonce counter used */
    sqlite3_int64 size;        /* the size SQLite wrote (the file is whole blocks) */
    sqlite3_int64 capacity;    /* blocks the arrays below have room for */
    unsigned long long *counters; /* per block: its seal's nonce counter, 0 = never written */
    unsigned char *tags;       /* per block: TAG_BYTES */
    unsigned char *plain;      /* one block */
    unsigned char *sealed;     /* one block */
    char *name;                /* the name this VFS chose, double-NUL-terminated; or NULL */
};

enum { TEMP_BLOCK_BYTES = 4096 };

static void temp_free(temp_file *t) {
    if (!t) return;
    sodium_free(t->key);
    if (t->plain) sodium_memzero(t->plain, TEMP_BLOCK_BYTES);
    sqlite3_free(t->plain);
    sqlite3_free(t->sealed);
    sqlite3_free(t->counters);
    sqlite3_free(t->tags);
    sqlite3_free(t->name);
    sqlite3_free(t);
}

static temp_file *temp_new(void) {
    temp_file *t = sqlite3_malloc(sizeof *t);
    if (!t) return NULL;
    memset(t, 0, sizeof *t);
    t->key = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
    t->plain = sqlite3_malloc(TEMP_BLOCK_BYTES);
    t->sealed = sqlite3_malloc(TEMP_BLOCK_BYTES);
    if (!t->key || !t->plain || !t->sealed) {
        temp_free(t);
        return NULL;
    }
    crypto_aead_xchacha20poly1305_ietf_keygen(t->key);
    randombytes_buf(t->prefix, sizeof t->prefix);
    return t;
}

/// Names a temporary file in `directory` as the unix VFS names its own ("etilqs_" and
/// 16 random hex digits), double-NUL-terminated as the unix VFS expects of a name it
/// might read URI parameters from. SQLITE_OK, SQLITE_NOMEM, or SQLITE_CANTOPEN when the
/// name would be longer than `max_pathname`.
static int temp_name(temp_file *t, const char *directory, int max_pathname) {
    unsigned char random[8];
    char hex[2 * sizeof random + 1];
    randombytes_buf(random, sizeof random);
    sodium_bin2hex(hex, sizeof hex, random, sizeof random);
    const size_t length = strlen(directory) + strlen("/etilqs_") + strlen(hex);
    if (length >= (size_t)max_pathname) return SQLITE_CANTOPEN;
    t->name = sqlite3_malloc((int)length + 2);
    if (!t->name) return SQLITE_NOMEM;
    snprintf(t->name, length + 1, "%s/etilqs_%s", directory, hex);
    t->name[length + 1] = '\0';
    return SQLITE_OK;
}

/// Room for block `index` in the per-block arrays; 0, or -1 without memory.
static int temp_reserve(temp_file *t, sqlite3_int64 index) {
    if (index < t->capacity) return 0;
    sqlite3_int64 capacity = t->capacity ? t->capacity : 64;
    while (capacity <= index) capacity *= 2;
    unsigned long long *counters = sqlite3_realloc64(t->counters, (sqlite3_uint64)capacity * sizeof *counters);
    if (!counters) return -1;
    t->counters = counters;
    unsigned char *tags = sqlite3_realloc64(t->tags, (sqlite3_uint64)capacity * TAG_BYTES);
    if (!tags) return -1;
    t->tags = tags;
    memset(t->counters + t->capacity, 0, (size_t)(capacity - t->capacity) * sizeof *counters);
    t->capacity = capacity;
    return 0;
}

/// Nonce: the file's random prefix, then the seal's counter (little-endian). AD: the
/// block index, so a block cannot be moved.
static void temp_nonce_and_ad(const temp_file *t, unsigned long long counter, sqlite3_int64 index,
                              unsigned char *nonce, unsigned char *ad) {
    memcpy(nonce, t->prefix, sizeof t->prefix);
    for (int i = 0; i < 8; i++) {
        nonce[16 + i] = (unsigned char)(counter >> (8 * i));
        ad[i] = (unsigned char)((sqlite3_uint64)index >> (8 * i));
    }
}

/// Block `index` into t->plain: zeros when it was never written, else read and opened.
static int temp_open_block(cordon_file *f, sqlite3_int64 index) {
    temp_file *t = f->temp;
    if (index >= t->capacity || t->counters[index] == 0) {
        memset(t->plain, 0, TEMP_BLOCK_BYTES);
        return SQLITE_OK;
    }
    int rc = f->real->pMethods->xRead(f->real, t->sealed, TEMP_BLOCK_BYTES, index * TEMP_BLOCK_BYTES);
    unsigned char nonce[NONCE_BYTES], ad[8];
    temp_nonce_and_ad(t, t->counters[index], index, nonce, ad);
    if (rc == SQLITE_OK && crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
                               t->plain, NULL, t->sealed, TEMP_BLOCK_BYTES, t->tags + (size_t)index * TAG_BYTES, ad,
                               sizeof ad, nonce, t->key) == 0) {
        atomic_fetch_add_explicit(&f->owner->pages_opened, 1, memory_order_relaxed);
        return SQLITE_OK;
    }
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
    record_failure(f, CORDON_VFS_TEMPORARY_BLOCK_NOT_AUTHENTIC, (unsigned int)index + 1);
    return SQLITE_IOERR_DATA;
}

/// Seals `plain` (one block) as block `index` under the next nonce counter and writes it.
static int temp_seal_block(cordon_file *f, sqlite3_int64 index, const unsigned char *plain) {
    temp_file *t = f->temp;
    if (temp_reserve(t, index) != 0) return SQLITE_IOERR_NOMEM;
    const unsigned long long counter = ++t->seals;
    unsigned char nonce[NONCE_BYTES], ad[8], tag[TAG_BYTES];
    temp_nonce_and_ad(t, counter, index, nonce, ad);
    crypto_aead_xchacha20poly1305_ietf_encrypt_detached(t->sealed, tag, NULL, plain, TEMP_BLOCK_BYTES, ad, sizeof ad,
                                                        NULL, nonce, t->key);
    atomic_fetch_add_explicit(&f->owner->pages_sealed, 1, memory_order_relaxed);
    // Counter and tag are recorded only once the block is on disk: after a failed write
    // the block still opens as it was, or, if the write tore it, fails to open.
    int rc = f->real->pMethods->xWrite(f->real, t->sealed, TEMP_BLOCK_BYTES, index * TEMP_BLOCK_BYTES);
    if (rc == SQLITE_OK) {
        t->counters[index] = counter;
        memcpy(t->tags + (size_t)index * TAG_BYTES, tag, TAG_BYTES);
    }
    return rc;
}

/// Reads what SQLite wrote; past the end, zeros and SQLITE_IOERR_SHORT_READ, as the unix
/// VFS does.
static int temp_read(cordon_file *f, unsigned char *buf, int amount, sqlite3_int64 offset) {
    temp_file *t = f->temp;
    const sqlite3_int64 available = offset >= t->size ? 0 : (t->size - offset < amount ? t->size - offset : amount);
    for (sqlite3_int64 done = 0; done < available;) {
        const sqlite3_int64 at = offset + done;
        const sqlite3_int64 index = at / TEMP_BLOCK_BYTES;
        const int within = (int)(at % TEMP_BLOCK_BYTES);
        const sqlite3_int64 take = available - done < TEMP_BLOCK_BYTES - within ? available - done : TEMP_BLOCK_BYTES - within;
        int rc = temp_open_block(f, index);
        if (rc != SQLITE_OK) return rc;
        memcpy(buf + done, t->plain + within, (size_t)take);
        done += take;
    }
    if (available < amount) {
        memset(buf + available, 0, (size_t)(amount - available));
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

static int temp_write(cordon_file *f, const unsigned char *buf, int amount, sqlite3_int64 offset) {
    temp_file *t = f->temp;
    for (sqlite3_int64 done = 0; done < amount;) {
        const sqlite3_int64 at = offset + done;
        const sqlite3_int64 index = at / TEMP_BLOCK_BYTES;
        const int within = (int)(at % TEMP_BLOCK_BYTES);
        const sqlite3_int64 take = amount - done < TEMP_BLOCK_BYTES - within ? amount - done : TEMP_BLOCK_BYTES - within;
        int rc;
        if (take == TEMP_BLOCK_BYTES) {
            rc = temp_seal_block(f, index, buf + done);
        } else {
            // Part of a block: the rest of it as it was (or zeros), then this write.
            rc = temp_open_block(f, index);
            if (rc == SQLITE_OK) {
                memcpy(t->plain + within, buf + done, (size_t)take);
                rc = temp_seal_block(f, index, t->plain);
            }
        }
        if (rc != SQLITE_OK) return rc;
        done += take;
    }
    if (offset + amount > t->size) t->size = offset + amount;
    return SQLITE_OK;
}

/// Truncation forgets the blocks past the end and zeroes the tail of a last partial block,
/// so a later extension reads zeros there, as it would from a truncated clear file.
static int temp_truncate(cordon_file *f, sqlite3_int64 size) {
    temp_file *t = f->temp;
    if (size < t->size) {
        const sqlite3_int64 keep = (size + TEMP_BLOCK_BYTES - 1) / TEMP_BLOCK_BYTES;
        for (sqlite3_int64 index = keep; index < t->capacity; index++) t->counters[index] = 0;
        const int within = (int)(size % TEMP_BLOCK_BYTES);
        if (within) {
            int rc = temp_open_block(f, keep - 1);
            if (rc == SQLITE_OK) {
                memset(t->plain + within, 0, (size_t)(TEMP_BLOCK_BYTES - within));
                rc = temp_seal_block(f, keep - 1, t->plain);
            }
            if (rc != SQLITE_OK) return rc;
        }
        int rc = f->real->pMethods->xTruncate(f->real, keep * TEMP_BLOCK_BYTES);
        if (rc != SQLITE_OK) return rc;
    }
    t->size = size;
    return SQLITE_OK;
}

// MARK: sqlite3_io_methods

static int io_read(sqlite3_file *file, void *buf, int amount, sqlite3_int64 offset) {
    cordon_file *f = (cordon_file *)file;
    switch (f->kind) {
    case KIND_MAIN: return main_read(f, buf, amount, offset);
    case KIND_WAL: return wal_read(f, buf, amount, offset);
    case KIND_JOURNAL: return journal_read(f, buf, amount, offset);
    case KIND_TEMP: return temp_read(f, buf, amount, offset);
    case KIND_CLEAR: break;
    }
    return f->real->pMethods->xRead(f->real, buf, amount, offset);
}

static int io_write(sqlite3_file *file, const void *buf, int amount, sqlite3_int64 offset) {
    cordon_file *f = (cordon_file *)file;
    switch (f->kind) {
    case KIND_MAIN: return main_write(f, buf, amount, offset);
    case KIND_WAL: return wal_write(f, buf, amount, offset);
    case KIND_JOURNAL: return journal_write(f, buf, amount, offset);
    case KIND_TEMP: return temp_write(f, buf, amount, offset);
    case KIND_CLEAR: break;
    }
    return f->real->pMethods->xWrite(f->real, buf, amount, offset);
}

static void release_state(cordon_vfs *owner, db_state *s);
static void release_owner(cordon_vfs *owner);

static int io_close(sqlite3_file *file) {
    cordon_file *f = (cordon_file *)file;
    int rc = f->real->pMethods->xClose(f->real);
    if (f->state) {
        if (f->kind == KIND_MAIN) {
            pthread_mutex_lock(&f->owner->mutex);
            f->state->main_real = NULL;
            pthread_mutex_unlock(&f->owner->mutex);
        }
        release_state(f->owner, f->state);
    }
    temp_free(f->temp);
    sqlite3_free(f->scratch);
    sodium_memzero(f->nonces, sizeof f->nonces);
    release_owner(f->owner);
    return rc;
}

static int io_file_control(sqlite3_file *file, int op, void *arg) {
    cordon_file *f = (cordon_file *)file;
    if (op == CORDON_VFS_FCNTL_LAST_FAILURE) {
        // Taken, not peeked: a later, unrelated error must not be blamed on this page.
        pthread_mutex_lock(&f->owner->mutex);
        *(cordon_vfs_failure *)arg = f->owner->failure;
        memset(&f->owner->failure, 0, sizeof f->owner->failure);
        pthread_mutex_unlock(&f->owner->mutex);
        return SQLITE_OK;
    }
    return f->real->pMethods->xFileControl(f->real, op, arg);
}

// The rest only forward to the base file: sizes, locks and shared memory are the same
// for ciphertext as for plaintext, because a sealed page is exactly a page long.
#define REAL(file) (((cordon_file *)(file))->real)
static int io_truncate(sqlite3_file *file, sqlite3_int64 size) {
    cordon_file *f = (cordon_file *)file;
    return f->kind == KIND_TEMP ? temp_truncate(f, size) : REAL(file)->pMethods->xTruncate(REAL(file), size);
}
static int io_sync(sqlite3_file *file, int flags) { return REAL(file)->pMethods->xSync(REAL(file), flags); }
static int io_file_size(sqlite3_file *file, sqlite3_int64 *size) {
    cordon_file *f = (cordon_file *)file;
    if (f->kind != KIND_TEMP) return REAL(file)->pMethods->xFileSize(REAL(file), size);
    *size = f->temp->size; /* the file on disk is whole blocks */
    return SQLITE_OK;
}
static int io_lock(sqlite3_file *file, int level) { return REAL(file)->pMethods->xLock(REAL(file), level); }
static int io_unlock(sqlite3_file *file, int level) { return REAL(file)->pMethods->xUnlock(REAL(file), level); }
static int io_check_reserved_lock(sqlite3_file *file, int *out) { return REAL(file)->pMethods->xCheckReservedLock(REAL(file), out); }
static int io_sector_size(sqlite3_file *file) { return REAL(file)->pMethods->xSectorSize(REAL(file)); }
static int io_device_characteristics(sqlite3_file *file) { return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file)); }
static int io_shm_map(sqlite3_file *file, int region, int size, int extend, void volatile **out) { return REAL(file)->pMethods->xShmMap(REAL(file), region, size, extend, out); }
static int io_shm_lock(sqlite3_file *file, int offset, int n, int flags) { return REAL(file)->pMethods->xShmLock(REAL(file), offset, n, flags); }
static void io_shm_barrier(sqlite3_file *file) { REAL(file)->pMethods->xShmBarrier(REAL(file)); }
static int io_shm_unmap(sqlite3_file *file, int delete_flag) { return REAL(file)->pMethods->xShmUnmap(REAL(file), delete_flag); }

/// Version 2: shared memory for WAL, and no xFetch, so SQLite never maps ciphertext.
static const sqlite3_io_methods io_methods = {
    .iVersion = 2,
    .xClose = io_close,
    .xRead = io_read,
    .xWrite = io_write,
    .xTruncate = io_truncate,
    .xSync = io_sync,
    .xFileSize = io_file_size,
    .xLock = io_lock,
    .xUnlock = io_unlock,
    .xCheckReservedLock = io_check_reserved_lock,
    .xFileControl = io_file_control,
    .xSectorSize = io_sector_size,
    .xDeviceCharacteristics = io_device_characteristics,
    .xShmMap = io_shm_map,
    .xShmLock = io_shm_lock,
    .xShmBarrier = io_shm_barrier,
    .xShmUnmap = io_shm_unmap,
};

// MARK: Opening files

static void release_owner(cordon_vfs *owner) {
    if (atomic_fetch_sub(&owner->refs, 1) != 1) return;
    sodium_free(owner->key);
    sqlite3_free(owner->temporary_directory);
    pthread_mutex_destroy(&owner->mutex);
    sqlite3_free(owner);
}

static void release_state(cordon_vfs *owner, db_state *s) {
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

/// Whether frame 1 of the WAL beside the database authenticates under the key. Read with
/// plain POSIX calls: SQLite holds no lock on a WAL file, so closing this descriptor
/// cannot drop one.
static int wal_proves_key(cordon_file *f, const char *wal_name) {
    const int size = f->state->page_size;
    int fd = open(wal_name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    unsigned char header[WAL_HEADER_BYTES];
    unsigned char *frame = scratch(f);
    int proven = frame && pread(fd, header, sizeof header, 0) == (ssize_t)sizeof header && (int)get32(header + 8) == size &&
                 pread(fd, frame, (size_t)size + WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES) == (ssize_t)size + WAL_FRAME_HEADER_BYTES &&
                 open_page(f, get32(frame), frame + WAL_FRAME_HEADER_BYTES, frame + WAL_FRAME_HEADER_BYTES, size) == 0;
    close(fd);
    return proven;
}

/// Checks an existing main database before SQLite touches it: a Cordon header, our
/// reserve, and a page 1 that authenticates under the key. Refusing here, rather than on
/// a later read, means a wrong key changes nothing on disk: WAL recovery would otherwise
/// take every frame for a torn tail, and the closing checkpoint would delete the WAL.
/// `*unavailable` is set when the store is sealed with a cipher this CPU cannot run.
static int accept_main(cordon_file *f, const char *name, int *unavailable) {
    db_state *s = f->state;
    sqlite3_int64 file_size = 0;
    int rc = f->real->pMethods->xFileSize(f->real, &file_size);
    if (rc != SQLITE_OK) return rc;
    if (file_size == 0) return SQLITE_OK; /* a new database */
    unsigned char header[HEADER_BYTES];
    if (file_size < HEADER_BYTES || f->real->pMethods->xRead(f->real, header, HEADER_BYTES, 0) != SQLITE_OK) return SQLITE_NOTADB;
    const int size = header_page_size(header);
    if (memcmp(header, "SQLite format 3", 16) != 0 || !stamp_is_ours(header + STAMP_OFFSET) || !size ||
        header[20] != CORDON_VFS_RESERVE_BYTES) {
        return SQLITE_NOTADB;
    }
    s->page_size = size;
    memcpy(s->stamp, header + STAMP_OFFSET, STAMP_BYTES);
    s->has_stamp = 1;
    if (s->stamp[3] == ALGORITHM_AES256GCM && !crypto_aead_aes256gcm_is_available()) {
        record_failure(f, CORDON_VFS_CIPHER_UNAVAILABLE, 0);
        *unavailable = 1;
        return SQLITE_NOTADB;
    }
    unsigned char *page = scratch(f);
    if (!page) return SQLITE_NOMEM;
    if (f->real->pMethods->xRead(f->real, page, size, 0) == SQLITE_OK && open_page(f, 1, page, page, size) == 0) {
        return SQLITE_OK;
    }
    // Page 1 may be torn by a crash in the middle of its write; SQLite repairs it from a
    // hot journal (whose pages, under a wrong key, fail before anything is written) or
    // from the WAL, whose first frame then proves the key.
    int journal_exists = 0;
    f->owner->base->xAccess(f->owner->base, sqlite3_filename_journal(name), SQLITE_ACCESS_EXISTS, &journal_exists);
    if (journal_exists || wal_proves_key(f, sqlite3_filename_wal(name))) return SQLITE_OK;
    return SQLITE_NOTADB;
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
        // Sorter spills, temporary tables, statement journals: sealed under a key of
        // their own (see "Temporary files").
        f->kind = KIND_TEMP;
        f->temp = temp_new();
        if (!f->temp) return SQLITE_NOMEM;
        if (!name && owner->temporary_directory && (flags & SQLITE_OPEN_DELETEONCLOSE)) {
            // In the directory the connection asked for (its store's), unlinked by the
            // unix VFS as soon as it is open, as one it names itself would be.
            int rc = temp_name(f->temp, owner->temporary_directory, owner->base->mxPathname);
            if (rc != SQLITE_OK) {
                temp_free(f->temp);
                f->temp = NULL;
                return rc;
            }
            name = f->temp->name;
            f->path = name;
        }
        atomic_fetch_add_explicit(&owner->temporary_files, 1, memory_order_relaxed);
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
        // pMethods stays NULL, so SQLite will not call io_close: release here.
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

// MARK: Verification

/// Authenticates every page of a database file and every frame of its WAL with plain
/// reads, outside SQLite, so a page SQLite would never read (a free page, an old WAL
/// frame) is checked too.
/// A file that SQLite never opened, over a state on the caller's stack: for the
/// verifier and the cipher timing, which seal and open pages themselves. NULL without
/// memory; `state` is zeroed either way.
static cordon_file *detached_file(cordon_vfs *vfs, db_state *state) {
    memset(state, 0, sizeof *state);
    cordon_file *f = sqlite3_malloc(sizeof *f);
    if (!f) return NULL;
    memset(f, 0, sizeof *f);
    f->owner = vfs;
    f->state = state;
    return f;
}

static void detached_file_free(cordon_file *f, db_state *state) {
    gcm_keys_free(state);
    if (f) sodium_memzero(f->nonces, sizeof f->nonces);
    sqlite3_free(f);
}

/// SQLite's WAL checksum (walChecksumBytes): 32-bit words, big-endian when the WAL
/// header's magic has its low bit set, folded into the running pair (s1, s2).
static void wal_checksum(int big_endian, const unsigned char *bytes, size_t count, unsigned int *s1, unsigned int *s2) {
    for (size_t i = 0; i + 8 <= count; i += 8) {
        const unsigned char *a = bytes + i;
        unsigned int x0 = big_endian ? get32(a) : (unsigned int)a[0] | (unsigned int)a[1] << 8 |
                                                       (unsigned int)a[2] << 16 | (unsigned int)a[3] << 24;
        unsigned int x1 = big_endian ? get32(a + 4) : (unsigned int)a[4] | (unsigned int)a[5] << 8 |
                                                           (unsigned int)a[6] << 16 | (unsigned int)a[7] << 24;
        *s1 += x0 + *s2;
        *s2 += x1 + *s1;
    }
}

int cordon_vfs_verify(cordon_vfs *vfs, const char *database_path, const char *wal_path, cordon_vfs_bad_page report,
                      void *context, unsigned int *pages, unsigned int *frames, unsigned int *log_frames) {
    *pages = 0;
    *frames = 0;
    *log_frames = 0;
    db_state state;
    cordon_file *f = detached_file(vfs, &state);
    unsigned char *buffer = sqlite3_malloc(MAX_PAGE_BYTES + WAL_FRAME_HEADER_BYTES);
    int fd = open(database_path, O_RDONLY | O_CLOEXEC);
    int rc = SQLITE_OK;
    unsigned char header[HEADER_BYTES];
    if (!f || !buffer) {
        rc = SQLITE_NOMEM;
    } else if (fd < 0) {
        rc = SQLITE_CANTOPEN;
    } else if (pread(fd, header, HEADER_BYTES, 0) != HEADER_BYTES || memcmp(header, "SQLite format 3", 16) != 0 ||
               !stamp_is_ours(header + STAMP_OFFSET) || !(state.page_size = header_page_size(header))) {
        rc = SQLITE_NOTADB;
    }
    if (rc == SQLITE_OK) {
        f->path = database_path;
        memcpy(state.stamp, header + STAMP_OFFSET, STAMP_BYTES);
        state.has_stamp = 1;
        const int size = state.page_size;
        // SQLite never writes the page holding the lock byte at 1 GiB ("the pending byte page").
        const sqlite3_int64 pending_page = 0x40000000 / size + 1;
        for (unsigned int pgno = 1; pread(fd, buffer, (size_t)size, (off_t)(pgno - 1) * size) == size; pgno++) {
            if (pgno == pending_page) continue;
            (*pages)++;
            if (open_page(f, pgno, buffer, buffer, size) != 0) report(context, 0, 0, pgno);
        }
        close(fd);
        fd = open(wal_path, O_RDONLY | O_CLOEXEC);
        unsigned char wal_header[WAL_HEADER_BYTES];
        if (fd >= 0 && pread(fd, wal_header, WAL_HEADER_BYTES, 0) == WAL_HEADER_BYTES && (int)get32(wal_header + 8) == size) {
            const size_t frame_bytes = (size_t)size + WAL_FRAME_HEADER_BYTES;
            // The log SQLite recovers: frames with the header's salts whose checksums chain
            // from the header's, up to the last commit frame before the first that does not.
            const int big_endian = get32(wal_header) & 1;
            unsigned int s1 = 0, s2 = 0;
            wal_checksum(big_endian, wal_header, 24, &s1, &s2);
            int in_log = s1 == get32(wal_header + 24) && s2 == get32(wal_header + 28);
            for (unsigned int frame = 1;
                 pread(fd, buffer, frame_bytes, WAL_HEADER_BYTES + (off_t)(frame - 1) * (off_t)frame_bytes) == (ssize_t)frame_bytes;
                 frame++) {
                (*frames)++;
                const unsigned int pgno = get32(buffer);
                if (open_page(f, pgno, buffer + WAL_FRAME_HEADER_BYTES, buffer + WAL_FRAME_HEADER_BYTES, size) != 0) {
                    report(context, 1, frame, pgno);
                    in_log = 0;  // SQLite would read a page that fails as zeros: its checksum fails
                } else if (in_log) {
                    // The checksum covers the page as SQLite wrote it: what open_page returns.
                    wal_checksum(big_endian, buffer, 8, &s1, &s2);
                    wal_checksum(big_endian, buffer + WAL_FRAME_HEADER_BYTES, (size_t)size, &s1, &s2);
                    in_log = memcmp(buffer + 8, wal_header + 16, 8) == 0 && s1 == get32(buffer + 16) &&
                             s2 == get32(buffer + 20);
                    if (in_log && get32(buffer + 4) != 0) *log_frames = frame;
                }
            }
        }
    }
    if (fd >= 0) close(fd);
    if (buffer) sodium_memzero(buffer, MAX_PAGE_BYTES + WAL_FRAME_HEADER_BYTES);
    sqlite3_free(buffer);
    detached_file_free(f, &state);
    return rc;
}

static double monotonic_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

int cordon_vfs_time_cipher(cordon_vfs *vfs, int pages, double *seal_seconds, double *open_seconds) {
    *seal_seconds = 0;
    *open_seconds = 0;
    if (pages <= 0) return SQLITE_MISUSE;
    enum { SIZE = 4096 };
    db_state state;
    cordon_file *f = detached_file(vfs, &state);
    state.page_size = SIZE;
    ensure_stamp(&state, vfs->algorithm);
    unsigned char *plain = sqlite3_malloc(SIZE), *sealed = sqlite3_malloc(SIZE);
    int rc = f && plain && sealed ? SQLITE_OK : SQLITE_NOMEM;
    if (rc == SQLITE_OK) {
        randombytes_buf(plain, SIZE - CORDON_VFS_RESERVE_BYTES);
        memset(plain + SIZE - CORDON_VFS_RESERVE_BYTES, 0, CORDON_VFS_RESERVE_BYTES);
        // Page 2 onward: page 1 also carries the header in its associated data.
        double start = monotonic_seconds();
        for (int i = 0; i < pages && rc == SQLITE_OK; i++) rc = seal_page(f, 2 + (unsigned int)i % 1000, plain, sealed, SIZE);
        *seal_seconds = monotonic_seconds() - start;
        const unsigned int last = 2 + (unsigned int)(pages - 1) % 1000;
        start = monotonic_seconds();
        for (int i = 0; i < pages && rc == SQLITE_OK; i++) {
            if (open_page(f, last, sealed, plain, SIZE) != 0) rc = SQLITE_CORRUPT;
        }
        *open_seconds = monotonic_seconds() - start;
    }
    if (plain) sodium_memzero(plain, SIZE);
    sqlite3_free(plain);
    sqlite3_free(sealed);
    detached_file_free(f, &state);
    return rc;
}
