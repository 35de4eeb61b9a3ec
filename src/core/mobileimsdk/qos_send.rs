//! QoS4SendDaemon: QoS messages wait here for their ACK. Every check period
//! each one is either reported lost (after the maximum resends), skipped
//! (sent "just now") or resent identically (same fp). The put time is not
//! refreshed, so after the first resend a message is resent on every check.
//! Each message leaves exactly once: acknowledged, lost, or taken back by
//! [`QosSend::take_all`] to be reported lost by the client.
//!
//! A check that runs late (see [`crate::core::late`]) reports nothing lost: the
//! ACK of the last resend may be queued behind the timer. Such a message
//! gets one more on-time check before its verdict.

use super::protocal::Protocal;
use crate::core::hash::HashKeys;
use crate::core::late::woke_late;
use crate::core::outbox::{InsertError, Outbox};
use alloc::string::String;
use alloc::vec::Vec;

/// What one check decided.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct QosCheck {
    /// Write these again now (the retry is already counted).
    pub resend: Vec<Protocal>,
    /// Report these lost (already removed).
    pub lost: Vec<Protocal>,
}

/// One message waiting for its ACK.
#[derive(Debug, Clone)]
struct Queued {
    packet: Protocal,
    /// Its verdict was put off once by a late check.
    deferred: bool,
}

/// The QoS send queue and its check timer.
#[derive(Debug, Clone)]
pub struct QosSend {
    capacity: usize,
    queue: Outbox<String, Queued>,
    check_ms: u64,
    just_now_ms: u64,
    max_resends: u32,
    /// The next check; `None` when stopped.
    next_check: Option<u64>,
}

impl QosSend {
    /// A stopped daemon with an empty queue holding at most `capacity`
    /// messages (`Config::max_pending`).
    pub fn new(
        check_ms: u64,
        just_now_ms: u64,
        max_resends: u32,
        capacity: usize,
        keys: HashKeys,
    ) -> Self {
        QosSend {
            capacity,
            queue: Outbox::new(capacity, keys),
            check_ms,
            just_now_ms,
            max_resends,
            next_check: None,
        }
    }

    /// Starts (or restarts) the checks; the first runs at once, as the
    /// official client does on every login success.
    pub fn start(&mut self, now: u64) {
        self.next_check = Some(now);
    }

    /// Stops the checks; queued messages stay queued.
    pub fn stop(&mut self) {
        self.next_check = None;
    }

    /// Removes every queued message, oldest first, for the caller to report
    /// lost (logout, kick-out, release: they will never be resent).
    pub fn take_all(&mut self) -> Vec<Protocal> {
        self.queue
            .drain()
            .into_iter()
            .map(|p| p.value.packet)
            .collect()
    }

    /// True when no further QoS message can be queued.
    pub fn is_full(&self) -> bool {
        self.queue.len() >= self.capacity
    }

    /// True while a message with this fingerprint waits for its ACK.
    pub fn is_pending(&self, fp: &str) -> bool {
        self.queue.contains(fp)
    }

    /// Queues a message that was just written; a fingerprint still pending
    /// is refused (two sends cannot share one outcome).
    pub fn insert(&mut self, fp: String, packet: Protocal, now: u64) -> Result<(), InsertError> {
        // A long-idle timer would fire at once; the new message is "just
        // now" anyway, so re-phase the checks from here.
        if self.queue.is_empty() {
            if let Some(at) = self.next_check {
                if at < now {
                    self.next_check = Some(now.saturating_add(self.check_ms));
                }
            }
        }
        let queued = Queued {
            packet,
            deferred: false,
        };
        self.queue.insert(fp, queued, now)
    }

    /// An ACK for `fp` arrived; true when it was waiting (and now leaves).
    pub fn acknowledge(&mut self, fp: &str) -> bool {
        self.queue.remove(fp).is_some()
    }

    /// Number of messages waiting for an ACK.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// True when no message waits for an ACK.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Runs the check when it is due.
    pub fn poll(&mut self, now: u64) -> Option<QosCheck> {
        let at = self.next_check?;
        if now < at {
            return None;
        }
        let late = !self.queue.is_empty() && woke_late(at, now);
        self.next_check = Some(now.saturating_add(self.check_ms));
        let mut check = QosCheck::default();
        let max = self.max_resends;
        let mut lost_keys = Vec::new();
        for p in self.queue.iter_mut() {
            if p.resends < max {
                if now.saturating_sub(p.first_sent) > self.just_now_ms {
                    p.resends += 1;
                    check.resend.push(p.value.packet.clone());
                }
            } else if late && !p.value.deferred {
                p.value.deferred = true;
            } else {
                lost_keys.push(p.key.clone());
            }
        }
        for key in lost_keys {
            if let Some(p) = self.queue.remove(&key) {
                check.lost.push(p.value.packet);
            }
        }
        Some(check)
    }

