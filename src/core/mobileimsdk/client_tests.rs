//! Host tests of the client machine with a fake clock: every daemon's
//! schedule and every transition of spec §4 and §8.

use super::config::Config;
use super::event::Event;
use super::protocal::{Dialect, Protocal};
use super::request::SendRequest;
use super::send_error::SendError;
use super::test_harness::*;
use super::trans_fault::TransFault;
use crate::core::io::{Frame, Io};

// ---- login ------------------------------------------------------------

#[test]
fn manual_login_sends_the_official_login_and_reports_once() {
    let mut h = Harness::new();
    h.c.login(info(), h.now);
    let conn = h.expect_connect();
    assert!(!h.c.is_connected());
    h.c.handle_open(conn, h.now);
    let frames = h.ios();
    assert_eq!(
        frames,
        [Io::Send {
            conn,
            frame: Frame::Text(
                r#"{"bridge":false,"type":0,"dataContent":"{\"loginUserId\":\"1\",\"loginToken\":\"token\",\"extra\":null,\"firstLoginTime\":0}","from":"1","to":"0","fp":null,"QoS":false,"typeu":-1,"sm":-1}"#
                    .into()
            )
        }]
    );
    assert_eq!(h.events(), []);
    h.login_response(conn, 0, 1_700_000_000_000);
    assert_eq!(
        h.events(),
        [Event::LoginResult(0), Event::LoginOrReloginSuccess]
    );
    assert!(h.c.is_logged_in() && h.c.is_connected());
    assert_eq!(h.c.user_id(), Some("1"));
}

#[test]
fn a_refused_login_closes_and_reports_the_servers_code() {
    let mut h = Harness::new();
    h.c.login(info(), h.now);
    let conn = h.expect_connect();
    h.open_and_read_login(conn);
    h.login_response(conn, 1025, -1);
    assert_eq!(h.ios(), [Io::Close { conn }]);
    assert_eq!(
        h.events(),
        [Event::LoginResult(1025), Event::LoginOrReloginFail(1025)]
    );
    assert!(!h.c.is_logged_in());
    // The server's own close of that socket changes nothing.
    h.c.handle_close(conn, false, h.now);
    h.assert_idle();
}

#[test]
fn a_link_that_never_opens_or_breaks_before_the_answer_reports_202_or_201() {
    let mut h = Harness::new();
    h.c.login(info(), h.now);
    let conn = h.expect_connect();
    h.c.handle_close(conn, true, h.now);
    assert_eq!(h.events(), [Event::LoginResult(202)]);
    h.assert_idle();

    h.c.login(info(), h.now);
    let conn = h.expect_connect();
    h.open_and_read_login(conn);
    h.c.handle_close(conn, false, h.now);
    assert_eq!(h.events(), [Event::LoginResult(201)]);
    h.assert_idle();
}

#[test]
fn the_login_wait_is_bounded_by_the_connect_timeout() {
    let mut h = Harness::new();
    let start = h.now;
    h.c.login(info(), h.now);
    let conn = h.expect_connect();
    assert_eq!(h.c.poll_timeout(), Some(start + 60_000));
    h.advance_to(start + 59_999);
    assert_eq!(h.events(), []);
    h.advance_to(start + 60_000);
    assert_eq!(h.ios(), [Io::Close { conn }]);
    assert_eq!(h.events(), [Event::LoginResult(202)]);
    h.assert_idle();
}

#[test]
fn a_second_login_supersedes_the_first_which_still_gets_one_result() {
    let mut h = Harness::new();
    h.c.login(info(), h.now);
    let first = h.expect_connect();
    h.c.login(info(), h.now);
    let ios = h.ios();
    assert_eq!(ios[0], Io::Close { conn: first });
    assert!(matches!(ios[1], Io::Connect { conn, .. } if conn != first));
    assert_eq!(h.events(), [Event::LoginResult(201)]);
}

#[test]
fn offline_login_fails_with_204() {
    let mut h = Harness::new();
    h.c.network_changed(false, h.now);
    h.c.login(info(), h.now);
    assert_eq!(h.ios(), []);
    assert_eq!(h.events(), [Event::LoginResult(204)]);
}

