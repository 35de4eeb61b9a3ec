//! IMClientManager end to end in headless Chromium against the dev server's
//! MobileIMSDK v6 endpoint (issue 3, part D). The server runs with
//! `--mobileimsdk-accept-all` (see scripts/test.sh).
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::{Array, Function, Reflect};
use support::mobileimsdk::{Class, ImClientManager};
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Every seed callback, plus `loginCB`/`sendCB`/`logoutCB` used as `callBack`s.
const CALLBACKS: &[&str] = &[
    "onLoginOrReloginSuccessCB",
    "onLoginOrReloginFailCB",
    "onLinkCloseMessageCB",
    "onKickoutCB",
    "onTransBufferCB",
    "onTransErrorCB",
    "handleMessageLost",
    "messagesBeReceivedCB",
    "loginCB",
    "sendCB",
    "logoutCB",
];

struct User {
    uid: String,
    m: ImClientManager,
    rec: JsValue,
}

/// A manager for `uid` whose three callback groups all record into `rec`.
fn user(uid: &str, extra: &[(&str, JsValue)]) -> User {
    let rec = recorder(names(CALLBACKS));
    let mut pairs = vec![
        ("wsUrl", JsValue::from(ws_url("/websocket"))),
        ("chatBaseCB", rec.clone()),
        ("chatTransDataCB", rec.clone()),
        ("messageQoSCB", rec.clone()),
    ];
    pairs.extend(extra.iter().cloned());
    let m = ImClientManager::standalone(&obj(&pairs)).unwrap();
    User {
        uid: uid.into(),
        m,
        rec,
    }
}

fn fresh() -> String {
    format!("mobileimsdk{}", fresh_uid())
}

fn arg(call: &JsValue, i: u32) -> JsValue {
    Reflect::get(call, &i.into()).unwrap()
}

impl User {
    fn count(&self, name: &str) -> u32 {
        count_named(&self.rec, name)
    }

    /// The first arguments of every call to `name`.
    fn firsts(&self, name: &str) -> Vec<JsValue> {
        calls_named(&self.rec, name)
            .iter()
            .map(|c| arg(&c, 1))
            .collect()
    }

    fn codes(&self, name: &str) -> Vec<i32> {
        self.firsts(name)
            .iter()
            .map(|v| v.as_f64().unwrap_or(f64::NAN) as i32)
            .collect()
    }

    fn cb(&self, name: &str) -> JsValue {
        get(&self.rec, name)
    }

    async fn login(&self) {
        let before = self.count("loginCB");
        self.m
            .login(obj(&[
                ("loginUserId", self.uid.as_str().into()),
                ("loginToken", "token".into()),
                ("callBack", self.cb("loginCB")),
            ]))
            .unwrap();
        wait_until("the login result", 5000.0, || {
            self.count("loginCB") > before
        })
        .await;
        assert_eq!(self.codes("loginCB").last(), Some(&0), "login succeeded");
        assert!(self.m.connected());
    }

    /// Sends a QoS message; returns its fingerprint (the send callBack gave 0).
    fn send(&self, to: &str, text: &str) -> String {
        let before = self.count("sendCB");
        self.m.send(obj(&[
            ("dataContent", text.into()),
            ("toId", to.into()),
            ("callBack", self.cb("sendCB")),
        ]));
        let calls = calls_named(&self.rec, "sendCB");
        assert_eq!(calls.length(), before + 1, "send calls back at once");
        let last = calls.get(before);
        assert_eq!(arg(&last, 1).as_f64(), Some(0.0), "send wrote the packet");
        let p = arg(&last, 2);
        assert_eq!(get(&p, "QoS"), JsValue::TRUE);
        get(&p, "fp")
            .as_string()
            .expect("a QoS message has a fingerprint")
    }

    /// The messages received with this content.
    fn received(&self, text: &str) -> Vec<JsValue> {
        self.firsts("onTransBufferCB")
            .into_iter()
            .filter(|p| get(p, "dataContent").as_string().as_deref() == Some(text))
            .collect()
    }

