//! Drives a sans-IO machine with real sockets and one timer.
//!
//! Every input (an API call, a socket event, the timer) mutates the machine,
//! then `pump` performs the socket work the machine asked for, hands its
//! events to the class's sink and re-arms the single timer at the machine's
//! next deadline. No borrow is held while application callbacks run, so an
//! observer may call back into the SDK.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Function, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::host;
use super::transport::{self, Socket};
use crate::core::io::{ConnId, Frame, Io};

pub use crate::core::machine::Machine;

type Sink<E> = Box<dyn Fn(E)>;

struct State<M: Machine + 'static> {
    machine: RefCell<M>,
    sockets: RefCell<Vec<(ConnId, Socket)>>,
    timer: RefCell<Option<(u64, JsValue)>>,
    /// `{code, reason, error}` of the last socket that closed (diagnostics).
    last_close: RefCell<JsValue>,
    sink: Sink<M::Event>,
    pumping: Cell<bool>,
    socket_cb: Closure<dyn FnMut(u32, u32, JsValue)>,
    timer_cb: Closure<dyn FnMut()>,
}

/// A machine bound to sockets and a timer; clones share the same machine.
pub struct Runtime<M: Machine + 'static> {
    state: Rc<State<M>>,
}

impl<M: Machine + 'static> Clone for Runtime<M> {
    fn clone(&self) -> Self {
        Runtime {
            state: self.state.clone(),
        }
    }
}

