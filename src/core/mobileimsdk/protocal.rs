//! The `Protocal` packet (spelled as in MobileIMSDK) and its two JSON
//! dialects: the official v6 keys and the seed SDK's private "SRT" keys.

use super::json::{self, ObjectWriter, Value};
use crate::core::text::{concat, int_text};
use alloc::string::String;

/// Which JSON keys and packet meanings to use on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// Official MobileIMSDK v6: `QoS`, `sm`, type 54 is a kick-out.
    #[default]
    Official,
    /// The seed SDK's private server: `Qos`, `sendTs`, `retryCount`, type 54 is an ACK.
    Srt,
}

/// Why a received text is not a usable packet or body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocalError {
    /// Not JSON at all.
    Json(json::JsonError),
    /// JSON, but not an object.
    NotAnObject,
    /// A field has a type that cannot be read as the Java field would be.
    BadField(&'static str),
    /// A required field is missing or null.
    MissingField(&'static str),
}

impl ProtocalError {
    /// Appends the description (what `Display` shows), without `core::fmt`.
    pub fn describe(&self, out: &mut String) {
        match self {
            ProtocalError::Json(e) => e.describe(out),
            ProtocalError::NotAnObject => out.push_str("not a JSON object"),
            ProtocalError::BadField(k) => {
                out.push_str(&concat(&["field `", k, "` has the wrong type"]))
            }
            ProtocalError::MissingField(k) => {
                out.push_str(&concat(&["field `", k, "` is missing"]))
            }
        }
    }
}

crate::core::text::display_by_describe!(ProtocalError);

impl From<json::JsonError> for ProtocalError {
    fn from(e: json::JsonError) -> Self {
        ProtocalError::Json(e)
    }
}

/// One MobileIMSDK packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protocal {
    /// Cross-server bridge marker (wire `bridge`).
    pub bridge: bool,
    /// Packet type (wire `type`), see [`super::constants::packet_type`].
    pub type_: i32,
    /// The payload (wire `dataContent`): a body as a JSON string, the fp of
    /// an ACK, or the application's data.
    pub data_content: Option<String>,
    /// Sender uid; "0" is the server. A missing or null key reads as "".
    pub from: String,
    /// Receiver uid; "0" is the server. A missing or null key reads as "".
    pub to: String,
    /// Fingerprint (message id).
    pub fp: Option<String>,
    /// Needs an ACK and retransmission (wire `QoS`, or `Qos` in SRT).
    pub qos: bool,
    /// Application message type.
    pub typeu: i32,
    /// Server timestamp in ms, -1 when unset (wire `sm`, or `sendTs` in SRT).
    pub sm: i64,
}

impl Default for Protocal {
    /// The declared defaults of the Java class (not its zero values).
    fn default() -> Self {
        Protocal {
            bridge: false,
            type_: 0,
            data_content: None,
            from: "-1".into(),
            to: "-1".into(),
            fp: None,
            qos: false,
            typeu: -1,
            sm: -1,
        }
    }
}

impl Protocal {
    /// A packet with the declared defaults and the given addressing.
    pub fn new(type_: i32, data_content: Option<String>, from: &str, to: &str) -> Self {
        Protocal {
            type_,
            data_content,
            from: from.into(),
            to: to.into(),
            ..Protocal::default()
        }
    }

    /// The wire text: all fields, in the official order.
    pub fn to_json(&self, dialect: Dialect) -> String {
        let w = ObjectWriter::new()
            .bool("bridge", self.bridge)
            .int("type", self.type_.into())
            .opt_string("dataContent", self.data_content.as_deref())
            .string("from", &self.from)
            .string("to", &self.to)
            .opt_string("fp", self.fp.as_deref());
        match dialect {
            Dialect::Official => w
                .bool("QoS", self.qos)
                .int("typeu", self.typeu.into())
                .int("sm", self.sm),
            // The seed writes its local retry counter; the server ignores it,
            // so it is always 0 here.
            Dialect::Srt => w
                .bool("Qos", self.qos)
                .int("typeu", self.typeu.into())
                .int("retryCount", 0)
                .opt_int("sendTs", (self.sm >= 0).then_some(self.sm)),
        }
        .finish()
    }

