//! The fake-clock harness shared by the client's host tests: a [`Client`],
//! the time it is at, and helpers that play the server's side.

use super::bodies::PLoginInfo;
use super::client::Client;
use super::config::Config;
use super::event::Event;
use super::protocal::{Dialect, Protocal};
use super::request::{LoginInfo, SendRequest};
use crate::core::io::{ConnId, Frame, Io};

pub use crate::core::fake_clock::FakeClock;

pub const URL: &str = "ws://127.0.0.1:3000/websocket";

/// A client plus the fake clock and a transcript of what it asked for.
pub struct Harness {
    pub c: Client,
    pub now: u64,
}

/// `advance` and `advance_to` fire the client's timers on the way, each at its deadline.
impl FakeClock for Harness {
    type M = Client;
    fn machine(&mut self) -> &mut Client {
        &mut self.c
    }
    fn clock(&mut self) -> &mut u64 {
        &mut self.now
    }
}

impl Harness {
    pub fn new() -> Self {
        Self::with(Config {
            url: URL.into(),
            ..Config::default()
        })
    }

    pub fn with(config: Config) -> Self {
        Self::with_seed(config, 42)
    }

    /// A client whose random choices (fingerprints, back-off jitter) follow `seed`.
    pub fn with_seed(config: Config, seed: u64) -> Self {
        Harness {
            c: Client::new(config, seed),
            now: 1_000_000,
        }
    }

    pub fn dialect(&self) -> Dialect {
        self.c.config().dialect
    }

    pub fn ios(&mut self) -> Vec<Io> {
        core::iter::from_fn(|| self.c.poll_io()).collect()
    }

    pub fn events(&mut self) -> Vec<Event> {
        core::iter::from_fn(|| self.c.poll_event()).collect()
    }

    /// The packets written, in order (any other Io is ignored).
    pub fn sent(&mut self) -> Vec<Protocal> {
        let dialect = self.dialect();
        self.ios()
            .into_iter()
            .filter_map(|io| match io {
                Io::Send {
                    frame: Frame::Text(t),
                    ..
                } => Some(Protocal::from_json(&t, dialect).unwrap()),
                _ => None,
            })
            .collect()
    }

    pub fn server_sends(&mut self, conn: ConnId, p: &Protocal) {
        let text = p.to_json(self.dialect());
        self.c.handle_text(conn, &text, self.now);
    }

    pub fn login_response(&mut self, conn: ConnId, code: i32, first_login_time: i64) {
        let body = format!(r#"{{"code":{code},"firstLoginTime":{first_login_time}}}"#);
        let p = Protocal::new(50, Some(body), "0", "1");
        self.server_sends(conn, &p);
    }

    /// Expects a Connect (after an optional Close) and returns its id.
    pub fn expect_connect(&mut self) -> ConnId {
        let ios = self.ios();
        let connects: Vec<ConnId> = ios
            .iter()
            .filter_map(|io| match io {
                Io::Connect { conn, url } => {
                    assert_eq!(url, URL);
                    Some(*conn)
                }
                _ => None,
            })
            .collect();
        assert_eq!(connects.len(), 1, "{ios:?}");
        connects[0]
    }

    /// Opens `conn` and returns the login body sent on it.
    pub fn open_and_read_login(&mut self, conn: ConnId) -> PLoginInfo {
        self.c.handle_open(conn, self.now);
        let sent = self.sent();
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].type_, 0);
        assert_eq!((sent[0].from.as_str(), sent[0].to.as_str()), ("1", "0"));
        PLoginInfo::from_json(sent[0].data_content.as_deref().unwrap()).unwrap()
    }

    /// A manual login as uid 1 answered with success; returns the connection.
    pub fn logged_in(&mut self) -> ConnId {
        self.c.login(info(), self.now);
        let conn = self.expect_connect();
        self.open_and_read_login(conn);
        self.login_response(conn, 0, 1_700_000_000_000);
        assert_eq!(
            self.events(),
            [Event::LoginResult(0), Event::LoginOrReloginSuccess]
        );
        conn
    }

    pub fn message(&mut self, to: &str, qos: bool) -> Protocal {
        let req = SendRequest {
            data_content: "hello".into(),
            to: to.into(),
            qos,
            fp: None,
            typeu: 0,
        };
        self.c.send(req, self.now).unwrap()
    }

    /// Runs the timers until the client opens a new connection, at most
    /// `within` ms from now; returns it (other requests are dropped).
    pub fn next_connect(&mut self, within: u64) -> ConnId {
        let limit = self.now + within;
        loop {
            for io in self.ios() {
                if let Io::Connect { conn, .. } = io {
                    return conn;
                }
            }
            let at = self.c.poll_timeout().expect("a re-login is scheduled");
            assert!(at <= limit, "no re-login within {within} ms");
            self.advance_to(at.max(self.now));
        }
    }

    pub fn assert_idle(&mut self) {
        assert_eq!(self.c.poll_timeout(), None);
        self.advance(24 * 3_600_000);
        self.c.handle_timeout(self.now);
        assert_eq!(self.ios(), []);
        assert_eq!(self.events(), []);
    }
}

pub fn info() -> LoginInfo {
    LoginInfo {
        user_id: "1".into(),
        token: "token".into(),
        extra: None,
        app: Some("appName".into()),
    }
}

pub fn qos_data(from: &str, fp: &str) -> Protocal {
    let mut p = Protocal::new(2, Some("hi".into()), from, "1");
    p.fp = Some(fp.into());
    p.qos = true;
    p
}

pub fn ack(fp: &str) -> Protocal {
    Protocal::new(4, Some(fp.into()), "2", "1")
}