#[test]
fn a_suspicious_official_url_is_warned_about() {
    let mut h = Harness::with(Config {
        url: "ws://h:3000/ws?token=x".into(),
        ..Config::default()
    });
    h.c.login(info(), h.now);
    assert!(matches!(h.events().as_slice(), [Event::Warning(_)]));
}

// ---- keep-alive and re-login --------------------------------------------

#[test]
fn keep_alive_starts_one_interval_after_login_and_repeats() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    let t0 = h.now;
    assert_eq!(h.c.poll_timeout(), Some(t0 + 5_000));
    h.advance_to(t0 + 4_999);
    assert_eq!(h.sent(), []);
    for k in 1..=4 {
        h.advance_to(t0 + 5_000 * k);
        let sent = h.sent();
        assert_eq!(sent.len(), 1);
        assert_eq!(
            (sent[0].type_, sent[0].data_content.as_deref()),
            (1, Some("{}"))
        );
        assert_eq!((sent[0].from.as_str(), sent[0].to.as_str()), ("1", "0"));
        h.advance(40);
        h.server_sends(conn, &Protocal::new(51, Some("{}".into()), "0", "1"));
    }
    assert_eq!(h.events(), []);
}

#[test]
fn heartbeat_death_closes_reports_and_relogs_in_with_the_saved_first_login_time() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    let t0 = h.now;
    h.advance_to(t0 + 5_000); // first keep-alive, never answered
    h.sent();
    h.advance_to(t0 + 12_999);
    assert_eq!(h.events(), []);
    assert_eq!(h.sent().len(), 1, "the second keep-alive at +10 s");
    h.advance_to(t0 + 13_000);
    assert_eq!(h.events(), [Event::LinkClose(-1)]);
    assert!(!h.c.is_connected());
    assert!(h.c.is_logged_in(), "loginHasInit survives a link loss");
    let ios = h.ios();
    assert_eq!(ios[0], Io::Close { conn });
    let Io::Connect { conn: second, .. } = ios[1].clone() else {
        panic!("{ios:?}")
    };
    assert_ne!(second, conn);
    // The attempt fails; the next follows within the back-off ceiling
    // (6 s after one failure) on yet another connection.
    h.c.handle_close(second, true, h.now);
    let third = h.next_connect(6_000);
    assert_ne!(third, second);
    let login = h.open_and_read_login(third);
    assert_eq!(login.first_login_time, 1_700_000_000_000);
    h.login_response(third, 0, 1_700_000_000_000);
    assert_eq!(
        h.events(),
        [Event::LoginOrReloginSuccess],
        "no LoginResult for a re-login"
    );
    assert!(h.c.is_connected());
    assert_eq!(
        h.c.poll_timeout(),
        Some(h.now + 5_000),
        "only the keep-alive is left"
    );
}

#[test]
fn any_frame_counts_as_heard() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    let t0 = h.now;
    for k in 1..=5 {
        h.advance_to(t0 + 5_000 * k + 100);
        h.server_sends(conn, &Protocal::new(2, Some("x".into()), "2", "1"));
    }
    assert!(h
        .events()
        .iter()
        .all(|e| matches!(e, Event::TransBuffer(_))));
    assert!(h.c.is_connected());
}

#[test]
fn a_late_timer_probes_a_healthy_link_instead_of_dropping_it() {
    // Failed before the fix: the late check declared the link dead at once.
    let mut h = Harness::new();
    let conn = h.logged_in();
    h.advance(5_000);
    h.server_sends(conn, &Protocal::new(51, Some("{}".into()), "0", "1"));
    h.sent();
    // The tab was throttled: the next timer runs 60 s late.
    h.now += 60_000;
    h.c.handle_timeout(h.now);
    assert_eq!(h.events(), []);
    let sent = h.sent();
    assert_eq!(sent.len(), 1, "a keep-alive at once");
    assert_eq!(sent[0].type_, 1);
    // From then on every keep-alive is answered: the link stays up.
    for _ in 0..600 {
        h.advance(100);
        if h.sent().iter().any(|p| p.type_ == 1) {
            h.server_sends(conn, &Protocal::new(51, Some("{}".into()), "0", "1"));
        }
    }
    assert_eq!(h.events(), []);
    assert!(h.c.is_connected());
}

