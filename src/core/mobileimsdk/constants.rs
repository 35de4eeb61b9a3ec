//! The numeric packet types and codes of MobileIMSDK, with the seed SDK's JS
//! names (misspellings and `$` included) for the web layer to export.

/// Packet types (`Protocal.type`).
pub mod packet_type {
    /// C→S login (body PLoginInfo).
    pub const LOGIN: i32 = 0;
    /// C→S keep-alive (body `{}`).
    pub const KEEP_ALIVE: i32 = 1;
    /// User data, both directions.
    pub const COMMON_DATA: i32 = 2;
    /// C→S logout (no body).
    pub const LOGOUT: i32 = 3;
    /// ACK, both directions; `dataContent` is the acknowledged fingerprint.
    pub const RECEIVED: i32 = 4;
    /// C→S echo (test only).
    pub const ECHO: i32 = 5;
    /// S→C login response (body PLoginInfoResponse).
    pub const LOGIN_RESPONSE: i32 = 50;
    /// S→C keep-alive response (body `{}`).
    pub const KEEP_ALIVE_RESPONSE: i32 = 51;
    /// S→C error (body PErrorResponse).
    pub const ERROR_RESPONSE: i32 = 52;
    /// S→C echo response.
    pub const ECHO_RESPONSE: i32 = 53;
    /// S→C kick-out in the official v6 dialect (body PKickoutInfo).
    pub const KICKOUT: i32 = 54;
    /// S→C ACK in the SRT dialect (same number as [`KICKOUT`]).
    pub const SRT_RECEIVED: i32 = 54;
}

/// Result and error codes.
pub mod code {
    /// Success.
    pub const COMMON_CODE_OK: i32 = 0;
    /// Not logged in.
    pub const COMMON_NO_LOGIN: i32 = 1;
    /// Unknown error.
    pub const COMMON_UNKNOW_ERROR: i32 = 2;
    /// The data could not be sent (also: socket not open).
    pub const COMMON_DATA_SEND_FAILD: i32 = 3;
    /// Invalid packet or request.
    pub const COMMON_INVALID_PROTOCAL: i32 = 4;
    /// The link broke before the login got an answer.
    pub const BREOKEN_CONNECT_TO_SERVER: i32 = 201;
    /// The link could not be opened.
    pub const BAD_CONNECT_TO_SERVER: i32 = 202;
    /// The SDK is not initialised.
    pub const CLIENT_SDK_NO_INITIALED: i32 = 203;
    /// The local network is offline.
    pub const LOCAL_NETWORK_NOT_WORKING: i32 = 204;
    /// No server address configured.
    pub const TO_SERVER_NET_INFO_NOT_SETUP: i32 = 205;
    /// Not a seed code: a QoS `send` reused the fingerprint of a message
    /// still waiting for its ACK, and was refused (the two would share one
    /// outcome). Next in the seed's client range 201–205.
    pub const FINGER_PRINT_IN_USE: i32 = 206;
    /// Server: the packet needs a login first.
    pub const RESPONSE_FOR_UNLOGIN: i32 = 301;
    /// The link-close code for a lost link (heartbeat, close, error, kick-out).
    pub const LINK_CLOSE_LOST: i32 = -1;
    /// The link-close code for "the local network went offline".
    pub const LINK_CLOSE_NETWORK_OFFLINE: i32 = -9999;
}

/// The seed's packet-type names and values, exactly as its JS exports them,
/// plus the official `FROM_SERVER_TYPE_OF_KICKOUT`.
pub const PACKET_TYPE_NAMES: &[(&str, i32)] = &[
    ("FROM_CLIENT_TYPE_OF_LOGIN", packet_type::LOGIN),
    ("FROM_CLIENT_TYPE_OF_KEEP$ALIVE", packet_type::KEEP_ALIVE),
    ("FROM_CLIENT_TYPE_OF_COMMON$DATA", packet_type::COMMON_DATA),
    ("FROM_CLIENT_TYPE_OF_LOGOUT", packet_type::LOGOUT),
    ("FROM_CLIENT_TYPE_OF_RECIVED", packet_type::RECEIVED),
    ("FROM_CLIENT_TYPE_OF_ECHO", packet_type::ECHO),
    (
        "FROM_SERVER_TYPE_OF_RESPONSE$LOGIN",
        packet_type::LOGIN_RESPONSE,
    ),
    (
        "FROM_SERVER_TYPE_OF_RESPONSE$KEEP$ALIVE",
        packet_type::KEEP_ALIVE_RESPONSE,
    ),
    (
        "FROM_SERVER_TYPE_OF_RESPONSE$FOR$ERROR",
        packet_type::ERROR_RESPONSE,
    ),
    (
        "FROM_SERVER_TYPE_OF_RESPONSE$ECHO",
        packet_type::ECHO_RESPONSE,
    ),
    (
        "FROM_SERVER_TYPE_OF_RESPONSE$RECIVED",
        packet_type::SRT_RECEIVED,
    ),
    ("FROM_SERVER_TYPE_OF_KICKOUT", packet_type::KICKOUT),
];

