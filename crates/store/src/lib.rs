//! Durability for ramparts: an ordered log of opaque records.
//!
//! Records are appended in the order the domain applied them and become durable in batches:
//! one writer thread takes every record waiting, writes them, syncs the file once and then
//! answers each record's [`Ticket`]. A response is sent only after its ticket resolves, so a
//! crash loses nothing that was acknowledged; a torn record at the end of the file (a crash
//! mid-write) is cut off when the log is opened again.
//!
//! Compaction replaces the log with one record (a snapshot of the state, which the caller makes)
//! plus whatever is appended after it. The new file is written and synced beside the old one
//! and renamed over it, so at every instant one complete log is on disk.
//!
//! Frame: `len: u32 LE | crc32(payload): u32 LE | payload`.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use tokio::sync::oneshot;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the log writer has stopped")]
    WriterGone,
    #[error("write failed: {0}")]
    Write(String),
}

/// Resolves once the record it was issued for is durable.
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

/// An append-only file with group commit.
pub struct FileLog {
    path: PathBuf,
    tx: mpsc::Sender<Pending>,
}

impl FileLog {
    /// Open (or create) `dir/commands.log` and return the log with every intact record in it.
    pub fn open(dir: &Path) -> Result<(FileLog, Records), StoreError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| StoreError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let path = dir.join("commands.log");
        // What a compaction cut short before its rename: never the log.
        let _ = std::fs::remove_file(next_path(&path));
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(io(&path))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io(&path))?;
        let (frames, good) = parse(&bytes);
        if good < bytes.len() {
            tracing::warn!(
                path = %path.display(),
                dropped = bytes.len() - good,
                "cutting off a torn record at the end of the log"
            );
            file.set_len(good as u64).map_err(io(&path))?;
            file.sync_all().map_err(io(&path))?;
        }
        file.seek(SeekFrom::End(0)).map_err(io(&path))?;
        let (tx, rx) = mpsc::channel::<Pending>();
        let writer = Writer {
            file,
            path: path.clone(),
            buf: Vec::new(),
            waiting: Vec::new(),
            dir_unsynced: false,
        };
        thread::Builder::new()
            .name("ramparts-log".into())
            .spawn(move || writer.run(rx))
            .map_err(io(&path))?;
        Ok((FileLog { path, tx }, Records { bytes, frames }))
    }

    fn send(&self, record: Vec<u8>, compact: bool) -> Ticket {
        let (done, rx) = oneshot::channel();
        if u32::try_from(record.len()).is_err() {
            let _ = done.send(Err(format!(
                "a record of {} bytes does not fit a log frame",
                record.len()
            )));
            return Ticket(Some(rx));
        }
        // If the writer is gone the receiver sees a closed channel: WriterGone.
        let _ = self.tx.send(Pending {
            record,
            compact,
            done,
        });
        Ticket(Some(rx))
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
}

fn frame(out: &mut Vec<u8>, record: &[u8]) {
    out.extend_from_slice(&(record.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(record).to_le_bytes());
    out.extend_from_slice(record);
}

/// Where the intact records are, and the length of the intact prefix.
fn parse(bytes: &[u8]) -> (Vec<Range<usize>>, usize) {
    let mut records = Vec::new();
    let mut at = 0;
    while bytes.len() - at >= 8 {
        let len = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        let crc = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().expect("4 bytes"));
        if bytes.len() - at - 8 < len {
            break;
        }
        let payload = &bytes[at + 8..at + 8 + len];
        if crc32fast::hash(payload) != crc {
            break;
        }
        records.push(at + 8..at + 8 + len);
        at += 8 + len;
    }
    (records, at)
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
                    frame(&mut self.buf, &p.record);
                    self.waiting.push(p.done);
                }
            }
            self.flush();
        }
    }

    /// Start a new file with the snapshot. Should that fail, the snapshot is appended to the
    /// current log instead: a snapshot (or genesis) anywhere in a log replaces what came before
    /// it on replay, so the log stays right, only longer.
    fn compact(&mut self, p: Pending) {
        match rewrite(&self.path, &p.record) {
            Ok(file) => {
                self.file = file;
                self.dir_unsynced = true;
                let _ = p.done.send(self.sync_dir());
            }
            Err(e) => {
                tracing::error!(error = %e, "compaction failed; appending the snapshot instead");
                frame(&mut self.buf, &p.record);
                self.waiting.push(p.done);
            }
        }
    }

    fn sync_dir(&mut self) -> Result<(), String> {
        if self.dir_unsynced {
            let dir = self.path.parent().unwrap_or(Path::new("."));
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| format!("syncing {} after compaction: {e}", dir.display()))?;
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

/// A new log holding only `snapshot`, synced and renamed over the old one; the handle to
/// append to from now on. Until the rename the old log stays the log; after it, the new one
/// (whose rename the caller still has to make durable).
fn rewrite(path: &Path, snapshot: &[u8]) -> std::io::Result<File> {
    let next = next_path(path);
    let written = (|| {
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(&next)?;
        let mut bytes = Vec::with_capacity(snapshot.len() + 8);
        frame(&mut bytes, snapshot);
        file.write_all(&bytes)?;
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

    #[test]
    fn corrupt_bytes_stop_the_replay() {
        let mut bytes = Vec::new();
        frame(&mut bytes, b"ok");
        frame(&mut bytes, b"bad");
        let n = bytes.len();
        bytes[n - 1] ^= 0xff;
        let (records, good) = parse(&bytes);
        assert_eq!(records, vec![8..10]);
        assert_eq!(good, 10);
    }
}