#[test]
fn a_late_timer_on_a_dead_link_is_detected_within_interval_plus_timeout() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    h.advance(5_000);
    h.server_sends(conn, &Protocal::new(51, Some("{}".into()), "0", "1"));
    h.sent();
    h.now += 60_000;
    let woke = h.now;
    h.c.handle_timeout(h.now);
    let mut dead_at = None;
    while dead_at.is_none() && h.now < woke + 60_000 {
        h.advance(100);
        if h.events().contains(&Event::LinkClose(-1)) {
            dead_at = Some(h.now - woke);
        }
    }
    let dead_after = dead_at.expect("the dead link was found");
    assert!(dead_after <= 5_000 + 8_000, "{dead_after} ms after waking");
    assert!(h.ios().contains(&Io::Close { conn }));
}

#[test]
fn a_socket_close_or_error_while_logged_in_is_a_link_loss() {
    for error in [false, true] {
        let mut h = Harness::new();
        let conn = h.logged_in();
        h.c.handle_close(conn, error, h.now);
        assert_eq!(h.events(), [Event::LinkClose(-1)]);
        let second = h.expect_connect();
        assert_ne!(second, conn);
        let login = h.open_and_read_login(second);
        assert_eq!(login.first_login_time, 1_700_000_000_000);
    }
}

#[test]
fn a_manual_login_resets_first_login_time() {
    let mut h = Harness::new();
    h.logged_in();
    h.c.login(info(), h.now);
    let conn = h.expect_connect();
    assert_eq!(h.open_and_read_login(conn).first_login_time, 0);
}

#[test]
fn first_login_time_is_taken_from_the_first_success_only() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    h.c.handle_close(conn, false, h.now);
    h.events();
    let second = h.expect_connect();
    h.open_and_read_login(second);
    h.login_response(second, 0, 1_800_000_000_000);
    h.c.handle_close(second, false, h.now);
    let third = h.next_connect(6_000);
    assert_eq!(
        h.open_and_read_login(third).first_login_time,
        1_700_000_000_000
    );
}

#[test]
fn stale_connection_events_are_ignored() {
    let mut h = Harness::new();
    let old = h.logged_in();
    h.c.handle_close(old, false, h.now);
    h.events();
    let new = h.expect_connect();
    h.c.handle_open(old, h.now);
    h.c.handle_text(
        old,
        r#"{"type":2,"from":"2","to":"1","dataContent":"x"}"#,
        h.now,
    );
    h.c.handle_close(old, true, h.now);
    assert_eq!(h.ios(), []);
    assert_eq!(h.events(), []);
    h.open_and_read_login(new);
}

#[test]
fn error_301_drops_the_login_and_relogs_in_within_one_interval() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    let t0 = h.now;
    let body = r#"{"errorCode":301,"errorMsg":"{\"type\":1}"}"#;
    h.server_sends(conn, &Protocal::new(52, Some(body.into()), "0", "-1"));
    assert_eq!(
        h.events(),
        [Event::TransError(TransFault::Server {
            code: 301,
            msg: r#"{"type":1}"#.into()
        })]
    );
    assert!(!h.c.is_logged_in());
    assert_eq!(
        h.c.send(
            SendRequest {
                to: "2".into(),
                ..Default::default()
            },
            h.now
        ),
        Err(SendError::NotLoggedIn)
    );
    h.c.handle_close(conn, false, h.now); // the server's close after 301
    assert_eq!(h.events(), [], "no second link-close report");
    let at = h.c.poll_timeout().unwrap();
    assert!(at <= t0 + 3_000, "a jittered delay up to one interval");
    h.advance_to(at);
    let second = h.expect_connect();
    h.open_and_read_login(second);
    h.login_response(second, 0, 1_700_000_000_000);
    assert_eq!(h.events(), [Event::LoginOrReloginSuccess]);
    assert!(h.c.is_logged_in());
}

#[test]
fn other_server_errors_are_only_reported() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    let body = r#"{"errorCode":302,"errorMsg":"busy"}"#;
    h.server_sends(conn, &Protocal::new(52, Some(body.into()), "0", "1"));
    assert_eq!(
        h.events(),
        [Event::TransError(TransFault::Server {
            code: 302,
            msg: "busy".into()
        })]
    );
    assert!(h.c.is_connected());
}

