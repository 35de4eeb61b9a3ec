//! The framework bodies carried as JSON strings in `dataContent`, and the
//! framework packets built from them.

use alloc::string::String;
use core::fmt;

use super::constants::packet_type;
use super::json::{self, ObjectWriter, Value};
use super::protocal::{read_i32, read_i64, read_string, Dialect, Protocal, ProtocalError};
use crate::core::redact::Secret;

fn parse_object(text: &str) -> Result<Value, ProtocalError> {
    let v = json::parse(text)?;
    match v {
        Value::Object(_) => Ok(v),
        _ => Err(ProtocalError::NotAnObject),
    }
}

/// PLoginInfo, the body of a type-0 login. Its `Debug` hides the token and
/// the verifier's extra data.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct PLoginInfo {
    /// The user id to log in as (wire `loginUserId`).
    pub login_user_id: String,
    /// The token the server verifies (wire `loginToken`).
    pub login_token: String,
    /// Free-form extra data for the server's verifier.
    pub extra: Option<String>,
    /// Official only: 0 on a first login, else the server's saved value.
    pub first_login_time: i64,
    /// SRT only: the application name.
    pub app: Option<String>,
}

impl fmt::Debug for PLoginInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PLoginInfo")
            .field("login_user_id", &self.login_user_id)
            .field("login_token", &Secret(&self.login_token))
            .field("extra", &self.extra.as_deref().map(Secret))
            .field("first_login_time", &self.first_login_time)
            .field("app", &self.app)
            .finish()
    }
}

impl PLoginInfo {
    /// Official: `loginUserId, loginToken, extra, firstLoginTime`;
    /// SRT: `loginUserId, loginToken, extra, app`.
    pub fn to_json(&self, dialect: Dialect) -> String {
        let w = ObjectWriter::new()
            .string("loginUserId", &self.login_user_id)
            .string("loginToken", &self.login_token)
            .opt_string("extra", self.extra.as_deref());
        match dialect {
            Dialect::Official => w.int("firstLoginTime", self.first_login_time),
            Dialect::Srt => w.opt_string("app", self.app.as_deref()),
        }
        .finish()
    }

    /// Reads either dialect's body; `loginUserId` is required (the server
    /// drops a login without one).
    pub fn from_json(text: &str) -> Result<Self, ProtocalError> {
        let v = parse_object(text)?;
        Ok(PLoginInfo {
            login_user_id: read_string(&v, "loginUserId")?
                .ok_or(ProtocalError::MissingField("loginUserId"))?,
            login_token: read_string(&v, "loginToken")?.unwrap_or_default(),
            extra: read_string(&v, "extra")?,
            first_login_time: read_i64(&v, "firstLoginTime")?.unwrap_or(0),
            app: read_string(&v, "app")?,
        })
    }
}

/// PLoginInfoResponse, the body of a type-50 login response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PLoginInfoResponse {
    /// 0 = success.
    pub code: i32,
    /// The server's first-login time; -1 on failure.
    pub first_login_time: i64,
}

impl PLoginInfoResponse {
    /// The wire text `{"code":…,"firstLoginTime":…}`.
    pub fn to_json(&self) -> String {
        ObjectWriter::new()
            .int("code", self.code.into())
            .int("firstLoginTime", self.first_login_time)
            .finish()
    }

    /// Reads the body; missing fields are 0.
    pub fn from_json(text: &str) -> Result<Self, ProtocalError> {
        let v = parse_object(text)?;
        Ok(PLoginInfoResponse {
            code: read_i32(&v, "code")?.unwrap_or(0),
            first_login_time: read_i64(&v, "firstLoginTime")?.unwrap_or(0),
        })
    }
}

/// PErrorResponse, the body of a type-52 error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PErrorResponse {
    /// The error code (the open server only sends 301).
    pub error_code: i32,
    /// The message (for 301: the offending packet as JSON).
    pub error_msg: Option<String>,
}

impl PErrorResponse {
    /// The wire text `{"errorCode":…,"errorMsg":…}`.
    pub fn to_json(&self) -> String {
        ObjectWriter::new()
            .int("errorCode", self.error_code.into())
            .opt_string("errorMsg", self.error_msg.as_deref())
            .finish()
    }

    /// Reads the body; missing fields are 0 / null.
    pub fn from_json(text: &str) -> Result<Self, ProtocalError> {
        let v = parse_object(text)?;
        Ok(PErrorResponse {
            error_code: read_i32(&v, "errorCode")?.unwrap_or(0),
            error_msg: read_string(&v, "errorMsg")?,
        })
    }
}

/// PKickoutInfo, the body of an official type-54 kick-out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PKickoutInfo {
    /// 1 = duplicate login, 2 = kicked by an admin, > 100 custom.
    pub code: i32,
    /// Why, when the server says (often absent).
    pub reason: Option<String>,
}

impl PKickoutInfo {
    /// Writes like the server: `reason` omitted when absent.
    pub fn to_json(&self) -> String {
        let w = ObjectWriter::new().int("code", self.code.into());
        match &self.reason {
            Some(r) => w.string("reason", r),
            None => w,
        }
        .finish()
    }

    /// Reads the body; a missing code is 0.
    pub fn from_json(text: &str) -> Result<Self, ProtocalError> {
        let v = parse_object(text)?;
        Ok(PKickoutInfo {
            code: read_i32(&v, "code")?.unwrap_or(0),
            reason: read_string(&v, "reason")?,
        })
    }
}

/// The keep-alive body, both directions.
pub const KEEP_ALIVE_BODY: &str = "{}";

