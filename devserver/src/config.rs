//! Command-line and config-file options of the dev server.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// One `--static PREFIX=DIR` mount (the `--www DIR` mount is prefix `/`).
#[derive(Debug, Clone)]
pub struct Mount {
    /// URL path prefix, always starting and ending with `/`.
    pub prefix: String,
    /// Directory served under the prefix.
    pub dir: PathBuf,
}

/// A group created from the config file.
#[derive(Debug, Clone, Default)]
pub struct GroupSpec {
    /// Group id.
    pub gid: i64,
    /// Member uids.
    pub members: Vec<i64>,
    /// Super group (own queue) or ordinary group (fan-out into peer queues).
    pub super_group: bool,
    /// Muted members: their group messages get no ACK.
    pub muted: Vec<i64>,
}

/// Everything the server can be told at start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Listen address (loopback by default).
    pub host: String,
    /// Listen port; 0 picks a free one.
    pub port: u16,
    /// Static mounts, longest prefix wins.
    pub mounts: Vec<Mount>,
    /// Exit when standard input reaches end of file (set by test harnesses).
    pub exit_on_stdin_close: bool,
    /// GoBelieve token table: token → uid (appid [`Config::gobelieve_appid`]).
    pub gobelieve_tokens: HashMap<String, i64>,
    /// App id of tokens given on the command line and minted without `appid`.
    pub gobelieve_appid: i64,
    /// GoBelieve groups known at start.
    pub gobelieve_groups: Vec<GroupSpec>,
    /// Largest number of messages one SYNC answers with.
    pub gobelieve_sync_batch: usize,
    /// Read deadline of a GoBelieve connection (re-armed per packet).
    pub gobelieve_read_timeout: Duration,
    /// MobileIMSDK: accept any uid and token (the demo server's behaviour).
    pub mobileimsdk_accept_all: bool,
    /// MobileIMSDK token table: uid → token.
    pub mobileimsdk_tokens: HashMap<String, String>,
    /// MobileIMSDK idle timeout (from the sense mode unless overridden).
    pub mobileimsdk_idle: Duration,
    /// S2C QoS checker period (official 5 s).
    pub mobileimsdk_qos_check: Duration,
    /// S2C QoS "just now" age below which a packet is not resent (official 2 s).
    pub mobileimsdk_qos_just_now: Duration,
    /// ACK a C2C QoS message whose receiver is offline (as if stored offline).
    pub mobileimsdk_offline_ack: bool,
    /// Keep every C2C QoS message until its receiver ACKs it: stored while the
    /// receiver is offline (and the sender ACKed), resent to the receiver's
    /// current session every check, never declared lost (a server with
    /// offline storage, unlike the official demo).
    pub mobileimsdk_offline_store: bool,
    /// Stamp `sm` with the server time on every packet written.
    pub mobileimsdk_server_timestamp: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 8080,
            mounts: Vec::new(),
            exit_on_stdin_close: false,
            gobelieve_tokens: HashMap::new(),
            gobelieve_appid: 1,
            gobelieve_groups: Vec::new(),
            gobelieve_sync_batch: 100,
            gobelieve_read_timeout: Duration::from_secs(360),
            mobileimsdk_accept_all: false,
            mobileimsdk_tokens: HashMap::new(),
            mobileimsdk_idle: idle_for_sense_mode(5).unwrap_or(Duration::from_secs(11)),
            mobileimsdk_qos_check: Duration::from_millis(5000),
            mobileimsdk_qos_just_now: Duration::from_millis(2000),
            mobileimsdk_offline_ack: false,
            mobileimsdk_offline_store: false,
            mobileimsdk_server_timestamp: false,
        }
    }
}

