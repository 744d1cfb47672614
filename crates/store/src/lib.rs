//! Durability for ramparts: an ordered log of opaque records.
//!
//! Records are appended in the order the domain applied them and become durable in batches:
//! one writer thread takes every record waiting, writes them, syncs the file once and then
//! answers each record's [`Ticket`]. A response is sent only after its ticket resolves, so a
//! crash loses nothing that was acknowledged. When the log is opened again, a torn last write
//! (a crash mid-write) is cut off; damage anywhere else refuses to open, leaving the file as it
//! is, and [`salvage`] is the operator's explicit way past it (see `frames` for which is which).
//!
//! Compaction replaces the log with one record (a snapshot of the state, which the caller makes)
//! plus whatever is appended after it. The new file is written and synced beside the old one
//! and renamed over it, so at every instant one complete log is on disk.
//!
//! One process at a time: the directory's `lock` file is held while the log is open.

mod frames;

pub use frames::{End, MAX_UNSYNCED};

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use frames::{frame, HEADER};
use tokio::sync::oneshot;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is in use by another ramparts process")]
    Locked(PathBuf),
    /// The log is damaged somewhere a crash could not have torn it; nothing was changed.
    #[error("{} is damaged at byte {}", .0.path.display(), .0.damaged_at().unwrap_or_default())]
    Damaged(Box<Inspection>),
    #[error("the log writer has stopped")]
    WriterGone,
    #[error("write failed: {0}")]
    Write(String),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io { path, source }
}

/// Resolves once the record it was issued for is durable.
#[derive(Debug)]
pub struct Ticket(Option<oneshot::Receiver<Result<(), String>>>);

impl Ticket {
    /// A ticket for a record that needs no waiting (memory-only stores).
    pub fn ready() -> Ticket {
        Ticket(None)
    }

    pub async fn durable(self) -> Result<(), StoreError> {
        match self.0 {
            None => Ok(()),
            Some(rx) => match rx.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(StoreError::Write(e)),
                Err(_) => Err(StoreError::WriterGone),
            },
        }
    }
}

/// Where records go. `append` is called with the domain's lock held, so the log order is the
/// order in which changes were applied.
pub trait CommandLog: Send + Sync {
    fn append(&self, record: Vec<u8>) -> Ticket;
    /// Start the log afresh with `snapshot`, which must stand for every record appended so far.
    fn compact(&self, snapshot: Vec<u8>) -> Ticket;
    fn describe(&self) -> String;
}

/// Keeps nothing: for `--ephemeral`.
pub struct MemoryLog;

impl CommandLog for MemoryLog {
    fn append(&self, _record: Vec<u8>) -> Ticket {
        Ticket::ready()
    }
    fn compact(&self, _snapshot: Vec<u8>) -> Ticket {
        Ticket::ready()
    }
    fn describe(&self) -> String {
        "memory".into()
    }
}

struct Pending {
    record: Vec<u8>,
    /// The record replaces everything before it.
    compact: bool,
    done: oneshot::Sender<Result<(), String>>,
}

/// What a log holds as read from disk: its intact records and how it ends after them.
pub struct Inspection {
    pub path: PathBuf,
    pub file_len: u64,
    pub records: Records,
    pub end: End,
}

impl Inspection {
    pub fn damaged_at(&self) -> Option<u64> {
        match self.end {
            End::Damaged { at, .. } => Some(at),
            _ => None,
        }
    }
}

impl std::fmt::Debug for Inspection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inspection")
            .field("path", &self.path)
            .field("file_len", &self.file_len)
            .field("records", &self.records.len())
            .field("end", &self.end)
            .finish()
    }
}

/// The log file of a data directory.
pub fn log_path(dir: &Path) -> PathBuf {
    dir.join("commands.log")
}

/// Hold the directory for this process: a second ramparts on the same log would interleave
/// its writes with ours. The lock goes with the file handle, also on kill -9.
fn lock(dir: &Path) -> Result<File, StoreError> {
    let path = dir.join("lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_error(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked(dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(io_error(&path)(e)),
    }
}