/// Type 0 from `uid` to the server.
pub fn login_packet(info: &PLoginInfo, dialect: Dialect) -> Protocal {
    Protocal::new(
        packet_type::LOGIN,
        Some(info.to_json(dialect)),
        &info.login_user_id,
        "0",
    )
}

/// Type 1 from `uid` to the server.
pub fn keep_alive_packet(uid: &str) -> Protocal {
    Protocal::new(
        packet_type::KEEP_ALIVE,
        Some(KEEP_ALIVE_BODY.into()),
        uid,
        "0",
    )
}

/// Type 3 from `uid` to the server: no body officially, `""` in SRT.
pub fn logout_packet(uid: &str, dialect: Dialect) -> Protocal {
    let body = match dialect {
        Dialect::Official => None,
        Dialect::Srt => Some(String::new()),
    };
    Protocal::new(packet_type::LOGOUT, body, uid, "0")
}

/// Type 4 acknowledging `packet`, sent by `own_uid`. Official addressing:
/// from own uid to the packet's sender. `seed_addressing` reproduces the
/// SRT seed's form (from the original sender, to "0").
pub fn ack_packet(packet: &Protocal, own_uid: &str, seed_addressing: bool) -> Protocal {
    let (from, to) = if seed_addressing {
        (packet.from.as_str(), "0")
    } else {
        (own_uid, packet.from.as_str())
    };
    let mut ack = Protocal::new(packet_type::RECEIVED, packet.fp.clone(), from, to);
    ack.bridge = packet.bridge;
    ack
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_bodies_per_dialect() {
        let info = PLoginInfo {
            login_user_id: "1".into(),
            login_token: "token".into(),
            extra: None,
            first_login_time: 1_700_000_000_000,
            app: Some("appName".into()),
        };
        assert_eq!(
            info.to_json(Dialect::Official),
            r#"{"loginUserId":"1","loginToken":"token","extra":null,"firstLoginTime":1700000000000}"#
        );
        assert_eq!(
            info.to_json(Dialect::Srt),
            r#"{"loginUserId":"1","loginToken":"token","extra":null,"app":"appName"}"#
        );
        let back = PLoginInfo::from_json(&info.to_json(Dialect::Official)).unwrap();
        assert_eq!(back.first_login_time, 1_700_000_000_000);
        assert_eq!(back.app, None);
        assert_eq!(
            PLoginInfo::from_json(r#"{"loginToken":"t"}"#),
            Err(ProtocalError::MissingField("loginUserId"))
        );
    }

    #[test]
    fn srt_login_packet_is_the_seed_frame() {
        let info = PLoginInfo {
            login_user_id: "1".into(),
            login_token: "token".into(),
            app: Some("appName".into()),
            ..PLoginInfo::default()
        };
        assert_eq!(
            login_packet(&info, Dialect::Srt).to_json(Dialect::Srt),
            r#"{"bridge":false,"type":0,"dataContent":"{\"loginUserId\":\"1\",\"loginToken\":\"token\",\"extra\":null,\"app\":\"appName\"}","from":"1","to":"0","fp":null,"Qos":false,"typeu":-1,"retryCount":0,"sendTs":null}"#
        );
    }

    #[test]
    fn server_bodies_read_and_write() {
        let ok =
            PLoginInfoResponse::from_json(r#"{"code":0,"firstLoginTime":1700000000123}"#).unwrap();
        assert_eq!(
            ok,
            PLoginInfoResponse {
                code: 0,
                first_login_time: 1_700_000_000_123
            }
        );
        assert_eq!(
            PLoginInfoResponse {
                code: 1025,
                first_login_time: -1
            }
            .to_json(),
            r#"{"code":1025,"firstLoginTime":-1}"#
        );
        let err =
            PErrorResponse::from_json(r#"{"errorCode":301,"errorMsg":"{\"type\":1}"}"#).unwrap();
        assert_eq!(err.error_code, 301);
        assert_eq!(err.error_msg.as_deref(), Some(r#"{"type":1}"#));
        let kick = PKickoutInfo::from_json(r#"{"code":1}"#).unwrap();
        assert_eq!(
            kick,
            PKickoutInfo {
                code: 1,
                reason: None
            }
        );
        assert_eq!(kick.to_json(), r#"{"code":1}"#);
        assert!(
            PKickoutInfo::from_json("f-1").is_err(),
            "an fp is not a kick-out body"
        );
        assert!(PLoginInfoResponse::from_json("[]").is_err());
    }

    #[test]
    fn framework_packets() {
        assert_eq!(
            keep_alive_packet("7").to_json(Dialect::Official),
            r#"{"bridge":false,"type":1,"dataContent":"{}","from":"7","to":"0","fp":null,"QoS":false,"typeu":-1,"sm":-1}"#
        );
        assert_eq!(
            logout_packet("7", Dialect::Official).to_json(Dialect::Official),
            r#"{"bridge":false,"type":3,"dataContent":null,"from":"7","to":"0","fp":null,"QoS":false,"typeu":-1,"sm":-1}"#
        );
        assert_eq!(
            logout_packet("7", Dialect::Srt).data_content.as_deref(),
            Some("")
        );

        let mut incoming = Protocal::new(2, Some("hello".into()), "9", "7");
        incoming.fp = Some("fp-1".into());
        incoming.qos = true;
        incoming.bridge = true;
        let ack = ack_packet(&incoming, "7", false);
        assert_eq!(
            ack.to_json(Dialect::Official),
            r#"{"bridge":true,"type":4,"dataContent":"fp-1","from":"7","to":"9","fp":null,"QoS":false,"typeu":-1,"sm":-1}"#
        );
        let seed = ack_packet(&incoming, "7", true);
        assert_eq!((seed.from.as_str(), seed.to.as_str()), ("9", "0"));
    }
}
