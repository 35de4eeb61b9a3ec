//! Client settings, with the official MobileIMSDK timings as defaults.

use alloc::string::String;
use core::fmt;

use super::protocal::Dialect;
use crate::core::redact::SafeUrl;

/// The server's "sense mode": how quickly each side notices a dead peer.
/// Client and server must use the same mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SenseMode {
    /// 3 s interval, 5 s timeout (server idle 7 s).
    Mode3s,
    /// The demo server's mode.
    #[default]
    Mode5s,
    /// 10 s / 15 s (server idle 15 s).
    Mode10s,
    /// 15 s / 20 s (server idle 20 s).
    Mode15s,
    /// 30 s / 35 s (server idle 35 s).
    Mode30s,
    /// 60 s / 65 s (server idle 65 s).
    Mode60s,
    /// 120 s / 125 s (server idle 125 s).
    Mode120s,
}

impl SenseMode {
    /// Every mode, named by its interval in seconds (the values of the
    /// `senseModeSeconds` option, js/checks.js `SENSE_MODES`).
    pub const ALL: [(u64, SenseMode); 7] = [
        (3, SenseMode::Mode3s),
        (5, SenseMode::Mode5s),
        (10, SenseMode::Mode10s),
        (15, SenseMode::Mode15s),
        (30, SenseMode::Mode30s),
        (60, SenseMode::Mode60s),
        (120, SenseMode::Mode120s),
    ];

    /// The mode named `seconds`, if there is one.
    pub fn from_seconds(seconds: u64) -> Option<SenseMode> {
        Self::ALL
            .iter()
            .find(|&&(s, _)| s == seconds)
            .map(|&(_, mode)| mode)
    }

    /// The client's heartbeat interval and timeout in ms.
    pub fn interval_and_timeout(self) -> (u64, u64) {
        match self {
            SenseMode::Mode3s => (3_000, 5_000),
            SenseMode::Mode5s => (5_000, 8_000),
            SenseMode::Mode10s => (10_000, 15_000),
            SenseMode::Mode15s => (15_000, 20_000),
            SenseMode::Mode30s => (30_000, 35_000),
            SenseMode::Mode60s => (60_000, 65_000),
            SenseMode::Mode120s => (120_000, 125_000),
        }
    }

    /// The server's idle timeout in ms (for the dev server).
    pub fn server_idle_timeout(self) -> u64 {
        match self {
            SenseMode::Mode3s => 7_000,
            SenseMode::Mode5s => 11_000,
            SenseMode::Mode10s => 15_000,
            SenseMode::Mode15s => 20_000,
            SenseMode::Mode30s => 35_000,
            SenseMode::Mode60s => 65_000,
            SenseMode::Mode120s => 125_000,
        }
    }
}

/// Everything the client machine can be tuned with (times in ms). Its
/// `Debug` hides the URL's query and credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// The WebSocket URL, used verbatim (officially `ws(s)://host:3000/websocket`).
    pub url: String,
    /// Official v6 keys (default) or the seed's SRT keys.
    pub dialect: Dialect,
    /// Time between keep-alives (sense mode MODE_5S: 5000).
    pub keep_alive_interval_ms: u64,
    /// Silence after which the link is dead (MODE_5S: 8000).
    pub keep_alive_timeout_ms: u64,
    /// The first automatic re-login back-off ceiling (official interval:
    /// 3000); each failure doubles it, up to `relogin_max_interval_ms`.
    pub relogin_interval_ms: u64,
    /// The cap of the re-login back-off.
    pub relogin_max_interval_ms: u64,
    /// QoS send check period.
    pub qos_check_ms: u64,
    /// A queued message this young is not resent yet.
    pub qos_just_now_ms: u64,
    /// Resends before a message is reported lost.
    pub qos_max_resends: u32,
    /// How long a received fingerprint is remembered for dedupe.
    pub receive_window_ms: u64,
    /// Bounds the wait for a manual login's result.
    pub connect_timeout_ms: u64,
    /// SRT only: ACK with the seed's addressing (from = original sender, to = "0").
    pub srt_seed_ack_addressing: bool,
    /// Most QoS messages awaiting an ACK at once (10,000 by default). At the
    /// bound a further QoS `send` is refused with code 3 and writes nothing;
    /// the waiting messages are kept, never dropped or replaced.
    pub max_pending: usize,
}

