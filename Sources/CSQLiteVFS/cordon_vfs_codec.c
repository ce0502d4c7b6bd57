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
// Measured facts this relies on are listed in DESIGN.md, "Encrypted region stores".
#include "cordon_vfs_private.h"

#include <stdio.h>
#include <string.h>

atomic_int fork_generation = 1;

/// Remembers the last failure so CordonStore can name the file and page in its error.
void record_failure(cordon_file *f, int kind, unsigned int page) {
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
void ensure_stamp(db_state *s, int algorithm) {
    if (s->has_stamp) return;
    s->stamp[0] = 'C';
    s->stamp[1] = 'd';
    s->stamp[2] = 'n';
    s->stamp[3] = (unsigned char)algorithm;
    randombytes_buf(s->stamp + 4, ID_BYTES);
    s->has_stamp = 1;
}

/// Loads the page size and stamp from the main database's header on disk when they are
/// not known yet (a database another connection created after this one opened it).
void learn_from_disk(db_state *s) {
    if ((s->page_size && s->has_stamp) || !s->main_real) return;
    unsigned char header[HEADER_BYTES];
    if (s->main_real->pMethods->xRead(s->main_real, header, HEADER_BYTES, 0) != SQLITE_OK) return;
    if (!s->page_size) s->page_size = header_page_size(header);
    if (!s->has_stamp && stamp_is_ours(header + STAMP_OFFSET)) {
        memcpy(s->stamp, header + STAMP_OFFSET, STAMP_BYTES);
        s->has_stamp = 1;
    }
}

/// The database's page size, which its WAL and journal share, learned from the header.
int known_page_size(cordon_file *f) {
    learn_from_disk(f->state);
    return f->state->page_size;
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

void gcm_keys_free(db_state *s) {
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
int seal_page(cordon_file *f, unsigned int pgno, const unsigned char *plain, unsigned char *sealed, int size) {
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
int open_page(cordon_file *f, unsigned int pgno, const unsigned char *sealed, unsigned char *plain, int size) {
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
unsigned char *scratch(cordon_file *f) {
    if (!f->scratch) f->scratch = sqlite3_malloc(MAX_PAGE_BYTES + WAL_FRAME_HEADER_BYTES);
    return f->scratch;
}
