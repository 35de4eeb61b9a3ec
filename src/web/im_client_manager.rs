//! `IMClientManager`: the MobileIMSDK seed API (`srt-im-sdk`) on the core's
//! MobileIMSDK client, with official v6 semantics.
//!
//! Decisions the seed leaves open (see `shared/protocol/mobileimsdk.md` §8):
//! - `getInstance()` without options before any instance throws an `Error`
//!   whose `code` is `CLIENT_SDK_NO_INITIALED` (203): the seed's
//!   `getInstance().login(...)` chain would fail anyway, now with a clear cause.
//! - `login` throws a `TypeError` naming the field for unusable arguments
//!   (programming errors); every other outcome reaches `callBack(code)` once.
//! - `send` never throws: bad arguments give `callBack(4, error)` where the
//!   second argument is a `TypeError`/`RangeError` naming the field (without a
//!   `callBack` the message goes to `console.warn`).
//! - `logout(callBack)` reports what happened: 0 written, 1 not logged in,
//!   3 not connected; then the connection is released, the instance stays.
//! - After `release()` the instance is spent: its calls report 203 and a new
//!   `getInstance(options)` builds a fresh one. A kick-out releases the
//!   connection and daemons only; `login()` works again on the same instance.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{self, field, range_error, type_error};
use super::host::{self, Signal};
use super::mim_options::{self, Callbacks};
use super::observer::{invoke, notify};
use super::protocal_object::{mim_code_error, mim_error, mim_kickout, protocal_to_js};
use super::runtime::Runtime;
use crate::core::mobileimsdk::client::MAX_FRAME_BYTES;
use crate::core::mobileimsdk::constants::{code, packet_type};
use crate::core::mobileimsdk::{Client, Event, LoginInfo, Protocal, SendRequest};

/// Longest accepted uid, token, `app` or `extra` (UTF-8 bytes).
const MAX_FIELD_BYTES: usize = 4_096;

/// State shared with the event sink.
struct Shared {
    callbacks: Callbacks,
    /// One entry per `login()` still waiting for its result, oldest first
    /// (the core reports results in call order).
    login_callbacks: RefCell<VecDeque<JsValue>>,
    /// The resend count of a message reported lost.
    max_resends: u32,
}

/// One manager's machine, sockets, timer and environment watcher.
struct Inner {
    rt: Runtime<Client>,
    shared: Rc<Shared>,
    env_cb: Closure<dyn FnMut(u32)>,
    env_undo: RefCell<Option<Function>>,
    released: Cell<bool>,
}

impl Inner {
    fn unwatch_environment(&self) {
        let undo = self.env_undo.borrow_mut().take();
        if let Some(undo) = undo {
            let _ = undo.call0(&JsValue::NULL);
        }
    }

    /// Stops everything for good; true the first time.
    fn release(&self) -> bool {
        if self.released.replace(true) {
            return false;
        }
        self.unwatch_environment();
        self.rt.with(|c, now| c.release(now));
        true
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.release();
    }
}

/// The instance `getInstance` hands out, and the seed's init flag.
struct Singleton {
    inner: Rc<Inner>,
    js: JsValue,
    init: bool,
}

thread_local! {
    static SINGLETON: RefCell<Option<Singleton>> = const { RefCell::new(None) };
}

/// MobileIMSDK client with the seed API: `IMClientManager.getInstance(options)`,
/// then `login`, `send`, `logout` and `release`.
#[wasm_bindgen(js_name = IMClientManager)]
pub struct ImClientManager {
    inner: Rc<Inner>,
}