fn read_log(path: &Path) -> Result<(File, Inspection), StoreError> {
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(io_error(path))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(io_error(path))?;
    let scan = frames::scan(&bytes);
    let inspection = Inspection {
        path: path.to_path_buf(),
        file_len: bytes.len() as u64,
        records: Records {
            bytes,
            frames: scan.frames,
        },
        end: scan.end,
    };
    Ok((file, inspection))
}

/// Read a data directory's log without changing anything (for `fsck`). Fails while a server
/// has the directory open.
pub fn inspect(dir: &Path) -> Result<Inspection, StoreError> {
    let path = log_path(dir);
    if !path.exists() {
        return Err(io_error(&path)(std::io::ErrorKind::NotFound.into()));
    }
    let _lock = lock(dir)?;
    read_log(&path).map(|(_, inspection)| inspection)
}

/// What [`salvage`] did.
#[derive(Debug)]
pub struct Salvaged {
    /// The damaged log, byte for byte, under its new name.
    pub kept_as: PathBuf,
    /// Records the new log holds, and the bytes of the old one that it does not.
    pub records: usize,
    pub bytes_dropped: u64,
}

/// Keep the first `keep` intact records as the log, and the whole damaged log beside it under
/// a new name. The operator's explicit choice: nothing calls this implicitly.
pub fn salvage(dir: &Path, keep: usize) -> Result<Salvaged, StoreError> {
    let _lock = lock(dir)?;
    let path = log_path(dir);
    let (_, inspection) = read_log(&path)?;
    let keep = keep.min(inspection.records.len());
    let end = match keep {
        0 => 0,
        n => inspection.records.frames[n - 1].end,
    };
    let kept_as = (1..)
        .map(|n| dir.join(format!("commands.log.damaged-{n}")))
        .find(|p| !p.exists())
        .expect("some name is free");
    // A second name for the same bytes: the original stays exactly as it was.
    if std::fs::hard_link(&path, &kept_as).is_err() {
        let mut copy = File::create(&kept_as).map_err(io_error(&kept_as))?;
        copy.write_all(&inspection.records.bytes)
            .and_then(|()| copy.sync_all())
            .map_err(io_error(&kept_as))?;
    }
    replace(&path, &inspection.records.bytes[..end]).map_err(io_error(&path))?;
    sync_dir(&path).map_err(io_error(dir))?;
    Ok(Salvaged {
        kept_as,
        records: keep,
        bytes_dropped: inspection.file_len - end as u64,
    })
}

/// An append-only file with group commit.
pub struct FileLog {
    path: PathBuf,
    tx: Option<mpsc::Sender<Pending>>,
    writer: Option<thread::JoinHandle<()>>,
}

impl FileLog {
    /// Open (or create) `dir/commands.log` and return the log with every intact record in it.
    /// A torn last write is cut off; any other damage is [`StoreError::Damaged`], with the file
    /// left untouched.
    pub fn open(dir: &Path) -> Result<(FileLog, Records), StoreError> {
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
        let lock = lock(dir)?;
        let path = log_path(dir);
        // What a compaction cut short before its rename: never the log.
        let _ = std::fs::remove_file(next_path(&path));
        let (mut file, inspection) = read_log(&path)?;
        match inspection.end {
            End::Clean => {}
            End::Torn { at } => {
                tracing::warn!(
                    path = %path.display(),
                    at,
                    dropped = inspection.file_len - at,
                    "cutting off the torn last write of the log (a crash while it was written; \
                     none of it was acknowledged)"
                );
                file.set_len(at).map_err(io_error(&path))?;
                file.sync_all().map_err(io_error(&path))?;
            }
            End::Damaged { .. } => return Err(StoreError::Damaged(Box::new(inspection))),
        }
        file.seek(SeekFrom::End(0)).map_err(io_error(&path))?;
        let (tx, rx) = mpsc::channel::<Pending>();
        let writer = Writer {
            file,
            path: path.clone(),
            buf: Vec::new(),
            waiting: Vec::new(),
            dir_unsynced: false,
            _lock: lock,
        };
        let writer = thread::Builder::new()
            .name("ramparts-log".into())
            .spawn(move || writer.run(rx))
            .map_err(io_error(&path))?;
        Ok((
            FileLog {
                path,
                tx: Some(tx),
                writer: Some(writer),
            },
            inspection.records,
        ))
    }

