//! The MobileIMSDK `Protocal` packet as the official (Gson) server reads and
//! writes it: output keys in the official order with nulls omitted, input
//! case-sensitive with unknown keys ignored and missing keys as Java zero
//! values.

use serde::{Deserialize, Serialize};

/// Packet types: the core's constants, so client and server cannot disagree.
pub use imsdk::core::mobileimsdk::constants::packet_type as types;

/// One packet. Field order is the wire order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Protocal {
    /// Cross-server marker.
    pub bridge: bool,
    /// Packet type.
    #[serde(rename = "type")]
    pub kind: i32,
    /// Body (a JSON string for framework packets, the fp for an ACK).
    #[serde(rename = "dataContent", skip_serializing_if = "Option::is_none")]
    pub data_content: Option<String>,
    /// Sender uid ("0" = server).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Receiver uid ("0" = server).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Fingerprint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fp: Option<String>,
    /// Needs an ACK.
    #[serde(rename = "QoS")]
    pub qos: bool,
    /// Application type.
    pub typeu: i32,
    /// Server timestamp (ms) or -1.
    pub sm: i64,
}

impl Protocal {
    /// A server-built packet (`typeu` and `sm` -1, like the Java factory).
    pub fn server(kind: i32, data: Option<String>, from: &str, to: &str) -> Protocal {
        Protocal {
            bridge: false,
            kind,
            data_content: data,
            from: Some(from.into()),
            to: Some(to.into()),
            fp: None,
            qos: false,
            typeu: -1,
            sm: -1,
        }
    }

    /// Parses a frame; `None` for anything Gson would refuse.
    pub fn parse(text: &str) -> Option<Protocal> {
        serde_json::from_str(text).ok()
    }

    /// Gson-style JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// PLoginInfo (the body of type 0).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LoginInfo {
    /// Uid; required.
    #[serde(rename = "loginUserId")]
    pub login_user_id: Option<String>,
    /// Token.
    #[serde(rename = "loginToken")]
    pub login_token: Option<String>,
    /// Extra data.
    pub extra: Option<String>,
    /// 0 on a first login, else the time the server issued.
    #[serde(rename = "firstLoginTime")]
    pub first_login_time: i64,
}

/// Body of a 50 login response.
pub fn login_response(code: i32, first_login_time: i64) -> String {
    format!("{{\"code\":{code},\"firstLoginTime\":{first_login_time}}}")
}

/// Body of a 52 error response (`errorMsg` is the offending packet's JSON).
pub fn error_response(code: i32, msg: &str) -> String {
    serde_json::json!({"errorCode": code, "errorMsg": msg}).to_string()
}

/// Body of a 54 kick-out.
pub fn kickout(code: i32) -> String {
    format!("{{\"code\":{code}}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_official_order_without_nulls() {
        let p = Protocal::server(types::KEEP_ALIVE_RESPONSE, Some("{}".into()), "0", "1");
        assert_eq!(
            p.to_json(),
            r#"{"bridge":false,"type":51,"dataContent":"{}","from":"0","to":"1","QoS":false,"typeu":-1,"sm":-1}"#
        );
    }

    #[test]
    fn reads_java_zero_values_and_ignores_unknown_keys() {
        let p =
            Protocal::parse(r#"{"type":2,"Qos":true,"sendTs":5,"retryCount":1,"fp":"x"}"#).unwrap();
        assert_eq!(p.kind, 2);
        assert!(!p.qos, "Qos (SRT spelling) is not QoS");
        assert_eq!((p.typeu, p.sm), (0, 0));
        assert_eq!((p.from.as_deref(), p.fp.as_deref()), (None, Some("x")));
        assert!(Protocal::parse("nope").is_none());
    }
}