// ---- kick-out -----------------------------------------------------------

#[test]
fn an_official_kickout_releases_without_relogin() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    let pending = h.message("2", true);
    h.server_sends(
        conn,
        &Protocal::new(54, Some(r#"{"code":1}"#.into()), "0", "1"),
    );
    // Failed before the fix: the pending message got no outcome at all.
    assert_eq!(
        h.events(),
        [
            Event::MessagesLost(vec![pending]),
            Event::Kickout {
                code: 1,
                reason: None
            },
            Event::LinkClose(-1)
        ]
    );
    assert!(h.ios().contains(&Io::Close { conn }));
    assert!(!h.c.is_logged_in() && !h.c.is_connected());
    h.c.handle_close(conn, false, h.now);
    h.assert_idle();
}

#[test]
fn kickout_reason_is_passed_on() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    h.server_sends(
        conn,
        &Protocal::new(54, Some(r#"{"code":2,"reason":"admin"}"#.into()), "0", "1"),
    );
    assert_eq!(
        h.events()[0],
        Event::Kickout {
            code: 2,
            reason: Some("admin".into())
        }
    );
}

// ---- QoS send -------------------------------------------------------------

#[test]
fn send_errors_use_the_seed_codes() {
    let mut h = Harness::new();
    let req = SendRequest {
        data_content: "x".into(),
        to: "2".into(),
        qos: true,
        fp: None,
        typeu: 0,
    };
    assert_eq!(h.c.send(req.clone(), h.now), Err(SendError::NotLoggedIn));
    let conn = h.logged_in();
    let empty_to = SendRequest {
        to: String::new(),
        ..req.clone()
    };
    assert_eq!(h.c.send(empty_to, h.now), Err(SendError::InvalidRequest));
    let empty_fp = SendRequest {
        fp: Some(String::new()),
        ..req.clone()
    };
    assert_eq!(h.c.send(empty_fp, h.now), Err(SendError::InvalidRequest));
    let huge = SendRequest {
        data_content: "x".repeat(70_000),
        ..req.clone()
    };
    assert_eq!(h.c.send(huge, h.now), Err(SendError::TooLarge));
    h.c.handle_close(conn, false, h.now);
    assert_eq!(h.c.send(req, h.now), Err(SendError::NotConnected));
}

#[test]
fn sent_data_has_our_uid_and_a_uuid_fingerprint() {
    let mut h = Harness::new();
    h.logged_in();
    let p = h.message("2", true);
    assert_eq!(
        (p.type_, p.from.as_str(), p.to.as_str(), p.qos),
        (2, "1", "2", true)
    );
    let fp = p.fp.clone().unwrap();
    assert_eq!(fp.len(), 36);
    assert_eq!(h.sent(), [p]);
    let plain = h.message("2", false);
    assert_eq!(plain.fp, None, "no fingerprint needed without QoS");
    let req = SendRequest {
        data_content: "x".into(),
        to: "3".into(),
        qos: true,
        fp: Some("my-fp".into()),
        typeu: 9,
    };
    let p = h.c.send(req, h.now).unwrap();
    assert_eq!((p.fp.as_deref(), p.typeu), (Some("my-fp"), 9));
}

#[test]
fn an_acked_message_is_reported_once_and_not_resent() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    let p = h.message("2", true);
    let fp = p.fp.clone().unwrap();
    h.sent();
    h.advance(500);
    h.server_sends(conn, &ack(&fp));
    h.server_sends(conn, &ack(&fp));
    h.server_sends(conn, &ack("unknown"));
    assert_eq!(h.events(), [Event::MessageBeReceived(fp)]);
    h.advance(60_000);
    assert!(h.sent().iter().all(|p| p.type_ == 1), "only keep-alives");
}

#[test]
fn an_unacked_message_is_resent_identically_then_reported_lost() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    let t0 = h.now; // the QoS check runs at t0, t0 + 5 s, ...
    h.advance(1_000);
    let p = h.message("2", true);
    h.sent();
    let mut resends = Vec::new();
    let mut lost_at = None;
    for step in (t0 + 1_000..=t0 + 20_000).step_by(100) {
        h.advance_to(step);
        // Keep the link alive so only QoS is under test.
        h.server_sends(conn, &Protocal::new(51, Some("{}".into()), "0", "1"));
        for s in h.sent() {
            if s.type_ == 2 {
                assert_eq!(s, p, "the same packet, same fp");
                resends.push(h.now);
            }
        }
        for e in h.events() {
            match e {
                Event::MessagesLost(list) => {
                    assert_eq!(list, core::slice::from_ref(&p));
                    assert!(lost_at.replace(h.now).is_none());
                }
                other => panic!("{other:?}"),
            }
        }
    }
    assert_eq!(resends, [t0 + 5_000, t0 + 10_000]);
    assert_eq!(lost_at, Some(t0 + 15_000));
    // A late ACK does not give it a second outcome.
    h.server_sends(conn, &ack(p.fp.as_deref().unwrap()));
    assert_eq!(h.events(), []);
}

