//! `IMService`: the GoBelieve `im.js` API on the core's GoBelieve session.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{self, field, id, id_to_js, int32, optional_id, range_error, type_error};
use super::host::{self, Signal};
use super::observer::{customer_message, failure, im_message, notify, relay_message};
use super::runtime::Runtime;
use crate::core::gobelieve::command::MAX_BODY_LEN;
use crate::core::gobelieve::{
    Config, ConnectState, Event, FailReason, InCustomerMessage, InMessage, InRelayMessage,
    MsgToken, OutCustomerMessage, OutMessage, SendError, Session,
};

const DEFAULT_HOST: &str = "imnode2.gobelieve.io";
/// Body lengths must stay below `MAX_BODY_LEN`; these are the fixed prefixes.
const MAX_IM_CONTENT: usize = MAX_BODY_LEN - 1 - 24;
const MAX_CUSTOMER_CONTENT: usize = MAX_BODY_LEN - 1 - 36;
const MAX_RELAY_CONTENT: usize = MAX_BODY_LEN - 1 - 16;

/// The application's observers: era-E `observer` plus the era-F per-kind ones.
#[derive(Default, Clone)]
struct Observers {
    observer: JsValue,
    peer: JsValue,
    group: JsValue,
    customer: JsValue,
    rt: JsValue,
    system: JsValue,
    room: JsValue,
}

/// State shared with the event sink.
#[derive(Default)]
struct Shared {
    observers: RefCell<Observers>,
    /// The caller's own message objects, returned by ACK and failure callbacks.
    sent: RefCell<HashMap<MsgToken, JsValue>>,
}

/// Where the service connects when no `url` is given.
#[derive(Default)]
struct Endpoint {
    host: Option<String>,
    port: Option<u16>,
    protocol: Option<String>,
    url: Option<String>,
}

/// GoBelieve IM client with the `im.js` API: `new IMService(observer)`,
/// set `accessToken`, `start()`, then `sendPeerMessage(msg)` and friends.
///
/// A started service stays alive until `stop()`, as with im.js, even when
/// the page keeps no reference to it: neither the garbage collector nor
/// `free()` stops it (the ready facade's `free()` calls `stop()` first).
#[wasm_bindgen(js_name = IMService)]
pub struct ImService {
    inner: Rc<Inner>,
}

/// Everything a service owns; shared with itself while started.
pub struct Inner {
    rt: Runtime<Session>,
    shared: Rc<Shared>,
    endpoint: RefCell<Endpoint>,
    env_cb: Closure<dyn FnMut(u32)>,
    env_undo: RefCell<Option<Function>>,
    /// Set by `start()`, cleared by `stop()`: a started service owns itself,
    /// so dropping the JS object (finalizer or `free()`) does not stop it.
    started: RefCell<Option<Rc<Inner>>>,
}

impl std::ops::Deref for ImService {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}

#[wasm_bindgen(js_class = IMService)]
impl ImService {
    /// `new IMService(observer?, options?)`. `options` may set any property
    /// of the service (`host`, `port`, `protocol`, `url`, `accessToken`,
    /// `deviceID`, `platformID`, `syncKey`, `protocolVersion`, `ackTimeout`,
    /// `pingInterval`, `pongTimeout`, `reconnectDelay`, `reconnectMaxDelay`,
    /// `connectTimeout`; times in milliseconds).
    #[wasm_bindgen(constructor)]
    pub fn new(observer: JsValue, options: JsValue) -> Result<ImService, JsValue> {
        let shared = Rc::new(Shared::default());
        let config = Config {
            device_id: guid(),
            ..Config::default()
        };
        let sink_shared = shared.clone();
        let rt = Runtime::new(Session::new(config, host::random_seed()), move |ev| {
            dispatch(&sink_shared, ev)
        });
        let env_rt = rt.clone();
        let env_cb = Closure::new(move |code: u32| {
            if let Some(signal) = Signal::from_code(code) {
                env_rt.with(|s, now| on_signal(s, signal, now));
            }
        });
        let service = ImService {
            inner: Rc::new(Inner {
                rt,
                shared,
                endpoint: RefCell::new(Endpoint::default()),
                env_cb,
                env_undo: RefCell::new(None),
                started: RefCell::new(None),
            }),
        };
        if !observer.is_undefined() && !observer.is_null() {
            service.set_observer(observer);
        }
        if options.is_object() {
            service.apply_options(&options)?;
        }
        Ok(service)
    }

