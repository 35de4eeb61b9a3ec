//! The MobileIMSDK client machine (`ClientCoreSDK` with its four daemons),
//! sans-IO: sockets and timers are the driver's, time is passed in.
//!
//! One connection at a time: every new connection closes the previous one
//! first, and events from an old connection id are ignored, so timers and
//! late socket events can never race each other.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::string::ToString;
use core::fmt;

use super::bodies::{self, PErrorResponse, PKickoutInfo, PLoginInfo, PLoginInfoResponse};
use super::config::Config;
use super::constants::{code, packet_type};
use super::event::Event;
use super::fingerprint::uuid_v4;
use super::keepalive::KeepAlive;
use super::protocal::{Dialect, Protocal};
use super::qos_receive::QosReceive;
use super::qos_send::QosSend;
use super::relogin::Relogin;
use super::request::{LoginInfo, SendRequest};
use super::send_error::SendError;
use super::trans_fault::TransFault;
use crate::core::backoff::BackoffConfig;
use crate::core::clock::MonoClock;
use crate::core::hash::HashKeys;
use crate::core::io::{ConnId, Frame, Io};
use crate::core::link::Link;
use crate::core::liveness::LivenessAction;
use crate::core::outbox::InsertError;
use crate::core::redact::redact_url;
use crate::core::rng::Rng;
use crate::core::text::concat;

/// The server closes the connection on a larger frame (1009).
pub const MAX_FRAME_BYTES: usize = 65_536;

/// The `IMClientManager` core: login, re-login, keep-alive and both QoS daemons.
///
/// Every accepted QoS send ends in exactly one `MessageBeReceived` or
/// `MessagesLost`, also on logout, kick-out and release. Times passed in
/// are wall-clock milliseconds; the machine runs on a [`MonoClock`] so a
/// clock stepped back cannot freeze its timers. Its `Debug` shows the state,
/// never a token or a queued frame (a login frame carries the token).
pub struct Client {
    config: Config,
    clock: MonoClock,
    rng: Rng,
    next_conn_id: ConnId,
    /// The socket in use; up once its login was answered, so its connect
    /// deadline bounds a manual login and each automatic re-login attempt.
    conn: Option<Link>,
    /// Saved by `login()`, resent by every automatic re-login.
    login_info: Option<LoginInfo>,
    /// From the first successful login response; 0 before.
    first_login_time: i64,
    /// Official `loginHasInit`: logged in and not logged out (cleared by 301).
    login_has_init: bool,
    /// Official `connectedToServer`: the current connection is logged in.
    connected: bool,
    /// Logged in at least once since the last manual login, so link losses
    /// are repaired by re-login (cleared by release, logout, kick-out and a
    /// refused re-login).
    session: bool,
    /// The local network is up (as far as the host knows).
    network_online: bool,
    /// A manual `login()` is still waiting for its result.
    pending_login: bool,
    keep_alive: KeepAlive,
    relogin: Relogin,
    qos_send: QosSend,
    qos_receive: QosReceive,
    ios: VecDeque<Io>,
    events: VecDeque<Event>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("conn", &self.conn)
            .field("login_info", &self.login_info)
            .field("first_login_time", &self.first_login_time)
            .field("login_has_init", &self.login_has_init)
            .field("connected", &self.connected)
            .field("session", &self.session)
            .field("network_online", &self.network_online)
            .field("pending_login", &self.pending_login)
            .field("keep_alive", &self.keep_alive)
            .field("relogin", &self.relogin)
            .field("qos_pending", &self.qos_send.len())
            .field("qos_seen", &self.qos_receive.len())
            .field("queued_ios", &self.ios.len())
            .field("queued_events", &self.events.len())
            .finish()
    }
}

