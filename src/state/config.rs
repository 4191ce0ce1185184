//! Configuration from the environment, with defaults that work on a developer machine.
//! Secrets (the database URL may hold a password) are wrapped so they never print.

use super::limits::LimitsConfig;
use crate::security::Secret;
use std::net::IpAddr;

/// `CONCIERGE_SIGNUP`: who may make a new venue at `/signup`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignupPolicy {
    /// Anyone (the default: a self-hosted install's first owner signs up).
    #[default]
    Open,
    /// No new venues; invites to existing ones still work.
    InviteOnly,
    /// Neither sign-ups nor invite acceptances.
    Closed,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/concierge`.
    pub database_url: Secret,
    /// `DATABASE_MAX_CONNECTIONS`, default 10.
    pub max_connections: u32,
    /// `CONCIERGE_DEMO_DATA`: `auto` (default) loads the demo venue into an empty database; `off` never.
    pub demo_data: bool,
    /// `CONCIERGE_COOKIE_SECURE`: mark the session cookie `Secure` (set it behind HTTPS). Default false.
    pub cookie_secure: bool,
    /// `CONCIERGE_SESSION_DAYS`: lifetime of a session from login, default 14.
    pub session_days: i32,
    /// `CONCIERGE_INVITE_DAYS`: lifetime of an invite link, default 7.
    pub invite_days: i64,
    /// `CONCIERGE_LOGIN_MAX_FAILURES`: failed logins per email in 15 minutes before throttling, default 5.
    pub login_max_failures: i64,
    /// `CONCIERGE_LOG_FORMAT`: `pretty` (default) or `json`.
    pub log_json: bool,
    /// Rate limits and daily quotas (`CONCIERGE_LIMIT_*`, `CONCIERGE_QUOTA_*`).
    pub limits: LimitsConfig,
    /// `CONCIERGE_SIGNUP`: `open` (default), `invite-only` or `closed`.
    pub signup: SignupPolicy,
    /// `CONCIERGE_TRUSTED_PROXIES`: addresses of reverse proxies whose `X-Forwarded-For` is
    /// believed (comma-separated); none by default, so the peer's address counts.
    pub trusted_proxies: Vec<IpAddr>,
    /// `CONCIERGE_PUBLIC_URL`: the address people open the product at, for links in mail
    /// (never taken from a request's `Host`). Default `http://127.0.0.1:3000`.
    pub public_url: String,
    /// `CONCIERGE_SMTP_URL`: where mail goes, e.g. `smtps://user:pass@mail.example:465` or
    /// `smtp://mail.example:587?tls=required`. Unset: mail waits in the owners' outbox page.
    pub smtp_url: Option<Secret>,
    /// `CONCIERGE_MAIL_FROM`: the sender of mail, default `Concierge <concierge@localhost>`.
    pub mail_from: String,
    /// `CONCIERGE_METRICS_TOKEN`: `/metrics` answers a request bearing it
    /// (`Authorization: Bearer …`). Unset: only requests from this machine (loopback, and not
    /// forwarded by a proxy) may read it.
    pub metrics_token: Option<Secret>,
    /// `CONCIERGE_INSTANCE`: this process's name among the instances on one database (up to 200
    /// characters; default `host:port`). A process that starts under a name takes over what the
    /// previous holder of the name left unfinished at once; other instances' work is left alone.
    pub instance: Option<String>,
    /// `CONCIERGE_NATS_URL`: the instances' signals (live replies, Stop, cache evictions) go
    /// through this NATS server (`nats://host:4222`, or `tls://…`; credentials may be in the
    /// address) instead of Postgres' `LISTEN`/`NOTIFY`. Unset: through Postgres.
    pub nats_url: Option<Secret>,
    /// `CONCIERGE_NATS_SUBJECT`: the subject the instances of one deployment share on that
    /// server. Default `concierge.<database name>`.
    pub nats_subject: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: Secret::new("postgres://postgres@127.0.0.1:5432/concierge"),
            max_connections: 10,
            demo_data: true,
            cookie_secure: false,
            session_days: 14,
            invite_days: 7,
            login_max_failures: 5,
            log_json: false,
            limits: LimitsConfig::default(),
            signup: SignupPolicy::Open,
            trusted_proxies: Vec::new(),
            public_url: "http://127.0.0.1:3000".into(),
            smtp_url: None,
            mail_from: "Concierge <concierge@localhost>".into(),
            metrics_token: None,
            instance: None,
            nats_url: None,
            nats_subject: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("invalid value for {name}: {reason}")]