impl<M: Machine + 'static> Runtime<M> {
    /// Binds `machine`; `sink` receives its events with no borrow held.
    pub fn new(machine: M, sink: impl Fn(M::Event) + 'static) -> Self {
        let state = Rc::new_cyclic(|weak: &Weak<State<M>>| {
            let w = weak.clone();
            let socket_cb = Closure::new(move |conn: u32, kind: u32, data: JsValue| {
                if let Some(state) = w.upgrade() {
                    Runtime { state }.on_socket_event(conn, kind, data);
                }
            });
            let w = weak.clone();
            let timer_cb = Closure::new(move || {
                if let Some(state) = w.upgrade() {
                    let rt = Runtime { state };
                    rt.state.timer.borrow_mut().take();
                    rt.with(|m, now| m.handle_timeout(now));
                }
            });
            State {
                machine: RefCell::new(machine),
                sockets: RefCell::new(Vec::new()),
                timer: RefCell::new(None),
                last_close: RefCell::new(JsValue::UNDEFINED),
                sink: Box::new(sink),
                pumping: Cell::new(false),
                socket_cb,
                timer_cb,
            }
        });
        Runtime { state }
    }

    /// Runs `f` on the machine at the current time, then does the resulting work.
    pub fn with<R>(&self, f: impl FnOnce(&mut M, u64) -> R) -> R {
        let result = self.mutate(f);
        self.pump();
        result
    }

    /// Runs `f` on the machine without doing the resulting work yet: the
    /// caller records what it needs (e.g. the object behind a message token)
    /// and then calls `pump`, so no event can precede that record.
    pub fn mutate<R>(&self, f: impl FnOnce(&mut M, u64) -> R) -> R {
        f(&mut self.state.machine.borrow_mut(), host::now())
    }

    /// Reads the machine without driving it.
    pub fn read<R>(&self, f: impl FnOnce(&M) -> R) -> R {
        f(&self.state.machine.borrow())
    }

    fn on_socket_event(&self, conn: u32, kind: u32, data: JsValue) {
        match kind {
            transport::EVENT_OPEN => self.with(|m, now| m.handle_open(conn, now)),
            transport::EVENT_BINARY => {
                let bytes = data
                    .dyn_into::<Uint8Array>()
                    .map(|a| a.to_vec())
                    .unwrap_or_default();
                self.with(|m, now| m.handle_binary(conn, &bytes, now));
            }
            transport::EVENT_TEXT => {
                let text = data.as_string().unwrap_or_default();
                self.with(|m, now| m.handle_text(conn, &text, now));
            }
            transport::EVENT_CLOSED => {
                self.forget_socket(conn);
                *self.state.last_close.borrow_mut() = data.clone();
                let error = Reflect::get(&data, &JsValue::from_str("error"))
                    .map(|v| v.is_truthy())
                    .unwrap_or(false);
                self.with(|m, now| m.handle_close(conn, error, now));
            }
            _ => {}
        }
    }

    /// Performs pending socket work, delivers events and re-arms the timer.
    pub fn pump(&self) {
        if self.state.pumping.replace(true) {
            return; // an outer pump (we are inside a callback) drains everything
        }
        loop {
            let io = self.state.machine.borrow_mut().poll_io();
            if let Some(io) = io {
                self.perform(io);
                continue;
            }
            let event = self.state.machine.borrow_mut().poll_event();
            match event {
                Some(event) => (self.state.sink)(event),
                None => break,
            }
        }
        self.rearm_timer();
        self.state.pumping.set(false);
    }

    fn perform(&self, io: Io) {
        match io {
            Io::Connect { conn, url } => {
                let cb: &Function = self.state.socket_cb.as_ref().unchecked_ref();
                match transport::open_socket(&url, conn, M::BINARY, M::MAX_FRAME as u32, cb) {
                    Ok(socket) => self.state.sockets.borrow_mut().push((conn, socket)),
                    Err(err) => {
                        host::report_error("opening a socket", &err);
                        let now = host::now();
                        self.state
                            .machine
                            .borrow_mut()
                            .handle_close(conn, true, now);
                    }
                }
            }
            Io::Send { conn, frame } => {
                // Clone the handle so no borrow is held if the transport reports synchronously.
                let Some(socket) = self.socket(conn) else {
                    return;
                };
                let sent = match &frame {
                    Frame::Binary(bytes) => socket.send_bytes(bytes),
                    Frame::Text(text) => socket.send_text(text),
                };
                if let Err(err) = sent {
                    host::report_error("sending a frame", &err);
                    self.forget_socket(conn);
                    let now = host::now();
                    self.state
                        .machine
                        .borrow_mut()
                        .handle_close(conn, true, now);
                }
            }
            Io::Close { conn } => {
                // The SDK closes this socket itself (stop, timeout, refusal):
                // its close code is the transport's 1000, not the last peer's.
                if self.forget_socket(conn) {
                    *self.state.last_close.borrow_mut() = local_close();
                }
            }
        }
    }

    fn socket(&self, conn: ConnId) -> Option<Socket> {
        let sockets = self.state.sockets.borrow();
        sockets
            .iter()
            .find(|(c, _)| *c == conn)
            .map(|(_, s)| JsValue::clone(s).unchecked_into())
    }

    /// Closes and forgets socket `conn`; false when it was already gone.
    fn forget_socket(&self, conn: ConnId) -> bool {
        let removed = {
            let mut sockets = self.state.sockets.borrow_mut();
            sockets
                .iter()
                .position(|(c, _)| *c == conn)
                .map(|at| sockets.remove(at))
        };
        match removed {
            Some((_, socket)) => {
                socket.close();
                true
            }
            None => false,
        }
    }

    fn rearm_timer(&self) {
        let want = self.state.machine.borrow().poll_timeout();
        let mut timer = self.state.timer.borrow_mut();
        if timer.as_ref().map(|(at, _)| *at) == want {
            return;
        }
        if let Some((_, id)) = timer.take() {
            host::disarm_timer(&id);
        }
        if let Some(at) = want {
            let delay = at.saturating_sub(host::now()).min(i32::MAX as u64) as f64;
            let cb: &Function = self.state.timer_cb.as_ref().unchecked_ref();
            *timer = Some((at, host::arm_timer(cb, delay)));
        }
    }

    /// Number of sockets currently open (for tests and diagnostics).
    pub fn open_sockets(&self) -> usize {
        self.state.sockets.borrow().len()
    }

    /// `{code, reason, error}` of the last socket that closed, or `undefined`.
    pub fn last_close(&self) -> JsValue {
        self.state.last_close.borrow().clone()
    }

    /// True when a timer is armed.
    pub fn timer_armed(&self) -> bool {
        self.state.timer.borrow().is_some()
    }
}

/// `{code, reason, error}` of a socket the SDK closed itself (js/transport.js closes with 1000).
fn local_close() -> JsValue {
    let info = js_sys::Object::new();
    let set = |k: &str, v: JsValue| Reflect::set(&info, &JsValue::from_str(k), &v);
    let _ = set("code", JsValue::from(1000));
    let _ = set("reason", JsValue::from_str("closed by the client"));
    let _ = set("error", JsValue::FALSE);
    info.into()
}

impl<M: Machine + 'static> Drop for State<M> {
    fn drop(&mut self) {
        for (_, socket) in self.sockets.get_mut().drain(..) {
            socket.close();
        }
        if let Some((_, id)) = self.timer.get_mut().take() {
            host::disarm_timer(&id);
        }
    }
}
