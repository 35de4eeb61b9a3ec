//! One socket's lifecycle, shared by both protocols: the connection id the
//! driver's events are matched against (events of any other id are stale),
//! opening versus open, and the connect deadline by which the link must be
//! up, with the late-timer grace.
//!
//! "Up" is the protocol's: GoBelieve's link is up once the socket is open
//! (authentication has its own checks), MobileIMSDK's once the login was
//! answered (the official connect timeout covers open and login).

use crate::core::io::ConnId;
use crate::core::late::{woke_late, LATE_AFTER_MS};

/// The socket a machine currently owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    id: ConnId,
    open: bool,
    /// By when it must be up; `None` once it is.
    deadline: Option<u64>,
    /// The deadline was found passed on a late wake-up once and extended.
    grace_used: bool,
}

impl Link {
    /// A socket `id` just asked for, which must be up by `deadline`.
    pub fn connecting(id: ConnId, deadline: u64) -> Self {
        Link {
            id,
            open: false,
            deadline: Some(deadline),
            grace_used: false,
        }
    }

    /// The driver's connection id.
    pub fn id(&self) -> ConnId {
        self.id
    }

    /// True when `conn` is this socket.
    pub fn is(&self, conn: ConnId) -> bool {
        self.id == conn
    }

    /// The socket has opened (it may not be up yet).
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The socket opened.
    pub fn opened(&mut self) {
        self.open = true;
    }

    /// The link is up: no connect deadline any more.
    pub fn up(&mut self) {
        self.deadline = None;
    }

    /// The connect deadline, while the link is not up.
    pub fn deadline(&self) -> Option<u64> {
        self.deadline
    }

    /// True when the link missed its connect deadline at `now`. The first
    /// time the deadline is found passed on a late wake-up it is moved
    /// [`LATE_AFTER_MS`] past `now` instead: the event that would have
    /// brought the link up may be queued right behind this timer.
    pub fn timed_out(&mut self, now: u64) -> bool {
        let Some(deadline) = self.deadline.filter(|&d| d <= now) else {
            return false;
        };
        if woke_late(deadline, now) && !self.grace_used {
            self.grace_used = true;
            self.deadline = Some(now.saturating_add(LATE_AFTER_MS));
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_on_time_check_past_the_deadline_times_out() {
        let mut l = Link::connecting(3, 10_000);
        assert!(!l.timed_out(9_999));
        assert!(l.timed_out(10_000));
        assert!(l.timed_out(12_000), "late by 2 s is still on time");
    }

    #[test]
    fn a_late_wake_up_gets_one_grace() {
        let mut l = Link::connecting(3, 10_000);
        assert!(!l.timed_out(70_000));
        assert_eq!(l.deadline(), Some(72_000));
        assert!(!l.timed_out(71_999));
        assert!(l.timed_out(200_000), "late a second time: no more grace");
    }

    #[test]
    fn a_link_that_is_up_has_no_deadline() {
        let mut l = Link::connecting(3, 10_000);
        l.opened();
        assert_eq!(l.deadline(), Some(10_000), "open is not up yet");
        l.up();
        assert_eq!(l.deadline(), None);
        assert!(!l.timed_out(u64::MAX));
        assert!(l.is(3) && l.is_open() && l.id() == 3);
    }
}