    fn apply_options(&self, o: &JsValue) -> Result<(), JsValue> {
        let get = |name: &str| field(o, name, "options");
        let opt = |v: JsValue| if v.is_undefined() { None } else { Some(v) };
        let setters: [(&str, Setter); 15] = [
            ("host", Self::set_host),
            ("port", Self::set_port),
            ("protocol", Self::set_protocol),
            ("url", Self::set_url),
            ("accessToken", Self::set_access_token),
            ("deviceID", Self::set_device_id),
            ("platformID", Self::set_platform_id),
            ("syncKey", Self::set_sync_key),
            ("protocolVersion", Self::set_protocol_version),
            ("ackTimeout", Self::set_ack_timeout),
            ("pingInterval", Self::set_ping_interval),
            ("pongTimeout", Self::set_pong_timeout),
            ("reconnectDelay", Self::set_reconnect_delay),
            ("reconnectMaxDelay", Self::set_reconnect_max_delay),
            ("connectTimeout", Self::set_connect_timeout),
        ];
        for (name, set) in setters {
            if let Some(v) = opt(get(name)?) {
                set(self, v)?;
            }
        }
        Ok(())
    }

    /// Server host name (default `imnode2.gobelieve.io`).
    #[wasm_bindgen(getter)]
    pub fn host(&self) -> String {
        self.endpoint
            .borrow()
            .host
            .clone()
            .unwrap_or_else(|| DEFAULT_HOST.into())
    }
    #[wasm_bindgen(setter)]
    pub fn set_host(&self, v: JsValue) -> Result<(), JsValue> {
        let host = convert::text(&v, "host", 255)?;
        self.endpoint.borrow_mut().host = Some(host);
        Ok(())
    }
    /// Server port (default 13891, or 14891 on an https: page).
    #[wasm_bindgen(getter)]
    pub fn port(&self) -> u16 {
        self.endpoint
            .borrow()
            .port
            .unwrap_or(if self.secure() { 14891 } else { 13891 })
    }
    #[wasm_bindgen(setter)]
    pub fn set_port(&self, v: JsValue) -> Result<(), JsValue> {
        let port = v
            .as_f64()
            .filter(|p| p.fract() == 0.0 && (1.0..=65535.0).contains(p));
        let port = port.ok_or_else(|| range_error("port must be an integer from 1 to 65535"))?;
        self.endpoint.borrow_mut().port = Some(port as u16);
        Ok(())
    }
    /// `"ws://"` or `"wss://"`; when unset, derived from the page (wss on https:), else ws.
    #[wasm_bindgen(getter)]
    pub fn protocol(&self) -> JsValue {
        self.endpoint
            .borrow()
            .protocol
            .clone()
            .map_or(JsValue::UNDEFINED, |p| JsValue::from_str(&p))
    }
    #[wasm_bindgen(setter)]
    pub fn set_protocol(&self, v: JsValue) -> Result<(), JsValue> {
        let p = convert::optional_text(&v, "protocol", 16)?;
        if let Some(p) = &p {
            if p != "ws://" && p != "wss://" {
                return Err(type_error("protocol must be \"ws://\" or \"wss://\""));
            }
        }
        self.endpoint.borrow_mut().protocol = p;
        Ok(())
    }
    /// The full WebSocket URL; setting it overrides `protocol`, `host` and `port`.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        let e = self.endpoint.borrow();
        if let Some(url) = &e.url {
            return url.clone();
        }
        let protocol = e
            .protocol
            .clone()
            .unwrap_or_else(|| if self.secure() { "wss://" } else { "ws://" }.into());
        drop(e);
        format!("{protocol}{}:{}/ws", self.host(), self.port())
    }
    #[wasm_bindgen(setter)]
    pub fn set_url(&self, v: JsValue) -> Result<(), JsValue> {
        let url = convert::optional_text(&v, "url", 2048)?;
        if let Some(u) = &url {
            if !(u.starts_with("ws://") || u.starts_with("wss://")) {
                return Err(type_error("url must start with ws:// or wss://"));
            }
        }
        self.endpoint.borrow_mut().url = url;
        Ok(())
    }

    /// The token sent in `MSG_AUTH_TOKEN`; must be set before `start()`.
    /// Changing it after an authentication failure lets the service retry.
    #[wasm_bindgen(getter = accessToken)]
    pub fn access_token(&self) -> String {
        self.rt.read(|s| s.config().access_token.clone())
    }
    #[wasm_bindgen(setter = accessToken)]
    pub fn set_access_token(&self, v: JsValue) -> Result<(), JsValue> {
        let token = convert::text(&v, "accessToken", 255)?;
        self.rt.with(|s, now| s.set_access_token(token, now));
        Ok(())
    }
    /// Device id sent at authentication (default: a random GUID).
    #[wasm_bindgen(getter = deviceID)]
    pub fn device_id(&self) -> String {
        self.rt.read(|s| s.config().device_id.clone())
    }
    #[wasm_bindgen(setter = deviceID)]
    pub fn set_device_id(&self, v: JsValue) -> Result<(), JsValue> {
        let device = convert::text(&v, "deviceID", 255)?;
        self.rt.with(|s, _| s.set_device_id(device));
        Ok(())
    }
    /// The pre-2020 name of `deviceID`.
    #[wasm_bindgen(getter = device_id)]
    pub fn device_id_alias(&self) -> String {
        self.device_id()
    }
    #[wasm_bindgen(setter = device_id)]
    pub fn set_device_id_alias(&self, v: JsValue) -> Result<(), JsValue> {
        self.set_device_id(v)
    }
    /// Platform id sent at authentication (default `PLATFORM_WEB` = 3).
    #[wasm_bindgen(getter = platformID)]
    pub fn platform_id(&self) -> u8 {
        self.rt.read(|s| s.config().platform_id)
    }
    #[wasm_bindgen(setter = platformID)]
    pub fn set_platform_id(&self, v: JsValue) -> Result<(), JsValue> {
        let p = v
            .as_f64()
            .filter(|p| p.fract() == 0.0 && (0.0..=255.0).contains(p));
        let p = p.ok_or_else(|| range_error("platformID must be an integer from 0 to 255"))?;
        self.rt.with(|s, _| s.set_platform_id(p as u8));
        Ok(())
    }
    /// Header version byte: 2 (default, ACKs carry a status) or 1 for old servers.
    #[wasm_bindgen(getter = protocolVersion)]
    pub fn protocol_version(&self) -> u8 {
        self.rt.read(|s| s.config().protocol_version)
    }
    #[wasm_bindgen(setter = protocolVersion)]
    pub fn set_protocol_version(&self, v: JsValue) -> Result<(), JsValue> {
        let version = match v.as_f64() {
            Some(x) if x == 1.0 || x == 2.0 => x as u8,
            _ => return Err(range_error("protocolVersion must be 1 or 2")),
        };
        self.rt
            .with(|s, _| s.update_config(|c| c.protocol_version = version));
        Ok(())
    }
    /// The peer-queue sync position; restore it from storage before `start()`.
    #[wasm_bindgen(getter = syncKey)]
    pub fn sync_key(&self) -> JsValue {
        id_to_js(self.rt.read(|s| s.sync_key()))
    }
    #[wasm_bindgen(setter = syncKey)]
    pub fn set_sync_key(&self, v: JsValue) -> Result<(), JsValue> {
        let key = optional_id(&v, "syncKey")?;
        self.rt.with(|s, _| s.set_sync_key(key));
        Ok(())
    }
    /// Current state: one of the `STATE_*` values.
    #[wasm_bindgen(getter = connectState)]
    pub fn connect_state(&self) -> u8 {
        self.rt.read(|s| s.state() as u8)
    }

    fn secure(&self) -> bool {
        host::page_is_secure()
    }

    /// Starts connecting (and reconnecting) until `stop()`; the service stays
    /// alive until then even if the page drops every reference to it.
    pub fn start(&self) {
        let url = self.url();
        *self.started.borrow_mut() = Some(self.inner.clone());
        if self.env_undo.borrow().is_none() {
            let cb: &Function = self.env_cb.as_ref().unchecked_ref();
            *self.env_undo.borrow_mut() = Some(host::watch_environment(cb));
        }
        self.rt.with(|s, now| {
            s.set_url(url);
            s.start(now);
        });
    }

    /// Closes the connection now: pending messages fail, state becomes 0.
    pub fn stop(&self) {
        self.inner.stop();
        // Last: this may drop the service's own reference to itself.
        let itself = self.started.borrow_mut().take();
        drop(itself);
    }

    /// Sends `{sender, receiver, content, timestamp?, msgLocalID?}`; false when not connected.
    #[wasm_bindgen(js_name = sendPeerMessage)]
    pub fn send_peer_message(&self, msg: JsValue) -> Result<bool, JsValue> {
        let m = out_message(&msg)?;
        self.track(msg, |s, now| s.send_peer_message(m, now))
    }

    /// Sends a group message (`receiver` is the group id); false when not connected.
    #[wasm_bindgen(js_name = sendGroupMessage)]
    pub fn send_group_message(&self, msg: JsValue) -> Result<bool, JsValue> {
        let m = out_message(&msg)?;
        self.track(msg, |s, now| s.send_group_message(m, now))
    }

    /// Sends `{senderAppID, sender, receiverAppID, receiver, content, timestamp?}` (cmd 64).
    #[wasm_bindgen(js_name = sendCustomerMessage)]
    pub fn send_customer_message(&self, msg: JsValue) -> Result<bool, JsValue> {
        let m = OutCustomerMessage {
            sender_app_id: id(&field(&msg, "senderAppID", "msg")?, "msg.senderAppID")?,
            sender: id(&field(&msg, "sender", "msg")?, "msg.sender")?,
            receiver_app_id: id(&field(&msg, "receiverAppID", "msg")?, "msg.receiverAppID")?,
            receiver: id(&field(&msg, "receiver", "msg")?, "msg.receiver")?,
            content: convert::text(
                &field(&msg, "content", "msg")?,
                "msg.content",
                MAX_CUSTOMER_CONTENT,
            )?,
            timestamp: int32(&field(&msg, "timestamp", "msg")?, "msg.timestamp")?,
        };
        self.track(msg, |s, now| s.send_customer_message(m, now))
    }

    /// Sends a real-time message (not stored, not acknowledged).
    #[wasm_bindgen(js_name = sendRTMessage)]
    pub fn send_rt_message(&self, msg: JsValue) -> Result<bool, JsValue> {
        let m = relay(&msg)?;
        untracked(self.rt.with(|s, now| s.send_rt_message(m, now)))
    }

    /// Sends a message to the room entered with `enterRoom` (`receiver` = room id).
    #[wasm_bindgen(js_name = sendRoomMessage)]
    pub fn send_room_message(&self, msg: JsValue) -> Result<bool, JsValue> {
        let m = relay(&msg)?;
        untracked(self.rt.with(|s, now| s.send_room_message(m, now)))
    }

    /// Enters a chat room (one at a time); re-entered after every reconnect.
    #[wasm_bindgen(js_name = enterRoom)]
    pub fn enter_room(&self, room_id: JsValue) -> Result<(), JsValue> {
        let room = id(&room_id, "roomID")?;
        self.rt.with(|s, now| s.enter_room(room, now));
        Ok(())
    }

    /// Leaves the room if it is the current one.
    #[wasm_bindgen(js_name = leaveRoom)]
    pub fn leave_room(&self, room_id: JsValue) -> Result<(), JsValue> {
        let room = id(&room_id, "roomID")?;
        self.rt.with(|s, now| s.leave_room(room, now));
        Ok(())
    }

    /// Registers a super group and its sync position (synced on the next connect).
    #[wasm_bindgen(js_name = addSuperGroupSyncKey)]
    pub fn add_super_group_sync_key(&self, gid: JsValue, key: JsValue) -> Result<(), JsValue> {
        let gid = id(&gid, "groupID")?;
        let key = optional_id(&key, "syncKey")?;
        self.rt.with(|s, _| s.add_super_group_sync_key(gid, key));
        Ok(())
    }

    #[wasm_bindgen(js_name = removeSuperGroupSyncKey)]
    pub fn remove_super_group_sync_key(&self, gid: JsValue) -> Result<(), JsValue> {
        let gid = id(&gid, "groupID")?;
        self.rt.with(|s, _| s.remove_super_group_sync_key(gid));
        Ok(())
    }

    #[wasm_bindgen(js_name = clearSuperGroupSyncKey)]
    pub fn clear_super_group_sync_key(&self) {
        self.rt.with(|s, _| s.clear_super_group_sync_key());
    }

    /// The app went to the background: disconnect until `enterForeground()`.
    #[wasm_bindgen(js_name = enterBackground)]
    pub fn enter_background(&self) {
        self.rt.with(|s, now| s.enter_background(now));
    }

    #[wasm_bindgen(js_name = enterForeground)]
    pub fn enter_foreground(&self) {
        self.rt.with(|s, now| s.enter_foreground(now));
    }

    /// `'wifi'` or `'cell'` (any case) reconnects now; anything else suspends.
    #[wasm_bindgen(js_name = handleConnectivityChange)]
    pub fn handle_connectivity_change(&self, reach: JsValue) {
        let reachable = reach
            .as_string()
            .map(|r| r.eq_ignore_ascii_case("wifi") || r.eq_ignore_ascii_case("cell"))
            .unwrap_or(false);
        self.rt
            .with(|s, now| s.handle_connectivity_change(reachable, now));
    }

    /// A random `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` identifier.
    pub fn guid() -> String {
        guid()
    }

    #[wasm_bindgen(getter = STATE_UNCONNECTED)]
    pub fn state_unconnected() -> u8 {
        ConnectState::Unconnected as u8
    }
    #[wasm_bindgen(getter = STATE_CONNECTING)]
    pub fn state_connecting() -> u8 {
        ConnectState::Connecting as u8
    }
    #[wasm_bindgen(getter = STATE_CONNECTED)]
    pub fn state_connected() -> u8 {
        ConnectState::Connected as u8
    }
    #[wasm_bindgen(getter = STATE_CONNECTFAIL)]
    pub fn state_connectfail() -> u8 {
        ConnectState::ConnectFail as u8
    }
    #[wasm_bindgen(getter = STATE_AUTHENTICATION_FAIL)]
    pub fn state_authentication_fail() -> u8 {
        ConnectState::AuthenticationFail as u8
    }
    #[wasm_bindgen(getter = MESSAGE_FLAG_TEXT)]
    pub fn message_flag_text() -> u8 {
        1
    }
    #[wasm_bindgen(getter = MESSAGE_FLAG_UNPERSISTENT)]
    pub fn message_flag_unpersistent() -> u8 {
        2
    }
    #[wasm_bindgen(getter = MESSAGE_FLAG_GROUP)]
    pub fn message_flag_group() -> u8 {
        4
    }
    #[wasm_bindgen(getter = MESSAGE_FLAG_SELF)]
    pub fn message_flag_self() -> u8 {
        8
    }
    #[wasm_bindgen(getter = MESSAGE_FLAG_PUSH)]
    pub fn message_flag_push() -> u8 {
        16
    }
    #[wasm_bindgen(getter = MESSAGE_FLAG_SUPER_GROUP)]
    pub fn message_flag_super_group() -> u8 {
        32
    }
    #[wasm_bindgen(getter = PLATFORM_IOS)]
    pub fn platform_ios() -> u8 {
        1
    }
    #[wasm_bindgen(getter = PLATFORM_ANDROID)]
    pub fn platform_android() -> u8 {
        2
    }
    #[wasm_bindgen(getter = PLATFORM_WEB)]
    pub fn platform_web() -> u8 {
        3
    }
    #[wasm_bindgen(getter = PLATFORM_WIN)]
    pub fn platform_win() -> u8 {
        4
    }
    #[wasm_bindgen(getter = PLATFORM_OSX)]
    pub fn platform_osx() -> u8 {
        5
    }

    /// Sockets currently open by this service (diagnostics and tests).
    #[wasm_bindgen(getter = openSocketCount)]
    pub fn open_socket_count(&self) -> usize {
        self.rt.open_sockets()
    }

    /// True while a timer is armed (diagnostics and tests: nothing runs after `stop()`).
    #[wasm_bindgen(getter = timerArmed)]
    pub fn timer_armed(&self) -> bool {
        self.rt.timer_armed()
    }

    /// True while the network/visibility listeners are registered (from `start()` to `stop()`).
    #[wasm_bindgen(getter = watchingEnvironment)]
    pub fn watching_environment(&self) -> bool {
        self.env_undo.borrow().is_some()
    }

    /// `{code, reason, error}` of the last connection that closed (e.g. code
    /// 1009 for a frame over the protocol limit), or `undefined`.
    #[wasm_bindgen(getter = lastClose)]
    pub fn last_close(&self) -> JsValue {
        self.rt.last_close()
    }

    /// Bytes of wasm memory in use by the module (diagnostics; it never shrinks).
    #[wasm_bindgen(getter = wasmMemoryBytes)]
    pub fn wasm_memory_bytes() -> f64 {
        host::memory_bytes()
    }

    fn track(
        &self,
        msg: JsValue,
        send: impl FnOnce(&mut Session, u64) -> Result<MsgToken, SendError>,
    ) -> Result<bool, JsValue> {
        let result = self.rt.mutate(send);
        let ok = match result {
            Ok(token) => {
                self.shared.sent.borrow_mut().insert(token, msg);
                true
            }
            Err(e) => {
                self.rt.pump();
                return untracked(Err(e));
            }
        };
        self.rt.pump();
        Ok(ok)
    }
}

