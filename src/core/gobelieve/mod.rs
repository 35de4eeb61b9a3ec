//! GoBelieve: the binary protocol (`codec`) and the `IMService` session.
