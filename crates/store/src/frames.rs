//! The log's framing, and how a damaged log is told apart from one whose last write was torn.
//!
//! Frame: `len: u32 LE | crc32(payload): u32 LE | payload`, with `len ≥ 1`.
//!
//! A crash can only tear the write that was under way: everything before it was synced. So a
//! damaged frame is a torn tail only if nothing intact follows it and it lies within what one
//! write can hold. Anything else is corruption, which the log never repairs by itself: cutting
//! it off would delete records that were acknowledged.

use std::ops::Range;

pub(crate) const HEADER: usize = 8;

/// The most bytes one write between two syncs holds, unless it is a single larger record
/// (written alone). A torn tail is never longer than that.
pub const MAX_UNSYNCED: usize = 1 << 20;

pub(crate) fn frame(out: &mut Vec<u8>, record: &[u8]) {
    out.extend_from_slice(&(record.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(record).to_le_bytes());
    out.extend_from_slice(record);
}

/// How a log ends after its intact prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// Every byte belongs to an intact frame.
    Clean,
    /// The last write was cut short by a crash: the bytes from `at` on were never acknowledged.
    Torn { at: u64 },
    /// A frame that was once written whole is damaged: corruption, not a crash.
    Damaged {
        at: u64,
        reason: String,
        /// Intact frames found after the damage (records that cutting at `at` would lose).
        later: usize,
    },
}

pub(crate) struct Scan {
    /// Payloads of the intact prefix.
    pub frames: Vec<Range<usize>>,
    pub end: End,
}

/// The end of the intact frame at `at`, if one is there.
fn frame_at(bytes: &[u8], at: usize) -> Option<usize> {
    let rest = bytes.len().checked_sub(at)?;
    if rest < HEADER {
        return None;
    }
    let len = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
    let crc = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().expect("4 bytes"));
    if len == 0 || rest - HEADER < len {
        return None;
    }
    let payload = &bytes[at + HEADER..at + HEADER + len];
    (crc32fast::hash(payload) == crc).then_some(at + HEADER + len)
}

/// Why the frame at `at` is not intact.
fn fault(bytes: &[u8], at: usize) -> String {
    let rest = bytes.len() - at;
    if rest < HEADER {
        return format!("the file ends {rest} bytes into a frame header");
    }
    let len = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
    if len == 0 {
        "a frame of length zero (never written by ramparts)".into()
    } else if rest - HEADER < len {
        format!(
            "the frame there says it holds {len} bytes, but only {} follow",
            rest - HEADER
        )
    } else {
        format!("the checksum of the {len}-byte record there does not match its contents")
    }
}

/// Intact frames from `from` on, resynchronising after every damaged stretch.
fn intact_after(bytes: &[u8], from: usize) -> usize {
    let mut count = 0;
    let mut at = from;
    while at + HEADER <= bytes.len() {
        match frame_at(bytes, at) {
            Some(end) => {
                count += 1;
                at = end;
            }
            None => at += 1,
        }
    }
    count
}