impl Client {
    /// A released client; `seed` feeds the fingerprint generator.
    pub fn new(config: Config, seed: u64) -> Self {
        // The index and digest keys: from the seed, as nothing else here is random.
        let keys = HashKeys::from_seed(seed);
        let relogin_backoff = BackoffConfig {
            base_ms: config.relogin_interval_ms,
            cap_ms: config.relogin_max_interval_ms,
        };
        Client {
            clock: MonoClock::new(),
            rng: Rng::new(seed),
            next_conn_id: 1,
            conn: None,
            login_info: None,
            first_login_time: 0,
            login_has_init: false,
            connected: false,
            session: false,
            network_online: true,
            pending_login: false,
            keep_alive: KeepAlive::new(config.keep_alive_interval_ms, config.keep_alive_timeout_ms),
            relogin: Relogin::new(
                relogin_backoff,
                Rng::new(seed.rotate_left(32) ^ 0x5851_F42D_4C95_7F2D),
            ),
            qos_send: QosSend::new(
                config.qos_check_ms,
                config.qos_just_now_ms,
                config.qos_max_resends,
                config.max_pending,
                keys,
            ),
            qos_receive: QosReceive::new(config.receive_window_ms, keys),
            ios: VecDeque::new(),
            events: VecDeque::new(),
            config,
        }
    }

    /// The settings in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    // ---- app commands -------------------------------------------------

    /// A manual login: saves `info` (with `firstLoginTime` reset to 0), opens
    /// a new connection and sends the login once it is open. Exactly one
    /// `Event::LoginResult` follows.
    pub fn login(&mut self, info: LoginInfo, now: u64) {
        let now = self.clock.observe(now);
        if core::mem::take(&mut self.pending_login) {
            // Superseded: its connection is about to be replaced.
            self.events
                .push_back(Event::LoginResult(code::BREOKEN_CONNECT_TO_SERVER));
        }
        self.warn_about_url();
        self.keep_alive.stop();
        // The app acted: a refusal or past failures no longer hold back re-logins.
        self.relogin.stop(true);
        // The QoS checks go on, so messages still waiting get their outcome
        // even if this login fails.
        self.connected = false;
        self.login_has_init = false;
        self.session = false;
        self.first_login_time = 0;
        self.login_info = Some(info);
        if !self.network_online {
            self.close_connection();
            self.events
                .push_back(Event::LoginResult(code::LOCAL_NETWORK_NOT_WORKING));
            return;
        }
        self.pending_login = true;
        self.open_connection(now);
    }

    /// Sends one data packet (type 2) from the logged-in uid. A refusal names
    /// its cause ([`SendError`], with the seed's code): not logged in, not
    /// connected, the QoS queue full, an invalid request (empty `to` or
    /// `fp`), a frame too large, or a QoS send whose `fp` is still waiting
    /// for its ACK (it would share that message's outcome).
    pub fn send(&mut self, req: SendRequest, now: u64) -> Result<Protocal, SendError> {
        let now = self.clock.observe(now);
        let Some(uid) = self.logged_in_uid() else {
            return Err(SendError::NotLoggedIn);
        };
        if !self.is_connected() {
            return Err(SendError::NotConnected);
        }
        if req.to.is_empty() || req.fp.as_deref() == Some("") {
            return Err(SendError::InvalidRequest);
        }
        let fp = match req.fp {
            None if req.qos => Some(uuid_v4(&mut self.rng)),
            fp => fp,
        };
        let mut packet = Protocal::new(
            packet_type::COMMON_DATA,
            Some(req.data_content),
            &uid,
            &req.to,
        );
        packet.fp = fp;
        packet.qos = req.qos;
        packet.typeu = req.typeu;
        let text = packet.to_json(self.config.dialect);
        if text.len() > MAX_FRAME_BYTES {
            return Err(SendError::TooLarge);
        }
        if let (true, Some(fp)) = (packet.qos, packet.fp.clone()) {
            // Queued before the write, so a refusal sends nothing.
            match self.qos_send.insert(fp, packet.clone(), now) {
                Ok(()) => {}
                Err(InsertError::Full) => return Err(SendError::QueueFull),
                Err(InsertError::DuplicateKey) => return Err(SendError::FingerprintInUse),
            }
        }
        self.write_text(text);
        Ok(packet)
    }