#[test]
fn qos_send_keeps_running_while_offline_and_resends_after_relogin() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    let t0 = h.now;
    let a = h.message("2", true);
    h.sent();
    h.c.handle_close(conn, false, h.now);
    h.events();
    h.ios();
    // Re-login keeps failing (no open); the QoS checks go on.
    h.advance_to(t0 + 15_000);
    let events = h.events();
    assert_eq!(events, [Event::MessagesLost(vec![a])]);

    // A message sent just before a loss is resent as soon as a re-login succeeds.
    let mut h = Harness::new();
    let conn = h.logged_in();
    let b = h.message("2", true);
    h.sent();
    h.advance(4_000);
    h.c.handle_close(conn, false, h.now);
    let second = h.expect_connect();
    h.open_and_read_login(second);
    h.login_response(second, 0, 1_700_000_000_000);
    assert_eq!(h.sent(), [b]);
}

// ---- QoS receive ------------------------------------------------------------

#[test]
fn qos_packets_are_acked_and_delivered_once_within_the_window() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    let mut p = qos_data("9", "fp-9");
    p.bridge = true;
    h.server_sends(conn, &p);
    let frames = h.ios();
    assert_eq!(
        frames,
        [Io::Send {
            conn,
            frame: Frame::Text(
                r#"{"bridge":true,"type":4,"dataContent":"fp-9","from":"1","to":"9","fp":null,"QoS":false,"typeu":-1,"sm":-1}"#
                    .into()
            )
        }]
    );
    assert_eq!(h.events(), [Event::TransBuffer(p.clone())]);
    // The server's resend 5 s later: ACKed again, not delivered again.
    h.advance(5_300);
    h.server_sends(conn, &p);
    let acks: Vec<_> = h.sent().into_iter().filter(|s| s.type_ == 4).collect();
    assert_eq!(acks.len(), 1);
    assert_eq!(h.events(), []);
}

#[test]
fn dedupe_survives_a_reconnect_and_expires_after_ten_minutes() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    let p = qos_data("9", "fp-9");
    h.server_sends(conn, &p);
    h.events();
    h.c.handle_close(conn, false, h.now);
    h.events();
    let second = h.expect_connect();
    h.open_and_read_login(second);
    h.login_response(second, 0, 1_700_000_000_000);
    h.events();
    h.server_sends(second, &p);
    assert_eq!(
        h.events(),
        [],
        "a resend to the new session is still a duplicate"
    );
    let seen_at = h.now;
    h.now = seen_at + 600_000;
    h.c.handle_text(second, &p.to_json(Dialect::Official), h.now);
    let events = h.events();
    assert!(events.contains(&Event::TransBuffer(p)), "{events:?}");
}

#[test]
fn non_qos_packets_get_no_ack() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    let p = Protocal::new(2, Some("x".into()), "9", "1");
    h.server_sends(conn, &p);
    h.server_sends(conn, &p);
    assert_eq!(h.sent(), []);
    assert_eq!(h.events().len(), 2);
}