pub(crate) fn scan(bytes: &[u8]) -> Scan {
    let mut frames = Vec::new();
    let mut at = 0;
    while let Some(end) = frame_at(bytes, at) {
        frames.push(at + HEADER..end);
        at = end;
    }
    if at == bytes.len() {
        return Scan {
            frames,
            end: End::Clean,
        };
    }
    let reason = fault(bytes, at);
    let later = intact_after(bytes, at + 1);
    let tail = bytes.len() - at;
    let declared = bytes
        .get(at..at + 4)
        .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize)
        .unwrap_or(0);
    let damaged = |why: &str| End::Damaged {
        at: at as u64,
        reason: format!("{reason}; {why}"),
        later,
    };
    let end = if at == 0 {
        // The first record (a genesis or a snapshot) is synced before the log is renamed into
        // place, so no crash can leave it half written.
        damaged("the first record of a log is never torn by a crash")
    } else if later > 0 {
        damaged(&format!("{later} intact records follow it"))
    } else if tail > MAX_UNSYNCED.max(declared.saturating_add(HEADER)) {
        damaged(&format!(
            "the {tail} bytes from there on are more than one write could have left"
        ))
    } else {
        End::Torn { at: at as u64 }
    };
    Scan { frames, end }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(records: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for r in records {
            frame(&mut out, r);
        }
        out
    }

    fn starts(bytes: &[u8]) -> Vec<usize> {
        scan(bytes)
            .frames
            .iter()
            .map(|r| r.start - HEADER)
            .collect()
    }

    #[test]
    fn a_clean_log_reads_whole() {
        let bytes = log(&[b"one", b"two", b"three"]);
        let s = scan(&bytes);
        assert_eq!(s.frames.len(), 3);
        assert_eq!(s.end, End::Clean);
    }

    #[test]
    fn a_log_cut_anywhere_inside_its_last_write_is_torn_there() {
        let records: Vec<Vec<u8>> = (0..20)
            .map(|i| format!("record {i}").into_bytes())
            .collect();
        let refs: Vec<&[u8]> = records.iter().map(Vec::as_slice).collect();
        let whole = log(&refs);
        // The last write held the last five records.
        let last_write = starts(&whole)[15];
        for cut in last_write + 1..whole.len() {
            let s = scan(&whole[..cut]);
            let kept = s.frames.last().map_or(0, |r| r.end);
            let expected = if kept == cut {
                End::Clean // a cut between two records
            } else {
                End::Torn { at: kept as u64 }
            };
            assert_eq!(s.end, expected, "cut at {cut}");
            assert!(kept >= last_write && kept <= cut);
        }
    }

    #[test]
    fn one_flipped_byte_before_the_last_record_is_damage() {
        let records: Vec<Vec<u8>> = (0..10)
            .map(|i| format!("record {i}").into_bytes())
            .collect();
        let refs: Vec<&[u8]> = records.iter().map(Vec::as_slice).collect();
        let whole = log(&refs);
        let starts = starts(&whole);
        let last = *starts.last().unwrap();
        for at in 0..last {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut bytes = whole.clone();
                bytes[at] ^= flip;
                let s = scan(&bytes);
                let record = starts.iter().rposition(|&s| s <= at).unwrap();
                match s.end {
                    End::Damaged { at: d, later, .. } => {
                        assert_eq!(d as usize, starts[record], "byte {at}");
                        assert_eq!(s.frames.len(), record);
                        assert!(later >= 1, "byte {at}: the records after it are counted");
                    }
                    other => panic!("byte {at} ^ {flip:#x}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn damage_in_the_first_record_is_never_a_torn_tail() {
        let whole = log(&[b"snapshot of everything"]);
        let mut bytes = whole.clone();
        bytes[12] ^= 0x10;
        assert!(matches!(scan(&bytes).end, End::Damaged { at: 0, .. }));
        assert!(matches!(
            scan(&whole[..whole.len() - 1]).end,
            End::Damaged { at: 0, .. }
        ));
    }

    #[test]
    fn zeros_where_records_were_are_damage_when_longer_than_a_write() {
        let mut bytes = log(&[b"genesis"]);
        let intact = bytes.len();
        bytes.extend(std::iter::repeat_n(0u8, MAX_UNSYNCED + 1));
        let s = scan(&bytes);
        assert!(matches!(s.end, End::Damaged { at, later: 0, .. } if at as usize == intact));
        bytes.truncate(intact + 4096);
        assert_eq!(scan(&bytes).end, End::Torn { at: intact as u64 });
    }

    #[test]
    fn a_zero_length_frame_is_not_a_record() {
        let mut bytes = log(&[b"genesis"]);
        bytes.extend_from_slice(&[0; HEADER]);
        let s = scan(&bytes);
        assert_eq!(s.frames.len(), 1);
        assert!(matches!(s.end, End::Torn { .. }));
    }
}
