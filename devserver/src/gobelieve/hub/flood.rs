//! The flood fault on the GoBelieve side (see [`crate::flood`]).

use super::GobelieveHub;
use crate::flood::{filler, Flood};
use imsdk::core::gobelieve::codec::{Body, Im};
use imsdk::core::gobelieve::command::MAX_BODY_LEN;

/// Bytes of a MSG_IM body besides its content (sender, receiver, timestamp, msgid).
const IM_FIXED_BYTES: usize = 24;
/// Keys of flooded sync pages start here, above any key a test stores.
const FLOOD_KEY_BASE: i64 = 1 << 40;

impl GobelieveHub {
    /// Queues a flood to every connection of `uid` from sender `from`;
    /// returns (connections, frames queued to each).
    pub fn flood(&mut self, appid: i64, uid: i64, from: i64, flood: Flood) -> (usize, usize) {
        let conns = self.conns_of(appid, uid);
        let mut frames = 0;
        for &c in &conns {
            frames = 0;
            let im = |hub: &mut GobelieveHub, n: usize| {
                // One byte under the body limit, the largest body a peer may send.
                let content = filler(&format!("flood {n} "), MAX_BODY_LEN - 1 - IM_FIXED_BYTES);
                let body = Body::Im(Im {
                    sender: from,
                    receiver: uid,
                    timestamp: super::now_secs(),
                    msgid: n as i32,
                    content,
                });
                hub.send(c, 0, body);
            };
            match flood {
                Flood::MaxFrames { count } => {
                    for n in 0..count {
                        im(self, n);
                    }
                    frames = count;
                }
                Flood::SyncWithoutEnd { count } => {
                    self.send(
                        c,
                        0,
                        Body::SyncBegin {
                            sync_key: FLOOD_KEY_BASE,
                        },
                    );
                    for n in 0..count {
                        im(self, n);
                    }
                    frames = count + 1;
                }
                Flood::SyncAlwaysMore { count, page } => {
                    let mut key = FLOOD_KEY_BASE;
                    for p in 0..count {
                        self.send(c, 0, Body::SyncBegin { sync_key: key });
                        for n in 0..page {
                            im(self, p * page + n);
                        }
                        key += page as i64;
                        self.send(c, 0, Body::SyncEnd { sync_key: key });
                        self.send(c, 0, Body::SyncNotify { sync_key: key + 1 });
                    }
                    frames = count * (page + 3);
                }
                Flood::SameFingerprint { .. } | Flood::DistinctFingerprints { .. } => {}
            }
        }
        (conns.len(), frames)
    }
}
