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
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use store::{CommandLog, FileLog, Inspection, MemoryLog, Records, StoreError, Ticket};

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
        /// Absent in logs written before the clock was kept: `--seed` then decides.
        #[serde(default)]
        clock: Option<Clock>,
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
        #[serde(default)]
        clock: Option<Clock>,
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
        clock: Clock,
    },
    Command {
        seq: u64,
        envelope: &'a Envelope,
    },
    Snapshot {
        seed: u64,
        format: u32,
        seq: u64,
        clock: Clock,
        cloud: &'a Cloud,
    },
}

impl RecordOut<'_> {
    fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("records serialise")
    }
}

/// Just the sequence number a record stands for, without building what it holds.
#[derive(Deserialize)]
enum RecordSeq {
    Genesis {
        #[serde(default)]
        seq: Option<u64>,
    },
    Command {
        seq: u64,
    },
    Snapshot {
        seq: u64,
    },
}

const FORMAT: u32 = 1;

/// 2026-01-01T00:00:00Z, where a fixed clock starts.
const FIXED_EPOCH_MS: i64 = 1_767_225_600_000;

/// Where command times come from: the wall clock, or (for a cloud created with `--seed`) a
/// clock that advances one second per command, so runs are reproducible. Part of the state: a
/// data directory keeps its clock, and a fixed one goes on from its last command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Clock {
    Wall,
    Fixed { next: i64 },
}

/// The settings that belong to the cloud's state: written into the log when the data directory
/// is created, the same after every restart whatever the flags say (`/_ramparts/health`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StoredSettings {
    pub format: u32,
    /// Every id derives from it and the command's sequence number.
    pub seed: u64,
    /// "wall" or "fixed".
    pub clock: &'static str,
    /// The sequence number of the last command applied.
    pub seq: u64,
}

pub struct Engine {
    state: RwLock<State>,
    log: Box<dyn CommandLog>,
    seed: u64,
    started: std::time::Instant,
    /// The next command time of a fixed clock (see [`Clock`]); `None` for the wall clock.
    fixed_clock: Option<AtomicU64>,
    compact_floor: u64,
}

struct State {
    cloud: Cloud,
    seq: u64,
    /// Moves with every change of `cloud`, a reset included (which keeps `seq`).
    version: u64,
    /// Bytes in the log after its snapshot (or genesis), and the snapshot's own size.
    bytes_since_snapshot: u64,
    snapshot_size: u64,
}

pub struct EngineConfig<'a> {
    /// None keeps everything in memory.
    pub data_dir: Option<&'a Path>,
    /// For a new data directory: its seed, and a fixed clock. An existing one keeps its own.
    pub seed: Option<u64>,
    /// Quotas for new requests (never for replay).
    pub limits: Limits,
    /// Never compact a log smaller than this many bytes; 0 never compacts.
    pub compact_floor: u64,
}

/// What to tell an operator whose log cannot be read: where, and the way forward.
fn way_forward(path: &Path) -> String {
    let dir = path.parent().unwrap_or(Path::new("."));
    format!(
        "Nothing was changed: the log is byte for byte as it was. To see what can be recovered, \
         run `ramparts fsck --data-dir {dir}`; to start again from the intact records before the \
         damage, keeping the damaged log beside them, run `ramparts fsck --data-dir {dir} \
         --salvage`.",
        dir = dir.display()
    )
}

fn through(last_seq: &Option<u64>) -> String {
    match last_seq {
        Some(n) => format!("through sequence number {n} (the last good one)"),
        None => "but hold no readable record".into(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(StoreError),
    /// Damage a crash could not have left: see `store`'s framing.
    #[error(
        "{} is damaged at byte {at} of {file_len}: {reason}. The {before} records before it are \
         intact, {}. {}",
        path.display(), through(last_seq), way_forward(path)
    )]
    Damaged {
        path: PathBuf,
        at: u64,
        file_len: u64,
        reason: String,
        before: usize,
        last_seq: Option<u64>,
    },
    /// An intact record that does not read or replay.
    #[error(
        "{}: record {index} (at byte {at}) cannot be replayed: {error}. The records before it \
         are intact, {}. {}",
        path.display(), through(last_seq), way_forward(path)
    )]
    Unreadable {
        path: PathBuf,
        index: usize,
        at: u64,
        last_seq: Option<u64>,
        error: String,
    },
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> EngineError {
        match e {
            StoreError::Damaged(found) => EngineError::damaged(*found),
            e => EngineError::Store(e),
        }
    }
}