    /// The official logout: sends type 3 when logged in, then releases
    /// either way. Not written when not logged in
    /// ([`SendError::NotLoggedIn`]) or logged in but not connected
    /// ([`SendError::NotConnected`]).
    pub fn logout(&mut self, now: u64) -> Result<(), SendError> {
        let now = self.clock.observe(now);
        let result = match self.logged_in_uid() {
            None => Err(SendError::NotLoggedIn),
            Some(_) if !self.is_connected() => Err(SendError::NotConnected),
            Some(uid) => {
                let packet = bodies::logout_packet(&uid, self.config.dialect);
                self.write_packet(&packet);
                Ok(())
            }
        };
        self.release_at(now);
        result
    }

    /// Stops every daemon, clears both QoS queues and closes the socket
    /// whatever its state. A login still waiting gets `LoginResult(201)`;
    /// QoS messages still waiting for an ACK are reported in one
    /// `MessagesLost` (no ACK can reach them any more).
    pub fn release(&mut self, now: u64) {
        let now = self.clock.observe(now);
        self.release_at(now);
    }

    fn release_at(&mut self, _now: u64) {
        if core::mem::take(&mut self.pending_login) {
            self.events
                .push_back(Event::LoginResult(code::BREOKEN_CONNECT_TO_SERVER));
        }
        self.close_connection();
        self.keep_alive.stop();
        self.relogin.stop(true);
        self.qos_send.stop();
        let lost = self.qos_send.take_all();
        if !lost.is_empty() {
            self.events.push_back(Event::MessagesLost(lost));
        }
        self.qos_receive.clear();
        self.connected = false;
        self.login_has_init = false;
        self.session = false;
        self.login_info = None;
        self.first_login_time = 0;
    }

    /// The host's network status changed. Offline: the link is closed,
    /// `LinkClose(-9999)`, and no re-login until the network is back.
    /// Online: an immediate re-login when a session was lost.
    pub fn network_changed(&mut self, online: bool, now: u64) {
        let now = self.clock.observe(now);
        // `online` without an `offline` before (a network switch) is still
        // news: retry at once, as GoBelieve does.
        if !online && !self.network_online {
            return;
        }
        self.network_online = online;
        if online {
            if self.session && !self.connected {
                self.relogin_now(now);
            }
            return;
        }
        if core::mem::take(&mut self.pending_login) {
            self.close_connection();
            self.events
                .push_back(Event::LoginResult(code::LOCAL_NETWORK_NOT_WORKING));
        }
        if self.session {
            let was_connected = self.connected;
            self.connected = false;
            self.keep_alive.stop();
            self.relogin.stop(false);
            self.close_connection();
            if was_connected {
                self.events
                    .push_back(Event::LinkClose(code::LINK_CLOSE_NETWORK_OFFLINE));
            }
        }
    }

    /// The app came to the foreground: check the link at once (a throttled
    /// timer may be overdue) and re-login immediately if it is lost.
    pub fn app_show(&mut self, now: u64) {
        let now = self.clock.observe(now);
        self.run_keep_alive(now);
        if self.session && !self.connected && self.network_online {
            self.relogin_now(now);
        }
    }

    /// The app went to the background. Nothing changes: the deadlines are
    /// absolute, so whatever a throttled timer misses is caught on wake-up.
    pub fn app_hide(&mut self, now: u64) {
        self.clock.observe(now);
    }

    /// Logged in (official `loginHasInit`).
    pub fn is_logged_in(&self) -> bool {
        self.login_has_init
    }

    /// The current connection is open and logged in.
    pub fn is_connected(&self) -> bool {
        self.connected && self.conn.is_some_and(|c| c.is_open())
    }

    /// A lost link will be repaired by an automatic re-login (now, after a
    /// back-off delay, or when the network is back): false after logout,
    /// release, kick-out and a refused login.
    pub fn will_relogin(&self) -> bool {
        self.session
    }

    /// The automatic re-login in view: the attempt number (consecutive
    /// failures since the link last proved healthy, from 1) and when it
    /// starts (wall-clock ms; `None` once it runs). `None` when no attempt
    /// is waiting or running.
    pub fn relogin_plan(&self) -> Option<(u32, Option<u64>)> {
        if !self.relogin.is_running() {
            return None;
        }
        let at = self
            .relogin
            .next_attempt_at()
            .map(|t| self.clock.to_wall(t));
        Some((self.relogin.failures(), at))
    }

