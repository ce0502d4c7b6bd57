#ifndef CORDON_VFS_H
#define CORDON_VFS_H
// An encrypting SQLite VFS shim: every page of a main database, its WAL and its
// rollback journal is sealed with XChaCha20-Poly1305 or AES-256-GCM (libsodium) on its
// way to the default VFS. See docs/decisions/0004-encrypted-page-store.md for the
// on-disk layout. Between the two sits a fault layer that tests arm to fail chosen
// calls (docs/decisions/0007-fault-injection.md).
#include <sqlite3.h>

/// One registered encrypting VFS with its own page key: CordonStore makes one per
/// connection, so WAL and journal files opened by that connection find the key.
typedef struct cordon_vfs cordon_vfs;

/// Bytes of a page key.
#define CORDON_VFS_KEY_BYTES 32
/// Bytes SQLite must reserve at the end of every page: a 24-byte nonce and a 16-byte tag
/// (XChaCha20-Poly1305), or a 12-byte subkey salt, a 12-byte nonce and a 16-byte tag
/// (AES-256-GCM).
#define CORDON_VFS_RESERVE_BYTES 40

/// Page AEADs, as recorded in byte 75 of a store's header. A store keeps the algorithm
/// it was created with; the one passed to cordon_vfs_create applies to new databases.
#define CORDON_VFS_XCHACHA20POLY1305 1
/// AES-256-GCM under a subkey per writing session (a random 96-bit salt in the page),
/// each subkey sealing at most CORDON_VFS_GCM_SEALS_PER_SUBKEY pages with random 96-bit
/// nonces. Needs AES-NI and CLMUL (cordon_vfs_aes256gcm_available).
#define CORDON_VFS_AES256GCM 2
/// Pages one AES-256-GCM subkey seals before the writer draws a new salt.
#define CORDON_VFS_GCM_SEALS_PER_SUBKEY (1u << 20)

/// The extended result codes the VFS returns, as constants Swift can import (SQLite's
/// own are macro expressions): a page that fails authentication (SQLITE_IOERR_DATA, "the
/// checksum on a page of the database file is incorrect"), and a refused write.
enum {
    CORDON_VFS_IOERR_NOT_AUTHENTIC = SQLITE_IOERR_DATA,
    CORDON_VFS_IOERR_WRITE = SQLITE_IOERR_WRITE,
};

/// A file-control opcode (`sqlite3_file_control(db, "main", op, &failure)`) that reports
/// the last page that failed authentication on the connection; SQLITE_NOTFOUND on a
/// connection that does not use this VFS.
#define CORDON_VFS_FCNTL_LAST_FAILURE 0x436f7201

/// What failed, filled by CORDON_VFS_FCNTL_LAST_FAILURE.
typedef enum cordon_vfs_failure_kind {
    CORDON_VFS_NO_FAILURE = 0,
    /// A page failed authentication: modified, swapped, or sealed under another key.
    CORDON_VFS_PAGE_NOT_AUTHENTIC = 1,
    /// SQLite handed over a page whose reserved bytes are not zero: the reserve was
    /// not set before the first write, so there is no room for nonce and tag.
    CORDON_VFS_NO_RESERVE = 2,
    /* 3 was a refused temporary file, before temporary files were sealed. */
    /// An access that is not the shape of a page, header or frame header.
    CORDON_VFS_UNEXPECTED_ACCESS = 4,
    /// The store is sealed with AES-256-GCM and this CPU lacks AES-NI or CLMUL.
    CORDON_VFS_CIPHER_UNAVAILABLE = 5,
    /// A block of a temporary file failed authentication: it was changed on disk.
    CORDON_VFS_TEMPORARY_BLOCK_NOT_AUTHENTIC = 6,
} cordon_vfs_failure_kind;

typedef struct cordon_vfs_failure {
    int kind;                /* a cordon_vfs_failure_kind */
    unsigned int page;       /* the page number, 0 when unknown */
    char path[512];          /* the file, possibly truncated */
} cordon_vfs_failure;

/// Registers a new encrypting VFS over the fault layer (cordon_fault_vfs, which forwards
/// to the default VFS) with a copy of `key`
/// (CORDON_VFS_KEY_BYTES); databases it creates are sealed with `algorithm`
/// (CORDON_VFS_XCHACHA20POLY1305 or CORDON_VFS_AES256GCM). Returns SQLITE_OK and the VFS
/// in `*out`, or an error code (SQLITE_MISUSE for an algorithm this CPU cannot run).
int cordon_vfs_create(const unsigned char *key, int algorithm, cordon_vfs **out);