/// Rust-only: a manager outside the singleton (tests and embedders that need
/// several accounts in one page). Not exported to JS.
impl ImClientManager {
    /// Builds a manager from `WSOptions` without touching the singleton.
    pub fn standalone(options: &JsValue) -> Result<ImClientManager, JsValue> {
        let options = mim_options::parse(options)?;
        let shared = Rc::new(Shared {
            callbacks: options.callbacks,
            login_callbacks: RefCell::new(VecDeque::new()),
            max_resends: options.config.qos_max_resends,
        });
        let sink_shared = shared.clone();
        let rt = Runtime::new(
            Client::new(options.config, host::random_seed()),
            move |ev| dispatch(&sink_shared, ev),
        );
        let env_rt = rt.clone();
        let env_cb = Closure::new(move |kind: u32| {
            if let Some(signal) = Signal::from_code(kind) {
                env_rt.with(|c, now| on_signal(c, signal, now));
            }
        });
        let inner = Inner {
            rt,
            shared,
            env_cb,
            env_undo: RefCell::new(None),
            released: Cell::new(false),
        };
        let cb: &Function = inner.env_cb.as_ref().unchecked_ref();
        *inner.env_undo.borrow_mut() = Some(host::watch_environment(cb));
        Ok(ImClientManager {
            inner: Rc::new(inner),
        })
    }

    fn is_singleton(&self) -> bool {
        SINGLETON.with(|s| {
            s.borrow()
                .as_ref()
                .is_some_and(|s| Rc::ptr_eq(&s.inner, &self.inner))
        })
    }
}

#[wasm_bindgen(js_class = IMClientManager)]
impl ImClientManager {
    /// `getInstance(options?)`: the shared manager. With `options` (a
    /// `WSOptions`: `wsUrl`, `chatBaseCB`, `chatTransDataCB`, `messageQoSCB`,
    /// `dialect`, `senseMode`, timings in ms) it builds one when none exists,
    /// after `release()` or after `resetInitFlag()` (the previous one is then
    /// released); otherwise it returns the existing one. Without options and
    /// without an instance it throws an Error with `code` 203.
    #[wasm_bindgen(js_name = getInstance, unchecked_return_type = "IMClientManager")]
    pub fn get_instance(options: JsValue) -> Result<JsValue, JsValue> {
        let given = !(options.is_undefined() || options.is_null());
        let existing = SINGLETON.with(|s| {
            s.borrow()
                .as_ref()
                .filter(|s| s.init || !given)
                .map(|s| s.js.clone())
        });
        if let Some(js) = existing {
            return Ok(js);
        }
        if !given {
            return Err(mim_code_error(
                code::CLIENT_SDK_NO_INITIALED,
                "IMClientManager is not initialised (CLIENT_SDK_NO_INITIALED, 203): \
                 call IMClientManager.getInstance(options) first",
            ));
        }
        let manager = ImClientManager::standalone(&options)?;
        let inner = manager.inner.clone();
        let js = JsValue::from(manager);
        let previous = SINGLETON.with(|s| {
            s.borrow_mut().replace(Singleton {
                inner,
                js: js.clone(),
                init: true,
            })
        });
        if let Some(previous) = previous {
            previous.inner.release();
        }
        Ok(js)
    }

    /// True while a shared instance exists and its init flag is set.
    #[wasm_bindgen(js_name = getInitFlag)]
    pub fn get_init_flag() -> bool {
        SINGLETON.with(|s| s.borrow().as_ref().is_some_and(|s| s.init))
    }

    /// Clears the init flag, so the next `getInstance(options)` builds a new
    /// manager (releasing this one).
    #[wasm_bindgen(js_name = resetInitFlag)]
    pub fn reset_init_flag(&self) {
        SINGLETON.with(|s| {
            if let Some(s) = s.borrow_mut().as_mut() {
                s.init = false;
            }
        });
    }

    /// `login({loginUserId | logiUserId, loginToken, app?, extra?, callBack?})`:
    /// connects and logs in; `callBack(code)` fires once with the result
    /// (0 success, the server's code, or 201/202/203/204). Re-logins after a
    /// link loss are automatic and reported through `chatBaseCB`.
    pub fn login(&self, args: JsValue) -> Result<(), JsValue> {
        let callback = field(&args, "callBack", "login options")?;
        if self.inner.released.get() {
            invoke(
                &callback,
                "login callBack",
                &code::CLIENT_SDK_NO_INITIALED.into(),
                &JsValue::UNDEFINED,
            );
            return Ok(());
        }
        let info = login_info(&args)?;
        let rt = &self.inner.rt;
        rt.mutate(|c, now| c.login(info, now));
        self.inner
            .shared
            .login_callbacks
            .borrow_mut()
            .push_back(callback);
        rt.pump();
        Ok(())
    }