/// A setter of `IMService` that takes the JS value as given.
type Setter = fn(&ImService, JsValue) -> Result<(), JsValue>;

/// A timing option in milliseconds from 1 ms to one day.
fn milliseconds(v: &JsValue, name: &str) -> Result<u64, JsValue> {
    let ms = v
        .as_f64()
        .filter(|x| x.is_finite() && *x >= 1.0 && *x <= 86_400_000.0);
    ms.map(|x| x as u64).ok_or_else(|| {
        range_error(&format!(
            "{name} must be a number of milliseconds from 1 to 86400000"
        ))
    })
}

/// One timing property (getter and setter, in ms) of `IMService`, backed by
/// a field of the session's `Config`; changes apply at once.
macro_rules! timing_property {
    ($doc:literal, $js:ident, $get:ident, $set:ident, $($field:ident).+) => {
        #[wasm_bindgen(js_class = IMService)]
        impl ImService {
            #[doc = $doc]
            #[wasm_bindgen(getter = $js)]
            pub fn $get(&self) -> f64 {
                self.rt.read(|s| s.config().$($field).+ as f64)
            }
            #[wasm_bindgen(setter = $js)]
            pub fn $set(&self, v: JsValue) -> Result<(), JsValue> {
                let ms = milliseconds(&v, stringify!($js))?;
                self.rt.with(|s, _| s.update_config(|c| c.$($field).+ = ms));
                Ok(())
            }
        }
    };
}