/// The seed's code names and values, exactly as its JS exports them.
pub const CODE_NAMES: &[(&str, i32)] = &[
    ("COMMON_CODE_OK", code::COMMON_CODE_OK),
    ("COMMON_NO_LOGIN", code::COMMON_NO_LOGIN),
    ("COMMON_UNKNOW_ERROR", code::COMMON_UNKNOW_ERROR),
    ("COMMON_DATA_SEND_FAILD", code::COMMON_DATA_SEND_FAILD),
    ("COMMON_INVALID_PROTOCAL", code::COMMON_INVALID_PROTOCAL),
    ("BREOKEN_CONNECT_TO_SERVER", code::BREOKEN_CONNECT_TO_SERVER),
    ("BAD_CONNECT_TO_SERVER", code::BAD_CONNECT_TO_SERVER),
    ("CLIENT_SDK_NO_INITIALED", code::CLIENT_SDK_NO_INITIALED),
    ("LOCAL_NETWORK_NOT_WORKING", code::LOCAL_NETWORK_NOT_WORKING),
    (
        "TO_SERVER_NET_INFO_NOT_SETUP",
        code::TO_SERVER_NET_INFO_NOT_SETUP,
    ),
    ("RESPONSE_FOR_UNLOGIN", code::RESPONSE_FOR_UNLOGIN),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packet_types_match_the_seed_table() {
        let expected = [
            ("FROM_CLIENT_TYPE_OF_LOGIN", 0),
            ("FROM_CLIENT_TYPE_OF_KEEP$ALIVE", 1),
            ("FROM_CLIENT_TYPE_OF_COMMON$DATA", 2),
            ("FROM_CLIENT_TYPE_OF_LOGOUT", 3),
            ("FROM_CLIENT_TYPE_OF_RECIVED", 4),
            ("FROM_CLIENT_TYPE_OF_ECHO", 5),
            ("FROM_SERVER_TYPE_OF_RESPONSE$LOGIN", 50),
            ("FROM_SERVER_TYPE_OF_RESPONSE$KEEP$ALIVE", 51),
            ("FROM_SERVER_TYPE_OF_RESPONSE$FOR$ERROR", 52),
            ("FROM_SERVER_TYPE_OF_RESPONSE$ECHO", 53),
            ("FROM_SERVER_TYPE_OF_RESPONSE$RECIVED", 54),
            ("FROM_SERVER_TYPE_OF_KICKOUT", 54),
        ];
        assert_eq!(PACKET_TYPE_NAMES, expected);
    }

    #[test]
    fn codes_match_the_seed_table() {
        let expected = [
            ("COMMON_CODE_OK", 0),
            ("COMMON_NO_LOGIN", 1),
            ("COMMON_UNKNOW_ERROR", 2),
            ("COMMON_DATA_SEND_FAILD", 3),
            ("COMMON_INVALID_PROTOCAL", 4),
            ("BREOKEN_CONNECT_TO_SERVER", 201),
            ("BAD_CONNECT_TO_SERVER", 202),
            ("CLIENT_SDK_NO_INITIALED", 203),
            ("LOCAL_NETWORK_NOT_WORKING", 204),
            ("TO_SERVER_NET_INFO_NOT_SETUP", 205),
            ("RESPONSE_FOR_UNLOGIN", 301),
        ];
        assert_eq!(CODE_NAMES, expected);
        assert_eq!(code::FINGER_PRINT_IN_USE, 206);
        assert!(CODE_NAMES
            .iter()
            .all(|(_, c)| *c != code::FINGER_PRINT_IN_USE));
        assert_eq!(code::LINK_CLOSE_LOST, -1);
        assert_eq!(code::LINK_CLOSE_NETWORK_OFFLINE, -9999);
    }
}
