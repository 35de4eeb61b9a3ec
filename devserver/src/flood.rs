//! The flood fault (`/api/fault/flood`): a hostile server burying a client
//! in frames, to show that the client's memory stays bounded. Each kind is
//! one way a peer can try to grow the client's queues.

/// What to flood a user with; `count` is the number of frames or pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flood {
    /// Stored-message frames of the protocol's maximum size (GoBelieve: a
    /// MSG_IM whose body is one byte under the 32 KiB limit; MobileIMSDK:
    /// QoS data frames of exactly 64 KiB), each a new message.
    MaxFrames { count: usize },
    /// MobileIMSDK: one QoS data frame repeated with the same fingerprint.
    SameFingerprint { count: usize },
    /// MobileIMSDK: small QoS data frames, each with a new fingerprint.
    DistinctFingerprints { count: usize },
    /// GoBelieve: SYNC_BEGIN, then maximum-size messages, and no SYNC_END.
    SyncWithoutEnd { count: usize },
    /// GoBelieve: pages of `page` maximum-size messages, each closed by
    /// SYNC_END and followed by a SYNC_NOTIFY saying there is more.
    SyncAlwaysMore { count: usize, page: usize },
}

/// Most frames (or pages) one request may ask for: the frames are queued in
/// the server's memory at once.
pub const MAX_COUNT: usize = 1_000_000;

impl Flood {
    /// Parses `kind` (`max_frames`, `same_fp`, `distinct_fp`, `sync_open`,
    /// `sync_more`) with its count and page size.
    pub fn parse(kind: &str, count: usize, page: usize) -> Result<Flood, String> {
        if count > MAX_COUNT {
            return Err(format!("count is over {MAX_COUNT}"));
        }
        Ok(match kind {
            "max_frames" => Flood::MaxFrames { count },
            "same_fp" => Flood::SameFingerprint { count },
            "distinct_fp" => Flood::DistinctFingerprints { count },
            "sync_open" => Flood::SyncWithoutEnd { count },
            "sync_more" => Flood::SyncAlwaysMore { count, page },
            _ => {
                return Err(
                    "kind must be max_frames, same_fp, distinct_fp, sync_open or sync_more".into(),
                )
            }
        })
    }
}

/// `len` bytes of ASCII filler that starts with `tag` (so frames differ).
pub fn filler(tag: &str, len: usize) -> String {
    let mut s = String::with_capacity(len.max(tag.len()));
    s.push_str(tag);
    while s.len() < len {
        s.push('x');
    }
    s
}
