//! MobileIMSDK server state and packet handling (official v6 behaviour,
//! spec §3). Handlers run under the hub lock and only queue frames.

mod flood;

use super::protocal::{self, types, LoginInfo, Protocal};
use crate::clock::now_ms;
use crate::conn::{ConnId, Ending, Out, OutTx, WriteHook};
use imsdk::core::mobileimsdk::constants::code::RESPONSE_FOR_UNLOGIN;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// Login code the server returns for a refused login (observed value).
pub const LOGIN_REFUSED: i32 = 1025;
/// How long a C2S fingerprint is remembered for dedupe.
const C2S_DEDUPE_WINDOW: Duration = Duration::from_secs(600);

/// Login verification policy.
#[derive(Debug, Clone, Default)]
pub struct Verify {
    /// Accept everything (demo server).
    pub accept_all: bool,
    /// uid → token.
    pub tokens: HashMap<String, String>,
}

/// What happens to a C2C QoS message whose receiver is offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offline {
    /// Not delivered, not ACKed: the sender reports it lost (the official demo).
    Drop,
    /// ACKed as if stored, but not kept (`--mobileimsdk-offline-ack`).
    Ack,
    /// ACKed and kept until the receiver ACKs it; S2C packets are resent
    /// every check and never declared lost (`--mobileimsdk-offline-store`).
    Store,
}

/// Shared handle.
pub type SharedMobileimsdk = Arc<Mutex<MobileimsdkHub>>;

struct Session {
    tx: OutTx,
    uid: Option<String>,
    first_login_time: i64,
}

struct Tracked {
    packet: Protocal,
    put: Instant,
    /// Last written to the receiver (with offline storage; `put` otherwise).
    sent: Instant,
    resent: bool,
}

/// With offline storage, at most this many stored messages per receiver are
/// resent per QoS check, oldest first, each at most once per `just_now`. A
/// backlog of thousands resent whole every check floods a receiver faster
/// than it can ACK, so it never drains (the chaos run saw 4,600 pending for
/// 90 s with both clients logged in).
const STORE_RESEND_WINDOW: usize = 256;

/// The MobileIMSDK side's whole state.
pub struct MobileimsdkHub {
    verify: Verify,
    /// Extra accepted (token → uid) pairs, e.g. the GoBelieve minted tokens.
    pub extra_tokens: HashMap<String, String>,
    offline: Offline,
    server_timestamp: bool,
    sessions: HashMap<ConnId, Session>,
    online: HashMap<String, ConnId>,
    c2s_seen: HashMap<String, Instant>,
    tracked: HashMap<(String, String), Tracked>,
    /// Answer keep-alives (fault control).
    pub answer_keep_alive: bool,
    duplicate_next: HashSet<String>,
    fp_counter: u64,
}

impl MobileimsdkHub {
    /// A new hub.
    pub fn new(verify: Verify, offline: Offline, server_timestamp: bool) -> MobileimsdkHub {
        MobileimsdkHub {
            verify,
            extra_tokens: HashMap::new(),
            offline,
            server_timestamp,
            sessions: HashMap::new(),
            online: HashMap::new(),
            c2s_seen: HashMap::new(),
            tracked: HashMap::new(),
            answer_keep_alive: true,
            duplicate_next: HashSet::new(),
            fp_counter: 0,
        }
    }

    /// Registers a new connection.
    pub fn open(&mut self, conn: ConnId, tx: OutTx) {
        self.sessions.insert(
            conn,
            Session {
                tx,
                uid: None,
                first_login_time: 0,
            },
        );
    }

    /// Forgets a finished connection.
    pub fn closed(&mut self, conn: ConnId) {
        if let Some(s) = self.sessions.remove(&conn) {
            if let Some(uid) = s.uid {
                if self.online.get(&uid) == Some(&conn) {
                    self.online.remove(&uid);
                    eprintln!("mobileimsdk: {uid} offline");
                }
            }
        }
    }

