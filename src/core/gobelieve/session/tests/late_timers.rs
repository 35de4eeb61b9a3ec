//! Late timers are hints, not verdicts (issue 7 A5): a throttled tab or a
//! frozen mini-program keeps a healthy link and its in-flight ACKs, and a
//! dead link is still found soon after the wake-up.

use super::*;

/// How late every timer fires in a throttled background tab.
const LATE: u64 = 60_000;

impl Harness {
    /// Runs the next timer `late` ms after it was due.
    fn fire_late(&mut self, late: u64) {
        let at = self.s.poll_timeout().expect("a deadline is armed");
        let wait = at.saturating_sub(self.now) + late;
        self.jump(wait);
    }

    /// A live server: every PING written so far gets its PONG.
    fn answer_pings(&mut self) -> usize {
        let pings = self.bodies().iter().filter(|b| **b == Body::Ping).count();
        for _ in 0..pings {
            self.server(0, Body::Pong);
        }
        pings
    }
}

#[test]
fn a_throttled_tab_keeps_a_healthy_link_for_an_hour() {
    let mut h = Harness::connected(config());
    let conn = h.conn;
    let (start, mut pings) = (h.now, 0);
    while h.now - start < 3_600_000 {
        h.fire_late(LATE);
        pings += h.answer_pings();
    }
    assert_eq!(h.s.state(), ConnectState::Connected);
    assert_eq!((h.conn, h.closed.len()), (conn, 0));
    assert!(pings >= 14, "{pings} pings in an hour");
}

#[test]
fn a_throttled_tab_still_finds_a_dead_link_soon_after_the_wake_up() {
    let mut h = Harness::connected(config());
    // The link dies silently; the next timer fires a minute late.
    h.fire_late(LATE);
    let woke = h.now;
    assert_eq!(h.bodies(), [Body::Ping], "a probe at once");
    assert_eq!(h.s.state(), ConnectState::Connected);
    while h.closed.is_empty() {
        h.fire_late(LATE);
    }
    let found = h.now - woke;
    println!("dead link found {found} ms after the wake-up");
    assert!(found <= 180_000 + 3_000, "{found}");
}

#[test]
fn an_ack_queued_behind_a_frozen_timer_is_not_reported_failed() {
    let mut h = Harness::connected(config());
    let t = h.send_peer("in flight");
    let seq = h.last_seq();
    h.sent.clear();
    // Frozen for ten minutes; the ACK deadline check runs first on waking.
    h.jump(600_000);
    assert_eq!(h.bodies(), [Body::Ping], "probe instead of a verdict");
    assert_eq!(h.app_events(), []);
    // The frames that waited in the socket: the ACK, then the probe's PONG.
    h.server(0, ack(seq));
    h.server(0, Body::Pong);
    assert_eq!(h.app_events(), [Event::PeerAck(t)]);
    assert_eq!(h.s.state(), ConnectState::Connected);
    assert!(h.closed.is_empty());
}

#[test]
fn a_probe_answered_without_the_ack_settles_it_as_a_timeout_once() {
    let mut h = Harness::connected(config());
    let t = h.send_peer("muted");
    h.sent.clear();
    h.jump(600_000);
    assert_eq!(h.bodies(), [Body::Ping]);
    // The server answers in order: a PONG with no ACK before it means none comes.
    h.server(0, Body::Pong);
    assert_eq!(
        h.app_events(),
        [
            Event::PeerFailure {
                token: t,
                reason: FailReason::Timeout
            },
            Event::StateChanged(ConnectState::Unconnected),
            h.reconnect_in(),
        ]
    );
    h.jump(10_000);
    assert!(!h
        .app_events()
        .iter()
        .any(|e| matches!(e, Event::PeerFailure { .. })));
}

#[test]
fn an_on_time_ack_deadline_is_still_a_verdict() {
    let mut h = Harness::connected(config());
    let t = h.send_peer("lost");
    h.fire();
    assert!(h.app_events().contains(&Event::PeerFailure {
        token: t,
        reason: FailReason::Timeout
    }));
    assert_eq!(h.closed.len(), 1);
}

#[test]
fn a_frozen_process_keeps_a_healthy_link_and_finds_a_dead_one() {
    let mut h = Harness::connected(config());
    h.jump(600_000);
    assert_eq!(h.answer_pings(), 1);
    h.jump(3_000);
    assert_eq!(h.s.state(), ConnectState::Connected, "answered probe");
    // A ping on time, then frozen past its PONG deadline: probe again.
    h.fire();
    assert_eq!(h.bodies(), [Body::Ping]);
    h.jump(900_000);
    assert_eq!(h.bodies(), [Body::Ping]);
    assert_eq!(h.s.state(), ConnectState::Connected);
    // That probe gets no answer: dead at its deadline.
    h.fire();
    assert_eq!(h.s.state(), ConnectState::Unconnected);
}
