use super::*;
use crate::core::rng::Rng;

fn random_text(rng: &mut Rng) -> String {
    const PIECES: [&str; 6] = ["a", "\u{e9}", "\u{4f60}", "\u{1f600}", "\"", "\0"];
    (0..rng.up_to(20))
        .map(|_| PIECES[rng.up_to(5) as usize])
        .collect()
}

fn random_opt_text(rng: &mut Rng) -> Option<String> {
    (rng.up_to(1) == 1).then(|| random_text(rng))
}

fn random_u64(rng: &mut Rng) -> u64 {
    rng.next_u64() >> rng.up_to(63)
}

fn random_command(rng: &mut Rng) -> Command {
    match rng.up_to(4) {
        0 => Command::Login(LoginInfo {
            user_id: random_text(rng),
            token: random_text(rng),
            extra: random_opt_text(rng),
            app: random_opt_text(rng),
        }),
        1 => Command::Send(SendRequest {
            data_content: random_text(rng),
            to: random_text(rng),
            qos: rng.up_to(1) == 1,
            fp: random_opt_text(rng),
            typeu: random_u64(rng) as i32,
        }),
        2 => Command::Logout,
        3 => Command::Release,
        _ => Command::Signal(
            [
                Signal::Online,
                Signal::Offline,
                Signal::Shown,
                Signal::Hidden,
            ][rng.up_to(3) as usize],
        ),
    }
}

fn random_setup(rng: &mut Rng) -> Setup {
    Setup {
        config: Config {
            url: random_text(rng),
            dialect: if rng.up_to(1) == 1 {
                Dialect::Srt
            } else {
                Dialect::Official
            },
            keep_alive_interval_ms: random_u64(rng),
            keep_alive_timeout_ms: random_u64(rng),
            relogin_interval_ms: random_u64(rng),
            relogin_max_interval_ms: random_u64(rng),
            qos_check_ms: random_u64(rng),
            qos_just_now_ms: random_u64(rng),
            qos_max_resends: random_u64(rng) as u32,
            receive_window_ms: random_u64(rng),
            connect_timeout_ms: random_u64(rng),
            srt_seed_ack_addressing: rng.up_to(1) == 1,
            max_pending: random_u64(rng) as usize,
        },
        seed: rng.next_u64(),
    }
}

#[test]
fn random_commands_read_back_as_written() {
    let mut rng = Rng::new(0xc0ffee);
    for _ in 0..5_000 {
        let command = random_command(&mut rng);
        assert_eq!(decode_command(&encode_command(&command)), Ok(command));
    }
}

#[test]
fn random_setups_read_back_as_written() {
    let mut rng = Rng::new(0x0005_e70b);
    for _ in 0..2_000 {
        let setup = random_setup(&mut rng);
        let back = decode_setup(&encode_setup(&setup)).unwrap();
        assert!(back == setup, "a setup changed in the round trip");
    }
}

#[test]
fn a_setup_with_only_a_url_has_the_defaults_and_a_sense_mode_comes_before_explicit_timings() {
    let mut w = Writer::default();
    w.text("ws://h/websocket");
    let only_url = decode_setup(&w.buf).unwrap();
    assert!(
        only_url.config
            == Config {
                url: "ws://h/websocket".into(),
                ..Config::default()
            }
    );
    assert_eq!(only_url.seed, 0);
    for (k, v) in [
        (key::SENSE_MODE_SECONDS, 10),
        (key::KEEP_ALIVE_INTERVAL, 1_234),
    ] {
        w.uint(k);
        w.uint(v);
    }
    let c = decode_setup(&w.buf).unwrap().config;
    assert_eq!(
        (c.keep_alive_interval_ms, c.keep_alive_timeout_ms),
        (1_234, 15_000)
    );
}