    /// The uid of the saved login, if any.
    pub fn user_id(&self) -> Option<&str> {
        self.login_info.as_ref().map(|i| i.user_id.as_str())
    }

    // ---- driver input -------------------------------------------------

    /// Socket `conn` opened: send the saved login on it.
    pub fn handle_open(&mut self, conn: ConnId, now: u64) {
        self.clock.observe(now);
        let Some(c) = self.conn.as_mut().filter(|c| c.is(conn)) else {
            return;
        };
        c.opened();
        if let Some(info) = &self.login_info {
            let body = PLoginInfo {
                login_user_id: info.user_id.clone(),
                login_token: info.token.clone(),
                extra: info.extra.clone(),
                first_login_time: self.first_login_time,
                app: info.app.clone(),
            };
            let packet = bodies::login_packet(&body, self.config.dialect);
            self.write_packet(&packet);
        }
    }

    /// One text frame from socket `conn`.
    pub fn handle_text(&mut self, conn: ConnId, text: &str, now: u64) {
        let now = self.clock.observe(now);
        if !self.is_current(conn) {
            return;
        }
        self.keep_alive.heard(now);
        match Protocal::from_json(text, self.config.dialect) {
            Ok(packet) => self.receive(packet, now),
            Err(e) => self
                .events
                .push_back(Event::TransError(TransFault::UnreadablePacket(e))),
        }
    }

    /// A binary frame: not part of the protocol; reported, then ignored.
    pub fn handle_binary(&mut self, conn: ConnId, data: &[u8], now: u64) {
        self.clock.observe(now);
        if !self.is_current(conn) {
            return;
        }
        self.events
            .push_back(Event::TransError(TransFault::BinaryFrame(data.len())));
    }

    /// Socket `conn` closed or failed (`error`); both mean the link is gone.
    pub fn handle_close(&mut self, conn: ConnId, _error: bool, now: u64) {
        let now = self.clock.observe(now);
        let Some(c) = self.conn.filter(|c| c.is(conn)) else {
            return;
        };
        self.conn = None;
        if core::mem::take(&mut self.pending_login) {
            let code = if c.is_open() {
                code::BREOKEN_CONNECT_TO_SERVER
            } else {
                code::BAD_CONNECT_TO_SERVER
            };
            self.events.push_back(Event::LoginResult(code));
            return;
        }
        if self.connected {
            self.link_lost(now);
        } else if self.relogin.in_attempt() {
            self.relogin.failed(now);
        }
        // Otherwise a re-login is already scheduled (or nothing is wanted).
    }

    /// A timer fired: run everything that is due at `now`.
    pub fn handle_timeout(&mut self, now: u64) {
        let now = self.clock.observe(now);
        // Not logged in by the connect deadline (a late wake-up gets one
        // short grace, see `Link::timed_out`): the login or attempt failed.
        if self.conn.as_mut().is_some_and(|c| c.timed_out(now)) {
            let opened = self.conn.is_some_and(|c| c.is_open());
            self.close_connection();
            if core::mem::take(&mut self.pending_login) {
                self.events.push_back(Event::LoginResult(if opened {
                    code::BREOKEN_CONNECT_TO_SERVER
                } else {
                    code::BAD_CONNECT_TO_SERVER
                }));
            } else if self.relogin.in_attempt() {
                self.relogin.failed(now);
            }
        }
        self.run_keep_alive(now);
        if self.relogin.poll(now) {
            self.relogin_attempt(now);
        }
        self.run_qos_send(now);
    }

    // ---- driver output ------------------------------------------------

    /// The next socket command.
    pub fn poll_io(&mut self) -> Option<Io> {
        self.ios.pop_front()
    }

    /// The next app notification.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When to call `handle_timeout` next (wall-clock ms); `None` when
    /// nothing is scheduled.
    pub fn poll_timeout(&self) -> Option<u64> {
        let next = [
            self.conn.and_then(|c| c.deadline()),
            self.keep_alive.next_deadline(),
            self.relogin.next_deadline(),
            self.qos_send.next_deadline(),
        ]
        .into_iter()
        .flatten()
        .min();
        next.map(|t| self.clock.to_wall(t))
    }

    // ---- internals ----------------------------------------------------