    fn send(&self, record: Vec<u8>, compact: bool) -> Ticket {
        let (done, rx) = oneshot::channel();
        if record.is_empty() || u32::try_from(record.len()).is_err() {
            let _ = done.send(Err(format!(
                "a record of {} bytes does not fit a log frame",
                record.len()
            )));
            return Ticket(Some(rx));
        }
        // If the writer is gone the receiver sees a closed channel: WriterGone.
        if let Some(tx) = &self.tx {
            let _ = tx.send(Pending {
                record,
                compact,
                done,
            });
        }
        Ticket(Some(rx))
    }
}

impl Drop for FileLog {
    /// Let the writer finish what it was given and release the directory before returning, so
    /// the directory can be opened again at once.
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

impl CommandLog for FileLog {
    fn append(&self, record: Vec<u8>) -> Ticket {
        self.send(record, false)
    }

    fn compact(&self, snapshot: Vec<u8>) -> Ticket {
        self.send(snapshot, true)
    }

    fn describe(&self) -> String {
        format!("file:{}", self.path.display())
    }
}

/// The intact records of a log as read back: slices of the one buffer the file was read into
/// (a copy per record would leave the heap full of holes once replay is done).
#[derive(Default)]
pub struct Records {
    bytes: Vec<u8>,
    frames: Vec<Range<usize>>,
}

impl Records {
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.frames.iter().map(|r| &self.bytes[r.clone()])
    }

    /// Each record with the byte offset of its frame in the file.
    pub fn iter_at(&self) -> impl Iterator<Item = (u64, &[u8])> {
        self.frames
            .iter()
            .map(|r| ((r.start - HEADER) as u64, &self.bytes[r.clone()]))
    }
}

type Done = oneshot::Sender<Result<(), String>>;

/// The thread that owns the file: it writes whatever is waiting, syncs once and answers
/// everyone, then repeats. A compaction splits a batch: what came before it goes to the old
/// file, what comes after to the new one.
struct Writer {
    file: File,
    path: PathBuf,
    buf: Vec<u8>,
    waiting: Vec<Done>,
    /// A compaction's rename is not yet known to be on disk: nothing after it may be
    /// acknowledged until the directory is synced.
    dir_unsynced: bool,
    /// Held for as long as this thread may write.
    _lock: File,
}

impl Writer {
    fn run(mut self, rx: mpsc::Receiver<Pending>) {
        while let Ok(first) = rx.recv() {
            let mut batch = vec![first];
            while let Ok(more) = rx.try_recv() {
                batch.push(more);
            }
            for p in batch {
                if p.compact {
                    self.flush();
                    self.compact(p);
                } else {
                    self.push(p.record, p.done);
                }
            }
            self.flush();
        }
    }

    /// Add a record to the next write, first syncing what is waiting if together they would
    /// pass [`MAX_UNSYNCED`]: the recovery at open relies on no write being longer.
    fn push(&mut self, record: Vec<u8>, done: Done) {
        if !self.buf.is_empty() && self.buf.len() + HEADER + record.len() > MAX_UNSYNCED {
            self.flush();
        }
        frame(&mut self.buf, &record);
        self.waiting.push(done);
    }

    /// Start a new file with the snapshot. Should that fail, the snapshot is appended to the
    /// current log instead: a snapshot (or genesis) anywhere in a log replaces what came before
    /// it on replay, so the log stays right, only longer.
    fn compact(&mut self, p: Pending) {
        let mut framed = Vec::with_capacity(p.record.len() + HEADER);
        frame(&mut framed, &p.record);
        match replace(&self.path, &framed) {
            Ok(file) => {
                self.file = file;
                self.dir_unsynced = true;
                let _ = p.done.send(self.sync_dir());
            }
            Err(e) => {
                tracing::error!(error = %e, "compaction failed; appending the snapshot instead");
                self.push(p.record, p.done);
            }
        }
    }

    fn sync_dir(&mut self) -> Result<(), String> {
        if self.dir_unsynced {
            sync_dir(&self.path).map_err(|e| {
                format!(
                    "syncing the directory of {} after compaction: {e}",
                    self.path.display()
                )
            })?;
            self.dir_unsynced = false;
        }
        Ok(())
    }