timing_property!(
    "ACK deadline per message in ms (default 5000).",
    ackTimeout,
    ack_timeout,
    set_ack_timeout,
    ack_timeout_ms
);
timing_property!(
    "Time between PINGs in ms (default 180000).",
    pingInterval,
    ping_interval,
    set_ping_interval,
    heartbeat_ms
);
timing_property!(
    "PONG deadline in ms (default 3000).",
    pongTimeout,
    pong_timeout,
    set_pong_timeout,
    pong_timeout_ms
);
timing_property!(
    "Base of the exponential reconnect back-off in ms (default 1000).",
    reconnectDelay,
    reconnect_delay,
    set_reconnect_delay,
    backoff.base_ms
);
timing_property!(
    "Cap of the reconnect back-off in ms (default 60000).",
    reconnectMaxDelay,
    reconnect_max_delay,
    set_reconnect_max_delay,
    backoff.cap_ms
);
timing_property!("How long a socket may take to open before the attempt counts as failed, in ms (default 20000).", connectTimeout, connect_timeout, set_connect_timeout, connect_timeout_ms);

/// One observer property (getter and setter) of `IMService`.
macro_rules! observer_property {
    ($doc:literal, $js:ident, $get:ident, $set:ident, $field:ident) => {
        #[wasm_bindgen(js_class = IMService)]
        impl ImService {
            #[doc = $doc]
            #[wasm_bindgen(getter = $js)]
            pub fn $get(&self) -> JsValue {
                self.shared.observers.borrow().$field.clone()
            }
            #[wasm_bindgen(setter = $js)]
            pub fn $set(&self, v: JsValue) {
                self.shared.observers.borrow_mut().$field = v;
            }
        }
    };
}