#[test]
fn unreadable_frames_are_reported_not_fatal() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    h.c.handle_text(conn, "{not json", h.now);
    h.c.handle_binary(conn, &[1, 2, 3], h.now);
    let events = h.events();
    assert!(matches!(
        events.as_slice(),
        [
            Event::TransError(TransFault::UnreadablePacket(_)),
            Event::TransError(TransFault::BinaryFrame(3))
        ]
    ));
    assert!(h.c.is_connected());
}

// ---- logout, release, network -----------------------------------------------

#[test]
fn logout_sends_type_3_then_releases_everything() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    let pending = h.message("2", true);
    h.server_sends(conn, &qos_data("9", "fp-9"));
    h.ios();
    h.events();
    assert_eq!(h.c.logout(h.now), Ok(()));
    // Failed before the fix: the queue was cleared without an outcome.
    assert_eq!(h.events(), [Event::MessagesLost(vec![pending])]);
    assert_eq!(
        h.ios(),
        [
            Io::Send {
                conn,
                frame: Frame::Text(
                    r#"{"bridge":false,"type":3,"dataContent":null,"from":"1","to":"0","fp":null,"QoS":false,"typeu":-1,"sm":-1}"#
                        .into()
                )
            },
            Io::Close { conn }
        ]
    );
    assert!(!h.c.is_logged_in() && !h.c.is_connected());
    assert_eq!(h.c.user_id(), None);
    h.assert_idle();
    assert_eq!(
        h.c.logout(h.now),
        Err(SendError::NotLoggedIn),
        "nothing to log out from"
    );
}

#[test]
fn release_closes_a_connecting_socket_and_stops_every_timer() {
    let mut h = Harness::new();
    h.c.login(info(), h.now);
    let conn = h.expect_connect();
    h.c.release(h.now);
    assert_eq!(h.ios(), [Io::Close { conn }]);
    assert_eq!(h.events(), [Event::LoginResult(201)]);
    h.assert_idle();

    // With messages queued, a live keep-alive and a re-login running.
    let mut h = Harness::new();
    let conn = h.logged_in();
    let pending = h.message("2", true);
    h.c.handle_close(conn, false, h.now);
    assert_eq!(h.events(), [Event::LinkClose(-1)]);
    h.c.release(h.now);
    h.ios();
    // Failed before the fix: released silently, no outcome for the message.
    assert_eq!(h.events(), [Event::MessagesLost(vec![pending])]);
    h.assert_idle();
}

#[test]
fn going_offline_closes_without_relogin_and_online_relogs_in_at_once() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    h.c.network_changed(false, h.now);
    assert_eq!(h.events(), [Event::LinkClose(-9999)]);
    assert_eq!(h.ios(), [Io::Close { conn }]);
    assert_eq!(h.c.poll_timeout(), None);
    h.advance(60_000);
    assert_eq!(h.ios(), []);
    h.c.network_changed(true, h.now);
    let second = h.expect_connect();
    assert_eq!(
        h.open_and_read_login(second).first_login_time,
        1_700_000_000_000
    );
}

#[test]
fn app_show_checks_the_link_and_relogs_in() {
    let mut h = Harness::new();
    let conn = h.logged_in();
    h.c.app_hide(h.now);
    h.now += 120_000; // timers frozen in the background
    h.c.app_show(h.now);
    // A probe first: the silence was the sleeper's, not the server's.
    assert_eq!(h.events(), []);
    assert_eq!(h.sent().iter().map(|p| p.type_).collect::<Vec<_>>(), [1]);
    h.advance(8_000);
    assert_eq!(h.events(), [Event::LinkClose(-1)]);
    let ios = h.ios();
    assert!(ios.contains(&Io::Close { conn }), "{ios:?}");
    assert!(matches!(ios.last(), Some(Io::Connect { .. })), "{ios:?}");
}

// ---- SRT dialect ------------------------------------------------------------

fn srt(seed_addressing: bool) -> Harness {
    Harness::with(Config {
        url: URL.into(),
        dialect: Dialect::Srt,
        srt_seed_ack_addressing: seed_addressing,
        ..Config::default()
    })
}

