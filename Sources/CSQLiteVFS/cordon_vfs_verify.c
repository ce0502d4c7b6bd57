// The verifier: every page of a database file and every frame of its WAL authenticated
// with plain reads, outside SQLite, so a page SQLite would never read (a free page, an
// old WAL frame) is checked too. And the detached page codec, the same sealing and
// opening with no file at all, which cordon-bench times as the cipher's floor.
#include "cordon_vfs_private.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/// A file that SQLite never opened, over a state the caller owns: for the verifier and
/// the detached codec, which seal and open pages themselves. NULL without memory;
/// `state` is zeroed either way.
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

// MARK: The detached page codec

/// One database's page codec with no file: a fresh stamp (the VFS's algorithm, a random
/// id) and the VFS's key, which it keeps alive until released.
struct cordon_vfs_codec {
    cordon_vfs *owner;
    cordon_file *file;
    db_state state;
};

int cordon_vfs_codec_create(cordon_vfs *vfs, int page_size, cordon_vfs_codec **out) {
    *out = NULL;
    if (!valid_page_size(page_size)) return SQLITE_MISUSE;
    cordon_vfs_codec *codec = sqlite3_malloc(sizeof *codec);
    if (!codec) return SQLITE_NOMEM;
    codec->file = detached_file(vfs, &codec->state);
    if (!codec->file) {
        sqlite3_free(codec);
        return SQLITE_NOMEM;
    }
    codec->owner = vfs;
    codec->state.page_size = page_size;
    ensure_stamp(&codec->state, vfs->algorithm);
    atomic_fetch_add(&vfs->refs, 1);
    *out = codec;
    return SQLITE_OK;
}

int cordon_vfs_codec_seal(cordon_vfs_codec *codec, unsigned int pgno, const unsigned char *plain,
                          unsigned char *sealed) {
    if (pgno == 0) return SQLITE_MISUSE;
    return seal_page(codec->file, pgno, plain, sealed, codec->state.page_size);
}

int cordon_vfs_codec_open(cordon_vfs_codec *codec, unsigned int pgno, const unsigned char *sealed,
                          unsigned char *plain) {
    if (pgno == 0) return SQLITE_MISUSE;
    return open_page(codec->file, pgno, sealed, plain, codec->state.page_size) == 0 ? SQLITE_OK : SQLITE_IOERR_DATA;
}

void cordon_vfs_codec_release(cordon_vfs_codec *codec) {
    if (!codec) return;
    cordon_vfs *owner = codec->owner;
    detached_file_free(codec->file, &codec->state);
    sqlite3_free(codec);
    release_owner(owner);
}