    /// The next check, only while something waits (an idle queue needs no timer).
    pub fn next_deadline(&self) -> Option<u64> {
        if self.queue.is_empty() {
            None
        } else {
            self.next_check
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(fp: &str) -> Protocal {
        let mut p = Protocal::new(2, Some("x".into()), "1", "2");
        p.fp = Some(fp.into());
        p.qos = true;
        p
    }

    fn fps(list: &[Protocal]) -> Vec<&str> {
        list.iter().filter_map(|p| p.fp.as_deref()).collect()
    }

    #[test]
    fn official_schedule_resend_twice_then_lost() {
        let mut q = QosSend::new(5_000, 3_000, 2, 10, HashKeys::from_seed(1));
        q.start(0);
        assert_eq!(q.poll(0), Some(QosCheck::default()));
        q.insert("a".into(), msg("a"), 1_000).unwrap();
        assert_eq!(q.next_deadline(), Some(5_000));
        // 4 s old: "just now" (≤ 3 s)? No, 4 > 3: resend.
        let c = q.poll(5_000).unwrap();
        assert_eq!(fps(&c.resend), ["a"]);
        assert_eq!(c.resend[0], msg("a"), "identical packet");
        assert_eq!(fps(&q.poll(10_000).unwrap().resend), ["a"]);
        let c = q.poll(15_000).unwrap();
        assert!(c.resend.is_empty());
        assert_eq!(fps(&c.lost), ["a"]);
        assert!(q.is_empty());
        assert_eq!(q.next_deadline(), None);
    }

    #[test]
    fn just_now_messages_are_skipped() {
        let mut q = QosSend::new(5_000, 3_000, 2, 10, HashKeys::from_seed(1));
        q.start(0);
        q.poll(0);
        q.insert("a".into(), msg("a"), 2_000).unwrap();
        assert_eq!(
            q.poll(5_000),
            Some(QosCheck::default()),
            "3 s old is just now"
        );
        assert_eq!(fps(&q.poll(10_000).unwrap().resend), ["a"]);
    }

    #[test]
    fn acknowledged_messages_leave_once() {
        let mut q = QosSend::new(5_000, 3_000, 2, 10, HashKeys::from_seed(1));
        q.start(0);
        q.insert("a".into(), msg("a"), 0).unwrap();
        assert!(q.acknowledge("a"));
        assert!(!q.acknowledge("a"));
        assert_eq!(q.poll(100_000), Some(QosCheck::default()));
    }

    #[test]
    fn stopped_daemon_does_not_check_and_restarts_immediately() {
        let mut q = QosSend::new(5_000, 3_000, 2, 10, HashKeys::from_seed(1));
        q.insert("a".into(), msg("a"), 0).unwrap();
        assert_eq!(q.poll(50_000), None);
        q.start(60_000);
        assert_eq!(q.next_deadline(), Some(60_000));
        assert_eq!(fps(&q.poll(60_000).unwrap().resend), ["a"]);
        assert_eq!(q.take_all(), [msg("a")]);
        assert_eq!(q.next_deadline(), None);
    }

    #[test]
    fn an_idle_timer_is_rephased_on_insert() {
        let mut q = QosSend::new(5_000, 3_000, 2, 10, HashKeys::from_seed(1));
        q.start(0);
        q.insert("a".into(), msg("a"), 100_000).unwrap();
        assert_eq!(q.next_deadline(), Some(105_000));
    }

    #[test]
    fn a_pending_fingerprint_is_refused() {
        let mut q = QosSend::new(5_000, 3_000, 2, 10, HashKeys::from_seed(1));
        q.insert("a".into(), msg("a"), 0).unwrap();
        assert_eq!(
            q.insert("a".into(), msg("a"), 10),
            Err(InsertError::DuplicateKey)
        );
        assert!(q.is_pending("a"));
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn a_late_check_defers_the_verdict_once() {
        let mut q = QosSend::new(5_000, 3_000, 2, 10, HashKeys::from_seed(1));
        q.start(0);
        q.poll(0);
        q.insert("a".into(), msg("a"), 1_000).unwrap();
        assert_eq!(fps(&q.poll(5_000).unwrap().resend), ["a"]);
        assert_eq!(fps(&q.poll(10_000).unwrap().resend), ["a"]);
        // The tab slept 60 s: the ACK of the last resend may be queued.
        let c = q.poll(75_000).unwrap();
        assert!(c.lost.is_empty() && c.resend.is_empty(), "{c:?}");
        assert!(q.acknowledge("a"), "still waiting for its ACK");

        // Without an ACK, the next on-time check reports it; a second late
        // check does too (the verdict is put off only once).
        for next in [80_000, 200_000] {
            let mut q = QosSend::new(5_000, 3_000, 2, 10, HashKeys::from_seed(1));
            q.start(0);
            q.insert("a".into(), msg("a"), 0).unwrap();
            q.poll(5_000);
            q.poll(10_000);
            assert!(q.poll(75_000).unwrap().lost.is_empty());
            assert_eq!(fps(&q.poll(next).unwrap().lost), ["a"]);
        }
    }

    /// Queue slots visited per send for `n` in flight, the next deadline
    /// read after each send as the client does.
    fn work_per_send(n: usize) -> f64 {
        let mut q = QosSend::new(5_000, 3_000, 2, n, HashKeys::from_seed(1));
        q.start(0);
        for i in 0..n {
            let fp = format!("fp{i}");
            q.insert(fp.clone(), msg(&fp), 1).unwrap();
            assert!(q.next_deadline().is_some());
        }
        assert!(q.is_full());
        q.queue.work() as f64 / n as f64
    }

    #[test]
    fn a_send_costs_the_same_with_100_000_in_flight_as_with_10() {
        let (small, large) = (work_per_send(10), work_per_send(100_000));
        assert!(large <= small * 2.0 + 1.0, "{small} {large}");
    }
}