impl EngineError {
    fn damaged(found: Inspection) -> EngineError {
        let (at, reason) = match found.end {
            store::End::Damaged { at, reason, .. } => (at, reason),
            _ => (found.file_len, "unknown damage".into()),
        };
        EngineError::Damaged {
            at,
            reason,
            before: found.records.len(),
            last_seq: last_seq(&found.records, found.records.len()),
            file_len: found.file_len,
            path: found.path,
        }
    }
}

/// The sequence number the first `n` records stand for.
pub(crate) fn last_seq(records: &Records, n: usize) -> Option<u64> {
    let bytes = records.iter().take(n).last()?;
    match serde_json::from_slice(bytes).ok()? {
        RecordSeq::Genesis { seq } => Some(seq.unwrap_or(0)),
        RecordSeq::Command { seq } | RecordSeq::Snapshot { seq } => Some(seq),
    }
}

/// The cloud a log's records stand for.
pub(crate) struct Replayed {
    pub cloud: Cloud,
    pub seq: u64,
    pub seed: Option<u64>,
    pub clock: Option<Clock>,
    bytes_since_snapshot: u64,
    snapshot_size: u64,
}

/// The first record that would not replay.
#[derive(Debug)]
pub(crate) struct ReplayFailure {
    pub index: usize,
    pub at: u64,
    pub error: String,
}