observer_property!(
    "The era-E observer (all callbacks) and, in era F, `onConnectState`, `saveSyncKey`, `saveSuperGroupSyncKey`, `handleSyncEnd`, `handleNotification`.",
    observer, observer, set_observer, observer
);
observer_property!(
    "Era F: `handlePeerMessage`, `handlePeerMessageACK`, `handlePeerMessageFailure`.",
    peerMessageObserver,
    peer_message_observer,
    set_peer_message_observer,
    peer
);
observer_property!(
    "Era F: `handleGroupMessage`, `handleGroupMessageACK`, `handleGroupMessageFailure`, `handleGroupNotification`.",
    groupMessageObserver, group_message_observer, set_group_message_observer, group
);
observer_property!(
    "Era F: `handleCustomerMessage`, `handleCustomerMessageACK`, `handleCustomerMessageFailure`.",
    customerMessageObserver,
    customer_message_observer,
    set_customer_message_observer,
    customer
);
observer_property!(
    "Era F: `handleRTMessage`.",
    rtMessageObserver,
    rt_message_observer,
    set_rt_message_observer,
    rt
);
observer_property!(
    "Era F: `handleSystemMessage`.",
    systemMessageObserver,
    system_message_observer,
    set_system_message_observer,
    system
);
observer_property!(
    "Era F: `handleRoomMessage`.",
    roomMessageObserver,
    room_message_observer,
    set_room_message_observer,
    room
);