    /// Reads a packet. Unknown keys are ignored and missing keys take the
    /// Java zero values (as the official Gson reader does): `type` 0,
    /// `typeu` 0, `sm` 0, `QoS` false, strings null. SRT reads `Qos` (or
    /// `QoS` when `Qos` is absent) and `sendTs` (null or missing: -1).
    pub fn from_json(text: &str, dialect: Dialect) -> Result<Protocal, ProtocalError> {
        let v = json::parse(text)?;
        if !matches!(v, Value::Object(_)) {
            return Err(ProtocalError::NotAnObject);
        }
        let (qos, sm) = match dialect {
            Dialect::Official => (read_bool(&v, "QoS")?, read_i64(&v, "sm")?.unwrap_or(0)),
            Dialect::Srt => {
                let qos = match v.get("Qos") {
                    Some(q) if !q.is_null() => read_bool(&v, "Qos")?,
                    _ => read_bool(&v, "QoS")?,
                };
                (qos, read_i64(&v, "sendTs")?.unwrap_or(-1))
            }
        };
        Ok(Protocal {
            bridge: read_bool(&v, "bridge")?,
            type_: read_i32(&v, "type")?.unwrap_or(0),
            data_content: read_string(&v, "dataContent")?,
            from: read_string(&v, "from")?.unwrap_or_default(),
            to: read_string(&v, "to")?.unwrap_or_default(),
            fp: read_string(&v, "fp")?,
            qos,
            typeu: read_i32(&v, "typeu")?.unwrap_or(0),
            sm,
        })
    }
}

// Field readers with Gson's leniency: numbers and booleans may come as
// strings, strings may come as numbers; objects where a scalar is expected
// are an error, as they make Gson reject the packet.

/// A string field; `None` when missing or null.
pub(crate) fn read_string(v: &Value, key: &'static str) -> Result<Option<String>, ProtocalError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Bool(b)) => Ok(Some(String::from(if *b { "true" } else { "false" }))),
        // Integral numbers only: printing arbitrary floats would pull the
        // float formatter (~17 KB) into the wasm for a case no server sends.
        Some(Value::Number(n)) => n
            .int
            .map(|i| Some(int_text(i)))
            .ok_or(ProtocalError::BadField(key)),
        Some(_) => Err(ProtocalError::BadField(key)),
    }
}

/// A boolean field; false when missing or null.
pub(crate) fn read_bool(v: &Value, key: &'static str) -> Result<bool, ProtocalError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) => Ok(s.eq_ignore_ascii_case("true")),
        Some(_) => Err(ProtocalError::BadField(key)),
    }
}

/// A long field; `None` when missing or null.
pub(crate) fn read_i64(v: &Value, key: &'static str) -> Result<Option<i64>, ProtocalError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.int.map(Some).ok_or(ProtocalError::BadField(key)),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| ProtocalError::BadField(key)),
        Some(_) => Err(ProtocalError::BadField(key)),
    }
}