    fn logged_in_uid(&self) -> Option<String> {
        if !self.login_has_init {
            return None;
        }
        self.user_id().map(str::to_string)
    }

    fn is_current(&self, conn: ConnId) -> bool {
        self.conn.is_some_and(|c| c.is(conn))
    }

    fn warn_about_url(&mut self) {
        let url = &self.config.url;
        if self.config.dialect == Dialect::Official
            && (!url.ends_with("/websocket") || url.contains('?'))
        {
            // Never the query itself: that is where `?token=` deployments put the token.
            self.events.push_back(Event::Warning(concat(&[
                "the official server only accepts the exact path /websocket without a query: ",
                &redact_url(url),
            ])));
        }
    }

    /// A new connection, which must be logged in within the connect timeout.
    fn open_connection(&mut self, now: u64) {
        self.close_connection();
        let id = self.next_conn_id;
        self.next_conn_id = self.next_conn_id.wrapping_add(1).max(1);
        let deadline = now.saturating_add(self.config.connect_timeout_ms);
        self.conn = Some(Link::connecting(id, deadline));
        self.ios.push_back(Io::Connect {
            conn: id,
            url: self.config.url.clone(),
        });
    }

    fn close_connection(&mut self) {
        if let Some(c) = self.conn.take() {
            self.ios.push_back(Io::Close { conn: c.id() });
        }
    }

    fn write_text(&mut self, text: String) -> bool {
        match self.conn {
            Some(c) if c.is_open() => {
                self.ios.push_back(Io::Send {
                    conn: c.id(),
                    frame: Frame::Text(text),
                });
                true
            }
            _ => false,
        }
    }

    fn write_packet(&mut self, packet: &Protocal) -> bool {
        self.write_text(packet.to_json(self.config.dialect))
    }

    fn run_keep_alive(&mut self, now: u64) {
        match self.keep_alive.poll(now) {
            Some(LivenessAction::SendPing) => {
                if let Some(uid) = self.user_id().map(str::to_string) {
                    self.write_packet(&bodies::keep_alive_packet(&uid));
                }
            }
            Some(LivenessAction::Dead) => self.link_lost(now),
            None => {}
        }
    }

    fn run_qos_send(&mut self, now: u64) {
        if let Some(check) = self.qos_send.poll(now) {
            for packet in &check.resend {
                // Counted even when there is no link, as in the official client.
                self.write_packet(packet);
            }
            if !check.lost.is_empty() {
                self.events.push_back(Event::MessagesLost(check.lost));
            }
        }
    }

    /// Heartbeat death, or the socket closed while logged in.
    fn link_lost(&mut self, now: u64) {
        self.connected = false;
        self.keep_alive.stop();
        self.close_connection();
        self.events
            .push_back(Event::LinkClose(code::LINK_CLOSE_LOST));
        if self.network_online {
            self.relogin.link_lost(now);
            self.run_relogin(now);
        }
    }

    /// An immediate attempt (network back, app shown), unless one runs.
    fn relogin_now(&mut self, now: u64) {
        self.relogin.retry_now(now);
        self.run_relogin(now);
    }

    fn run_relogin(&mut self, now: u64) {
        if self.relogin.poll(now) {
            self.relogin_attempt(now);
        }
    }

    /// One automatic re-login: a new connection, the saved login on open.
    fn relogin_attempt(&mut self, now: u64) {
        if self.login_info.is_some() && self.network_online {
            self.open_connection(now);
            self.relogin.attempt_started();
        }
    }

    fn receive(&mut self, packet: Protocal, now: u64) {
        if packet.qos && !self.is_failed_login_response(&packet) {
            if let Some(fp) = packet.fp.clone() {
                let fresh = self.qos_receive.record(&fp, now);
                self.send_ack(&packet);
                if !fresh {
                    return;
                }
            }
        }
        let dialect = self.config.dialect;
        match packet.type_ {
            packet_type::COMMON_DATA => self.events.push_back(Event::TransBuffer(packet)),
            packet_type::RECEIVED => self.on_ack(packet.data_content.as_deref()),
            packet_type::SRT_RECEIVED if dialect == Dialect::Srt => {
                self.on_ack(packet.data_content.as_deref())
            }
            packet_type::KICKOUT => self.on_kickout(&packet, now),
            packet_type::LOGIN_RESPONSE => self.on_login_response(&packet, now),
            packet_type::ERROR_RESPONSE => self.on_error(&packet, now),
            // A logged-in link that answers keep-alives has proved healthy.
            packet_type::KEEP_ALIVE_RESPONSE if self.connected => self.relogin.link_healthy(),
            // 53 and unknown types carry nothing for the app.
            _ => {}
        }
    }