#[test]
fn srt_login_frame_is_the_seeds() {
    let mut h = srt(false);
    h.c.login(info(), h.now);
    let conn = h.expect_connect();
    h.c.handle_open(conn, h.now);
    assert_eq!(
        h.ios(),
        [Io::Send {
            conn,
            frame: Frame::Text(
                r#"{"bridge":false,"type":0,"dataContent":"{\"loginUserId\":\"1\",\"loginToken\":\"token\",\"extra\":null,\"app\":\"appName\"}","from":"1","to":"0","fp":null,"Qos":false,"typeu":-1,"retryCount":0,"sendTs":null}"#
                    .into()
            )
        }]
    );
}

#[test]
fn srt_treats_54_as_an_ack_and_4_too() {
    let mut h = srt(false);
    let conn = h.logged_in();
    let a = h.message("2", true);
    let b = h.message("2", true);
    h.sent();
    let fa = a.fp.unwrap();
    let fb = b.fp.unwrap();
    h.server_sends(conn, &Protocal::new(54, Some(fa.clone()), "0", "1"));
    h.server_sends(conn, &Protocal::new(4, Some(fb.clone()), "0", "1"));
    assert_eq!(
        h.events(),
        [Event::MessageBeReceived(fa), Event::MessageBeReceived(fb)]
    );
    assert!(h.c.is_connected(), "54 is no kick-out in SRT");
}

#[test]
fn srt_ack_addressing_official_by_default_seed_on_request() {
    for (seed, from, to) in [(false, "1", "9"), (true, "9", "0")] {
        let mut h = srt(seed);
        let conn = h.logged_in();
        h.server_sends(conn, &qos_data("9", "fp-9"));
        let sent = h.sent();
        assert_eq!(sent.len(), 1);
        assert_eq!(
            (sent[0].type_, sent[0].from.as_str(), sent[0].to.as_str()),
            (4, from, to)
        );
        assert_eq!(sent[0].data_content.as_deref(), Some("fp-9"));
    }
}

#[test]
fn srt_logout_has_an_empty_body() {
    let mut h = srt(false);
    h.logged_in();
    assert_eq!(h.c.logout(h.now), Ok(()));
    let sent = h.sent();
    assert_eq!(
        (sent[0].type_, sent[0].data_content.as_deref()),
        (3, Some(""))
    );
}

#[test]
fn random_frames_never_panic() {
    use crate::core::rng::Rng;
    let mut rng = Rng::new(9);
    let templates = [
        r#"{"bridge":false,"type":50,"dataContent":"{\"code\":0,\"firstLoginTime\":5}","from":"0","to":"1","QoS":false,"typeu":-1,"sm":-1}"#,
        r#"{"bridge":true,"type":2,"dataContent":"x","from":"9","to":"1","fp":"f","QoS":true,"typeu":3,"sm":7}"#,
        r#"{"type":52,"dataContent":"{\"errorCode\":301,\"errorMsg\":\"m\"}","from":"0","to":"-1"}"#,
        r#"{"type":54,"dataContent":"{\"code\":1}","from":"0","to":"1"}"#,
        r#"{"type":4,"dataContent":"f","from":"2","to":"1"}"#,
    ];
    let alphabet = b"{}[]\",:\\0123456789-.eEtrufalsn \x01";
    for dialect in [Dialect::Official, Dialect::Srt] {
        let mut h = Harness::with(Config {
            url: URL.into(),
            dialect,
            ..Config::default()
        });
        let mut conn = h.logged_in();
        for _ in 0..3_000 {
            let mut doc = templates[rng.up_to(templates.len() as u64 - 1) as usize]
                .as_bytes()
                .to_vec();
            for _ in 0..=rng.up_to(2) {
                let at = rng.up_to(doc.len() as u64 - 1) as usize;
                doc[at] = alphabet[rng.up_to(alphabet.len() as u64 - 1) as usize];
            }
            let text = String::from_utf8_lossy(&doc).into_owned();
            h.now += rng.up_to(3_000);
            h.c.handle_text(conn, &text, h.now);
            h.c.handle_timeout(h.now);
            for io in h.ios() {
                if let Io::Connect { conn: c, .. } = io {
                    conn = c;
                    h.c.handle_open(conn, h.now);
                }
            }
            h.events();
            if h.c.user_id().is_none() {
                conn = h.logged_in();
            }
        }
    }
}