    fn acked(&self, fp: &str) -> u32 {
        self.firsts("messagesBeReceivedCB")
            .iter()
            .filter(|f| f.as_string().as_deref() == Some(fp))
            .count() as u32
    }

    fn nothing_running(&self) -> bool {
        self.m.open_socket_count() == 0 && !self.m.timer_armed()
    }
}

/// The dev server's count of sessions logged in as `uid`.
async fn server_sessions(uid: &str) -> u32 {
    let body = api("/api/stats").await;
    let stats = js_sys::JSON::parse(&body).expect("stats are JSON");
    let by_uid = get(&get(&stats, "mobileimsdk"), "by_uid");
    get(&by_uid, uid).as_f64().unwrap_or(0.0) as u32
}

async fn wait_for_server_sessions(uid: &str, n: u32, ms: f64) {
    let start = js_sys::Date::now();
    loop {
        let now = server_sessions(uid).await;
        if now == n {
            return;
        }
        if js_sys::Date::now() - start > ms {
            panic!("the server still has {now} sessions of {uid} after {ms} ms, expected {n}");
        }
        sleep(20).await;
    }
}

#[wasm_bindgen_test]
async fn two_users_exchange_qos_messages_acked_once_and_delivered_once_despite_duplicates() {
    let (a, b) = (user(&fresh(), &[]), user(&fresh(), &[]));
    a.login().await;
    b.login().await;

    for (from, to) in [(&a, &b), (&b, &a)] {
        // The server writes the next data frame to the receiver twice.
        api(&format!("/api/fault/duplicate?uid={}", to.uid)).await;
        let text = format!("hello {}", to.uid);
        let fp = from.send(&to.uid, &text);
        wait_until("the sender's messagesBeReceivedCB", 5000.0, || {
            from.acked(&fp) == 1
        })
        .await;
        wait_until("delivery", 5000.0, || !to.received(&text).is_empty()).await;
        // A later message on the same connection proves the copy has arrived too.
        let marker = format!("after {}", to.uid);
        let marker_fp = from.send(&to.uid, &marker);
        wait_until("the marker", 5000.0, || !to.received(&marker).is_empty()).await;
        wait_until("the marker's ACK", 5000.0, || from.acked(&marker_fp) == 1).await;

        let got = to.received(&text);
        assert_eq!(got.len(), 1, "delivered once although sent twice");
        let p = &got[0];
        assert_eq!(get(p, "fp").as_string(), Some(fp.clone()));
        assert_eq!(get(p, "from").as_string(), Some(from.uid.clone()));
        assert_eq!(get(p, "to").as_string(), Some(to.uid.clone()));
        assert_eq!(get(p, "type").as_f64(), Some(2.0));
        assert_eq!(get(p, "QoS"), JsValue::TRUE);
        let get_fp: Function = get(p, "getFp").dyn_into().unwrap();
        assert_eq!(get_fp.call0(p).unwrap().as_string(), Some(fp.clone()));
        assert_eq!(from.acked(&fp), 1, "one messagesBeReceivedCB per message");
    }
    for u in [&a, &b] {
        assert_eq!(u.count("handleMessageLost"), 0);
        assert_eq!(u.count("onLinkCloseMessageCB"), 0);
        assert_eq!(u.codes("onLoginOrReloginSuccessCB"), [0]);
    }
    a.m.release();
    b.m.release();
}

#[wasm_bindgen_test]
async fn a_message_to_an_offline_user_is_resent_then_reported_lost() {
    let a = user(
        &fresh(),
        &[
            ("qosCheckInterval", 200.into()),
            ("qosJustNow", 100.into()),
            ("qosMaxResends", 2.into()),
        ],
    );
    a.login().await;
    let offline = fresh();
    let sent_at = js_sys::Date::now();
    let fp = a.send(&offline, "nobody home");
    wait_until("handleMessageLost", 5000.0, || {
        a.count("handleMessageLost") == 1
    })
    .await;
    let elapsed = js_sys::Date::now() - sent_at;
    // Two resends happen on two checks after "just now"; the loss on the third.
    assert!(
        elapsed >= 400.0,
        "reported lost after {elapsed} ms, before the resends"
    );
    let lost: Array = a.firsts("handleMessageLost")[0].clone().dyn_into().unwrap();
    assert_eq!(lost.length(), 1);
    let p = lost.get(0);
    assert_eq!(get(&p, "fp").as_string(), Some(fp.clone()));
    assert_eq!(get(&p, "to").as_string(), Some(offline));
    assert_eq!(get(&p, "retryCount").as_f64(), Some(2.0), "resent twice");
    assert_eq!(a.acked(&fp), 0, "exactly one outcome");
    a.m.release();
}