impl Config {
    /// Sets the keep-alive interval and timeout from a sense mode.
    pub fn with_sense_mode(mut self, mode: SenseMode) -> Self {
        (self.keep_alive_interval_ms, self.keep_alive_timeout_ms) = mode.interval_and_timeout();
        self
    }
}

impl Default for Config {
    fn default() -> Self {
        let (interval, timeout) = SenseMode::default().interval_and_timeout();
        Config {
            url: String::new(),
            dialect: Dialect::Official,
            keep_alive_interval_ms: interval,
            keep_alive_timeout_ms: timeout,
            relogin_interval_ms: 3_000,
            relogin_max_interval_ms: 60_000,
            qos_check_ms: 5_000,
            qos_just_now_ms: 3_000,
            qos_max_resends: 2,
            receive_window_ms: 600_000,
            connect_timeout_ms: 60_000,
            srt_seed_ack_addressing: false,
            max_pending: 10_000,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("url", &SafeUrl(&self.url))
            .field("dialect", &self.dialect)
            .field("keep_alive_interval_ms", &self.keep_alive_interval_ms)
            .field("keep_alive_timeout_ms", &self.keep_alive_timeout_ms)
            .field("relogin_interval_ms", &self.relogin_interval_ms)
            .field("relogin_max_interval_ms", &self.relogin_max_interval_ms)
            .field("qos_check_ms", &self.qos_check_ms)
            .field("qos_just_now_ms", &self.qos_just_now_ms)
            .field("qos_max_resends", &self.qos_max_resends)
            .field("receive_window_ms", &self.receive_window_ms)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("srt_seed_ack_addressing", &self.srt_seed_ack_addressing)
            .field("max_pending", &self.max_pending)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sense_mode_table() {
        let table = [
            (SenseMode::Mode3s, 7, 3, 5),
            (SenseMode::Mode5s, 11, 5, 8),
            (SenseMode::Mode10s, 15, 10, 15),
            (SenseMode::Mode15s, 20, 15, 20),
            (SenseMode::Mode30s, 35, 30, 35),
            (SenseMode::Mode60s, 65, 60, 65),
            (SenseMode::Mode120s, 125, 120, 125),
        ];
        for (mode, idle, interval, timeout) in table {
            assert_eq!(mode.server_idle_timeout(), idle * 1000);
            assert_eq!(
                mode.interval_and_timeout(),
                (interval * 1000, timeout * 1000)
            );
        }
    }

    #[test]
    fn defaults_are_the_official_timings() {
        let c = Config::default();
        assert_eq!(
            (c.keep_alive_interval_ms, c.keep_alive_timeout_ms),
            (5_000, 8_000)
        );
        assert_eq!(
            (c.relogin_interval_ms, c.relogin_max_interval_ms),
            (3_000, 60_000)
        );
        assert_eq!(
            (c.qos_check_ms, c.qos_just_now_ms, c.qos_max_resends),
            (5_000, 3_000, 2)
        );
        assert_eq!(c.receive_window_ms, 600_000);
        assert_eq!(c.connect_timeout_ms, 60_000);
        assert_eq!(c.dialect, Dialect::Official);
        assert!(!c.srt_seed_ack_addressing);
        assert_eq!(c.max_pending, 10_000);
        let c = Config::default().with_sense_mode(SenseMode::Mode15s);
        assert_eq!(
            (c.keep_alive_interval_ms, c.keep_alive_timeout_ms),
            (15_000, 20_000)
        );
    }
}
