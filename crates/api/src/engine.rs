//! The engine: the cloud behind a lock, the command log beside it.
//!
//! A write takes the lock, applies the command (which either fails without a trace or
//! succeeds), appends the command to the log while still holding the lock (so log order is
//! apply order), builds the response view, and releases the lock. The caller then waits for
//! the log's ticket before answering: nothing is acknowledged before it is durable.
//!
//! When the commands logged since the last snapshot outweigh both that snapshot and a floor,
//! the whole cloud is written out as a new snapshot that replaces the log (under the lock, so it
//! stands for exactly the commands before it). Start-up reads the snapshot and replays only what
//! came after, and snapshotting costs at most about one byte written per byte logged.

use cloud::{Cloud, Command, Envelope, Ids, Limits, Outcome};
use parking_lot::RwLock;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use store::{CommandLog, FileLog, MemoryLog, Records, StoreError, Ticket};

/// What the log holds: first the cloud's birth certificate (or a snapshot of it), then
/// commands in order.
#[derive(Debug, Deserialize)]
enum Record {
    /// An empty cloud; commands after it are numbered from `seq + 1` (a reset keeps counting).
    Genesis {
        seed: u64,
        format: u32,
        /// Absent in logs written before resets carried it: numbering then simply goes on.
        #[serde(default)]
        seq: Option<u64>,
    },
    Command {
        seq: u64,
        envelope: Box<Envelope>,
    },
    /// The cloud after command `seq`.
    Snapshot {
        seed: u64,
        format: u32,
        seq: u64,
        cloud: Box<Cloud>,
    },
}

/// [`Record`] as written: the same shape, borrowing what it holds.
#[derive(Serialize)]
enum RecordOut<'a> {
    Genesis {
        seed: u64,
        format: u32,
        seq: u64,
    },
    Command {
        seq: u64,
        envelope: &'a Envelope,
    },
    Snapshot {
        seed: u64,
        format: u32,
        seq: u64,
        cloud: &'a Cloud,
    },
}

impl RecordOut<'_> {
    fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("records serialise")
    }
}

const FORMAT: u32 = 1;

pub struct Engine {
    state: RwLock<State>,
    log: Box<dyn CommandLog>,
    seed: u64,
    started: std::time::Instant,
    /// Fixed clock for reproducible runs (`--seed`): each command advances it by one second.
    fixed_clock: Option<AtomicU64>,
    compact_floor: u64,
}

struct State {
    cloud: Cloud,
    seq: u64,
    /// Bytes in the log after its snapshot (or genesis), and the snapshot's own size.
    bytes_since_snapshot: u64,
    snapshot_size: u64,
}

pub struct EngineConfig<'a> {
    /// None keeps everything in memory.
    pub data_dir: Option<&'a Path>,
    pub seed: Option<u64>,
    pub limits: Limits,
    /// Never compact a log smaller than this many bytes; 0 never compacts.
    pub compact_floor: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the log is not readable: record {0}: {1}")]
    Corrupt(usize, String),
    #[error("replaying record {0} failed: {1}")]
    Replay(usize, cloud::Error),
}

impl Engine {
    pub fn open(config: EngineConfig<'_>) -> Result<Engine, EngineError> {
        let (log, records): (Box<dyn CommandLog>, Records) = match config.data_dir {
            Some(dir) => {
                let (log, records) = FileLog::open(dir)?;
                (Box::new(log), records)
            }
            None => (Box::new(MemoryLog), Records::default()),
        };
        let mut cloud = Cloud::new(config.limits.clone());
        let mut seq = 0;
        let mut seed = None;
        let (mut bytes_since_snapshot, mut snapshot_size) = (0, 0);
        for (i, bytes) in records.iter().enumerate() {
            let record: Record = serde_json::from_slice(bytes)
                .map_err(|e| EngineError::Corrupt(i, e.to_string()))?;
            bytes_since_snapshot += bytes.len() as u64;
            match record {
                Record::Genesis { format, .. } | Record::Snapshot { format, .. }
                    if format > FORMAT =>
                {
                    return Err(EngineError::Corrupt(
                        i,
                        format!("format {format} is newer than this ramparts reads ({FORMAT})"),
                    ));
                }
                // A later genesis is a reset: everything before it is forgotten.
                Record::Genesis {
                    seed: s, seq: n, ..
                } => {
                    seed = Some(s);
                    seq = n.unwrap_or(seq);
                    cloud = Cloud::new(config.limits.clone());
                }
                Record::Snapshot {
                    seed: s,
                    seq: n,
                    cloud: c,
                    ..
                } => {
                    seed = Some(s);
                    seq = n;
                    cloud = c.restored(config.limits.clone());
                    snapshot_size = std::mem::take(&mut bytes_since_snapshot);
                }
                Record::Command { seq: n, envelope } => {
                    let s = seed
                        .ok_or_else(|| EngineError::Corrupt(i, "command before genesis".into()))?;
                    cloud
                        .execute(&envelope, &mut Ids::new(s, n))
                        .map_err(|e| EngineError::Replay(i, e))?;
                    seq = n;
                }
            }
        }
        let replayed = records.len();
        let seed = match seed {
            Some(s) => {
                if config.seed.is_some_and(|wanted| wanted != s) {
                    tracing::warn!(
                        stored = s,
                        "the data directory has its own seed; --seed is ignored"
                    );
                }
                s
            }
            None => {
                let s = config.seed.unwrap_or_else(rand::random);
                let genesis = RecordOut::Genesis {
                    seed: s,
                    format: FORMAT,
                    seq: 0,
                }
                .bytes();
                // Durability of the genesis record is awaited by the first command's ticket,
                // which the writer only answers after everything before it is synced.
                drop(log.append(genesis));
                s
            }
        };
        tracing::info!(store = %log.describe(), replayed, "state loaded");
        Ok(Engine {
            state: RwLock::new(State {
                cloud,
                seq,
                bytes_since_snapshot,
                snapshot_size,
            }),
            log,
            seed,
            started: std::time::Instant::now(),
            fixed_clock: config.seed.map(|_| AtomicU64::new(1_767_225_600_000)),
            // A memory-only log has nothing to shorten.
            compact_floor: if config.data_dir.is_some() {
                config.compact_floor
            } else {
                0
            },
        })
    }