    /// `send({dataContent, toId, Qos = true, fingerPrint?, typeu = 0, callBack?})`:
    /// `callBack(code, protocal)` with 0 (written), 1 (not logged in), 3 (not
    /// connected) or 203 (released); 4 with an Error naming the bad field;
    /// 206 when a QoS send reuses the `fingerPrint` of a message still
    /// waiting for its ACK. A QoS message then ends in exactly one of
    /// `messagesBeReceivedCB(fp)` or `handleMessageLost` (also on logout,
    /// kick-out and release, which report what still waits as lost).
    pub fn send(&self, args: JsValue) {
        let callback = if args.is_object() {
            field(&args, "callBack", "send options").unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        };
        let req = match send_request(&args) {
            Ok(req) => req,
            Err(err) => return report_invalid(&callback, &err),
        };
        if self.inner.released.get() {
            let p = request_protocal(&req, "-1");
            return report(&callback, code::CLIENT_SDK_NO_INITIALED, &p);
        }
        let rt = &self.inner.rt;
        let result = rt.mutate(|c, now| c.send(req.clone(), now));
        rt.pump();
        match result {
            Ok(p) => report(&callback, code::COMMON_CODE_OK, &protocal_to_js(&p, 0)),
            Err(code::COMMON_INVALID_PROTOCAL) => report_invalid(
                &callback,
                &range_error(&format!(
                    "send: the packet is over {MAX_FRAME_BYTES} bytes (dataContent is too long)"
                )),
            ),
            Err(code) => {
                let from = rt.read(|c| c.user_id().unwrap_or("-1").to_string());
                report(&callback, code, &request_protocal(&req, &from));
            }
        }
    }

    /// Sends the logout packet when logged in, then releases the connection
    /// and daemons; `callBack(code)`: 0 written, 1 not logged in, 3 not
    /// connected, 203 released. The instance stays usable for a new `login`.
    pub fn logout(&self, callback: JsValue) {
        let code = if self.inner.released.get() {
            code::CLIENT_SDK_NO_INITIALED
        } else {
            self.inner.rt.with(|c, now| c.logout(now))
        };
        invoke(
            &callback,
            "logout callBack",
            &code.into(),
            &JsValue::UNDEFINED,
        );
    }

    /// Stops every daemon, reports the QoS messages still waiting through
    /// `handleMessageLost`, clears the dedupe window, closes the socket whatever
    /// its state and removes the network listeners. A pending `login` gets
    /// `callBack(201)`. The next `getInstance(options)` builds a new manager.
    pub fn release(&self) {
        let taken = SINGLETON.with(|s| {
            let mut s = s.borrow_mut();
            if s.as_ref()
                .is_some_and(|s| Rc::ptr_eq(&s.inner, &self.inner))
            {
                s.take()
            } else {
                None
            }
        });
        self.inner.release();
        drop(taken);
    }

    /// The `chatBaseCB` object given to `getInstance`.
    #[wasm_bindgen(js_name = getBaseEventListener)]
    pub fn get_base_event_listener(&self) -> JsValue {
        self.inner.shared.callbacks.chat_base.clone()
    }

    /// The `chatTransDataCB` object given to `getInstance`.
    #[wasm_bindgen(js_name = getTransDataListener)]
    pub fn get_trans_data_listener(&self) -> JsValue {
        self.inner.shared.callbacks.chat_trans_data.clone()
    }

    /// The `messageQoSCB` object given to `getInstance`.
    #[wasm_bindgen(js_name = getMessageQoSListener)]
    pub fn get_message_qos_listener(&self) -> JsValue {
        self.inner.shared.callbacks.message_qos.clone()
    }

    /// Sockets currently open by this manager (diagnostics and tests).
    #[wasm_bindgen(getter = openSocketCount)]
    pub fn open_socket_count(&self) -> usize {
        self.inner.rt.open_sockets()
    }

    /// True while a timer is armed (diagnostics and tests: none after logout or release).
    #[wasm_bindgen(getter = timerArmed)]
    pub fn timer_armed(&self) -> bool {
        self.inner.rt.timer_armed()
    }

