// WAL frames: a page is sealed on its way into a frame and opened on its way out, and
// the WAL memo keeps what this connection sealed, so a checkpoint copying a frame back
// compares ciphertext instead of decrypting (see db_state in cordon_vfs_private.h).
#include "cordon_vfs_private.h"

#include <string.h>

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
int wal_read(cordon_file *f, unsigned char *buf, int amount, sqlite3_int64 offset) {
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
int wal_write(cordon_file *f, const unsigned char *buf, int amount, sqlite3_int64 offset) {
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
