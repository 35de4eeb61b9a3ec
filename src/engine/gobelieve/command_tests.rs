use super::*;

fn peer(content: &str) -> OutMessage {
    OutMessage {
        sender: 1,
        receiver: -9_007_199_254_740_993,
        content: content.into(),
        timestamp: -5,
        msg_local_id: i32::MAX,
    }
}

fn every_command() -> Vec<Command> {
    let relay = OutMessage {
        timestamp: 0,
        msg_local_id: 0,
        ..peer("rt")
    };
    vec![
        Command::Start {
            url: "ws://127.0.0.1:1/ws".into(),
        },
        Command::Stop,
        Command::Set(Setting::AccessToken("t\u{e9}".into())),
        Command::Set(Setting::DeviceId("d".into())),
        Command::Set(Setting::PlatformId(255)),
        Command::Set(Setting::ProtocolVersion(1)),
        Command::Set(Setting::SyncKey(i64::MIN)),
        Command::Set(Setting::MaxPending(10_000_000)),
        Command::Set(Setting::Timing(Timing::AckTimeout, 86_400_000)),
        Command::Set(Setting::Timing(Timing::PingInterval, 1)),
        Command::Set(Setting::Timing(Timing::PongTimeout, 2)),
        Command::Set(Setting::Timing(Timing::ReconnectDelay, 3)),
        Command::Set(Setting::Timing(Timing::ReconnectMaxDelay, 4)),
        Command::Set(Setting::Timing(Timing::ConnectTimeout, 5)),
        Command::Send(Send::Peer(peer("hi"))),
        Command::Send(Send::Group(peer(""))),
        Command::Send(Send::Customer(OutCustomerMessage {
            sender_app_id: 7,
            sender: 8,
            receiver_app_id: i64::MAX,
            receiver: 10,
            content: "c".into(),
            timestamp: i32::MIN,
        })),
        Command::Send(Send::Rt(relay.clone())),
        Command::Send(Send::Room(relay)),
        Command::EnterRoom(5),
        Command::LeaveRoom(-5),
        Command::AddSuperGroup { gid: 3, key: 0 },
        Command::RemoveSuperGroup(3),
        Command::ClearSuperGroups,
        Command::Signal(Signal::Online),
        Command::Signal(Signal::Offline),
        Command::Signal(Signal::Background),
        Command::Signal(Signal::Foreground),
        Command::Signal(Signal::Reachable),
    ]
}

#[test]
fn every_command_reads_back_as_written() {
    for c in every_command() {
        assert_eq!(decode_command(&encode_command(&c)), Ok(c.clone()), "{c:?}");
    }
}

#[test]
fn a_setup_reads_back_with_its_settings_in_order() {
    let setup = Setup {
        seed: u64::MAX,
        settings: vec![
            Setting::DeviceId("x".into()),
            Setting::SyncKey(9_007_199_254_740_993),
            Setting::DeviceId("y".into()),
        ],
    };
    assert_eq!(decode_setup(&encode_setup(&setup)), Ok(setup));
    assert_eq!(
        decode_setup(&[0]),
        Ok(Setup {
            seed: 0,
            settings: vec![]
        })
    );
}

#[test]
fn an_id_may_come_as_decimal_text() {
    // ENTER_ROOM, id as text: what JS writes for a BigInt or a string beyond 2^53.
    let mut w = Writer::default();
    w.byte(ENTER_ROOM);
    w.byte(ID_TEXT);
    w.text(" -9223372036854775808 ");
    assert_eq!(decode_command(&w.buf), Ok(Command::EnterRoom(i64::MIN)));
    let mut w = Writer::default();
    w.byte(ENTER_ROOM);
    w.byte(ID_TEXT);
    w.text("9223372036854775808");
    assert_eq!(decode_command(&w.buf), Err(ReadError::Overflow));
}

#[test]
fn malformed_commands_are_refused() {
    let peer = encode_command(&Command::Send(Send::Peer(peer("hi"))));
    for cut in 0..peer.len() {
        assert!(decode_command(&peer[..cut]).is_err(), "cut at {cut}");
    }
    let mut trailing = encode_command(&Command::Stop);
    trailing.push(0);
    assert_eq!(decode_command(&trailing), Err(ReadError::BadTag(1)));
    assert_eq!(decode_command(&[99]), Err(ReadError::BadTag(0)));
    assert_eq!(decode_command(&[SIGNAL, 9]), Err(ReadError::BadTag(1)));
    // Protocol version 3, platform 256, an unknown setting key.
    assert!(decode_command(&[SET, key::PROTOCOL_VERSION as u8, 3]).is_err());
    assert!(decode_command(&[SET, key::PLATFORM_ID as u8, 0x80, 0x02]).is_err());
    assert_eq!(decode_command(&[SET, 99, 0]), Err(ReadError::BadTag(1)));
    // An id with an unknown tag.
    assert_eq!(
        decode_command(&[ENTER_ROOM, 7, 0]),
        Err(ReadError::BadTag(1))
    );
}

fn unhex(line: &str) -> Vec<u8> {
    (0..line.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&line[i..i + 2], 16).unwrap())
        .collect()
}

fn fixture() -> (Setup, Vec<Command>) {
    let setup = Setup {
        seed: (1 << 53) - 1,
        settings: vec![
            Setting::AccessToken("tok\u{e9}".into()),
            Setting::DeviceId("dev".into()),
            Setting::SyncKey(9_007_199_254_740_993),
            Setting::Timing(Timing::AckTimeout, 1_234),
            Setting::MaxPending(100_000),
        ],
    };
    let relay = |sender, receiver, content: &str| OutMessage {
        sender,
        receiver,
        content: content.into(),
        timestamp: 0,
        msg_local_id: 0,
    };
    let commands = vec![
        Command::Start {
            url: "ws://127.0.0.1:13891/ws".into(),
        },
        Command::Set(Setting::PlatformId(1)),
        Command::Set(Setting::SyncKey(12)),
        Command::Set(Setting::SyncKey(0)),
        Command::Send(Send::Peer(OutMessage {
            sender: 1,
            receiver: 9_007_199_254_740_993,
            content: "h\u{e9}\u{1f600}".into(),
            timestamp: -1,
            msg_local_id: 7,
        })),
        Command::Send(Send::Group(relay(-((1 << 53) - 1), 1 << 52, "g"))),
        Command::Send(Send::Customer(OutCustomerMessage {
            sender_app_id: 7,
            sender: 8,
            receiver_app_id: 9,
            receiver: -10,
            content: "c".into(),
            timestamp: 0,
        })),
        Command::Send(Send::Rt(relay(1, 2, ""))),
        Command::Send(Send::Room(relay(3, i64::MIN, "r"))),
        Command::EnterRoom(5),
        Command::LeaveRoom(5),
        Command::AddSuperGroup { gid: 3, key: 0 },
        Command::Signal(Signal::Background),
        Command::Stop,
    ];
    (setup, commands)
}

#[test]
fn the_fixture_written_by_the_js_writer_reads_as_these_commands() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/engine/gobelieve-command-fixture.hex"
    );
    let text = std::fs::read_to_string(path).expect("tests/engine/gobelieve-command-fixture.hex");
    let mut lines = text.lines();
    let (setup, commands) = fixture();
    assert_eq!(decode_setup(&unhex(lines.next().unwrap())), Ok(setup));
    let got: Vec<_> = lines.map(|l| decode_command(&unhex(l)).unwrap()).collect();
    assert_eq!(got, commands);
}