    fn write(&self, conn: ConnId, mut p: Protocal, hook: Option<WriteHook>) -> bool {
        let Some(s) = self.sessions.get(&conn) else {
            return false;
        };
        if self.server_timestamp {
            p.sm = now_ms();
        }
        s.tx.send(Out::Frame(Message::text(p.to_json()), hook))
            .is_ok()
    }

    fn close(&self, conn: ConnId) {
        if let Some(s) = self.sessions.get(&conn) {
            let _ = s.tx.send(Out::Close(1000, "Bye".into()));
        }
    }

    fn session_uid(&self, conn: ConnId) -> Option<String> {
        self.sessions.get(&conn).and_then(|s| s.uid.clone())
    }

    /// Handles one text frame. Returns how to end the connection, if it must.
    pub fn on_text(hub: &SharedMobileimsdk, conn: ConnId, text: &str) -> Option<Ending> {
        let bye = || Some(Ending::Close(1000, "Bye".into()));
        let Some(p) = Protocal::parse(text) else {
            eprintln!("mobileimsdk: conn {conn}: unparsable frame, closing");
            return bye();
        };
        let mut h = hub.lock().unwrap_or_else(|e| e.into_inner());
        let uid = h.session_uid(conn);
        match (p.kind, uid) {
            (types::LOGIN, _) => h.login(conn, &p),
            (types::ECHO, _) => {
                h.write(
                    conn,
                    Protocal {
                        kind: types::ECHO_RESPONSE,
                        ..p
                    },
                    None,
                );
                None
            }
            (types::LOGOUT, _) => bye(),
            (types::KEEP_ALIVE | types::COMMON_DATA | types::RECEIVED, None) => {
                let body = protocal::error_response(RESPONSE_FOR_UNLOGIN, &p.to_json());
                h.write(
                    conn,
                    Protocal::server(types::ERROR_RESPONSE, Some(body), "0", "-1"),
                    None,
                );
                bye()
            }
            (types::KEEP_ALIVE, Some(uid)) => {
                if h.answer_keep_alive {
                    let target = h.online.get(&uid).copied().unwrap_or(conn);
                    let reply =
                        Protocal::server(types::KEEP_ALIVE_RESPONSE, Some("{}".into()), "0", &uid);
                    h.write(target, reply, None);
                }
                None
            }
            (types::RECEIVED, Some(uid)) => {
                if let Some(fp) = p.data_content {
                    h.tracked.remove(&(uid, fp));
                }
                None
            }
            (types::COMMON_DATA, Some(_)) => {
                h.data(hub, conn, p);
                None
            }
            _ => None,
        }
    }