/// Server idle timeout of a MobileIMSDK sense mode (interval in seconds).
pub fn idle_for_sense_mode(mode: u32) -> Option<Duration> {
    let secs = match mode {
        3 => 7,
        5 => 11,
        10 => 15,
        15 => 20,
        30 => 35,
        60 => 65,
        120 => 125,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}

/// Usage text printed on `--help` and after a bad argument.
pub const USAGE: &str =
    "usage: devserver [--host 127.0.0.1] [--port N] [--www DIR] [--static PREFIX=DIR ...]
  [--token TOKEN=UID ...] [--config FILE] [--exit-on-stdin-close]
  [--mobileimsdk-accept-all | --mobileimsdk-token UID=TOKEN ...] [--mobileimsdk-sense-mode 3|5|10|15|30|60|120]
  [--gobelieve-sync-batch N] [--gobelieve-read-timeout-ms N] [--mobileimsdk-idle-ms N] [--mobileimsdk-qos-check-ms N]
  [--mobileimsdk-qos-just-now-ms N] [--mobileimsdk-offline-ack | --mobileimsdk-offline-store] [--mobileimsdk-server-timestamp]";

impl Config {
    /// Parses the command line (without the program name). `env_port` is the
    /// value of `PORT`, used when `--port` is absent.
    pub fn from_args<I: IntoIterator<Item = String>>(
        args: I,
        env_port: Option<String>,
    ) -> Result<Config, String> {
        let mut cfg = Config::default();
        if let Some(p) = env_port {
            cfg.port = p.parse().map_err(|_| format!("bad PORT {p:?}"))?;
        }
        let mut idle_override = None;
        let mut sense_mode = 5;
        let mut it = args.into_iter();
        while let Some(flag) = it.next() {
            let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--host" => cfg.host = value()?,
                "--port" => cfg.port = parse_num(&flag, &value()?)?,
                "--www" => cfg.mounts.push(Mount {
                    prefix: "/".into(),
                    dir: value()?.into(),
                }),
                "--static" => cfg.mounts.push(parse_mount(&value()?)?),
                "--token" => {
                    let (token, uid) = split_pair(&flag, &value()?)?;
                    cfg.gobelieve_tokens.insert(token, parse_num(&flag, &uid)?);
                }
                "--config" => cfg.load_file(&value()?)?,
                "--exit-on-stdin-close" => cfg.exit_on_stdin_close = true,
                "--gobelieve-sync-batch" => {
                    cfg.gobelieve_sync_batch = parse_num::<usize>(&flag, &value()?)?.max(1)
                }
                "--gobelieve-read-timeout-ms" => {
                    cfg.gobelieve_read_timeout = parse_ms(&flag, &value()?)?
                }
                "--mobileimsdk-accept-all" => cfg.mobileimsdk_accept_all = true,
                "--mobileimsdk-token" => {
                    let (uid, token) = split_pair(&flag, &value()?)?;
                    cfg.mobileimsdk_tokens.insert(uid, token);
                }
                "--mobileimsdk-sense-mode" => {
                    sense_mode = parse_num(&flag, &value()?)?;
                    idle_for_sense_mode(sense_mode)
                        .ok_or_else(|| format!("unknown sense mode {sense_mode}"))?;
                }
                "--mobileimsdk-idle-ms" => idle_override = Some(parse_ms(&flag, &value()?)?),
                "--mobileimsdk-qos-check-ms" => {
                    cfg.mobileimsdk_qos_check = parse_ms(&flag, &value()?)?
                }
                "--mobileimsdk-qos-just-now-ms" => {
                    cfg.mobileimsdk_qos_just_now = parse_ms(&flag, &value()?)?
                }
                "--mobileimsdk-offline-ack" => cfg.mobileimsdk_offline_ack = true,
                "--mobileimsdk-offline-store" => cfg.mobileimsdk_offline_store = true,
                "--mobileimsdk-server-timestamp" => cfg.mobileimsdk_server_timestamp = true,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if cfg.mobileimsdk_offline_ack && cfg.mobileimsdk_offline_store {
            return Err(
                "--mobileimsdk-offline-ack and --mobileimsdk-offline-store exclude each other"
                    .into(),
            );
        }
        if cfg.mobileimsdk_accept_all && !cfg.mobileimsdk_tokens.is_empty() {
            return Err(
                "--mobileimsdk-accept-all and --mobileimsdk-token exclude each other".into(),
            );
        }
        cfg.mobileimsdk_idle = idle_override
            .or_else(|| idle_for_sense_mode(sense_mode))
            .unwrap_or(cfg.mobileimsdk_idle);
        Ok(cfg)
    }

    /// Loads a JSON config file:
    /// `{"tokens":{"TOKEN":UID}, "appid":N, "groups":[{"gid":G,"members":[..],"super":true,"muted":[..]}],
    ///   "mobileimsdk_tokens":{"UID":"TOKEN"}, "mobileimsdk_accept_all":bool}`; every key optional.
    fn load_file(&mut self, path: &str) -> Result<(), String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
        if let Some(appid) = v.get("appid").and_then(|a| a.as_i64()) {
            self.gobelieve_appid = appid;
        }
        if let Some(tokens) = v.get("tokens").and_then(|t| t.as_object()) {
            for (token, uid) in tokens {
                let uid = uid
                    .as_i64()
                    .ok_or_else(|| format!("{path}: uid of {token}"))?;
                self.gobelieve_tokens.insert(token.clone(), uid);
            }
        }
        for g in v
            .get("groups")
            .and_then(|g| g.as_array())
            .into_iter()
            .flatten()
        {
            let ids = |key: &str| -> Vec<i64> {
                g.get(key)
                    .and_then(|m| m.as_array())
                    .map(|m| m.iter().filter_map(|x| x.as_i64()).collect())
                    .unwrap_or_default()
            };
            self.gobelieve_groups.push(GroupSpec {
                gid: g
                    .get("gid")
                    .and_then(|x| x.as_i64())
                    .ok_or_else(|| format!("{path}: group without gid"))?,
                members: ids("members"),
                super_group: g.get("super").and_then(|x| x.as_bool()).unwrap_or(false),
                muted: ids("muted"),
            });
        }
        if let Some(tokens) = v.get("mobileimsdk_tokens").and_then(|t| t.as_object()) {
            for (uid, token) in tokens {
                let token = token
                    .as_str()
                    .ok_or_else(|| format!("{path}: token of {uid}"))?;
                self.mobileimsdk_tokens
                    .insert(uid.clone(), token.to_string());
            }
        }
        if v.get("mobileimsdk_accept_all").and_then(|x| x.as_bool()) == Some(true) {
            self.mobileimsdk_accept_all = true;
        }
        Ok(())
    }
}

fn parse_num<T: std::str::FromStr>(flag: &str, s: &str) -> Result<T, String> {
    s.parse()
        .map_err(|_| format!("{flag}: not a number: {s:?}"))
}

fn parse_ms(flag: &str, s: &str) -> Result<Duration, String> {
    Ok(Duration::from_millis(parse_num(flag, s)?))
}

fn split_pair(flag: &str, s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .ok_or_else(|| format!("{flag}: expected A=B, got {s:?}"))
}

fn parse_mount(s: &str) -> Result<Mount, String> {
    let (prefix, dir) = split_pair("--static", s)?;
    let mut prefix = prefix.trim_matches('/').to_string();
    prefix = if prefix.is_empty() {
        "/".into()
    } else {
        format!("/{prefix}/")
    };
    Ok(Mount {
        prefix,
        dir: dir.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn defaults_and_env_port() {
        let c = Config::from_args(args(""), Some("9000".into())).unwrap();
        assert_eq!(c.port, 9000);
        assert_eq!(c.host, "127.0.0.1");
        assert_eq!(c.mobileimsdk_idle, Duration::from_secs(11));
        let c = Config::from_args(args("--port 0"), Some("9000".into())).unwrap();
        assert_eq!(c.port, 0);
    }

    #[test]
    fn flags() {
        let c = Config::from_args(
            args(
                "--static pkg=out --token abc=7 --mobileimsdk-token 1=t --mobileimsdk-sense-mode 3",
            ),
            None,
        )
        .unwrap();
        assert_eq!(c.mounts[0].prefix, "/pkg/");
        assert_eq!(c.gobelieve_tokens["abc"], 7);
        assert_eq!(c.mobileimsdk_tokens["1"], "t");
        assert_eq!(c.mobileimsdk_idle, Duration::from_secs(7));
        assert!(Config::from_args(args("--mobileimsdk-sense-mode 4"), None).is_err());
        assert!(Config::from_args(
            args("--mobileimsdk-accept-all --mobileimsdk-token 1=t"),
            None
        )
        .is_err());
        assert!(Config::from_args(args("--bogus"), None).is_err());
        assert!(
            Config::from_args(args("--mobileimsdk-offline-store"), None)
                .unwrap()
                .mobileimsdk_offline_store
        );
        assert!(Config::from_args(
            args("--mobileimsdk-offline-ack --mobileimsdk-offline-store"),
            None
        )
        .is_err());
    }
}
