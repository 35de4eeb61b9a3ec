//! GoBelieve: the binary protocol (`codec`) and the `IMService` session.

pub mod codec;
pub mod command;
pub mod config;
pub mod event;
pub mod held;
pub mod identity;
pub mod secret;
pub mod self_note;
pub mod session;
pub mod sync;

pub use config::Config;
pub use event::{
    ConnectState, Event, FailReason, InCustomerMessage, InMessage, InRelayMessage, MsgToken,
    OutCustomerMessage, OutMessage, SendError,
};
pub use session::Session;