impl Inner {
    fn stop(&self) {
        let undo = self.env_undo.borrow_mut().take();
        if let Some(undo) = undo {
            let _ = undo.call0(&JsValue::NULL);
        }
        self.rt.with(|s, now| s.stop(now));
    }
}

impl Drop for Inner {
    /// Only reached once stopped (a started service holds itself): closes what is left.
    fn drop(&mut self) {
        self.stop();
    }
}

fn untracked(result: Result<(), SendError>) -> Result<bool, JsValue> {
    match result {
        Ok(()) => Ok(true),
        Err(SendError::NotConnected) => Ok(false),
        Err(SendError::OutboxFull) => {
            host::warn("too many messages await an ACK; send refused");
            Ok(false)
        }
        Err(SendError::TooLong) => Err(range_error("msg.content is over the protocol limit")),
    }
}

fn out_message(msg: &JsValue) -> Result<OutMessage, JsValue> {
    Ok(OutMessage {
        sender: id(&field(msg, "sender", "msg")?, "msg.sender")?,
        receiver: id(&field(msg, "receiver", "msg")?, "msg.receiver")?,
        content: convert::text(
            &field(msg, "content", "msg")?,
            "msg.content",
            MAX_IM_CONTENT,
        )?,
        timestamp: int32(&field(msg, "timestamp", "msg")?, "msg.timestamp")?,
        msg_local_id: int32(&field(msg, "msgLocalID", "msg")?, "msg.msgLocalID")?,
    })
}

