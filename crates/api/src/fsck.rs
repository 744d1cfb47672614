//! `ramparts fsck`: what a data directory's log holds, and the operator's way past damage.
//!
//! A check reads the log without changing it and replays every intact record in memory, the
//! way a start would. A salvage is asked for explicitly: the damaged log is kept beside the
//! new one byte for byte, and the new one holds every record before the first that cannot be
//! read or replayed.

use crate::engine::{last_seq, replay, EngineError};
use std::path::{Path, PathBuf};

/// What is wrong with a log, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A crash tore the last write: the next start cuts it off (nothing of it was acknowledged).
    TornTail { at: u64, bytes: u64 },
    /// Damage a crash cannot leave; `later` intact records follow it.
    Damaged {
        at: u64,
        reason: String,
        later: usize,
    },
    /// An intact record that does not read or replay; `later` records follow it.
    Unreadable {
        index: usize,
        at: u64,
        error: String,
        later: usize,
    },
}

#[derive(Debug)]
pub struct Report {
    pub path: PathBuf,
    pub file_len: u64,
    /// Records that read and replay, from the start of the log.
    pub good: usize,
    pub last_seq: Option<u64>,
    pub problem: Option<Problem>,
}

impl Report {
    /// Whether a start would refuse this log.
    pub fn blocks_start(&self) -> bool {
        matches!(
            self.problem,
            Some(Problem::Damaged { .. } | Problem::Unreadable { .. })
        )
    }

    /// Records a salvage would leave behind: the damaged or unreadable one and every intact
    /// one after it.
    pub fn lost(&self) -> usize {
        match &self.problem {
            Some(Problem::Damaged { later, .. } | Problem::Unreadable { later, .. }) => later + 1,
            _ => 0,
        }
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}: {} bytes", self.path.display(), self.file_len)?;
        let through = match self.last_seq {
            Some(n) => format!(", through sequence number {n}"),
            None => String::new(),
        };
        writeln!(f, "{} records read and replay{through}", self.good)?;
        match &self.problem {
            None => writeln!(f, "no damage"),
            Some(Problem::TornTail { at, bytes }) => writeln!(
                f,
                "a torn last write: {bytes} bytes from byte {at} on (never acknowledged; the \
                 next start cuts them off)"
            ),
            Some(Problem::Damaged { at, reason, .. }) => {
                writeln!(f, "damaged at byte {at}: {reason}")
            }
            Some(Problem::Unreadable {
                index, at, error, ..
            }) => writeln!(f, "record {index} at byte {at} cannot be replayed: {error}"),
        }
    }
}

/// Read a data directory's log and replay it in memory; changes nothing.
pub fn check(dir: &Path) -> Result<Report, EngineError> {
    let inspection = store::inspect(dir).map_err(EngineError::Store)?;
    let records = &inspection.records;
    let mut problem = match inspection.end {
        store::End::Clean => None,
        store::End::Torn { at } => Some(Problem::TornTail {
            at,
            bytes: inspection.file_len - at,
        }),
        store::End::Damaged { at, reason, later } => Some(Problem::Damaged { at, reason, later }),
    };
    let good = match replay(records) {
        Ok(_) => records.len(),
        Err(failure) => {
            let later_frames = match &problem {
                Some(Problem::Damaged { later, .. }) => *later,
                _ => 0,
            };
            problem = Some(Problem::Unreadable {
                index: failure.index,
                at: failure.at,
                error: failure.error,
                later: records.len() - failure.index - 1 + later_frames,
            });
            failure.index
        }
    };
    Ok(Report {
        last_seq: last_seq(records, good),
        path: inspection.path,
        file_len: inspection.file_len,
        good,
        problem,
    })
}

/// What a salvage did.
#[derive(Debug)]
pub struct Salvage {
    pub before: Report,
    pub kept_as: PathBuf,
    pub bytes_dropped: u64,
}

/// Keep every record before the first damaged or unreplayable one as the log, and the whole
/// damaged log beside it. Refused when nothing blocks a start.
pub fn salvage(dir: &Path) -> Result<Salvage, String> {
    let before = check(dir).map_err(|e| e.to_string())?;
    if !before.blocks_start() {
        return Err(format!(
            "nothing to salvage: {} starts as it is",
            before.path.display()
        ));
    }
    let done = store::salvage(dir, before.good).map_err(|e| e.to_string())?;
    Ok(Salvage {
        before,
        kept_as: done.kept_as,
        bytes_dropped: done.bytes_dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Engine, EngineConfig};
    use cloud::Limits;

    async fn a_log_of_regions(dir: &Path, accounts: u64) {
        let engine = Engine::open(EngineConfig {
            data_dir: Some(dir),
            seed: Some(1),
            limits: Limits::default(),
            compact_floor: 0,
        })
        .unwrap();
        for a in 1..=accounts {
            if let Some(t) = engine.open_region(&format!("{a:012}"), "us-east-1") {
                t.durable().await.unwrap();
            }
        }
    }

    fn open(dir: &Path) -> Result<Engine, EngineError> {
        Engine::open(EngineConfig {
            data_dir: Some(dir),
            seed: None,
            limits: Limits::default(),
            compact_floor: 0,
        })
    }

    #[tokio::test]
    async fn a_healthy_log_checks_clean_and_is_not_salvaged() {
        let dir = tempfile::tempdir().unwrap();
        a_log_of_regions(dir.path(), 5).await;
        let report = check(dir.path()).unwrap();
        assert_eq!(
            (report.good, report.last_seq, report.problem.clone()),
            (6, Some(5), None)
        );
        assert!(salvage(dir.path()).is_err());
    }

    #[tokio::test]
    async fn salvage_keeps_the_intact_prefix_and_the_damaged_log() {
        let dir = tempfile::tempdir().unwrap();
        a_log_of_regions(dir.path(), 9).await;
        let path = dir.path().join("commands.log");
        let mut bytes = std::fs::read(&path).unwrap();
        let third = bytes.len() / 3;
        bytes[third] ^= 0x04;
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(open(dir.path()), Err(EngineError::Damaged { .. })));

        let report = check(dir.path()).unwrap();
        assert!(report.blocks_start());
        assert_eq!(report.good + report.lost(), 10, "{report}");
        let done = salvage(dir.path()).unwrap();
        assert_eq!(std::fs::read(&done.kept_as).unwrap(), bytes);
        let engine = open(dir.path()).expect("the salvaged log opens");
        assert_eq!(
            engine.stored_settings().seq,
            report.last_seq.unwrap(),
            "it holds what came before the damage"
        );
    }

    #[tokio::test]
    async fn a_record_that_does_not_replay_is_where_a_salvage_cuts() {
        let dir = tempfile::tempdir().unwrap();
        a_log_of_regions(dir.path(), 3).await;
        {
            let (log, _) = store::FileLog::open(dir.path()).unwrap();
            use store::CommandLog;
            log.append(br#"{"Command":{"seq":4,"envelope":"not an envelope"}}"#.to_vec())
                .durable()
                .await
                .unwrap();
        }
        let Err(refused) = open(dir.path()) else {
            panic!("an unreadable record was skipped")
        };
        assert!(matches!(refused, EngineError::Unreadable { index: 4, .. }));
        let report = check(dir.path()).unwrap();
        assert!(matches!(
            report.problem,
            Some(Problem::Unreadable {
                index: 4,
                later: 0,
                ..
            })
        ));
        salvage(dir.path()).unwrap();
        assert_eq!(open(dir.path()).unwrap().stored_settings().seq, 3);
    }
}
