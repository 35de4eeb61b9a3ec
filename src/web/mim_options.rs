//! `WSOptions` of `IMClientManager.getInstance(options)`: the URL, the three
//! callback groups, the dialect and the timings, with errors naming the field.

use wasm_bindgen::prelude::*;

use super::convert::{field, range_error, type_error};
use crate::core::mobileimsdk::{Config, Dialect, SenseMode};
use crate::core::redact::redact_url;

/// The application's callback groups, kept as the objects it passed.
#[derive(Clone, Default)]
pub struct Callbacks {
    /// `{onLoginOrReloginSuccessCB, onLoginOrReloginFailCB, onLinkCloseMessageCB, onKickoutCB}`.
    pub chat_base: JsValue,
    /// `{onTransBufferCB, onTransErrorCB}`.
    pub chat_trans_data: JsValue,
    /// `{handleMessageLost, messagesBeReceivedCB}`.
    pub message_qos: JsValue,
}

/// Everything `getInstance(options)` reads.
pub struct Options {
    pub config: Config,
    pub callbacks: Callbacks,
}

/// Longest accepted timing (one day) in ms.
const MAX_MS: f64 = 86_400_000.0;

/// The most characters of a refused URL an error repeats.
const SHOWN_URL_CHARS: usize = 64;

/// A refused URL as its error shows it: without credentials and cut to
/// `SHOWN_URL_CHARS` characters (it may be megabytes); `js/checks.js` matches.
fn shown_url(url: &str) -> String {
    let safe = redact_url(url);
    match safe.char_indices().nth(SHOWN_URL_CHARS) {
        Some((at, _)) => format!("{}...", &safe[..at]),
        None => safe,
    }
}

/// Reads `options`; a missing or empty `wsUrl` is a TypeError, as in the seed.
pub fn parse(o: &JsValue) -> Result<Options, JsValue> {
    let get = |name: &str| field(o, name, "options");
    let url = get("wsUrl")?
        .as_string()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| type_error("options.wsUrl is required (a ws:// or wss:// URL)"))?;
    if !(url.starts_with("ws://") || url.starts_with("wss://")) {
        return Err(type_error(&format!(
            "options.wsUrl must start with ws:// or wss://, got {:?}",
            shown_url(&url)
        )));
    }
    let mut config = Config {
        url,
        ..Config::default()
    };

    let dialect = get("dialect")?;
    if !dialect.is_undefined() && !dialect.is_null() {
        config.dialect = match dialect.as_string().as_deref() {
            Some("official") => Dialect::Official,
            Some("srt") => Dialect::Srt,
            _ => return Err(type_error("options.dialect must be 'official' or 'srt'")),
        };
    }
    let seed_ack = get("srtSeedAckAddressing")?;
    if !seed_ack.is_undefined() {
        config.srt_seed_ack_addressing = seed_ack
            .as_bool()
            .ok_or_else(|| type_error("options.srtSeedAckAddressing must be a boolean"))?;
    }

    let mode = get("senseMode")?;
    if !mode.is_undefined() && !mode.is_null() {
        config = config.with_sense_mode(sense_mode(&mode)?);
    }
    for (name, slot) in [
        ("keepAliveInterval", &mut config.keep_alive_interval_ms),
        ("keepAliveTimeout", &mut config.keep_alive_timeout_ms),
        ("reloginInterval", &mut config.relogin_interval_ms),
        ("qosCheckInterval", &mut config.qos_check_ms),
        ("qosJustNow", &mut config.qos_just_now_ms),
        ("connectTimeout", &mut config.connect_timeout_ms),
    ] {
        let v = get(name)?;
        if !v.is_undefined() {
            *slot = millis(&v, name)?;
        }
    }
    let resends = get("qosMaxResends")?;
    if !resends.is_undefined() {
        let n = resends
            .as_f64()
            .filter(|n| n.fract() == 0.0 && (0.0..=100.0).contains(n))
            .ok_or_else(|| range_error("options.qosMaxResends must be an integer from 0 to 100"))?;
        config.qos_max_resends = n as u32;
    }

    let callbacks = Callbacks {
        chat_base: group(&get("chatBaseCB")?, "chatBaseCB")?,
        chat_trans_data: group(&get("chatTransDataCB")?, "chatTransDataCB")?,
        message_qos: group(&get("messageQoSCB")?, "messageQoSCB")?,
    };
    Ok(Options { config, callbacks })
}

fn millis(v: &JsValue, name: &str) -> Result<u64, JsValue> {
    v.as_f64()
        .filter(|x| x.is_finite() && *x >= 1.0 && *x <= MAX_MS)
        .map(|x| x as u64)
        .ok_or_else(|| {
            range_error(&format!(
                "options.{name} must be a number of milliseconds from 1 to 86400000"
            ))
        })
}

/// A callback group: an object, or absent (`undefined`/`null`).
fn group(v: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    if v.is_undefined() || v.is_null() || v.is_object() {
        Ok(v.clone())
    } else {
        Err(type_error(&format!("options.{name} must be an object")))
    }
}

/// `senseMode`: the heartbeat period in seconds (3, 5, 10, 15, 30, 60, 120)
/// or the official name (`'MODE_5S'` ...).
fn sense_mode(v: &JsValue) -> Result<SenseMode, JsValue> {
    let seconds = match (v.as_f64(), v.as_string()) {
        (Some(n), _) if n.fract() == 0.0 && (0.0..=120.0).contains(&n) => Some(n as u32),
        (_, Some(s)) => s
            .strip_prefix("MODE_")
            .and_then(|s| s.strip_suffix('S'))
            .and_then(|n| n.parse::<u32>().ok()),
        _ => None,
    };
    Ok(match seconds {
        Some(3) => SenseMode::Mode3s,
        Some(5) => SenseMode::Mode5s,
        Some(10) => SenseMode::Mode10s,
        Some(15) => SenseMode::Mode15s,
        Some(30) => SenseMode::Mode30s,
        Some(60) => SenseMode::Mode60s,
        Some(120) => SenseMode::Mode120s,
        _ => {
            return Err(range_error(
                "options.senseMode must be 3, 5, 10, 15, 30, 60 or 120 (seconds) or 'MODE_3S' ... 'MODE_120S'",
            ))
        }
    })
}