fn relay(msg: &JsValue) -> Result<OutMessage, JsValue> {
    Ok(OutMessage {
        sender: id(&field(msg, "sender", "msg")?, "msg.sender")?,
        receiver: id(&field(msg, "receiver", "msg")?, "msg.receiver")?,
        content: convert::text(
            &field(msg, "content", "msg")?,
            "msg.content",
            MAX_RELAY_CONTENT,
        )?,
        timestamp: 0,
        msg_local_id: 0,
    })
}

fn on_signal(s: &mut Session, signal: Signal, now: u64) {
    match signal {
        Signal::Online | Signal::PageVisible => s.network_online(now),
        Signal::Offline => s.handle_connectivity_change(false, now),
        Signal::AppHide => s.enter_background(now),
        Signal::AppShow => s.enter_foreground(now),
        Signal::PageHidden => {}
    }
}

fn guid() -> String {
    let mut rng = crate::core::rng::Rng::new(host::random_seed() ^ host::now());
    let hex: Vec<u8> = (0..32)
        .map(|_| b"0123456789abcdef"[rng.up_to(15) as usize])
        .collect();
    let h = |r: std::ops::Range<usize>| String::from_utf8_lossy(&hex[r]).into_owned();
    format!(
        "{}-{}-{}-{}-{}",
        h(0..8),
        h(8..12),
        h(12..16),
        h(16..20),
        h(20..32)
    )
}

fn in_message(m: &InMessage) -> JsValue {
    im_message(
        m.seq,
        m.cmd,
        m.flag,
        id_to_js(m.sender),
        id_to_js(m.receiver),
        m.timestamp,
        &m.content,
    )
}

fn in_relay(m: &InRelayMessage) -> JsValue {
    relay_message(
        m.seq,
        m.cmd,
        m.flag,
        id_to_js(m.sender),
        id_to_js(m.receiver),
        &m.content,
    )
}

fn in_customer(m: &InCustomerMessage) -> JsValue {
    customer_message(
        m.seq,
        m.flag,
        id_to_js(m.sender_app_id),
        id_to_js(m.sender),
        id_to_js(m.receiver_app_id),
        id_to_js(m.receiver),
        m.timestamp,
        &m.content,
    )
}

fn reason(r: &FailReason) -> JsValue {
    match r {
        FailReason::Refused(status) => failure("refused", JsValue::from(*status)),
        FailReason::Timeout => failure("timeout", JsValue::UNDEFINED),
        FailReason::Disconnected => failure("disconnected", JsValue::UNDEFINED),
        FailReason::Stopped => failure("stopped", JsValue::UNDEFINED),
    }
}

