//! No `Debug` output of the GoBelieve core prints the access token (issue 7 A10).

use super::*;

const TOKEN: &str = "s3cr3t-T0KEN";

fn assert_no_token(what: &str, text: &str) {
    let bytes: Vec<String> = TOKEN.bytes().map(|b| b.to_string()).collect();
    assert!(!text.contains(TOKEN), "{what} prints the token: {text}");
    assert!(
        !text.contains(&bytes.join(", ")),
        "{what} prints the token's bytes: {text}"
    );
}

#[test]
fn config_session_and_auth_packet_debug_are_redacted() {
    let config = Config {
        access_token: TOKEN.into(),
        ..config()
    };
    assert_no_token("Config", &format!("{config:?}"));
    assert!(format!("{config:?}").contains("redacted"));

    let mut s = Session::new(config, 1);
    s.start(0);
    let Some(Io::Connect { conn, .. }) = s.poll_io() else {
        panic!("connects")
    };
    s.handle_open(conn, 1);
    // The AUTH frame is queued for the driver now.
    assert_no_token("Session", &format!("{s:?}"));
    assert_no_token("Session (pretty)", &format!("{s:#?}"));
    let Some(Io::Send {
        frame: Frame::Binary(bytes),
        ..
    }) = s.poll_io()
    else {
        panic!("the AUTH frame")
    };
    let auth = codec::decode(&bytes).unwrap();
    assert!(matches!(&auth.body, Body::AuthToken { token, .. } if token == TOKEN));
    assert_no_token("Packet", &format!("{auth:?}"));
}
