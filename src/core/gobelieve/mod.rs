//! GoBelieve: the binary protocol (`codec`) and the `IMService` session.

pub mod codec;
pub mod command;