/// Turns one core event into the matching observer call (era F first, then era E).
fn dispatch(shared: &Shared, event: Event) {
    let o = shared.observers.borrow().clone();
    let none = JsValue::UNDEFINED;
    let take = |token: MsgToken| {
        shared
            .sent
            .borrow_mut()
            .remove(&token)
            .unwrap_or(JsValue::UNDEFINED)
    };
    match event {
        Event::StateChanged(state) => {
            notify(
                &none,
                "",
                &o.observer,
                "onConnectState",
                &JsValue::from(state as u8),
                &none,
            );
        }
        Event::PeerMessage(m) => {
            notify(
                &o.peer,
                "handlePeerMessage",
                &o.observer,
                "handlePeerMessage",
                &in_message(&m),
                &none,
            );
        }
        Event::GroupMessage(m) => {
            notify(
                &o.group,
                "handleGroupMessage",
                &o.observer,
                "handleGroupMessage",
                &in_message(&m),
                &none,
            );
        }
        Event::CustomerMessage(m) => {
            let msg = in_customer(&m);
            notify(
                &o.customer,
                "handleCustomerMessage",
                &o.observer,
                "handleCustomerMessage",
                &msg,
                &none,
            );
        }
        Event::RtMessage(m) => {
            let msg = in_relay(&m);
            notify(
                &o.rt,
                "handleRTMessage",
                &o.observer,
                "handleRTMessage",
                &msg,
                &none,
            );
        }
        Event::RoomMessage(m) => {
            let msg = in_relay(&m);
            notify(
                &o.room,
                "handleRoomMessage",
                &o.observer,
                "handleRoomMessage",
                &msg,
                &none,
            );
        }
        Event::SystemMessage(text) => {
            let t = JsValue::from_str(&text);
            notify(
                &o.system,
                "handleSystemMessage",
                &o.observer,
                "handleSystemMessage",
                &t,
                &none,
            );
        }
        Event::Notification(text) => {
            notify(
                &none,
                "",
                &o.observer,
                "handleNotification",
                &JsValue::from_str(&text),
                &none,
            );
        }
        Event::GroupNotification(text) => {
            let t = JsValue::from_str(&text);
            notify(
                &o.group,
                "handleGroupNotification",
                &o.observer,
                "handleGroupNotification",
                &t,
                &none,
            );
        }
        Event::PeerAck(t) => {
            notify(
                &o.peer,
                "handlePeerMessageACK",
                &o.observer,
                "handleMessageACK",
                &take(t),
                &none,
            );
        }
        Event::PeerFailure { token, reason: r } => {
            let msg = take(token);
            notify(
                &o.peer,
                "handlePeerMessageFailure",
                &o.observer,
                "handleMessageFailure",
                &msg,
                &reason(&r),
            );
        }
        Event::GroupAck(t) => {
            notify(
                &o.group,
                "handleGroupMessageACK",
                &o.observer,
                "handleGroupMessageACK",
                &take(t),
                &none,
            );
        }
        Event::GroupFailure { token, reason: r } => {
            let msg = take(token);
            notify(
                &o.group,
                "handleGroupMessageFailure",
                &o.observer,
                "handleGroupMessageFailure",
                &msg,
                &reason(&r),
            );
        }
        Event::CustomerAck(t) => {
            let msg = take(t);
            notify(
                &o.customer,
                "handleCustomerMessageACK",
                &o.observer,
                "handleCustomerMessageACK",
                &msg,
                &none,
            );
        }
        Event::CustomerFailure { token, reason: r } => {
            let msg = take(token);
            let why = reason(&r);
            notify(
                &o.customer,
                "handleCustomerMessageFailure",
                &o.observer,
                "handleCustomerMessageFailure",
                &msg,
                &why,
            );
        }
        Event::SaveSyncKey(key) => {
            notify(&none, "", &o.observer, "saveSyncKey", &id_to_js(key), &none);
        }
        Event::SaveSuperGroupSyncKey { gid, key } => {
            notify(
                &none,
                "",
                &o.observer,
                "saveSuperGroupSyncKey",
                &id_to_js(gid),
                &id_to_js(key),
            );
        }
        Event::SyncEnd(key) => {
            notify(
                &none,
                "",
                &o.observer,
                "handleSyncEnd",
                &id_to_js(key),
                &none,
            );
        }
        // Facts for the events API (js/api/observe-gobelieve.js): the facade's
        // observer wrapper answers these names; an app's own observer has none.
        Event::ReconnectScheduled { delay_ms } => {
            let delay = JsValue::from(delay_ms as f64);
            notify(&none, "", &o.observer, RECONNECT_SCHEDULED, &delay, &none);
        }
        Event::AuthRefused(status) => {
            let status = JsValue::from(status);
            notify(&none, "", &o.observer, AUTH_REFUSED, &status, &none);
        }
        Event::Warning(text) => {
            // Through the instance's log (logLevel, logger) where the facade's
            // observer wrapper answers; to the console otherwise.
            let line = JsValue::from_str(&text);
            if !notify(&none, "", &o.observer, WARNING, &line, &none) {
                host::warn(&text);
            }
        }
    }
}

/// Observer name of [`Event::Warning`] (argument: the text).
const WARNING: &str = "_warning";

/// Observer name of [`Event::ReconnectScheduled`] (argument: the delay in ms).
const RECONNECT_SCHEDULED: &str = "_reconnectScheduled";
/// Observer name of [`Event::AuthRefused`] (argument: the server's AUTH_STATUS).
const AUTH_REFUSED: &str = "_authRefused";