    pub fn store(&self) -> String {
        self.log.describe()
    }

    pub fn uptime(&self) -> std::time::Duration {
        self.started.elapsed()
    }

    pub fn now(&self) -> i64 {
        match &self.fixed_clock {
            Some(c) => c.fetch_add(1000, Ordering::Relaxed) as i64,
            None => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or_default(),
        }
    }

    /// The time now, for reads: unlike [`Engine::now`] it never advances the fixed clock, so
    /// reads leave `--seed` runs reproducible.
    pub fn time(&self) -> i64 {
        match &self.fixed_clock {
            Some(c) => c.load(Ordering::Relaxed) as i64,
            None => self.now(),
        }
    }

    pub fn read<T>(&self, f: impl FnOnce(&Cloud) -> T) -> T {
        f(&self.state.read().cloud)
    }

    /// Apply a command as `account` in `region`; `view` reads the result under the same lock.
    pub fn write<T>(
        &self,
        account: &str,
        region: &str,
        command: Command,
        view: impl FnOnce(&Cloud, &Outcome) -> T,
    ) -> Result<(T, Ticket), cloud::Error> {
        let mut state = self.state.write();
        let envelope = Envelope {
            account: account.to_string(),
            region: region.to_string(),
            at: self.now(),
            command,
        };
        let seq = state.seq + 1;
        let outcome = state
            .cloud
            .execute(&envelope, &mut Ids::new(self.seed, seq))?;
        state.seq = seq;
        let record = RecordOut::Command {
            seq,
            envelope: &envelope,
        }
        .bytes();
        state.bytes_since_snapshot += record.len() as u64;
        let ticket = self.log.append(record);
        if self.compact_floor > 0
            && state.bytes_since_snapshot >= self.compact_floor.max(state.snapshot_size)
        {
            // Nobody waits on this ticket: should compaction fail, the log simply stays long.
            drop(self.write_snapshot(&mut state));
        }
        let out = view(&state.cloud, &outcome);
        Ok((out, ticket))
    }

    /// Replace the log with a snapshot of the cloud as it is now; returns the sequence number
    /// the snapshot stands for.
    pub fn snapshot(&self) -> (u64, Ticket) {
        let mut state = self.state.write();
        let ticket = self.write_snapshot(&mut state);
        (state.seq, ticket)
    }

    fn write_snapshot(&self, state: &mut State) -> Ticket {
        let snapshot = RecordOut::Snapshot {
            seed: self.seed,
            format: FORMAT,
            seq: state.seq,
            cloud: &state.cloud,
        }
        .bytes();
        tracing::info!(
            seq = state.seq,
            bytes = snapshot.len(),
            replaces = state.bytes_since_snapshot,
            "snapshot"
        );
        state.bytes_since_snapshot = 0;
        state.snapshot_size = snapshot.len() as u64;
        self.log.compact(snapshot)
    }

    /// Make sure the account's Region exists (its default VPC is created on first use).
    pub fn open_region(&self, account: &str, region: &str) -> Option<Ticket> {
        if self.read(|c| c.region_opened(account, region)) {
            return None;
        }
        self.write(account, region, Command::OpenRegion, |_, _| ())
            .ok()
            .map(|(_, t)| t)
    }

