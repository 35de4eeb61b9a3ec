use super::*;
use crate::core::rng::Rng;

/// The batch `tests/engine/batch-fixture.hex` holds; `tests/engine/batch.test.mjs`
/// decodes that file with the JS reader and expects these same records.
fn fixture_records() -> Vec<Record> {
    vec![
        Record::Connect {
            conn: 1,
            url: "ws://127.0.0.1:3000/websocket".into(),
        },
        Record::SendText {
            conn: 1,
            text: "{\"type\":0,\"dataContent\":\"h\u{e9}\u{1f600}\"}".into(),
        },
        Record::SendBinary {
            conn: 300,
            bytes: vec![0, 1, 127, 128, 255],
        },
        Record::Close { conn: 300 },
        Record::ArmTimer { delay_ms: 180_000 },
        Record::DisarmTimer,
        Record::Event {
            kind: 9,
            values: vec![
                Value::Int(-1),
                Value::Int(i64::MAX),
                Value::Int(i64::MIN),
                Value::Text("\u{4f60}\u{597d}".into()),
                Value::Bytes(vec![]),
                Value::Null,
                Value::Bool(false),
                Value::Bool(true),
            ],
        },
    ]
}

fn encode(records: &[Record]) -> Vec<u8> {
    let mut w = BatchWriter::new();
    records.iter().for_each(|r| w.push(r));
    w.take().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_fixture_shared_with_the_js_reader_is_what_the_writer_produces() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/engine/batch-fixture.hex"
    );
    let got = hex(&encode(&fixture_records()));
    if std::env::var_os("IMSDK_WRITE_FIXTURES").is_some() {
        std::fs::write(path, format!("{got}\n")).unwrap();
    }
    let want = std::fs::read_to_string(path).expect("tests/engine/batch-fixture.hex");
    assert_eq!(
        got,
        want.trim(),
        "rerun with IMSDK_WRITE_FIXTURES=1 after a deliberate layout change"
    );
}

#[test]
fn take_empties_the_writer() {
    let mut w = BatchWriter::new();
    assert!(w.is_empty());
    w.push(&Record::DisarmTimer);
    assert!(!w.is_empty());
    assert_eq!(w.take(), [TAG_DISARM_TIMER]);
    assert!(w.is_empty());
    assert!(w.take().is_empty());
    // The buffer is reused: the next record starts the next batch.
    w.push(&Record::DisarmTimer);
    w.push(&Record::DisarmTimer);
    assert_eq!(w.take(), [TAG_DISARM_TIMER, TAG_DISARM_TIMER]);
    assert_eq!(w.take(), [0u8; 0]);
}

fn random_text(rng: &mut Rng) -> String {
    const PIECES: [&str; 6] = ["a", "\u{e9}", "\u{4f60}", "\u{1f600}", "\"", "\0"];
    (0..rng.up_to(20))
        .map(|_| PIECES[rng.up_to(5) as usize])
        .collect()
}

fn random_value(rng: &mut Rng) -> Value {
    match rng.up_to(4) {
        0 => Value::Int(rng.next_u64() as i64 >> rng.up_to(63)),
        1 => Value::Text(random_text(rng)),
        2 => Value::Bytes((0..rng.up_to(40)).map(|_| rng.next_u64() as u8).collect()),
        3 => Value::Null,
        _ => Value::Bool(rng.up_to(1) == 1),
    }
}

fn random_record(rng: &mut Rng) -> Record {
    let conn = (rng.next_u64() >> rng.up_to(63)) as u32;
    match rng.up_to(6) {
        0 => Record::Connect {
            conn,
            url: random_text(rng),
        },
        1 => Record::SendText {
            conn,
            text: random_text(rng),
        },
        2 => Record::SendBinary {
            conn,
            bytes: (0..rng.up_to(64)).map(|_| rng.next_u64() as u8).collect(),
        },
        3 => Record::Close { conn },
        4 => Record::ArmTimer {
            delay_ms: rng.next_u64() >> rng.up_to(63),
        },
        5 => Record::DisarmTimer,
        _ => Record::Event {
            kind: conn,
            values: (0..rng.up_to(8)).map(|_| random_value(rng)).collect(),
        },
    }
}

#[test]
fn random_batches_read_back_as_written() {
    let mut rng = Rng::new(0x1b07_c0de);
    for _ in 0..2_000 {
        let records: Vec<Record> = (0..rng.up_to(12))
            .map(|_| random_record(&mut rng))
            .collect();
        assert_eq!(read_batch(&encode(&records)), Ok(records));
    }
}

#[test]
fn a_cut_batch_reads_as_an_error_never_as_other_records() {
    let records = fixture_records();
    let bytes = encode(&records);
    // The byte offsets where each record ends: a cut there is a shorter valid batch.
    let ends: Vec<usize> = (1..=records.len())
        .map(|n| encode(&records[..n]).len())
        .collect();
    for cut in 0..bytes.len() {
        match read_batch(&bytes[..cut]) {
            Ok(prefix) => {
                assert!(
                    cut == 0 || ends.contains(&cut),
                    "cut at {cut} read as {prefix:?}"
                );
                assert_eq!(prefix, records[..prefix.len()].to_vec());
            }
            Err(e) => assert!(!ends.contains(&cut), "cut at {cut}: {e:?}"),
        }
    }
}

#[test]
fn bad_tags_and_overlong_varints_are_refused() {
    assert_eq!(read_batch(&[0]), Err(ReadError::BadTag(0)));
    assert_eq!(read_batch(&[TAG_EVENT, 1, 1, 9]), Err(ReadError::BadTag(3)));
    assert_eq!(
        read_batch(&[
            TAG_ARM_TIMER,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0x7f
        ]),
        Err(ReadError::Overflow)
    );
    assert_eq!(
        read_batch(&[TAG_CLOSE, 0x80, 0x80, 0x80, 0x80, 0x10]),
        Err(ReadError::Overflow)
    );
    assert_eq!(
        read_batch(&[TAG_SEND_TEXT, 0, 1, 0xff]),
        Err(ReadError::BadText)
    );
    // A huge value count is refused before anything is allocated for it.
    assert_eq!(
        read_batch(&[TAG_EVENT, 0, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        Err(ReadError::Truncated)
    );
}