    fn flush(&mut self) {
        if self.waiting.is_empty() {
            return;
        }
        let result = self
            .file
            .write_all(&self.buf)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| e.to_string())
            .and_then(|()| self.sync_dir());
        if let Err(e) = &result {
            tracing::error!(error = %e, "log write failed");
        }
        for done in self.waiting.drain(..) {
            let _ = done.send(result.clone());
        }
        self.buf.clear();
    }
}

fn next_path(path: &Path) -> PathBuf {
    path.with_extension("log.next")
}

fn sync_dir(path: &Path) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    File::open(dir).and_then(|d| d.sync_all())
}

/// A new log holding exactly `bytes`, synced and renamed over the old one; the handle to
/// append to from now on. Until the rename the old log stays the log; after it, the new one
/// (whose rename the caller still has to make durable).
fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<File> {
    let next = next_path(path);
    let written = (|| {
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(&next)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&next, path)?;
        Ok(file)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&next);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(records: &Records) -> Vec<Vec<u8>> {
        records.iter().map(<[u8]>::to_vec).collect()
    }

    #[tokio::test]
    async fn records_survive_reopen_in_order() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (log, old) = FileLog::open(dir.path()).unwrap();
            assert!(old.is_empty());
            let tickets: Vec<Ticket> = (0..100)
                .map(|i| log.append(format!("r{i}").into_bytes()))
                .collect();
            for t in tickets {
                t.durable().await.unwrap();
            }
        }
        let (_, records) = FileLog::open(dir.path()).unwrap();
        let records = owned(&records);
        assert_eq!(records.len(), 100);
        assert_eq!(records[0], b"r0");
        assert_eq!(records[99], b"r99");
    }

    #[tokio::test]
    async fn a_torn_tail_is_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (log, _) = FileLog::open(dir.path()).unwrap();
            log.append(b"one".to_vec()).durable().await.unwrap();
            log.append(b"two".to_vec()).durable().await.unwrap();
        }
        let path = dir.path().join("commands.log");
        let len = std::fs::metadata(&path).unwrap().len();
        let f = OpenOptions::new().write(true).open(&path).unwrap();
        f.set_len(len - 2).unwrap();
        let (log, records) = FileLog::open(dir.path()).unwrap();
        assert_eq!(owned(&records), vec![b"one".to_vec()]);
        log.append(b"three".to_vec()).durable().await.unwrap();
        drop(log);
        let (_, records) = FileLog::open(dir.path()).unwrap();
        assert_eq!(owned(&records), vec![b"one".to_vec(), b"three".to_vec()]);
    }

    #[tokio::test]
    async fn compaction_replaces_what_came_before_and_keeps_what_came_after() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (log, _) = FileLog::open(dir.path()).unwrap();
            let before: Vec<Ticket> = (0..50).map(|i| log.append(vec![i])).collect();
            let snapshot = log.compact(b"snapshot".to_vec());
            let after: Vec<Ticket> = (50..60).map(|i| log.append(vec![i])).collect();
            for t in before.into_iter().chain([snapshot]).chain(after) {
                t.durable().await.unwrap();
            }
        }
        assert!(!dir.path().join("commands.log.next").exists());
        let (log, records) = FileLog::open(dir.path()).unwrap();
        let records = owned(&records);
        assert_eq!(records[0], b"snapshot");
        assert_eq!(
            records[1..],
            (50..60).map(|i| vec![i]).collect::<Vec<_>>()[..]
        );
        log.compact(b"again".to_vec()).durable().await.unwrap();
        log.append(b"last".to_vec()).durable().await.unwrap();
        drop(log);
        let (_, records) = FileLog::open(dir.path()).unwrap();
        assert_eq!(owned(&records), vec![b"again".to_vec(), b"last".to_vec()]);
    }

    #[tokio::test]
    async fn a_compaction_that_cannot_write_its_file_appends_the_snapshot_instead() {
        let dir = tempfile::tempdir().unwrap();
        let (log, _) = FileLog::open(dir.path()).unwrap();
        log.append(b"before".to_vec()).durable().await.unwrap();
        // A directory where the new file should go makes creating it fail.
        std::fs::create_dir(dir.path().join("commands.log.next")).unwrap();
        log.compact(b"snapshot".to_vec()).durable().await.unwrap();
        log.append(b"after".to_vec()).durable().await.unwrap();
        drop(log);
        let (_, records) = FileLog::open(dir.path()).unwrap();
        assert_eq!(
            owned(&records),
            vec![b"before".to_vec(), b"snapshot".to_vec(), b"after".to_vec()]
        );
    }

    async fn write_log(dir: &Path, n: u8) {
        let (log, _) = FileLog::open(dir).unwrap();
        let tickets: Vec<Ticket> = (0..n).map(|i| log.append(vec![b'r', i])).collect();
        for t in tickets {
            t.durable().await.unwrap();
        }
    }

    #[tokio::test]
    async fn a_damaged_log_refuses_to_open_and_stays_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        write_log(dir.path(), 30).await;
        let path = log_path(dir.path());
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[10 * 10 + 9] ^= 0x40; // the payload of record 10 (frames of 10 bytes)
        std::fs::write(&path, &bytes).unwrap();
        match FileLog::open(dir.path()) {
            Err(StoreError::Damaged(found)) => {
                assert_eq!(found.damaged_at(), Some(100));
                assert_eq!(found.records.len(), 10);
                assert!(matches!(found.end, End::Damaged { later: 19, .. }));
            }
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("a damaged log opened"),
        }
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "the file was changed");
    }

    #[tokio::test]
    async fn salvage_keeps_the_damaged_log_aside_and_the_intact_prefix_as_the_log() {
        let dir = tempfile::tempdir().unwrap();
        write_log(dir.path(), 30).await;
        let path = log_path(dir.path());
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[200 + 4] ^= 0x01; // the checksum of record 20
        std::fs::write(&path, &bytes).unwrap();
        let inspection = inspect(dir.path()).unwrap();
        assert_eq!(inspection.records.len(), 20);
        let salvaged = salvage(dir.path(), inspection.records.len()).unwrap();
        assert_eq!(salvaged.records, 20);
        assert_eq!(salvaged.bytes_dropped, 100);
        assert_eq!(std::fs::read(&salvaged.kept_as).unwrap(), bytes);
        let (log, records) = FileLog::open(dir.path()).unwrap();
        assert_eq!(
            owned(&records),
            (0..20).map(|i| vec![b'r', i]).collect::<Vec<_>>()
        );
        log.append(b"next".to_vec()).durable().await.unwrap();
        drop(log);
        // A second salvage keeps the first one's copy.
        let again = salvage(dir.path(), 1).unwrap();
        assert_ne!(again.kept_as, salvaged.kept_as);
        assert_eq!(std::fs::read(&salvaged.kept_as).unwrap(), bytes);
    }

    #[tokio::test]
    async fn one_process_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let (log, _) = FileLog::open(dir.path()).unwrap();
        assert!(matches!(
            FileLog::open(dir.path()),
            Err(StoreError::Locked(_))
        ));
        assert!(matches!(inspect(dir.path()), Err(StoreError::Locked(_))));
        drop(log);
        FileLog::open(dir.path()).unwrap();
    }

    #[tokio::test]
    async fn a_log_cut_within_one_write_of_its_end_loses_only_what_was_cut() {
        let dir = tempfile::tempdir().unwrap();
        let (log, _) = FileLog::open(dir.path()).unwrap();
        let record = vec![b'x'; 100_000];
        let tickets: Vec<Ticket> = (0..40).map(|_| log.append(record.clone())).collect();
        for t in tickets {
            t.durable().await.unwrap();
        }
        drop(log);
        let path = log_path(dir.path());
        let whole = std::fs::read(&path).unwrap();
        // Cut anywhere in the last megabyte: always a torn tail, never damage.
        for cut in (whole.len() - MAX_UNSYNCED + 1..whole.len()).step_by(9973) {
            std::fs::write(&path, &whole[..cut]).unwrap();
            let (_, records) = FileLog::open(dir.path()).unwrap();
            assert!(records.len() >= 29, "cut at {cut}");
        }
    }
}