/// Lowers the AES-256-GCM seal budget per subkey for files opened from now on (tests use
/// it to see salts change); values above CORDON_VFS_GCM_SEALS_PER_SUBKEY are ignored.
void cordon_vfs_set_gcm_seals_per_subkey(cordon_vfs *vfs, unsigned int seals);

/// Whether this CPU runs libsodium's AES-256-GCM (AES-NI and CLMUL).
int cordon_vfs_aes256gcm_available(void);

/// The page AEAD recorded in the header of the database at `path`: one of the algorithm
/// constants, 0 when the file is missing, unreadable or not a Cordon store.
int cordon_vfs_store_algorithm(const char *path);

/// The name to pass to sqlite3_open_v2 or to a `?vfs=` URI parameter.
const char *cordon_vfs_name(const cordon_vfs *vfs);

/// Why the last main database opened through this VFS was refused: 0 when it was not,
/// CORDON_VFS_PAGE_NOT_AUTHENTIC when its page 1 does not authenticate under the key
/// (wrong key or not a Cordon store), CORDON_VFS_CIPHER_UNAVAILABLE when it is sealed
/// with AES-256-GCM and this CPU cannot run it.
int cordon_vfs_open_was_refused(const cordon_vfs *vfs);

/// Pages sealed and pages opened (authenticated or refused) through this VFS so far,
/// for benchmarks and operators who want to see how much cipher work a load costs.
void cordon_vfs_page_counts(cordon_vfs *vfs, unsigned long long *sealed, unsigned long long *opened);

/// Puts the temporary files opened through this VFS from now on in `directory` (a
/// store's own), instead of the directory SQLite's unix VFS picks for the whole process
/// (SQLITE_TMPDIR, /var/tmp, /usr/tmp, /tmp). Call once, before the first open: SQLITE_OK,
/// SQLITE_MISUSE when already set, or SQLITE_NOMEM. Opening a temporary file fails with
/// SQLITE_CANTOPEN when the directory's path is too long for a file name in it.
int cordon_vfs_set_temporary_directory(cordon_vfs *vfs, const char *directory);

/// Temporary files (sorter spills, temporary tables, statement journals) opened through
/// this VFS so far, each sealed under a key of its own. A test's way to see whether its
/// connection spilled, which a look at the process's open files cannot tell apart from
/// other connections'.
unsigned long long cordon_vfs_temporary_files(cordon_vfs *vfs);

/// One page codec with no file: seals and opens single pages exactly as the VFS does for
/// a database it creates (the VFS's key and algorithm, a fresh random database id), with
/// no I/O and no SQLite. For measuring the cipher's own cost per page (cordon-bench):
/// a load's page counts times it is the least its encryption can cost. It holds a
/// reference to `vfs` until released.
typedef struct cordon_vfs_codec cordon_vfs_codec;

/// A codec for pages of `page_size` bytes (a power of two from 512 to 65536): SQLITE_OK,
/// SQLITE_MISUSE for another size, or SQLITE_NOMEM.
int cordon_vfs_codec_create(cordon_vfs *vfs, int page_size, cordon_vfs_codec **out);

/// Seals page `pgno` (1 or more) from `plain` into `sealed`, both one page long, with a
/// fresh nonce as a write does. SQLITE_OK, or SQLITE_IOERR_WRITE when the last
/// CORDON_VFS_RESERVE_BYTES of `plain` are not zero.
int cordon_vfs_codec_seal(cordon_vfs_codec *codec, unsigned int pgno, const unsigned char *plain,
                          unsigned char *sealed);

/// Opens page `pgno` from `sealed` into `plain` (which may be the same buffer), with the
/// reserve zeroed. SQLITE_OK, or SQLITE_IOERR_DATA when the page is not authentic.
int cordon_vfs_codec_open(cordon_vfs_codec *codec, unsigned int pgno, const unsigned char *sealed,
                          unsigned char *plain);

/// Releases the codec (NULL is ignored) and its reference to the VFS.
void cordon_vfs_codec_release(cordon_vfs_codec *codec);