#[wasm_bindgen_test]
async fn a_silent_server_is_detected_in_time_and_the_client_logs_in_again() {
    const INTERVAL: f64 = 500.0;
    const TIMEOUT: f64 = 1500.0;
    const CHECK: f64 = 2000.0; // the official check period: the upper bound allowed
    let a = user(
        &fresh(),
        &[
            ("keepAliveInterval", INTERVAL.into()),
            ("keepAliveTimeout", TIMEOUT.into()),
            ("reloginInterval", 300.into()),
        ],
    );
    a.login().await;
    let successes = a.count("onLoginOrReloginSuccessCB");
    api("/api/fault/pings?proto=mobileimsdk&answer=0").await;
    let silent_at = js_sys::Date::now();
    wait_until("onLinkCloseMessageCB", 10_000.0, || {
        a.count("onLinkCloseMessageCB") > 0
    })
    .await;
    let elapsed = js_sys::Date::now() - silent_at;
    api("/api/fault/pings?proto=mobileimsdk&answer=1").await;
    assert!(
        elapsed <= INTERVAL + TIMEOUT + CHECK,
        "link loss detected after {elapsed} ms"
    );
    assert!(
        elapsed >= TIMEOUT - 100.0,
        "detected too early ({elapsed} ms)"
    );
    assert_eq!(a.codes("onLinkCloseMessageCB")[0], -1);

    // The server answers again: an automatic re-login succeeds and the link holds.
    wait_until("a re-login", 5000.0, || {
        a.count("onLoginOrReloginSuccessCB") > successes && a.m.connected()
    })
    .await;
    let closes = a.count("onLinkCloseMessageCB");
    sleep((TIMEOUT + INTERVAL * 2.0) as u32).await; // observation window: no new loss
    assert_eq!(a.count("onLinkCloseMessageCB"), closes, "the link holds");
    assert!(a.m.connected());
    assert_eq!(
        a.count("loginCB"),
        1,
        "re-logins do not call the login callBack"
    );
    assert_eq!(server_sessions(&a.uid).await, 1);
    a.m.release();
}

#[wasm_bindgen_test]
async fn a_second_login_of_the_same_user_kicks_the_first_out_for_good() {
    let uid = fresh();
    let first = user(&uid, &[("reloginInterval", 200.into())]);
    first.login().await;
    let second = user(&uid, &[]);
    second.login().await;

    wait_until("onKickoutCB", 5000.0, || first.count("onKickoutCB") == 1).await;
    let info = first.firsts("onKickoutCB")[0].clone();
    assert_eq!(get(&info, "code").as_f64(), Some(1.0), "duplicate login");
    wait_until("onLinkCloseMessageCB(-1)", 2000.0, || {
        first.codes("onLinkCloseMessageCB") == [-1]
    })
    .await;
    assert!(
        first.nothing_running(),
        "a kick-out releases the connection"
    );
    assert!(!first.m.logged_in());

    // Observation window of several re-login intervals: the first stays out.
    sleep(1200).await;
    assert_eq!(server_sessions(&uid).await, 1, "only the second session");
    assert_eq!(first.count("onLoginOrReloginSuccessCB"), 1, "no re-login");
    assert!(first.nothing_running());
    assert!(second.m.connected());
    assert_eq!(second.count("onKickoutCB"), 0);
    first.m.release();
    second.m.release();
}