    /// `{code, reason, error}` of the last connection that closed (e.g. code
    /// 1009 for a frame over the protocol limit), or `undefined`.
    #[wasm_bindgen(getter = lastClose)]
    pub fn last_close(&self) -> JsValue {
        self.inner.rt.last_close()
    }

    /// Bytes of wasm memory in use by the module (diagnostics; it never shrinks).
    #[wasm_bindgen(getter = wasmMemoryBytes)]
    pub fn wasm_memory_bytes() -> f64 {
        host::memory_bytes()
    }

    /// True while the network/app listeners are registered (until `release()`).
    #[wasm_bindgen(getter = watchingEnvironment)]
    pub fn watching_environment(&self) -> bool {
        self.inner.env_undo.borrow().is_some()
    }

    /// True after a successful login until logout, release, kick-out or a 301.
    #[wasm_bindgen(getter = loggedIn)]
    pub fn logged_in(&self) -> bool {
        self.inner.rt.read(|c| c.is_logged_in())
    }

    /// True while the current connection is open and logged in.
    #[wasm_bindgen(getter = connected)]
    pub fn connected(&self) -> bool {
        self.inner.rt.read(|c| c.is_connected())
    }

    /// True when this object is the one `getInstance()` returns.
    #[wasm_bindgen(getter = isSharedInstance)]
    pub fn is_shared_instance(&self) -> bool {
        self.is_singleton()
    }
}

/// Static getters for the seed's codes and packet types, names verbatim
/// (`$` is a valid JS identifier character and wasm-bindgen accepts it).
macro_rules! constants {
    ($($js:literal => $rust:ident = $value:expr;)*) => {
        #[wasm_bindgen(js_class = IMClientManager)]
        impl ImClientManager {
            $(
                #[doc = concat!("`", $js, "`")]
                #[wasm_bindgen(getter = $js)]
                pub fn $rust() -> i32 {
                    $value
                }
            )*
        }
    };
}

constants! {
    "COMMON_CODE_OK" => common_code_ok = code::COMMON_CODE_OK;
    "COMMON_NO_LOGIN" => common_no_login = code::COMMON_NO_LOGIN;
    "COMMON_UNKNOW_ERROR" => common_unknow_error = code::COMMON_UNKNOW_ERROR;
    "COMMON_DATA_SEND_FAILD" => common_data_send_faild = code::COMMON_DATA_SEND_FAILD;
    "COMMON_INVALID_PROTOCAL" => common_invalid_protocal = code::COMMON_INVALID_PROTOCAL;
    "BREOKEN_CONNECT_TO_SERVER" => breoken_connect_to_server = code::BREOKEN_CONNECT_TO_SERVER;
    "BAD_CONNECT_TO_SERVER" => bad_connect_to_server = code::BAD_CONNECT_TO_SERVER;
    "CLIENT_SDK_NO_INITIALED" => client_sdk_no_initialed = code::CLIENT_SDK_NO_INITIALED;
    "LOCAL_NETWORK_NOT_WORKING" => local_network_not_working = code::LOCAL_NETWORK_NOT_WORKING;
    "TO_SERVER_NET_INFO_NOT_SETUP" => to_server_net_info_not_setup = code::TO_SERVER_NET_INFO_NOT_SETUP;
    "RESPONSE_FOR_UNLOGIN" => response_for_unlogin = code::RESPONSE_FOR_UNLOGIN;
    "FROM_CLIENT_TYPE_OF_LOGIN" => from_client_type_of_login = packet_type::LOGIN;
    "FROM_CLIENT_TYPE_OF_KEEP$ALIVE" => from_client_type_of_keep_alive = packet_type::KEEP_ALIVE;
    "FROM_CLIENT_TYPE_OF_COMMON$DATA" => from_client_type_of_common_data = packet_type::COMMON_DATA;
    "FROM_CLIENT_TYPE_OF_LOGOUT" => from_client_type_of_logout = packet_type::LOGOUT;
    "FROM_CLIENT_TYPE_OF_RECIVED" => from_client_type_of_recived = packet_type::RECEIVED;
    "FROM_CLIENT_TYPE_OF_ECHO" => from_client_type_of_echo = packet_type::ECHO;
    "FROM_SERVER_TYPE_OF_RESPONSE$LOGIN" => from_server_type_of_response_login = packet_type::LOGIN_RESPONSE;
    "FROM_SERVER_TYPE_OF_RESPONSE$KEEP$ALIVE" => from_server_type_of_response_keep_alive = packet_type::KEEP_ALIVE_RESPONSE;
    "FROM_SERVER_TYPE_OF_RESPONSE$FOR$ERROR" => from_server_type_of_response_for_error = packet_type::ERROR_RESPONSE;
    "FROM_SERVER_TYPE_OF_RESPONSE$ECHO" => from_server_type_of_response_echo = packet_type::ECHO_RESPONSE;
    "FROM_SERVER_TYPE_OF_RESPONSE$RECIVED" => from_server_type_of_response_recived = packet_type::SRT_RECEIVED;
    "FROM_SERVER_TYPE_OF_KICKOUT" => from_server_type_of_kickout = packet_type::KICKOUT;
}

