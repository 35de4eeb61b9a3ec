//! The delivery ledger: the promises of issue 7 B, independent of the
//! protocol (a MobileIMSDK driver can keep one the same way).
//! - each accepted send has at most one outcome, and exactly one by the end;
//! - no inbound stored message is delivered twice;
//! - no message the client ACKed to the server was withheld from the app.

use core::fmt::Debug;
use std::collections::{BTreeMap, BTreeSet};

/// What was promised and what happened, checked after every step.
#[derive(Debug)]
pub struct Ledger<Send: Ord + Debug + Copy, Msg: Ord + Debug + Copy> {
    outcomes: BTreeMap<Send, u32>,
    delivered: BTreeMap<Msg, u32>,
    acked: BTreeSet<Msg>,
}

impl<Send: Ord + Debug + Copy, Msg: Ord + Debug + Copy> Default for Ledger<Send, Msg> {
    fn default() -> Self {
        Ledger {
            outcomes: BTreeMap::new(),
            delivered: BTreeMap::new(),
            acked: BTreeSet::new(),
        }
    }
}

impl<Send: Ord + Debug + Copy, Msg: Ord + Debug + Copy> Ledger<Send, Msg> {
    /// The SDK accepted a send.
    pub fn accepted(&mut self, send: Send) {
        assert!(
            self.outcomes.insert(send, 0).is_none(),
            "{send:?} accepted twice"
        );
    }

    /// The app got an outcome (ACK or failure) for `send`.
    pub fn outcome(&mut self, send: Send) {
        let n = self
            .outcomes
            .get_mut(&send)
            .unwrap_or_else(|| panic!("an outcome for {send:?}, never accepted"));
        *n += 1;
        assert_eq!(*n, 1, "{send:?} has {n} outcomes");
    }

    /// The app got stored message `msg`.
    pub fn delivered(&mut self, msg: Msg) {
        let n = self.delivered.entry(msg).or_default();
        *n += 1;
        assert_eq!(*n, 1, "{msg:?} delivered {n} times");
    }

    /// The client ACKed `msg` to the server: from now on the server forgets
    /// it, so the app must have it.
    pub fn acked(&mut self, msg: Msg) {
        self.acked.insert(msg);
        assert!(
            self.delivered.contains_key(&msg),
            "{msg:?} ACKed to the server but withheld from the app"
        );
    }

    /// At the end: every accepted send has exactly one outcome.
    pub fn settled(&self) {
        let open: Vec<_> = self.outcomes.iter().filter(|(_, &n)| n != 1).collect();
        assert!(open.is_empty(), "sends without an outcome: {open:?}");
    }

    /// Accepted sends so far.
    pub fn sends(&self) -> usize {
        self.outcomes.len()
    }

    /// Distinct messages delivered so far.
    pub fn deliveries(&self) -> usize {
        self.delivered.len()
    }

    /// True when `msg` reached the app.
    pub fn has(&self, msg: Msg) -> bool {
        self.delivered.contains_key(&msg)
    }
}