#[wasm_bindgen_test]
async fn logout_and_release_leave_no_timer_and_no_socket() {
    let quick = [
        ("qosCheckInterval", JsValue::from(200)),
        ("qosJustNow", 100.into()),
    ];
    let a = user(&fresh(), &quick);
    a.login().await;
    // A message nobody ACKs keeps the QoS timer armed.
    a.send(&fresh(), "pending");
    assert!(a.m.timer_armed());
    a.m.logout(a.cb("logoutCB"));
    assert_eq!(a.codes("logoutCB"), [0], "the logout packet was written");
    assert!(a.nothing_running(), "logout leaves no timer or socket");
    assert!(!a.m.logged_in());
    // The pending message ends in exactly one outcome: lost at logout.
    wait_until("handleMessageLost after logout", 2000.0, || {
        a.count("handleMessageLost") == 1
    })
    .await;
    wait_for_server_sessions(&a.uid, 0, 3000.0).await;

    // The same instance can log in again, and release stops everything.
    a.login().await;
    a.send(&fresh(), "pending again");
    assert!(a.m.timer_armed());
    a.m.release();
    assert!(a.nothing_running(), "release leaves no timer or socket");
    assert!(!a.m.watching_environment());
    wait_for_server_sessions(&a.uid, 0, 3000.0).await;

    // Observation window longer than a QoS round: nothing comes back to life.
    sleep(1000).await;
    assert!(a.nothing_running());
    assert_eq!(
        a.count("handleMessageLost"),
        2,
        "each pending message is reported lost once (logout, then release)"
    );
    assert_eq!(a.count("onLinkCloseMessageCB"), 0);
    assert_eq!(a.count("onLoginOrReloginSuccessCB"), 2);
    assert_eq!(server_sessions(&a.uid).await, 0);
}

#[wasm_bindgen_test]
async fn the_shared_instance_logs_in_and_its_release_closes_everything() {
    let rec = recorder(names(CALLBACKS));
    let uid = fresh();
    let class = Class::fresh();
    let js = class
        .get_instance(obj(&[
            ("wsUrl", ws_url("/websocket").into()),
            ("chatBaseCB", rec.clone()),
        ]))
        .unwrap();
    let call = |name: &str, a: JsValue| {
        let f: Function = get(&js, name).dyn_into().unwrap();
        f.call1(&js, &a).unwrap();
    };
    call(
        "login",
        obj(&[
            ("logiUserId", uid.as_str().into()),
            ("loginToken", "t".into()),
            ("callBack", get(&rec, "loginCB")),
        ]),
    );
    wait_until("login", 5000.0, || count_named(&rec, "loginCB") == 1).await;
    let code = arg(&calls_named(&rec, "loginCB").get(0), 1);
    assert_eq!(code.as_f64(), Some(0.0));
    assert_eq!(count_named(&rec, "onLoginOrReloginSuccessCB"), 1);
    wait_for_server_sessions(&uid, 1, 3000.0).await;
    call("release", JsValue::UNDEFINED);
    assert_eq!(get(&js, "openSocketCount").as_f64(), Some(0.0));
    assert_eq!(get(&js, "timerArmed"), JsValue::FALSE);
    assert!(!class.get_init_flag());
    wait_for_server_sessions(&uid, 0, 3000.0).await;
}

#[wasm_bindgen_test]
async fn max_pending_bounds_the_qos_messages_waiting_and_release_reports_them_lost() {
    let a = user(&fresh(), &[("maxPending", 2.into())]);
    a.login().await;
    let offline = fresh();
    a.send(&offline, "one");
    a.send(&offline, "two");
    // The third QoS message finds the bound: 3, nothing written, the two kept.
    a.m.send(obj(&[
        ("dataContent", "three".into()),
        ("toId", offline.as_str().into()),
        ("callBack", a.cb("sendCB")),
    ]));
    assert_eq!(a.codes("sendCB"), [0, 0, 3]);
    // A message without QoS is not bounded.
    a.m.send(obj(&[
        ("dataContent", "plain".into()),
        ("toId", offline.as_str().into()),
        ("Qos", false.into()),
        ("callBack", a.cb("sendCB")),
    ]));
    assert_eq!(a.codes("sendCB"), [0, 0, 3, 0]);
    // Release reports the two as lost, in one call.
    a.m.release();
    let lost: Array = a.firsts("handleMessageLost")[0].clone().dyn_into().unwrap();
    assert_eq!(lost.length(), 2);
}