#[test]
fn every_cut_of_a_command_is_an_error_never_another_command() {
    let mut rng = Rng::new(42);
    for _ in 0..300 {
        let bytes = encode_command(&random_command(&mut rng));
        for cut in 0..bytes.len() {
            assert!(decode_command(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}

#[test]
fn malformed_commands_and_setups_are_refused() {
    assert_eq!(decode_command(&[]), Err(ReadError::Truncated));
    assert_eq!(decode_command(&[9]), Err(ReadError::BadTag(0)));
    assert_eq!(decode_command(&[LOGOUT, 0]), Err(ReadError::BadTag(1)));
    assert_eq!(decode_command(&[SIGNAL, 7]), Err(ReadError::BadTag(1)));
    // Unknown send flags, a typeu over 32 bits, text that is not UTF-8.
    assert_eq!(
        decode_command(&[SEND, 0, 0, 2, 0, 0]),
        Err(ReadError::Overflow)
    );
    assert_eq!(
        decode_command(&[SEND, 0, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x10]),
        Err(ReadError::Overflow)
    );
    assert_eq!(
        decode_command(&[LOGIN, 1, 0xff, 0, 0, 0]),
        Err(ReadError::BadText)
    );
    // A length past the end is refused before anything is allocated for it.
    assert_eq!(
        decode_command(&[LOGIN, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        Err(ReadError::Truncated)
    );
    let mut w = Writer::default();
    w.text("ws://h");
    w.uint(99);
    assert_eq!(decode_setup(&w.buf), Err(ReadError::BadTag(7)));
    let mut w = Writer::default();
    w.text("ws://h");
    w.uint(key::SENSE_MODE_SECONDS);
    w.uint(4);
    assert_eq!(decode_setup(&w.buf), Err(ReadError::Overflow));
}

/// What `tests/engine/command.test.mjs` encodes with the JS writer: a setup
/// (as JS writes it: a subset of keys, the sense mode first) and commands.
fn fixture_setup() -> Vec<u8> {
    let mut w = Writer::default();
    w.text("ws://127.0.0.1:3000/websocket?t=\u{e9}");
    for (k, v) in [
        (key::DIALECT_SRT, 1),
        (key::SRT_SEED_ACK_ADDRESSING, 1),
        (key::SENSE_MODE_SECONDS, 10),
        (key::KEEP_ALIVE_INTERVAL, 1_234),
        (key::MAX_PENDING, 50_000),
        (key::SEED, (1 << 53) - 1),
    ] {
        w.uint(k);
        w.uint(v);
    }
    w.buf
}

fn fixture_commands() -> Vec<Command> {
    vec![
        Command::Login(LoginInfo {
            user_id: "u1".into(),
            token: "tok\u{e9}".into(),
            extra: None,
            app: Some("app".into()),
        }),
        Command::Send(SendRequest {
            data_content: "h\u{e9}\u{1f600}".repeat(30),
            to: "42".into(),
            qos: true,
            fp: Some("fp-1".into()),
            typeu: -7,
        }),
        Command::Send(SendRequest {
            data_content: String::new(),
            to: "u2".into(),
            qos: false,
            fp: None,
            typeu: i32::MAX,
        }),
        Command::Logout,
        Command::Release,
        Command::Signal(Signal::Offline),
        Command::Signal(Signal::Shown),
    ]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_fixture_shared_with_the_js_writer_is_what_this_side_reads() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/engine/command-fixture.hex"
    );
    let setup = fixture_setup();
    let s = decode_setup(&setup).unwrap();
    assert_eq!(s.config.dialect, Dialect::Srt);
    assert!(s.config.srt_seed_ack_addressing);
    assert_eq!(
        (
            s.config.keep_alive_interval_ms,
            s.config.keep_alive_timeout_ms
        ),
        (1_234, 15_000)
    );
    assert_eq!((s.config.max_pending, s.seed), (50_000, (1 << 53) - 1));
    let mut lines = vec![hex(&setup)];
    lines.extend(fixture_commands().iter().map(|c| hex(&encode_command(c))));
    let got = lines.join("\n");
    if std::env::var_os("IMSDK_WRITE_FIXTURES").is_some() {
        std::fs::write(path, format!("{got}\n")).unwrap();
    }
    let want = std::fs::read_to_string(path).expect("tests/engine/command-fixture.hex");
    assert_eq!(
        got,
        want.trim(),
        "rerun with IMSDK_WRITE_FIXTURES=1 after a deliberate layout change"
    );
}