pub struct ConfigError {
    name: &'static str,
    reason: String,
}

impl Config {
    /// Reads the environment; unknown or malformed values are errors, not silent defaults.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let d = Config::default();
        fn num<T: std::str::FromStr>(name: &'static str, v: Option<String>, default: T) -> Result<T, ConfigError> {
            match v.filter(|s| !s.trim().is_empty()) {
                None => Ok(default),
                Some(s) => s.trim().parse().map_err(|_| ConfigError { name, reason: format!("{s:?} is not a number") }),
            }
        }
        fn flag(name: &'static str, v: Option<String>, default: bool) -> Result<bool, ConfigError> {
            match v.as_deref().map(str::trim).map(str::to_ascii_lowercase).as_deref() {
                None | Some("") => Ok(default),
                Some("1" | "true" | "yes" | "on" | "auto") => Ok(true),
                Some("0" | "false" | "no" | "off") => Ok(false),
                Some(other) => {
                    Err(ConfigError { name, reason: format!("{other:?} is not one of true/false/auto/off") })
                }
            }
        }
        let log_json = match get("CONCIERGE_LOG_FORMAT").as_deref() {
            None | Some("") | Some("pretty") => false,
            Some("json") => true,
            Some(other) => {
                return Err(ConfigError {
                    name: "CONCIERGE_LOG_FORMAT",
                    reason: format!("{other:?} is not pretty or json"),
                })
            }
        };
        let signup = match get("CONCIERGE_SIGNUP").as_deref().map(str::trim) {
            None | Some("") | Some("open") => SignupPolicy::Open,
            Some("invite-only") => SignupPolicy::InviteOnly,
            Some("closed") => SignupPolicy::Closed,
            Some(other) => {
                return Err(ConfigError {
                    name: "CONCIERGE_SIGNUP",
                    reason: format!("{other:?} is not open, invite-only or closed"),
                })
            }
        };
        let trusted_proxies = get("CONCIERGE_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|ip| {
                ip.parse::<IpAddr>().map_err(|_| ConfigError {
                    name: "CONCIERGE_TRUSTED_PROXIES",
                    reason: format!("{ip:?} is not an IP address"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let public_url = match get("CONCIERGE_PUBLIC_URL").map(|u| u.trim().trim_end_matches('/').to_string()) {
            None => d.public_url.clone(),
            Some(u) if u.is_empty() => d.public_url.clone(),
            Some(u) if (u.starts_with("http://") || u.starts_with("https://")) && !u.contains(char::is_whitespace) => u,
            Some(u) => {
                return Err(ConfigError {
                    name: "CONCIERGE_PUBLIC_URL",
                    reason: format!("{u:?} is not an http(s) address"),
                })
            }
        };
        let smtp_url = match get("CONCIERGE_SMTP_URL").map(|u| u.trim().to_string()).filter(|u| !u.is_empty()) {
            None => None,
            Some(u) => {
                super::mail::check_smtp_url(&u).map_err(|reason| ConfigError { name: "CONCIERGE_SMTP_URL", reason })?;
                Some(Secret::new(u))
            }
        };
        let mail_from = match get("CONCIERGE_MAIL_FROM").map(|m| m.trim().to_string()).filter(|m| !m.is_empty()) {
            None => d.mail_from.clone(),
            Some(m) => {
                super::mail::check_mailbox(&m).map_err(|reason| ConfigError { name: "CONCIERGE_MAIL_FROM", reason })?;
                m
            }
        };
        let metrics_token = match get("CONCIERGE_METRICS_TOKEN").map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
        {
            None => None,
            Some(t) if t.len() < 16 => {
                return Err(ConfigError {
                    name: "CONCIERGE_METRICS_TOKEN",
                    reason: "use at least 16 characters".into(),
                })
            }
            Some(t) => Some(Secret::new(t)),
        };
        let instance = match get("CONCIERGE_INSTANCE").map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) {
            Some(n) if n.chars().count() > 200 || n.chars().any(char::is_control) => {
                return Err(ConfigError {
                    name: "CONCIERGE_INSTANCE",
                    reason: "use at most 200 printable characters".into(),
                })
            }
            n => n,
        };
        let nats_url = match get("CONCIERGE_NATS_URL").map(|u| u.trim().to_string()).filter(|u| !u.is_empty()) {
            Some(u) if !(u.starts_with("nats://") || u.starts_with("tls://")) || u.contains(char::is_whitespace) => {
                return Err(ConfigError {
                    name: "CONCIERGE_NATS_URL",
                    reason: "use an address such as nats://127.0.0.1:4222 (or tls://…)".into(),
                })
            }
            u => u.map(Secret::new),
        };
        let nats_subject = match get("CONCIERGE_NATS_SUBJECT").map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) {
            Some(n)
                if n.len() > 200
                    || n.starts_with('.')
                    || n.ends_with('.')
                    || n.contains("..")
                    || !n.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) =>
            {
                return Err(ConfigError {
                    name: "CONCIERGE_NATS_SUBJECT",
                    reason: "use dot-separated words of letters, digits, - and _ (no wildcards)".into(),
                })
            }
            n => n,
        };
        let l = LimitsConfig::default();
        let limits = LimitsConfig {
            sends_per_minute: num(
                "CONCIERGE_LIMIT_SENDS_PER_MINUTE",
                get("CONCIERGE_LIMIT_SENDS_PER_MINUTE"),
                l.sends_per_minute,
            )?,
            venue_sends_per_minute: num(
                "CONCIERGE_LIMIT_VENUE_SENDS_PER_MINUTE",
                get("CONCIERGE_LIMIT_VENUE_SENDS_PER_MINUTE"),
                l.venue_sends_per_minute,
            )?,
            assists_per_minute: num(
                "CONCIERGE_LIMIT_ASSISTS_PER_MINUTE",
                get("CONCIERGE_LIMIT_ASSISTS_PER_MINUTE"),
                l.assists_per_minute,
            )?,
            embed_sends_per_minute: num(
                "CONCIERGE_LIMIT_EMBED_SENDS_PER_MINUTE",
                get("CONCIERGE_LIMIT_EMBED_SENDS_PER_MINUTE"),
                l.embed_sends_per_minute,
            )?,
            signups_per_hour: num(
                "CONCIERGE_LIMIT_SIGNUPS_PER_HOUR",
                get("CONCIERGE_LIMIT_SIGNUPS_PER_HOUR"),
                l.signups_per_hour,
            )?,
            invites_per_hour: num(
                "CONCIERGE_LIMIT_INVITES_PER_HOUR",
                get("CONCIERGE_LIMIT_INVITES_PER_HOUR"),
                l.invites_per_hour,
            )?,
            resets_per_hour: num(
                "CONCIERGE_LIMIT_RESETS_PER_HOUR",
                get("CONCIERGE_LIMIT_RESETS_PER_HOUR"),
                l.resets_per_hour,
            )?,
            live_replies: num("CONCIERGE_LIMIT_LIVE_REPLIES", get("CONCIERGE_LIMIT_LIVE_REPLIES"), l.live_replies)?,
            person_daily_tokens: num(
                "CONCIERGE_QUOTA_PERSON_TOKENS",
                get("CONCIERGE_QUOTA_PERSON_TOKENS"),
                l.person_daily_tokens,
            )?,
            venue_daily_tokens: num(
                "CONCIERGE_QUOTA_VENUE_TOKENS",
                get("CONCIERGE_QUOTA_VENUE_TOKENS"),
                l.venue_daily_tokens,
            )?,
        };
        Ok(Self {
            limits,
            signup,
            trusted_proxies,
            database_url: get("DATABASE_URL").filter(|s| !s.is_empty()).map(Secret::new).unwrap_or(d.database_url),
            max_connections: num("DATABASE_MAX_CONNECTIONS", get("DATABASE_MAX_CONNECTIONS"), d.max_connections)?,
            demo_data: flag("CONCIERGE_DEMO_DATA", get("CONCIERGE_DEMO_DATA"), d.demo_data)?,
            cookie_secure: flag("CONCIERGE_COOKIE_SECURE", get("CONCIERGE_COOKIE_SECURE"), d.cookie_secure)?,
            session_days: num("CONCIERGE_SESSION_DAYS", get("CONCIERGE_SESSION_DAYS"), d.session_days)?,
            invite_days: num("CONCIERGE_INVITE_DAYS", get("CONCIERGE_INVITE_DAYS"), d.invite_days)?,
            login_max_failures: num(
                "CONCIERGE_LOGIN_MAX_FAILURES",
                get("CONCIERGE_LOGIN_MAX_FAILURES"),
                d.login_max_failures,
            )?,
            log_json,
            public_url,
            smtp_url,
            mail_from,
            metrics_token,
            instance,
            nats_url,
            nats_subject,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let c = Config::from_lookup(|_| None).unwrap();
        assert!(c.demo_data && !c.cookie_secure);
        let c = Config::from_lookup(|k| match k {
            "CONCIERGE_DEMO_DATA" => Some("off".into()),
            "CONCIERGE_SESSION_DAYS" => Some("3".into()),
            _ => None,
        })
        .unwrap();
        assert!(!c.demo_data);
        assert_eq!(c.session_days, 3);
        assert!(Config::from_lookup(|k| (k == "CONCIERGE_SESSION_DAYS").then(|| "soon".into())).is_err());
    }

    #[test]
    fn limits_signup_and_proxies() {
        let c = Config::from_lookup(|k| match k {
            "CONCIERGE_LIMIT_SENDS_PER_MINUTE" => Some("5".into()),
            "CONCIERGE_QUOTA_VENUE_TOKENS" => Some("0".into()),
            "CONCIERGE_SIGNUP" => Some("invite-only".into()),
            "CONCIERGE_TRUSTED_PROXIES" => Some("10.0.0.2, ::1".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.limits.sends_per_minute, 5);
        assert_eq!(c.limits.venue_daily_tokens, 0);
        assert_eq!(c.limits.assists_per_minute, LimitsConfig::default().assists_per_minute);
        assert_eq!(c.signup, SignupPolicy::InviteOnly);
        assert_eq!(c.trusted_proxies.len(), 2);
        let c = Config::from_lookup(|k| match k {
            "CONCIERGE_NATS_URL" => Some("nats://u:hunter2@127.0.0.1:4222".into()),
            "CONCIERGE_NATS_SUBJECT" => Some("venues.north".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.nats_url.as_ref().map(|u| u.expose()), Some("nats://u:hunter2@127.0.0.1:4222"));
        assert_eq!(c.nats_subject.as_deref(), Some("venues.north"));
        assert!(!format!("{c:?}").contains("hunter2"));
        for (k, v) in [
            ("CONCIERGE_SIGNUP", "sometimes"),
            ("CONCIERGE_TRUSTED_PROXIES", "proxy.lan"),
            ("CONCIERGE_LIMIT_LIVE_REPLIES", "-1"),
            ("CONCIERGE_NATS_URL", "127.0.0.1:4222"),
            ("CONCIERGE_NATS_SUBJECT", "concierge.>"),
            ("CONCIERGE_NATS_SUBJECT", "a..b"),
        ] {
            assert!(Config::from_lookup(|name| (name == k).then(|| v.into())).is_err(), "{k}={v}");
        }
    }

    #[test]
    fn secrets_do_not_print() {
        let c = Config::from_lookup(|k| (k == "DATABASE_URL").then(|| "postgres://u:hunter2@h/db".into())).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