fn on_signal(c: &mut Client, signal: Signal, now: u64) {
    match signal {
        Signal::Online => c.network_changed(true, now),
        Signal::Offline => c.network_changed(false, now),
        Signal::AppShow | Signal::PageVisible => c.app_show(now),
        Signal::AppHide | Signal::PageHidden => c.app_hide(now),
    }
}

/// A uid: a non-empty string, or a number (written in decimal).
fn uid(v: &JsValue, name: &str) -> Result<String, JsValue> {
    if let Some(n) = v.as_f64() {
        if n.is_finite() && n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
            return Ok((n as i64).to_string());
        }
        return Err(type_error(&format!(
            "{name} must be an integer below 2^53 or a string"
        )));
    }
    if v.is_undefined() || v.is_null() {
        return Err(type_error(&format!("{name} is required")));
    }
    let s = convert::text(v, name, MAX_FIELD_BYTES)?;
    if s.is_empty() {
        return Err(type_error(&format!("{name} must not be empty")));
    }
    Ok(s)
}

fn login_info(args: &JsValue) -> Result<LoginInfo, JsValue> {
    let get = |name: &str| field(args, name, "login options");
    let mut id = get("loginUserId")?;
    let mut name = "loginUserId";
    if id.is_undefined() || id.is_null() {
        // The seed README's spelling.
        id = get("logiUserId")?;
        name = "logiUserId";
    }
    let user_id = uid(&id, name).map_err(|_| {
        type_error(&format!(
            "login: loginUserId (or logiUserId) must be a non-empty string or an integer, got {}",
            describe(&id)
        ))
    })?;
    let text = |field_name: &str| -> Result<Option<String>, JsValue> {
        convert::optional_text(
            &get(field_name)?,
            &format!("login: {field_name}"),
            MAX_FIELD_BYTES,
        )
    };
    Ok(LoginInfo {
        user_id,
        token: text("loginToken")?.unwrap_or_default(),
        extra: text("extra")?,
        app: text("app")?,
    })
}

fn send_request(args: &JsValue) -> Result<SendRequest, JsValue> {
    if !args.is_object() {
        return Err(type_error(
            "send: the argument must be an object {dataContent, toId, ...}",
        ));
    }
    let get = |name: &str| field(args, name, "send options");
    let data = get("dataContent")?;
    let data_content = if data.is_undefined() || data.is_null() {
        return Err(type_error("send: dataContent must be a string"));
    } else {
        convert::text(&data, "send: dataContent", MAX_FRAME_BYTES)?
    };
    let to = uid(&get("toId")?, "send: toId")?;
    let mut qos = get("Qos")?;
    if qos.is_undefined() {
        qos = get("QoS")?; // the official spelling
    }
    let qos = if qos.is_undefined() {
        true
    } else {
        qos.as_bool()
            .ok_or_else(|| type_error("send: Qos must be a boolean"))?
    };
    let fp = convert::optional_text(&get("fingerPrint")?, "send: fingerPrint", 256)?;
    if fp.as_deref() == Some("") {
        return Err(type_error("send: fingerPrint must not be empty"));
    }
    let typeu = get("typeu")?;
    let typeu = if typeu.is_undefined() || typeu.is_null() {
        0
    } else {
        typeu
            .as_f64()
            .filter(|n| n.fract() == 0.0 && *n >= i32::MIN as f64 && *n <= i32::MAX as f64)
            .ok_or_else(|| type_error("send: typeu must be a 32-bit integer"))? as i32
    };
    Ok(SendRequest {
        data_content,
        to,
        qos,
        fp,
        typeu,
    })
}