/// Apply every record as it was applied when it was accepted: quotas and other settings of the
/// process played their part then and play none now ([`Limits::unbounded`]).
pub(crate) fn replay(records: &Records) -> Result<Replayed, ReplayFailure> {
    let replaying = || {
        let mut cloud = Cloud::new(Limits::unbounded());
        cloud.replaying = true;
        cloud
    };
    let mut r = Replayed {
        cloud: replaying(),
        seq: 0,
        seed: None,
        clock: None,
        bytes_since_snapshot: 0,
        snapshot_size: 0,
    };
    for (index, (at, bytes)) in records.iter_at().enumerate() {
        let fail = |error: String| ReplayFailure { index, at, error };
        let record: Record = serde_json::from_slice(bytes).map_err(|e| fail(e.to_string()))?;
        r.bytes_since_snapshot += bytes.len() as u64;
        match record {
            Record::Genesis { format, .. } | Record::Snapshot { format, .. } if format > FORMAT => {
                return Err(fail(format!(
                    "format {format} is newer than this ramparts reads ({FORMAT})"
                )));
            }
            // A later genesis is a reset: everything before it is forgotten.
            Record::Genesis {
                seed, seq, clock, ..
            } => {
                r.seed = Some(seed);
                r.seq = seq.unwrap_or(r.seq);
                r.clock = clock.or(r.clock);
                r.cloud = replaying();
            }
            Record::Snapshot {
                seed,
                seq,
                clock,
                cloud,
                ..
            } => {
                r.seed = Some(seed);
                r.seq = seq;
                r.clock = clock.or(r.clock);
                r.cloud = cloud.restored(Limits::unbounded());
                r.cloud.replaying = true;
                r.snapshot_size = std::mem::take(&mut r.bytes_since_snapshot);
            }
            Record::Command { seq, envelope } => {
                let seed = r
                    .seed
                    .ok_or_else(|| fail("a command before the genesis".into()))?;
                r.cloud
                    .execute(&envelope, &mut Ids::new(seed, seq))
                    .map_err(|e| fail(format!("command {seq} is refused: {e}")))?;
                if let Some(Clock::Fixed { next }) = &mut r.clock {
                    *next = (*next).max(envelope.at + 1000);
                }
                r.seq = seq;
            }
        }
    }
    Ok(r)
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
        let replayed = replay(&records).map_err(|f| EngineError::Unreadable {
            path: store::log_path(config.data_dir.unwrap_or(Path::new("."))),
            index: f.index,
            at: f.at,
            last_seq: last_seq(&records, f.index),
            error: f.error,
        })?;
        let replayed_count = records.len();
        drop(records);
        let Replayed {
            mut cloud,
            seq,
            seed,
            clock,
            bytes_since_snapshot,
            snapshot_size,
        } = replayed;
        cloud.limits = config.limits.clone();
        cloud.replaying = false;
        let fresh_clock = || match config.seed {
            Some(_) => Clock::Fixed {
                next: FIXED_EPOCH_MS,
            },
            None => Clock::Wall,
        };
        let (seed, clock) = match seed {
            Some(s) => {
                if config.seed.is_some_and(|wanted| wanted != s) {
                    tracing::warn!(
                        stored = s,
                        "the data directory has its own seed; --seed is ignored"
                    );
                }
                // Logs from before the clock was kept: --seed decides, as it did then.
                (s, clock.unwrap_or_else(fresh_clock))
            }
            None => {
                let s = config.seed.unwrap_or_else(rand::random);
                let clock = fresh_clock();
                let genesis = RecordOut::Genesis {
                    seed: s,
                    format: FORMAT,
                    seq: 0,
                    clock,
                }
                .bytes();
                // Written whole before it becomes the log, like a snapshot: a log's first
                // record is never torn. The first command's ticket waits for it.
                drop(log.compact(genesis));
                (s, clock)
            }
        };
        tracing::info!(store = %log.describe(), replayed = replayed_count, seq, "state loaded");
        Ok(Engine {
            state: RwLock::new(State {
                cloud,
                seq,
                version: 0,
                bytes_since_snapshot,
                snapshot_size,
            }),
            log,
            seed,
            started: std::time::Instant::now(),
            fixed_clock: match clock {
                Clock::Fixed { next } => Some(AtomicU64::new(next as u64)),
                Clock::Wall => None,
            },
            // A memory-only log has nothing to shorten.
            compact_floor: if config.data_dir.is_some() {
                config.compact_floor
            } else {
                0
            },
        })
    }

    /// The settings kept in the state (see [`StoredSettings`]).
    pub fn stored_settings(&self) -> StoredSettings {
        StoredSettings {
            format: FORMAT,
            seed: self.seed,
            clock: match self.fixed_clock {
                Some(_) => "fixed",
                None => "wall",
            },
            seq: self.state.read().seq,
        }
    }

    /// The quotas in force for new requests, and the size at which the log compacts itself.
    pub fn limits(&self) -> Limits {
        self.read(|c| c.limits.clone())
    }

    pub fn compact_floor(&self) -> u64 {
        self.compact_floor
    }

    fn clock(&self) -> Clock {
        match &self.fixed_clock {
            Some(c) => Clock::Fixed {
                next: c.load(Ordering::Relaxed) as i64,
            },
            None => Clock::Wall,
        }
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

    /// Read with the state's version: what is derived from the state may be kept until the
    /// version moves.
    pub fn read_versioned<T>(&self, f: impl FnOnce(&Cloud, u64) -> T) -> T {
        let state = self.state.read();
        f(&state.cloud, state.version)
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
        // Moved before the command runs, refused or not: nothing it changes is ever read
        // under the old version.
        state.version += 1;
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
            clock: self.clock(),
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
        state.version += 1;
        state.bytes_since_snapshot = 0;
        state.snapshot_size = 0;
        self.log.compact(
            RecordOut::Genesis {
                seed: self.seed,
                format: FORMAT,
                seq: state.seq,
                clock: self.clock(),
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
                clock: Clock::Fixed { next: 77 },
            },
            RecordOut::Command {
                seq: 5,
                envelope: &envelope,
            },
            RecordOut::Snapshot {
                seed: 9,
                format: FORMAT,
                seq: 5,
                clock: Clock::Wall,
                cloud: &cloud,
            },
        ];
        for out in written {
            let read: Record = serde_json::from_slice(&out.bytes()).expect("reads back");
            match (out, read) {
                (
                    RecordOut::Genesis {
                        seed,
                        format,
                        seq,
                        clock,
                    },
                    Record::Genesis {
                        seed: s,
                        format: f,
                        seq: n,
                        clock: c,
                    },
                ) => assert_eq!((seed, format, Some(seq), Some(clock)), (s, f, n, c)),
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
                    RecordOut::Snapshot {
                        seed, seq, clock, ..
                    },
                    Record::Snapshot {
                        seed: s,
                        seq: n,
                        clock: c,
                        ..
                    },
                ) => assert_eq!((seed, seq, Some(clock)), (s, n, c)),
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
        assert!(matches!(
            refused,
            Err(EngineError::Unreadable { index: 0, .. })
        ));
    }

    fn open_with(dir: &Path, limits: Limits, seed: Option<u64>) -> Result<Engine, EngineError> {
        Engine::open(EngineConfig {
            data_dir: Some(dir),
            seed,
            limits,
            compact_floor: 0,
        })
    }

    fn counts(engine: &Engine) -> (usize, usize) {
        engine.read(|c| {
            let scope = c.scope("111111111111", "us-east-1").expect("opened");
            (scope.vpcs.len(), scope.groups.len())
        })
    }

    fn create(engine: &Engine, command: Command) -> Result<Ticket, cloud::Error> {
        engine
            .write("111111111111", "us-east-1", command, |_, _| ())
            .map(|(_, t)| t)
    }

    fn group(n: usize) -> Command {
        Command::CreateSecurityGroup {
            name: format!("g{n}"),
            description: "d".into(),
            vpc_id: None,
            tags: Vec::new(),
        }
    }

    fn vpc(n: usize) -> Command {
        Command::CreateVpc {
            cidr: format!("10.{n}.0.0/16").parse().unwrap(),
            instance_tenancy: None,
            tags: Vec::new(),
            amazon_ipv6: false,
        }
    }

    #[tokio::test]
    async fn what_a_raised_quota_admitted_survives_a_restart_under_a_lower_one() {
        for through_snapshot in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let raised = Limits {
                vpcs_per_region: 8,
                groups_per_region: 40,
                ..Limits::default()
            };
            let engine = open_with(dir.path(), raised, None).unwrap();
            engine
                .open_region("111111111111", "us-east-1")
                .unwrap()
                .durable()
                .await
                .unwrap();
            for n in 1..8 {
                create(&engine, vpc(n)).unwrap();
            }
            for n in 8..40 {
                create(&engine, group(n)).unwrap();
            }
            let last = create(&engine, group(40)).unwrap_err();
            assert_eq!(last.code, "SecurityGroupLimitExceeded");
            if through_snapshot {
                engine.snapshot().1.durable().await.unwrap();
            } else {
                create(&engine, Command::OpenRegion)
                    .unwrap()
                    .durable()
                    .await
                    .unwrap();
            }
            let before = state_of(&engine);
            drop(engine);

            let lower = Limits {
                vpcs_per_region: 5,
                groups_per_region: 10,
                ..Limits::default()
            };
            let engine = open_with(dir.path(), lower, None).expect("the log replays");
            assert_eq!(state_of(&engine), before, "snapshot: {through_snapshot}");
            assert_eq!(counts(&engine), (8, 40));
            let refused = create(&engine, group(41)).unwrap_err();
            assert_eq!(refused.code, "SecurityGroupLimitExceeded");
            let refused = create(&engine, vpc(9)).unwrap_err();
            assert_eq!(refused.code, "VpcLimitExceeded");
        }
    }

    #[tokio::test]
    async fn a_fixed_clock_goes_on_across_restarts_and_is_kept_without_the_flag() {
        let dir = tempfile::tempdir().unwrap();
        let engine = open_with(dir.path(), Limits::default(), Some(5)).unwrap();
        open_regions(&engine, 1..3).await;
        let settings = engine.stored_settings();
        assert_eq!((settings.seed, settings.clock), (5, "fixed"));
        let next = engine.time();
        assert!(next > FIXED_EPOCH_MS);
        drop(engine);
        // Restarted without --seed: the directory keeps its seed and its clock.
        let engine = open_with(dir.path(), Limits::default(), None).unwrap();
        assert_eq!(engine.stored_settings(), settings);
        assert_eq!(
            engine.time(),
            next,
            "the clock goes on from the last command"
        );
        engine.snapshot().1.durable().await.unwrap();
        drop(engine);
        let engine = open_with(dir.path(), Limits::default(), Some(99)).unwrap();
        assert_eq!(engine.stored_settings(), settings, "--seed is ignored");
        assert_eq!(engine.time(), next, "a snapshot keeps the clock");
    }

    #[tokio::test]
    async fn damage_in_the_log_stops_the_start_and_names_the_way_forward() {
        let dir = tempfile::tempdir().unwrap();
        let engine = open(dir.path(), 0);
        open_regions(&engine, 1..10).await;
        drop(engine);
        let path = dir.path().join("commands.log");
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x20;
        std::fs::write(&path, &bytes).unwrap();
        let err = open_with(dir.path(), Limits::default(), None)
            .err()
            .expect("refused");
        let message = err.to_string();
        let EngineError::Damaged {
            at: found,
            last_seq,
            before,
            ..
        } = err
        else {
            panic!("{message}")
        };
        assert!(found as usize <= at && before > 1 && last_seq == Some(before as u64 - 1));
        for part in [
            path.display().to_string(),
            format!("byte {found}"),
            format!("sequence number {}", before - 1),
            "fsck".into(),
            "--salvage".into(),
        ] {
            assert!(message.contains(&part), "{part:?} is not in: {message}");
        }
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }
}
