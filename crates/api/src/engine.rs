//! The engine: the cloud behind a lock, the command log beside it.
//!
//! A write takes the lock, applies the command (which either fails without a trace or
//! succeeds), appends the command to the log while still holding the lock (so log order is
//! apply order), builds the response view, and releases the lock. The caller then waits for
//! the log's ticket before answering: nothing is acknowledged before it is durable.

use cloud::{Cloud, Command, Envelope, Ids, Limits, Outcome};
use parking_lot::RwLock;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use store::{CommandLog, FileLog, MemoryLog, StoreError, Ticket};

/// What the log holds: first the cloud's birth certificate, then commands in order.
#[derive(Debug, Serialize, Deserialize)]
enum Record {
    Genesis { seed: u64, format: u32 },
    Command { seq: u64, envelope: Box<Envelope> },
}

const FORMAT: u32 = 1;

pub struct Engine {
    state: RwLock<State>,
    log: Box<dyn CommandLog>,
    seed: u64,
    started: std::time::Instant,
    /// Fixed clock for reproducible runs (`--seed`): each command advances it by one second.
    fixed_clock: Option<AtomicU64>,
}

struct State {
    cloud: Cloud,
    seq: u64,
}

pub struct EngineConfig<'a> {
    /// None keeps everything in memory.
    pub data_dir: Option<&'a Path>,
    pub seed: Option<u64>,
    pub limits: Limits,
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
        let (log, records): (Box<dyn CommandLog>, Vec<Vec<u8>>) = match config.data_dir {
            Some(dir) => {
                let (log, records) = FileLog::open(dir)?;
                (Box::new(log), records)
            }
            None => (Box::new(MemoryLog), Vec::new()),
        };
        let mut cloud = Cloud::new(config.limits.clone());
        let mut seq = 0;
        let mut seed = None;
        for (i, bytes) in records.iter().enumerate() {
            let record: Record = serde_json::from_slice(bytes)
                .map_err(|e| EngineError::Corrupt(i, e.to_string()))?;
            match record {
                // A later genesis is a reset: everything before it is forgotten.
                Record::Genesis { seed: s, .. } => {
                    seed = Some(s);
                    cloud = Cloud::new(config.limits.clone());
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
                let genesis = serde_json::to_vec(&Record::Genesis {
                    seed: s,
                    format: FORMAT,
                })
                .expect("records serialise");
                // Durability of the genesis record is awaited by the first command's ticket,
                // which the writer only answers after everything before it is synced.
                drop(log.append(genesis));
                s
            }
        };
        tracing::info!(store = %log.describe(), replayed, "state loaded");
        Ok(Engine {
            state: RwLock::new(State { cloud, seq }),
            log,
            seed,
            started: std::time::Instant::now(),
            fixed_clock: config.seed.map(|_| AtomicU64::new(1_767_225_600_000)),
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
        let bytes = serde_json::to_vec(&Record::Command {
            seq,
            envelope: Box::new(envelope),
        })
        .expect("records serialise");
        let ticket = self.log.append(bytes);
        let out = view(&state.cloud, &outcome);
        Ok((out, ticket))
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

    /// Forget everything (POST /_ramparts/reset); the log is marked so replay forgets too.
    pub fn reset(&self) -> Ticket {
        let mut state = self.state.write();
        let limits = state.cloud.limits.clone();
        state.cloud = Cloud::new(limits);
        let bytes = serde_json::to_vec(&Record::Genesis {
            seed: self.seed,
            format: FORMAT,
        })
        .expect("records serialise");
        self.log.append(bytes)
    }
}
