//! Configuration from the environment, with defaults that work on a developer machine.
//! Secrets (the database URL may hold a password) are wrapped so they never print.

use crate::security::Secret;

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
        Ok(Self {
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
    fn secrets_do_not_print() {
        let c = Config::from_lookup(|k| (k == "DATABASE_URL").then(|| "postgres://u:hunter2@h/db".into())).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
