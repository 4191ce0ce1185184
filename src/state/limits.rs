//! Abuse and cost limits: how often a person, a venue, an address or an embed link may make the
//! requests that cost a model's time or make accounts, how many replies a person may have
//! written at once, and how many model tokens a day allows.
//!
//! Rates are counted in memory, per process, by `governor`'s keyed GCRA (a burst of the whole
//! allowance, then an even refill): several processes on one database each allow their share.
//! Daily token quotas are counted in Postgres (`llm_usage`), so they hold across processes.
//! Every limit is set by the environment (see `Config`); 0 turns one off.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::hash::Hash;
use std::num::NonZeroU32;
use std::time::Duration;

/// The limits as configured (`CONCIERGE_LIMIT_*`, `CONCIERGE_QUOTA_*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitsConfig {
    /// Messages (sends, edits, regenerations, new chats) per person per minute.
    pub sends_per_minute: u32,
    /// The same, for a whole venue.
    pub venue_sends_per_minute: u32,
    /// Form assists per person per minute.
    pub assists_per_minute: u32,
    /// Messages per embed link per minute (everyone who can see the page shares it).
    pub embed_sends_per_minute: u32,
    /// Sign-ups per address per hour.
    pub signups_per_hour: u32,
    /// Invite acceptances per address per hour.
    pub invites_per_hour: u32,
    /// Password-reset requests and resets per address per hour.
    pub resets_per_hour: u32,
    /// Replies one person may have written at once (each waits in the embedded model's queue,
    /// so this also caps a person's share of that queue).
    pub live_replies: usize,
    /// Model tokens (prompt and reply) per person per day (UTC).
    pub person_daily_tokens: i64,
    /// The same, for a whole venue.
    pub venue_daily_tokens: i64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            sends_per_minute: 30,
            venue_sends_per_minute: 300,
            assists_per_minute: 10,
            embed_sends_per_minute: 20,
            signups_per_hour: 5,
            invites_per_hour: 10,
            resets_per_hour: 10,
            live_replies: 3,
            person_daily_tokens: 500_000,
            venue_daily_tokens: 5_000_000,
        }
    }
}

/// A request over a limit: what to tell the person, and when to try again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limited {
    pub message: String,
    pub retry_after: Duration,
}

/// What a limit is counted for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rate<'a> {
    /// A chat message by a person of a venue (and, through an embed link, of that link).
    Send {
        user_id: i64,
        venue_id: i64,
        embed_token: Option<i64>,
    },
    Assist {
        user_id: i64,
    },
    /// A new venue, from a client address.
    SignUp {
        address: &'a str,
    },
    /// An invite accepted, from a client address.
    Invite {
        address: &'a str,
    },
    /// A password reset asked for or made, from a client address.
    Reset {
        address: &'a str,
    },
}

/// One keyed limiter, or none when its limit is 0.
struct Keyed<K: Hash + Eq + Clone>(Option<DefaultKeyedRateLimiter<K>>);

impl<K: Hash + Eq + Clone> Keyed<K> {
    fn new(per: u32, period: Duration) -> Self {
        Self(NonZeroU32::new(per).map(|n| {
            let quota = Quota::with_period(period / n.get()).expect("a positive period").allow_burst(n);
            governor::RateLimiter::keyed(quota)
        }))
    }

