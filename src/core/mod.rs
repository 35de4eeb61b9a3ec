//! The sans-IO core: codecs and protocol state machines.
//!
//! Nothing here touches a socket, a timer or a clock. Time is passed in as
//! milliseconds of wall-clock time (`now`), bytes and events come out of
//! queues (see [`io`]). The shared pieces below are used by both protocols.

pub mod backoff;
pub mod clock;
pub mod dedupe;
#[cfg(test)]
pub mod fake_clock;
pub mod hash;
pub mod io;
pub mod keyed_queue;
pub mod late;
pub mod link;
pub mod liveness;
pub mod machine;
pub mod outbox;
#[cfg(test)]
pub mod property;
pub mod redact;
pub mod rng;
pub mod sorted_map;
pub mod text;

#[cfg(feature = "gobelieve")]
pub mod gobelieve;
#[cfg(feature = "mobileimsdk")]
pub mod mobileimsdk;