    fn is_failed_login_response(&self, packet: &Protocal) -> bool {
        packet.type_ == packet_type::LOGIN_RESPONSE
            && packet
                .data_content
                .as_deref()
                .and_then(|d| PLoginInfoResponse::from_json(d).ok())
                .is_none_or(|r| r.code != 0)
    }

    fn send_ack(&mut self, packet: &Protocal) {
        let own = self.user_id().unwrap_or(&packet.to).to_string();
        let seed = self.config.dialect == Dialect::Srt && self.config.srt_seed_ack_addressing;
        let ack = bodies::ack_packet(packet, &own, seed);
        self.write_packet(&ack);
    }

    /// An ACK: reported only for a fingerprint still waiting, so each QoS
    /// message ends once. ACKs for unknown fps (a second ACK after a resend,
    /// one after the message was reported lost) are dropped silently.
    fn on_ack(&mut self, fp: Option<&str>) {
        if let Some(fp) = fp {
            if self.qos_send.acknowledge(fp) {
                self.events
                    .push_back(Event::MessageBeReceived(fp.to_string()));
            }
        }
    }

    fn on_kickout(&mut self, packet: &Protocal, now: u64) {
        let info = packet
            .data_content
            .as_deref()
            .and_then(|d| PKickoutInfo::from_json(d).ok())
            .unwrap_or_default();
        self.release_at(now);
        self.events.push_back(Event::Kickout {
            code: info.code,
            reason: info.reason,
        });
        self.events
            .push_back(Event::LinkClose(code::LINK_CLOSE_LOST));
    }

    fn on_login_response(&mut self, packet: &Protocal, now: u64) {
        let response = packet
            .data_content
            .as_deref()
            .and_then(|d| PLoginInfoResponse::from_json(d).ok());
        let Some(response) = response else {
            self.events
                .push_back(Event::TransError(TransFault::UnreadableLoginResponse));
            return;
        };
        let pending = core::mem::take(&mut self.pending_login);
        if response.code == code::COMMON_CODE_OK {
            if let Some(c) = self.conn.as_mut() {
                c.up();
            }
            if !self.login_has_init {
                self.first_login_time = response.first_login_time;
            }
            self.login_has_init = true;
            self.session = true;
            self.connected = true;
            self.relogin.succeeded();
            self.keep_alive.start_delayed(now);
            self.qos_send.start(now);
            if pending {
                self.events
                    .push_back(Event::LoginResult(code::COMMON_CODE_OK));
            }
            self.events.push_back(Event::LoginOrReloginSuccess);
            // The first check runs at once: resend what waited while the link was down.
            self.run_qos_send(now);
        } else {
            // A refusal: no automatic re-login until the app logs in again
            // (retrying a refused token would only repeat the refusal).
            self.close_connection();
            self.connected = false;
            self.session = false;
            self.relogin.stop(false);
            if pending {
                self.events.push_back(Event::LoginResult(response.code));
            }
            self.events
                .push_back(Event::LoginOrReloginFail(response.code));
        }
    }

    fn on_error(&mut self, packet: &Protocal, now: u64) {
        let error = packet
            .data_content
            .as_deref()
            .and_then(|d| PErrorResponse::from_json(d).ok())
            .unwrap_or_default();
        if error.error_code == code::RESPONSE_FOR_UNLOGIN {
            // The server forgot this session and closes it: log in again
            // after one interval, on a new connection.
            self.login_has_init = false;
            self.connected = false;
            self.keep_alive.stop();
            if self.session {
                self.relogin.failed(now);
            }
        }
        self.events.push_back(Event::TransError(TransFault::Server {
            code: error.error_code,
            msg: error.error_msg.unwrap_or_default(),
        }));
    }
}