    fn login(&mut self, conn: ConnId, p: &Protocal) -> Option<Ending> {
        let bye = Some(Ending::Close(1000, "Bye".into()));
        let info: Option<LoginInfo> = p
            .data_content
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok());
        let Some((info, uid)) = info.and_then(|i| Some((i.clone(), i.login_user_id?))) else {
            return bye;
        };
        if let Some(s) = self.sessions.get(&conn).filter(|s| s.uid.is_some()) {
            // Repeat login on a logged-in session: success, no re-verification.
            let body = protocal::login_response(0, s.first_login_time);
            let to = s.uid.clone().unwrap_or_default();
            self.write(
                conn,
                Protocal::server(types::LOGIN_RESPONSE, Some(body), "0", &to),
                None,
            );
            return None;
        }
        let token = info.login_token.unwrap_or_default();
        let ok = self.verify.accept_all
            || self.verify.tokens.get(&uid) == Some(&token)
            || self.extra_tokens.get(&token) == Some(&uid);
        if !ok {
            eprintln!("mobileimsdk: login of {uid} refused");
            let body = protocal::login_response(LOGIN_REFUSED, -1);
            self.write(
                conn,
                Protocal::server(types::LOGIN_RESPONSE, Some(body), "0", "-1"),
                None,
            );
            return bye;
        }
        let asked = info.first_login_time;
        let flt = if asked > 0 { asked } else { now_ms() };
        let ok_packet = Protocal::server(
            types::LOGIN_RESPONSE,
            Some(protocal::login_response(0, flt)),
            "0",
            &uid,
        );
        let kick = Protocal::server(types::KICKOUT, Some(protocal::kickout(1)), "0", &uid);
        if let Some(old) = self.online.get(&uid).copied().filter(|&o| o != conn) {
            let old_flt = self.sessions.get(&old).map_or(0, |s| s.first_login_time);
            if asked > 0 && asked < old_flt {
                // An older login than the live one: success, then kicked.
                eprintln!("mobileimsdk: {uid} older login (conn {conn}) kicked");
                self.write(conn, ok_packet, None);
                self.write(conn, kick, None);
                return bye;
            }
            if asked != old_flt || asked <= 0 {
                eprintln!("mobileimsdk: {uid} newer login: kicking conn {old}");
                self.write(old, kick, None);
            }
            self.close(old);
        }
        self.write(conn, ok_packet, None);
        if let Some(s) = self.sessions.get_mut(&conn) {
            s.uid = Some(uid.clone());
            s.first_login_time = flt;
        }
        self.online.insert(uid.clone(), conn);
        eprintln!("mobileimsdk: {uid} logged in (conn {conn}, firstLoginTime {flt})");
        None
    }

    fn data(&mut self, hub: &SharedMobileimsdk, conn: ConnId, p: Protocal) {
        let to = p.to.clone().unwrap_or_default();
        let fp = p.fp.clone();
        let sender = p.from.clone().unwrap_or_else(|| "-1".into());
        if to == "0" {
            let now = Instant::now();
            self.c2s_seen
                .retain(|_, t| now.duration_since(*t) < C2S_DEDUPE_WINDOW);
            if p.qos {
                if let Some(fp) = fp {
                    let dup = self.c2s_seen.insert(fp.clone(), now).is_some();
                    self.write(
                        conn,
                        Protocal::server(types::RECEIVED, Some(fp), "0", &sender),
                        None,
                    );
                    if dup {
                        return;
                    }
                }
            }
            eprintln!("mobileimsdk: C2S from {sender}: {:?}", p.data_content);
            return;
        }
        match self.online.get(&to).copied() {
            Some(target) => {
                let hook = p.qos.then(|| {
                    let ack = Protocal::server(types::RECEIVED, fp.clone(), &to, &sender);
                    proxy_ack_hook(hub.clone(), conn, ack, to.clone(), p.clone())
                });
                self.deliver(target, &to, p, hook);
            }
            None if p.qos && self.offline != Offline::Drop => {
                if self.offline == Offline::Store {
                    eprintln!("mobileimsdk: {to} offline, C2C from {sender} stored");
                    self.keep(to.clone(), p);
                }
                self.write(
                    conn,
                    Protocal::server(types::RECEIVED, fp, &to, &sender),
                    None,
                );
            }
            None => eprintln!("mobileimsdk: {to} offline, C2C from {sender} not delivered"),
        }
    }

    /// Writes a data packet to a uid's session, twice if the duplicate fault is armed.
    fn deliver(&mut self, target: ConnId, uid: &str, p: Protocal, hook: Option<WriteHook>) {
        if self.duplicate_next.remove(uid) {
            self.write(target, p.clone(), None);
        }
        self.write(target, p, hook);
    }

    /// Server-originated data to `to`; returns its fp, or `None` when offline.
    pub fn send_from_server(
        hub: &SharedMobileimsdk,
        from: &str,
        to: &str,
        data: &str,
        qos: bool,
        typeu: i32,
    ) -> Option<String> {
        let mut h = hub.lock().unwrap_or_else(|e| e.into_inner());
        let target = h.online.get(to).copied()?;
        h.fp_counter += 1;
        let fp = format!("srv-{}-{}", now_ms(), h.fp_counter);
        let mut p = Protocal::server(types::COMMON_DATA, Some(data.into()), from, to);
        p.fp = Some(fp.clone());
        p.qos = qos;
        p.typeu = typeu;
        let hook = qos.then(|| track_hook(hub.clone(), to.to_string(), p.clone()));
        h.deliver(target, to, p, hook);
        Some(fp)
    }

    /// Tracks a packet for `uid` until its ACK (S2C QoS).
    fn keep(&mut self, uid: String, packet: Protocal) {
        if let Some(fp) = packet.fp.clone() {
            self.tracked.insert(
                (uid, fp),
                Tracked {
                    packet,
                    put: Instant::now(),
                    sent: Instant::now(),
                    resent: false,
                },
            );
        }
    }

    /// S2C QoS check (run every check period): resend once what is older
    /// than `just_now`, declare lost what was already resent. With offline
    /// storage, resend to the current session instead, never giving up, in
    /// a window of [`STORE_RESEND_WINDOW`] per receiver.
    pub fn qos_tick(&mut self, just_now: Duration) {
        if self.offline == Offline::Store {
            return self.store_resend(just_now, Instant::now());
        }
        let now = Instant::now();
        let mut resend = Vec::new();
        self.tracked.retain(|(uid, fp), t| {
            if t.resent {
                eprintln!("mobileimsdk: S2C message {fp} to {uid} lost");
                return false;
            }
            if now.duration_since(t.put) > just_now {
                t.resent = true;
                resend.push((uid.clone(), t.packet.clone()));
            }
            true
        });
        for (uid, p) in resend {
            if let Some(target) = self.online.get(&uid).copied() {
                self.deliver(target, &uid, p, None);
            }
        }
    }

    fn store_resend(&mut self, just_now: Duration, now: Instant) {
        let mut due: HashMap<&str, Vec<(Instant, &str)>> = HashMap::new();
        for ((uid, fp), t) in &self.tracked {
            if self.online.contains_key(uid) && now.duration_since(t.sent) > just_now {
                due.entry(uid).or_default().push((t.put, fp));
            }
        }
        let mut resend: Vec<(String, String)> = Vec::new();
        for (uid, mut entries) in due {
            entries.sort_unstable();
            let oldest = entries.iter().take(STORE_RESEND_WINDOW);
            resend.extend(oldest.map(|&(_, fp)| (uid.to_string(), fp.to_string())));
        }
        for key in resend {
            let Some(t) = self.tracked.get_mut(&key) else {
                continue;
            };
            t.sent = now;
            t.resent = true;
            let p = t.packet.clone();
            if let Some(target) = self.online.get(&key.0).copied() {
                self.deliver(target, &key.0, p, None);
            }
        }
    }

    /// Number of S2C packets awaiting the receiver's ACK.
    pub fn tracked_count(&self) -> usize {
        self.tracked.len()
    }

    /// Kicks a uid's session out with `54 {code}` then closes it.
    pub fn kickout(&mut self, uid: &str, code: i32) -> bool {
        let Some(conn) = self.online.get(uid).copied() else {
            return false;
        };
        self.write(
            conn,
            Protocal::server(types::KICKOUT, Some(protocal::kickout(code)), "0", uid),
            None,
        );
        self.close(conn);
        true
    }

    /// Drops connections abruptly: all, or those of one uid.
    pub fn drop_connections(&mut self, uid: Option<&str>) -> usize {
        self.signal(uid, || Out::Abort)
    }

    /// Queues a link control (abort, stall, delay) to every connection, or
    /// to those of one uid; returns how many got it.
    pub fn signal(&self, uid: Option<&str>, out: impl Fn() -> Out) -> usize {
        let mut n = 0;
        for s in self.sessions.values() {
            if uid.is_none() || s.uid.as_deref() == uid {
                let _ = s.tx.send(out());
                n += 1;
            }
        }
        n
    }

    /// Sends an arbitrary text frame (malformed JSON, SRT-dialect packets) to
    /// a uid's current session; false when offline.
    pub fn send_raw(&self, uid: &str, text: &str) -> bool {
        let Some(s) = self.online.get(uid).and_then(|c| self.sessions.get(c)) else {
            return false;
        };
        s.tx.send(Out::Frame(Message::text(text), None)).is_ok()
    }

    /// Arms "send the next data frame to this uid twice".
    pub fn duplicate_next(&mut self, uid: &str) {
        self.duplicate_next.insert(uid.to_string());
    }

    /// Connection counts for `/api/stats`.
    pub fn stats(&self) -> serde_json::Value {
        let mut by_uid: HashMap<String, usize> = HashMap::new();
        for uid in self.sessions.values().filter_map(|s| s.uid.clone()) {
            *by_uid.entry(uid).or_default() += 1;
        }
        serde_json::json!({
            "connections": self.sessions.len(),
            "logged_in": self.online.len(),
            "by_uid": by_uid,
            "qos_pending": self.tracked.len(),
            "qos_pending_fps": self.tracked.keys().take(5).map(|(uid, fp)| format!("{uid}:{fp}")).collect::<Vec<_>>(),
        })
    }
}