/// A short description of a bad value for an error message: a string is
/// quoted and cut to `DESCRIBE_CHARS` UTF-16 units (cut in JS: a 10 MB
/// string is not copied into wasm just to be quoted).
fn describe(v: &JsValue) -> String {
    if v.is_undefined() {
        return "undefined".into();
    }
    if let Some(s) = v.dyn_ref::<js_sys::JsString>() {
        if s.length() > DESCRIBE_CHARS {
            return format!("\"{}...\"", String::from(s.slice(0, DESCRIBE_CHARS)));
        }
        return format!("\"{}\"", String::from(s));
    }
    v.js_typeof().as_string().unwrap_or_default()
}

/// Longest string quoted whole in an error message.
const DESCRIBE_CHARS: u32 = 40;

/// The packet a refused `send` would have written (for the callback).
fn request_protocal(req: &SendRequest, from: &str) -> JsValue {
    let mut p = Protocal::new(
        packet_type::COMMON_DATA,
        Some(req.data_content.clone()),
        from,
        &req.to,
    );
    p.fp = req.fp.clone();
    p.qos = req.qos;
    p.typeu = req.typeu;
    protocal_to_js(&p, 0)
}

fn report(callback: &JsValue, code: i32, protocal: &JsValue) {
    invoke(callback, "send callBack", &code.into(), protocal);
}

/// Code 4 with the error naming the field; without a callback, a warning.
fn report_invalid(callback: &JsValue, err: &JsValue) {
    if !invoke(
        callback,
        "send callBack",
        &code::COMMON_INVALID_PROTOCAL.into(),
        err,
    ) {
        let msg = err
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "send: invalid arguments".into());
        host::warn(&msg);
    }
}

/// Turns one core event into the matching seed callback.
fn dispatch(shared: &Shared, event: Event) {
    let cbs = &shared.callbacks;
    let none = JsValue::UNDEFINED;
    let call = |group: &JsValue, name: &str, a: &JsValue| {
        notify(group, name, &none, name, a, &none);
    };
    match event {
        Event::LoginResult(code) => {
            let cb = shared.login_callbacks.borrow_mut().pop_front();
            if let Some(cb) = cb {
                invoke(&cb, "login callBack", &code.into(), &none);
            }
        }
        Event::LoginOrReloginSuccess => call(
            &cbs.chat_base,
            "onLoginOrReloginSuccessCB",
            &code::COMMON_CODE_OK.into(),
        ),
        Event::LoginOrReloginFail(code) => {
            call(&cbs.chat_base, "onLoginOrReloginFailCB", &code.into())
        }
        Event::LinkClose(code) => call(&cbs.chat_base, "onLinkCloseMessageCB", &code.into()),
        Event::Kickout { code, reason } => {
            call(&cbs.chat_base, "onKickoutCB", &mim_kickout(code, reason))
        }
        Event::TransBuffer(p) => call(
            &cbs.chat_trans_data,
            "onTransBufferCB",
            &protocal_to_js(&p, 0),
        ),
        Event::TransError { code, msg } => call(
            &cbs.chat_trans_data,
            "onTransErrorCB",
            &mim_error(code, &msg),
        ),
        Event::MessagesLost(list) => {
            let lost: Array = list
                .iter()
                .map(|p| protocal_to_js(p, shared.max_resends))
                .collect();
            call(&cbs.message_qos, "handleMessageLost", &lost);
        }
        Event::MessageBeReceived(fp) => call(
            &cbs.message_qos,
            "messagesBeReceivedCB",
            &JsValue::from_str(&fp),
        ),
        Event::Warning(text) => host::warn(&text),
    }
}
