//! The flood fault on the MobileIMSDK side (see [`crate::flood`]).

use super::{protocal::types, MobileimsdkHub, Protocal};
use crate::flood::{filler, Flood};

/// The largest text frame a MobileIMSDK peer may send (the official server's limit).
const MAX_FRAME_BYTES: usize = super::super::MAX_FRAME;

impl MobileimsdkHub {
    /// Queues a flood of server-originated QoS data frames from `from` to
    /// the current session of `uid`; returns the frames queued (0 when
    /// offline or for a GoBelieve-only kind).
    pub fn flood(&mut self, uid: &str, from: &str, flood: Flood) -> usize {
        let Some(&conn) = self.online.get(uid) else {
            return 0;
        };
        let packet = |fp: String, data: String| {
            let mut p = Protocal::server(types::COMMON_DATA, Some(data), from, uid);
            p.fp = Some(fp);
            p.qos = true;
            p
        };
        self.fp_counter += 1;
        let run = format!("flood-{}", self.fp_counter);
        let (count, frame) = match flood {
            Flood::MaxFrames { count } => (count, true),
            Flood::DistinctFingerprints { count } => (count, false),
            Flood::SameFingerprint { count } => {
                let p = packet(format!("{run}-same"), format!("{run} same"));
                for _ in 0..count {
                    self.write(conn, p.clone(), None);
                }
                return count;
            }
            Flood::SyncWithoutEnd { .. } | Flood::SyncAlwaysMore { .. } => return 0,
        };
        for n in 0..count {
            let fp = format!("{run}-{n}");
            let mut p = packet(fp, String::new());
            if frame {
                if self.server_timestamp {
                    p.sm = crate::clock::now_ms(); // as `write` will set it: same length
                }
                // Pad dataContent so the whole JSON frame is exactly the limit.
                let empty = p.to_json().len();
                p.data_content = Some(filler(&format!("{run} {n} "), MAX_FRAME_BYTES - empty));
            } else {
                p.data_content = Some(format!("{run} {n}"));
            }
            self.write(conn, p, None);
        }
        count
    }
}