    /// Forget everything (POST /_ramparts/reset): the log starts again from a genesis record.
    pub fn reset(&self) -> Ticket {
        let mut state = self.state.write();
        let limits = state.cloud.limits.clone();
        state.cloud = Cloud::new(limits);
        state.bytes_since_snapshot = 0;
        state.snapshot_size = 0;
        self.log.compact(
            RecordOut::Genesis {
                seed: self.seed,
                format: FORMAT,
                seq: state.seq,
            }
            .bytes(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: &Path, compact_floor: u64) -> Engine {
        Engine::open(EngineConfig {
            data_dir: Some(dir),
            seed: Some(3),
            limits: Limits::default(),
            compact_floor,
        })
        .expect("engine opens")
    }

    fn state_of(engine: &Engine) -> serde_json::Value {
        engine.read(|c| serde_json::to_value(c).expect("the cloud serialises"))
    }

    async fn open_regions(engine: &Engine, accounts: std::ops::Range<u64>) {
        for a in accounts {
            let account = format!("{a:012}");
            for region in ["us-east-1", "eu-west-1"] {
                if let Some(t) = engine.open_region(&account, region) {
                    t.durable().await.expect("durable");
                }
            }
        }
    }

    #[test]
    fn every_record_reads_back_as_written() {
        let envelope = Envelope {
            account: "111111111111".into(),
            region: "us-east-1".into(),
            at: 5,
            command: Command::OpenRegion,
        };
        let cloud = Cloud::new(Limits::default());
        let written = [
            RecordOut::Genesis {
                seed: 9,
                format: FORMAT,
                seq: 4,
            },
            RecordOut::Command {
                seq: 5,
                envelope: &envelope,
            },
            RecordOut::Snapshot {
                seed: 9,
                format: FORMAT,
                seq: 5,
                cloud: &cloud,
            },
        ];
        for out in written {
            let read: Record = serde_json::from_slice(&out.bytes()).expect("reads back");
            match (out, read) {
                (
                    RecordOut::Genesis { seed, format, seq },
                    Record::Genesis {
                        seed: s,
                        format: f,
                        seq: n,
                    },
                ) => assert_eq!((seed, format, Some(seq)), (s, f, n)),
                (
                    RecordOut::Command { seq, envelope },
                    Record::Command {
                        seq: n,
                        envelope: e,
                    },
                ) => {
                    assert_eq!((seq, envelope), (n, &*e))
                }
                (
                    RecordOut::Snapshot { seed, seq, .. },
                    Record::Snapshot {
                        seed: s, seq: n, ..
                    },
                ) => assert_eq!((seed, seq), (s, n)),
                (out, read) => panic!(
                    "{} read back as {read:?}",
                    String::from_utf8_lossy(&out.bytes())
                ),
            }
        }
    }

    #[tokio::test]
    async fn a_restart_from_a_snapshot_has_the_same_cloud_and_goes_on_counting() {
        let dir = tempfile::tempdir().unwrap();
        let engine = open(dir.path(), 0);
        open_regions(&engine, 1..4).await;
        let (seq, ticket) = engine.snapshot();
        ticket.durable().await.unwrap();
        let before = state_of(&engine);
        drop(engine);
        let engine = open(dir.path(), 0);
        assert_eq!(state_of(&engine), before);
        assert_eq!(engine.snapshot().0, seq);
    }

    #[tokio::test]
    async fn the_log_compacts_itself_past_the_floor() {
        let dir = tempfile::tempdir().unwrap();
        let engine = open(dir.path(), 4096);
        open_regions(&engine, 1..40).await;
        let before = state_of(&engine);
        drop(engine);
        let (_, records) = store::FileLog::open(dir.path()).unwrap();
        let first: serde_json::Value =
            serde_json::from_slice(records.iter().next().unwrap()).unwrap();
        assert!(
            first.get("Snapshot").is_some(),
            "the log starts with a snapshot"
        );
        // Fewer records than commands: the snapshot stands for the rest.
        assert!(records.len() < 78, "{} records", records.len());
        drop(records);
        assert_eq!(state_of(&open(dir.path(), 4096)), before);
    }

    #[tokio::test]
    async fn a_reset_from_an_older_log_goes_on_counting() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (log, _) = store::FileLog::open(dir.path()).unwrap();
            // A log as written before resets carried the sequence number.
            log.append(br#"{"Genesis":{"seed":3,"format":1}}"#.to_vec());
            let envelope =
                r#"{"account":"111111111111","region":"us-east-1","at":0,"command":"OpenRegion"}"#;
            log.append(format!(r#"{{"Command":{{"seq":7,"envelope":{envelope}}}}}"#).into_bytes());
            log.append(br#"{"Genesis":{"seed":3,"format":1}}"#.to_vec())
                .durable()
                .await
                .unwrap();
        }
        let engine = open(dir.path(), 0);
        assert_eq!(engine.snapshot().0, 7, "numbering goes on after the reset");
    }

    #[tokio::test]
    async fn a_newer_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (log, _) = store::FileLog::open(dir.path()).unwrap();
            log.append(br#"{"Genesis":{"seed":3,"format":99,"seq":0}}"#.to_vec())
                .durable()
                .await
                .unwrap();
        }
        let refused = Engine::open(EngineConfig {
            data_dir: Some(dir.path()),
            seed: None,
            limits: Limits::default(),
            compact_floor: 0,
        });
        assert!(matches!(refused, Err(EngineError::Corrupt(0, _))));
    }
}