fn track(hub: &SharedMobileimsdk, uid: String, packet: Protocal) {
    hub.lock()
        .unwrap_or_else(|e| e.into_inner())
        .keep(uid, packet);
}

fn track_hook(hub: SharedMobileimsdk, uid: String, packet: Protocal) -> WriteHook {
    Box::new(move || track(&hub, uid, packet))
}

/// After the forwarded packet was written: proxy ACK to the sender, then
/// S2C QoS tracking of the forwarded packet.
fn proxy_ack_hook(
    hub: SharedMobileimsdk,
    sender_conn: ConnId,
    ack: Protocal,
    uid: String,
    packet: Protocal,
) -> WriteHook {
    Box::new(move || {
        hub.lock()
            .unwrap_or_else(|e| e.into_inner())
            .write(sender_conn, ack, None);
        track(&hub, uid, packet);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::channel;

    fn stored(h: &mut MobileimsdkHub, n: usize) {
        for i in 0..n {
            let mut p = Protocal::server(types::COMMON_DATA, Some("x".into()), "2", "1");
            p.fp = Some(format!("fp{i:05}"));
            p.qos = true;
            h.keep("1".into(), p);
        }
    }

    #[test]
    fn a_stored_backlog_is_resent_oldest_first_in_a_window_per_check() {
        // A receiver gets at most one window per check, oldest first.
        let verify = Verify {
            accept_all: true,
            tokens: HashMap::new(),
        };
        let mut h = MobileimsdkHub::new(verify, Offline::Store, false);
        stored(&mut h, 1_000);
        let (tx, mut rx) = channel();
        h.open(7, tx);
        h.sessions.get_mut(&7).unwrap().uid = Some("1".into());
        h.online.insert("1".into(), 7);
        let written = |rx: &mut crate::conn::OutRx| {
            let mut fps = Vec::new();
            while let Ok(Out::Frame(Message::Text(t), _)) = rx.try_recv() {
                let p: Protocal = serde_json::from_str(t.as_str()).unwrap();
                fps.push(p.fp.unwrap());
            }
            fps
        };
        let just_now = Duration::from_millis(300);
        let t0 = Instant::now() + Duration::from_secs(1);
        h.store_resend(just_now, t0);
        let first = written(&mut rx);
        assert_eq!(first.len(), STORE_RESEND_WINDOW);
        let mut sorted = first.clone();
        sorted.sort();
        assert_eq!(sorted[0], "fp00000");
        assert_eq!(
            sorted[STORE_RESEND_WINDOW - 1],
            format!("fp{:05}", STORE_RESEND_WINDOW - 1)
        );
        // The next check sends the next window, not the first one again
        // (sent within `just_now`).
        h.store_resend(just_now, t0 + Duration::from_millis(100));
        let second = written(&mut rx);
        assert_eq!(second.len(), STORE_RESEND_WINDOW);
        assert!(second.iter().all(|fp| !first.contains(fp)));
        assert!(second.contains(&format!("fp{:05}", STORE_RESEND_WINDOW)));
        // ACKed ones are gone; the unACKed are resent once `just_now` passed.
        for fp in &first[..100] {
            h.tracked.remove(&("1".to_string(), fp.clone()));
        }
        h.store_resend(just_now, t0 + Duration::from_secs(10));
        let later = written(&mut rx);
        assert_eq!(later.len(), STORE_RESEND_WINDOW);
        assert!(later.iter().all(|fp| !first[..100].contains(fp)));
        assert_eq!(h.tracked_count(), 900, "never given up");
    }
}