    /// Counts one request for `key`; over the limit, how long until the next is allowed.
    fn check(&self, key: &K) -> Result<(), Duration> {
        let Some(limiter) = &self.0 else { return Ok(()) };
        // Keys of people who stopped asking are dropped now and then, so memory stays bounded.
        if limiter.len() > 50_000 {
            limiter.retain_recent();
        }
        limiter.check_key(key).map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// The rate limiters of one process.
pub struct Limits {
    pub config: LimitsConfig,
    sends: Keyed<i64>,
    venue_sends: Keyed<i64>,
    embed_sends: Keyed<i64>,
    assists: Keyed<i64>,
    signups: Keyed<String>,
    invites: Keyed<String>,
    resets: Keyed<String>,
}

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

impl Limits {
    pub fn new(config: LimitsConfig) -> Self {
        Self {
            sends: Keyed::new(config.sends_per_minute, MINUTE),
            venue_sends: Keyed::new(config.venue_sends_per_minute, MINUTE),
            embed_sends: Keyed::new(config.embed_sends_per_minute, MINUTE),
            assists: Keyed::new(config.assists_per_minute, MINUTE),
            signups: Keyed::new(config.signups_per_hour, HOUR),
            invites: Keyed::new(config.invites_per_hour, HOUR),
            resets: Keyed::new(config.resets_per_hour, HOUR),
            config,
        }
    }

    /// Counts a request against its limits.
    pub fn check(&self, rate: Rate<'_>) -> Result<(), Limited> {
        match rate {
            Rate::Send { user_id, venue_id, embed_token } => {
                if let Some(token) = embed_token {
                    self.embed_sends.check(&token).map_err(|wait| {
                        limited("This chat is getting many messages right now. Please wait a moment.", wait)
                    })?;
                }
                self.sends
                    .check(&user_id)
                    .map_err(|wait| limited("You are sending messages very quickly. Please wait a moment.", wait))?;
                self.venue_sends.check(&venue_id).map_err(|wait| {
                    limited("Your venue is sending very many messages right now. Please wait a moment.", wait)
                })
            }
            Rate::Assist { user_id } => self
                .assists
                .check(&user_id)
                .map_err(|wait| limited("Too many requests to fill in forms. Please wait a moment.", wait)),
            Rate::SignUp { address } => self
                .signups
                .check(&address.to_string())
                .map_err(|wait| limited("Too many sign-ups from your network. Please try again later.", wait)),
            Rate::Invite { address } => self
                .invites
                .check(&address.to_string())
                .map_err(|wait| limited("Too many attempts from your network. Please try again later.", wait)),
            Rate::Reset { address } => self
                .resets
                .check(&address.to_string())
                .map_err(|wait| limited("Too many password resets from your network. Please try again later.", wait)),
        }
    }
}

fn limited(message: &str, wait: Duration) -> Limited {
    Limited { message: message.to_string(), retry_after: wait.max(Duration::from_secs(1)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_a_wait_per_key_and_zero_is_off() {
        let limits = Limits::new(LimitsConfig { sends_per_minute: 3, venue_sends_per_minute: 5, ..Default::default() });
        let send = |user_id| Rate::Send { user_id, venue_id: 1, embed_token: None };
        for _ in 0..3 {
            assert!(limits.check(send(1)).is_ok());
        }
        let over = limits.check(send(1)).unwrap_err();
        assert!(over.retry_after >= Duration::from_secs(1) && over.retry_after <= Duration::from_secs(20), "{over:?}");
        assert!(over.message.contains("quickly"));
        // Another person has their own allowance, until the venue's runs out.
        assert!(limits.check(send(2)).is_ok());
        assert!(limits.check(send(2)).is_ok());
        let venue = limits.check(send(3)).unwrap_err();
        assert!(venue.message.contains("venue"), "{venue:?}");

        let signup = |address| Rate::SignUp { address };
        let off = Limits::new(LimitsConfig { signups_per_hour: 0, ..Default::default() });
        for _ in 0..100 {
            assert!(off.check(signup("10.0.0.1")).is_ok());
        }
        let on = Limits::new(LimitsConfig { signups_per_hour: 2, resets_per_hour: 1, ..Default::default() });
        assert!(on.check(signup("a")).is_ok() && on.check(signup("a")).is_ok());
        assert!(on.check(signup("a")).is_err());
        assert!(on.check(signup("b")).is_ok());
        // Each kind counts on its own: sign-ups used up leave resets alone.
        assert!(on.check(Rate::Reset { address: "a" }).is_ok());
        assert!(on.check(Rate::Reset { address: "a" }).unwrap_err().message.contains("password"));
    }
}