/// An int field; `None` when missing or null.
pub(crate) fn read_i32(v: &Value, key: &'static str) -> Result<Option<i32>, ProtocalError> {
    match read_i64(v, key)? {
        None => Ok(None),
        Some(n) => i32::try_from(n)
            .map(Some)
            .map_err(|_| ProtocalError::BadField(key)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER_51: &str = r#"{"bridge":false,"type":51,"dataContent":"{}","from":"0","to":"1","QoS":false,"typeu":-1,"sm":-1}"#;

    #[test]
    fn reads_the_servers_keep_alive_response() {
        let p = Protocal::from_json(SERVER_51, Dialect::Official).unwrap();
        assert_eq!(
            p,
            Protocal {
                bridge: false,
                type_: 51,
                data_content: Some("{}".into()),
                from: "0".into(),
                to: "1".into(),
                fp: None,
                qos: false,
                typeu: -1,
                sm: -1,
            }
        );
        // Written back with every field, fp as null.
        assert_eq!(
            p.to_json(Dialect::Official),
            r#"{"bridge":false,"type":51,"dataContent":"{}","from":"0","to":"1","fp":null,"QoS":false,"typeu":-1,"sm":-1}"#
        );
    }

    #[test]
    fn official_output_is_byte_exact() {
        let p = Protocal {
            bridge: true,
            type_: 2,
            data_content: Some("hi \"you\"\n".into()),
            from: "1".into(),
            to: "2".into(),
            fp: Some("f-1".into()),
            qos: true,
            typeu: 7,
            sm: 1_700_000_000_123,
        };
        assert_eq!(
            p.to_json(Dialect::Official),
            r#"{"bridge":true,"type":2,"dataContent":"hi \"you\"\n","from":"1","to":"2","fp":"f-1","QoS":true,"typeu":7,"sm":1700000000123}"#
        );
        assert_eq!(
            Protocal::from_json(&p.to_json(Dialect::Official), Dialect::Official),
            Ok(p)
        );
    }

    #[test]
    fn srt_output_matches_the_seed_login_frame() {
        let body = r#"{"loginUserId":"1","loginToken":"token","extra":null,"app":"appName"}"#;
        let p = Protocal::new(0, Some(body.into()), "1", "0");
        assert_eq!(
            p.to_json(Dialect::Srt),
            r#"{"bridge":false,"type":0,"dataContent":"{\"loginUserId\":\"1\",\"loginToken\":\"token\",\"extra\":null,\"app\":\"appName\"}","from":"1","to":"0","fp":null,"Qos":false,"typeu":-1,"retryCount":0,"sendTs":null}"#
        );
    }

    #[test]
    fn missing_keys_are_java_zero_values_and_unknown_keys_are_ignored() {
        let p = Protocal::from_json(r#"{"zzz":[1,{}],"Qos":true,"sendTs":5}"#, Dialect::Official)
            .unwrap();
        assert_eq!(
            p,
            Protocal {
                bridge: false,
                type_: 0,
                data_content: None,
                from: String::new(),
                to: String::new(),
                fp: None,
                qos: false,
                typeu: 0,
                sm: 0,
            }
        );
    }

    #[test]
    fn srt_reads_its_own_keys_and_accepts_official_qos() {
        let srt = r#"{"type":2,"from":"3","to":"1","fp":"x","Qos":true,"sendTs":42,"QoS":false}"#;
        let p = Protocal::from_json(srt, Dialect::Srt).unwrap();
        assert!(p.qos);
        assert_eq!(p.sm, 42);
        let official = r#"{"type":2,"QoS":true,"sm":9}"#;
        let p = Protocal::from_json(official, Dialect::Srt).unwrap();
        assert!(p.qos);
        assert_eq!(p.sm, -1, "sm is not an SRT key");
        // And official mode does not read the SRT key.
        assert!(!Protocal::from_json(srt, Dialect::Official).unwrap().qos);
    }

    #[test]
    fn lenient_scalars_like_gson() {
        let p = Protocal::from_json(
            r#"{"type":"2","from":12,"to":"0","QoS":"true","typeu":"5","sm":"77"}"#,
            Dialect::Official,
        )
        .unwrap();
        assert_eq!(
            (p.type_, p.from.as_str(), p.qos, p.typeu, p.sm),
            (2, "12", true, 5, 77)
        );
    }

    #[test]
    fn malformed_packets_are_errors() {
        for bad in [
            "",
            "not json",
            "[1,2]",
            "\"text\"",
            r#"{"type":"x"}"#,
            r#"{"type":1.5}"#,
            r#"{"type":99999999999}"#,
            r#"{"from":{}}"#,
            r#"{"QoS":1}"#,
            r#"{"dataContent":[]}"#,
            r#"{"type":2"#,
        ] {
            assert!(
                Protocal::from_json(bad, Dialect::Official).is_err(),
                "{bad}"
            );
        }
    }
}
