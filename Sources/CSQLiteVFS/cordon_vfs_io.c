// sqlite3_io_methods of the encrypting VFS: pages of a main database and of its rollback
// journal are sealed on write and opened on read (WAL frames in cordon_vfs_wal.c,
// temporary files in cordon_vfs_temp.c); an existing database is checked before SQLite
// reads it. Everything else forwards to the base VFS's file.
#include "cordon_vfs_private.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

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
    *size = temp_size(f->temp); /* the file on disk is whole blocks */
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
const sqlite3_io_methods io_methods = {
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

// MARK: Checking an existing database

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
int accept_main(cordon_file *f, const char *name, int *unavailable) {
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
