//! Why the client refused a `send`: one cause per variant, each with the
//! seed's numeric code (several causes share a code), converted once where
//! the result leaves Rust (`crate::engine::mobileimsdk`).

/// A refused [`super::Client::send`]; nothing was written or queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendError {
    /// Not logged in: 1 (`COMMON_NO_LOGIN`).
    NotLoggedIn,
    /// Logged in, but the link is down: 3 (`COMMON_DATA_SEND_FAILD`).
    NotConnected,
    /// `max_pending` QoS messages already wait for their ACK: 3.
    QueueFull,
    /// No receiver (`to` empty) or an empty fingerprint: 4 (`COMMON_INVALID_PROTOCAL`).
    InvalidRequest,
    /// The packet would be over `MAX_FRAME_BYTES`: 4.
    TooLarge,
    /// A QoS message with this fingerprint still waits for its ACK: 206
    /// ([`super::constants::code::FINGER_PRINT_IN_USE`], not a seed code).
    FingerprintInUse,
}

impl SendError {
    /// The code the JS API reports (`callBack(code, protocal)`).
    pub fn code(self) -> i32 {
        use super::constants::code;
        match self {
            SendError::NotLoggedIn => code::COMMON_NO_LOGIN,
            SendError::NotConnected | SendError::QueueFull => code::COMMON_DATA_SEND_FAILD,
            SendError::InvalidRequest | SendError::TooLarge => code::COMMON_INVALID_PROTOCAL,
            SendError::FingerprintInUse => code::FINGER_PRINT_IN_USE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SendError::*;

    #[test]
    fn each_cause_has_the_seed_code_it_always_had() {
        let codes: Vec<i32> = [
            NotLoggedIn,
            NotConnected,
            QueueFull,
            InvalidRequest,
            TooLarge,
            FingerprintInUse,
        ]
        .iter()
        .map(|e| e.code())
        .collect();
        assert_eq!(codes, [1, 3, 3, 4, 4, 206]);
    }
}
