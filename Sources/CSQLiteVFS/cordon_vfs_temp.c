// Temporary files (sorter spills, temporary tables and their journals, statement
// journals) are sealed too, in 4 KiB blocks with XChaCha20-Poly1305 under a key drawn
// for that file alone; nonce counters and tags stay in memory, so a block's bytes on
// disk are ciphertext only and the file keeps SQLite's offsets. They are created in the
// directory the owner names (cordon_vfs_set_temporary_directory), the store's own.
#include "cordon_vfs_private.h"

#include <stdio.h>
#include <string.h>

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

void temp_free(temp_file *t) {
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

temp_file *temp_new(void) {
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
int temp_name(temp_file *t, const char *directory, int max_pathname) {
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

/// The name temp_name chose; NULL when the base VFS names the file.
const char *temp_path(const temp_file *t) { return t->name; }

/// The size SQLite wrote, which xFileSize reports (the file on disk is whole blocks).
sqlite3_int64 temp_size(const temp_file *t) { return t->size; }

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
int temp_read(cordon_file *f, unsigned char *buf, int amount, sqlite3_int64 offset) {
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

int temp_write(cordon_file *f, const unsigned char *buf, int amount, sqlite3_int64 offset) {
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
int temp_truncate(cordon_file *f, sqlite3_int64 size) {
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