/// Unregisters the VFS; the key is zeroed and freed once its last file is closed.
void cordon_vfs_release(cordon_vfs *vfs);

/// Called by cordon_vfs_verify for each page that fails authentication: `in_wal` 0 for
/// page `page` of the database file, 1 for frame `frame` (1-based) of the WAL, which
/// holds page `page` according to its header.
typedef void (*cordon_vfs_bad_page)(void *context, int in_wal, unsigned int frame, unsigned int page);

/// Authenticates every page of the database at `database_path` and every frame of the
/// WAL at `wal_path` (which may be missing) under the VFS's key, with plain reads; counts
/// them in `*pages` and `*frames`, and in `*log_frames` the frames of the log SQLite
/// recovers from that WAL (salts and checksum chain intact, up to its last commit): the
/// frames after it are not part of the store (a crash may leave them torn). Returns
/// SQLITE_OK, SQLITE_CANTOPEN, or SQLITE_NOTADB when the file has no Cordon header.
int cordon_vfs_verify(cordon_vfs *vfs, const char *database_path, const char *wal_path, cordon_vfs_bad_page report,
                      void *context, unsigned int *pages, unsigned int *frames, unsigned int *log_frames);

// MARK: Fault injection (cordon_faults.c) — a test facility

/// Calls a fault rule matches (a bit mask).
#define CORDON_FAULT_READ 0x01
#define CORDON_FAULT_WRITE 0x02
#define CORDON_FAULT_SYNC 0x04
#define CORDON_FAULT_TRUNCATE 0x08
/// xLock on the file (a WAL connection takes its shared lock once, at its first read; the
/// WAL-index locks in shared memory are not faulted).
#define CORDON_FAULT_LOCK 0x10
#define CORDON_FAULT_OPEN 0x20

/// File kinds a rule matches (a bit mask; 0 for every kind).
#define CORDON_FAULT_MAIN_DB 0x01
#define CORDON_FAULT_WAL 0x02
#define CORDON_FAULT_JOURNAL 0x04
/// Sorter spills, temporary tables, statement journals.
#define CORDON_FAULT_TEMP 0x08
/// Anything else SQLite opens (a super-journal).
#define CORDON_FAULT_OTHER 0x10

/// What a matching call does. Each is answered as the unix VFS answers the same errno:
/// read → SQLITE_IOERR_READ; write → SQLITE_IOERR_WRITE (EIO) or SQLITE_FULL (ENOSPC, or
/// a short write: half the bytes reach the file); sync → SQLITE_IOERR_FSYNC (EIO and
/// ENOSPC alike); truncate → SQLITE_IOERR_TRUNCATE; lock → SQLITE_IOERR_LOCK; open →
/// SQLITE_CANTOPEN.
#define CORDON_FAULT_COUNT_ONLY 0
#define CORDON_FAULT_EIO 1
#define CORDON_FAULT_ENOSPC 2
#define CORDON_FAULT_SHORT_WRITE 3

/// The fault layer every encrypting VFS of this process writes through: it forwards to the
/// default (unix) VFS, and fails the calls armed rules choose. Made on first use; NULL if
/// the default VFS cannot be wrapped. While no rule is armed a call costs one atomic load.
sqlite3_vfs *cordon_fault_vfs(void);

/// Whether `failure` can be injected into every call in the mask `calls` (ENOSPC is not
/// something a read or a lock returns; only a write can be short). COUNT_ONLY always can.
int cordon_fault_supports(int calls, int failure);

/// Arms a rule for the files at or under `path_prefix` (a directory, as SQLite names the
/// files: absolute, symbolic links resolved): every call in `calls` on a file of `kinds`
/// (0: all) is counted; after `skip` of them, the next fails with `failure`, and with
/// `persistent` every one after it too. Returns the rule's id (> 0), 0 when 64 rules are
/// armed already, -1 for an unsupported combination.
long long cordon_fault_arm(const char *path_prefix, int calls, int kinds, int failure, int persistent,
                           unsigned long long skip);

/// The calls a rule matched and the calls it failed so far; 0 for an unknown id.
int cordon_fault_counts(long long rule_id, unsigned long long *matched, unsigned long long *failed);

/// Removes a rule; calls already failing are unaffected, later ones pass.
void cordon_fault_disarm(long long rule_id);

#endif
