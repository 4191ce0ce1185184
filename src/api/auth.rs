//! Sign-up, login, logout, invites and "who am I".

use super::AppError;
use crate::domain::forms::SignupForm;
use crate::domain::records::{InviteInfo, SessionUser};
use leptos::prelude::*;

/// The logged-in user, or `None`. Never fails for a logged-out visitor.
#[server(prefix = "/api", endpoint = "current_user")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    let embed = super::ssr::embed().map(|s| s.reach);
    Ok(super::ssr::actor().ok().map(|a| SessionUser {
        user_id: a.user_id,
        name: a.name,
        email: a.email,
        role: a.role,
        venue_id: a.venue_id,
        venue_name: a.venue_name,
        embed,
    }))
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::api::AppError;
    use crate::state::AppState;
    use leptos::prelude::*;

    /// Issues a new session for `user_id` (rotating out the one the request carried, if any)
    /// and sets its cookie on the response.
    pub async fn start_session(state: &AppState, user_id: i64, venue_id: i64) -> Result<(), AppError> {
        end_current_session(state).await?;
        let token = crate::security::tokens::new_token();
        let expires = chrono::Utc::now() + chrono::Duration::days(i64::from(state.config.session_days));
        crate::store::users::create_session(
            &state.pool,
            &crate::security::tokens::token_hash(&token),
            user_id,
            venue_id,
            expires,
        )
        .await?;
        response().append_header(
            http::header::SET_COOKIE,
            crate::state::session::session_cookie(&token, state.config.session_days, state.config.cookie_secure),
        );
        Ok(())
    }

    /// Deletes the request's session server-side, if it has one.
    pub async fn end_current_session(state: &AppState) -> Result<(), AppError> {
        if let Some(parts) = use_context::<http::request::Parts>() {
            if let Some(token) = crate::state::session::cookie(&parts.headers, crate::state::session::SESSION_COOKIE) {
                let hash = crate::security::tokens::token_hash(token);
                crate::store::users::delete_session(&state.pool, &hash).await?;
                state.forget_session(&hash);
            }
        }
        Ok(())
    }

    /// The hash of the session cookie this request carries.
    pub fn current_session_hash() -> Option<Vec<u8>> {
        let parts = use_context::<http::request::Parts>()?;
        let token = crate::state::session::cookie(&parts.headers, crate::state::session::SESSION_COOKIE)?;
        Some(crate::security::tokens::token_hash(token))
    }

    /// Records `action` by the member `user_id` of `venue_id` (looked up, so that the entry
    /// carries the name they have now); failures are logged.
    pub async fn audit_member(
        state: &AppState,
        user_id: i64,
        venue_id: i64,
        action: crate::domain::audit::AuditAction,
        ip: &str,
    ) {
        match crate::store::users::actor_for_member(&state.pool, user_id, venue_id).await {
            Ok(Some(actor)) => {
                let entry = crate::store::audit::Record::by(&actor, action, &actor.email).ip(ip);
                if let Err(e) = crate::store::audit::record(&state.pool, &entry).await {
                    tracing::error!(error = %e, "audit entry not written");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "audit entry not written"),
        }
    }

    /// Reset links one account may be sent per hour (more asks are answered the same, and dropped).
    const RESETS_PER_ACCOUNT_HOUR: i64 = 3;

    /// Makes a reset link for the account with `email`, if there is one, and mails it.
    pub async fn send_reset(state: &AppState, email: &str, ip: &str) -> Result<(), crate::store::StoreError> {
        use crate::store::{audit, outbox::NewMail, resets};
        let Some(t) = resets::reset_target(&state.pool, email).await? else { return Ok(()) };
        // Without SMTP the link waits for this venue's owners to pass on. An account of several
        // venues is not theirs alone to hand over: it needs mail.
        if !state.mail.configured() && t.memberships > 1 {
            tracing::warn!(
                user_id = t.user_id,
                "password reset for an account of several venues needs CONCIERGE_SMTP_URL"
            );
            return Ok(());
        }
        let token = crate::security::tokens::new_token();
        let expires = chrono::Utc::now() + chrono::Duration::minutes(super::RESET_MINUTES);
        let hash = crate::security::tokens::token_hash(&token);
        if !resets::create_reset(&state.pool, t.user_id, &hash, expires, RESETS_PER_ACCOUNT_HOUR).await? {
            tracing::info!(user_id = t.user_id, "password reset asked for too often; not sent");
            return Ok(());
        }
        let link = format!("{}/reset/{token}", state.config.public_url);
        let body = reset_body(&t.name, &t.venue_name, &link);
        let mail = NewMail {
            venue_id: t.venue_id,
            to_email: &t.email,
            to_name: &t.name,
            subject: "Reset your Concierge password",
            body: &body,
            secret: Some(&link),
        };
        let delivery = state.mail.send(&state.pool, &mail).await?;
        let entry = audit::Record {
            venue_id: t.venue_id,
            actor_id: Some(t.user_id),
            actor_name: &t.name,
            action: crate::domain::audit::AuditAction::ResetRequested,
            target: &t.email,
            detail: serde_json::json!({"delivery": format!("{delivery:?}").to_lowercase()}),
            ip,
        };
        audit::record(&state.pool, &entry).await
    }

    pub fn reset_body(name: &str, venue: &str, link: &str) -> String {
        format!(
            "Hello {name},\n\nSomeone (we hope you) asked to reset your Concierge password for {venue}.\n\n\
             Open this link within {} minutes to choose a new one:\n\n{link}\n\n\
             Choosing a new password logs you out on every device. If you did not ask for this, ignore this \
             mail: your password stays as it is.\n",
            super::RESET_MINUTES
        )
    }

    pub fn response() -> leptos_axum::ResponseOptions {
        use_context::<leptos_axum::ResponseOptions>().unwrap_or_default()
    }

    /// The address the request came from: the peer's, or, when the peer is a trusted reverse
    /// proxy (`CONCIERGE_TRUSTED_PROXIES`), the address that proxy saw (see [`client_addr`]).
    pub fn remote_addr(state: &AppState) -> String {
        let Some(parts) = use_context::<http::request::Parts>() else { return String::new() };
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        let forwarded: Vec<&str> =
            parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        client_addr(peer, &forwarded.join(","), &state.config.trusted_proxies)
            .map(|ip| ip.to_string())
            .unwrap_or_default()
    }

    /// The client's address. `X-Forwarded-For` is believed only from a trusted proxy, and only as
    /// far as the proxies in it are trusted too: walking it from the right (the hop nearest this
    /// server), the first address that is not a trusted proxy is the client. A client cannot
    /// spoof it by sending the header itself: its own entries are further left.
    pub fn client_addr(
        peer: Option<std::net::IpAddr>,
        forwarded: &str,
        trusted: &[std::net::IpAddr],
    ) -> Option<std::net::IpAddr> {
        let peer = peer?;
        if !trusted.contains(&peer) {
            return Some(peer);
        }
        let hops: Vec<std::net::IpAddr> = forwarded.split(',').filter_map(|h| h.trim().parse().ok()).collect();
        hops.iter().rev().find(|ip| !trusted.contains(ip)).or(hops.first()).copied().or(Some(peer))
    }

    /// Sign-ups and invite acceptances: the operator's policy (`CONCIERGE_SIGNUP`), then the
    /// per-address rate.
    pub fn admit_account(state: &AppState, invite: bool) -> Result<(), AppError> {
        use crate::state::config::SignupPolicy;
        let refused = match (state.config.signup, invite) {
            (SignupPolicy::Open, _) | (SignupPolicy::InviteOnly, true) => None,
            (SignupPolicy::InviteOnly, false) => Some("New venues are not being accepted here; ask for an invite."),
            (SignupPolicy::Closed, _) => Some("This server is not accepting new accounts."),
        };
        if let Some(message) = refused {
            return Err(AppError::BadRequest(message.into()));
        }
        let addr = remote_addr(state);
        let limits = &state.limits;
        use crate::state::limits::Rate;
        let address = addr.as_str();
        Ok(limits.check(if invite { Rate::Invite { address } } else { Rate::SignUp { address } })?)
    }

    /// Only same-site paths are followed after login (no open redirects).
    pub fn safe_next(next: Option<String>) -> String {
        next.filter(|n| {
            n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && n.len() < 500
                // Browsers drop tabs and newlines from URLs: "/<TAB>/evil.example" would become "//evil.example".
                && !n.chars().any(|c| c.is_control() || c.is_whitespace())
        })
        .unwrap_or_else(|| "/".into())
    }

    pub fn hash_failed(e: crate::security::passwords::PasswordError) -> AppError {
        tracing::error!(error = %e, "password hashing failed");
        AppError::Internal
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn forwarded_addresses_count_only_behind_trusted_proxies() {
        use super::ssr::client_addr;
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxy = [ip("10.0.0.2")];
        // No trusted proxy: the peer, whatever the header says.
        assert_eq!(client_addr(Some(ip("203.0.113.9")), "1.2.3.4", &[]), Some(ip("203.0.113.9")));
        assert_eq!(client_addr(Some(ip("203.0.113.9")), "1.2.3.4", &proxy), Some(ip("203.0.113.9")));
        // Behind the proxy: the hop it saw; a spoofed entry further left does not count.
        assert_eq!(client_addr(Some(ip("10.0.0.2")), "6.6.6.6, 198.51.100.7", &proxy), Some(ip("198.51.100.7")));
        // Two trusted proxies in a row.
        let two = [ip("10.0.0.2"), ip("10.0.0.3")];
        assert_eq!(client_addr(Some(ip("10.0.0.2")), "198.51.100.7, 10.0.0.3", &two), Some(ip("198.51.100.7")));
        // A trusted proxy that sent no header: its own address.
        assert_eq!(client_addr(Some(ip("10.0.0.2")), "", &proxy), Some(ip("10.0.0.2")));
        assert_eq!(client_addr(None, "1.2.3.4", &proxy), None);
    }

    #[test]
    fn only_plain_local_paths_are_followed() {
        use super::ssr::safe_next;
        for ok in ["/", "/events/3?tab=guests"] {
            assert_eq!(safe_next(Some(ok.into())), ok);
        }
        for bad in ["//evil.example", "/\t/evil.example", "/\n", "https://evil.example", "\\evil", "/\\evil", ""] {
            assert_eq!(safe_next(Some(bad.into())), "/", "{bad:?}");
        }
    }
}

#[server(prefix = "/api", endpoint = "login")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::store::users;
    let state = super::ssr::state()?;
    if email.trim().is_empty() || password.is_empty() {
        return Err(AppError::BadRequest("Enter your email and password.".into()));
    }
    let mismatch = || AppError::BadRequest("That email and password do not match an account.".into());
    // Not an email address at all: it cannot match an account (and never reaches the database).
    let Ok(email) = crate::domain::parse::email(&email) else {
        return Err(mismatch());
    };
    if password.len() > 1024 {
        return Err(mismatch());
    }
    let addr = ssr::remote_addr(&state);
    // Recorded as a failure first and counted after, so parallel guesses cannot slip past the limit.
    let attempt = users::begin_attempt(&state.pool, &email, &addr).await?;
    let (by_email, by_addr) = users::recent_failures(&state.pool, &email, &addr, 15).await?;
    if by_email > state.config.login_max_failures || by_addr > state.config.login_max_failures * 6 {
        tracing::warn!(by_email, by_addr, "login throttled");
        return Err(AppError::TooManyRequests {
            message: "Too many failed attempts. Wait 15 minutes, then try again.".into(),
            retry_after: 15 * 60,
        });
    }
    let creds = users::credentials(&state.pool, &email).await?;
    let stored = creds.as_ref().map(|c| c.password_hash.clone());
    let ok = crate::security::passwords::verify_password(password, stored).await.map_err(ssr::hash_failed)?;
    let Some(c) = creds else { return Err(mismatch()) };
    if !ok {
        // Written in the background, so that a wrong password for an account answers as fast as
        // an unknown email (the time taken does not tell which addresses have accounts).
        let (state, addr) = (state.clone(), addr.clone());
        tokio::spawn(async move {
            if let Ok(Some(venue_id)) = users::default_venue(&state.pool, c.user_id).await {
                ssr::audit_member(&state, c.user_id, venue_id, crate::domain::audit::AuditAction::LoginFailed, &addr)
                    .await;
            }
        });
        return Err(mismatch());
    }
    let Some(venue_id) = users::default_venue(&state.pool, c.user_id).await? else {
        return Err(mismatch());
    };
    users::attempt_succeeded(&state.pool, attempt, &email).await?;
    ssr::start_session(&state, c.user_id, venue_id).await?;
    ssr::audit_member(&state, c.user_id, venue_id, crate::domain::audit::AuditAction::LoggedIn, &addr).await;
    tracing::info!(user_id = c.user_id, "logged in");
    leptos_axum::redirect(&ssr::safe_next(next));
    Ok(())
}

/// Changes the person's password (the current one is asked again) and logs out every other
/// device; this one stays logged in.
#[server(prefix = "/api", endpoint = "change_password")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    let Some(keep) = ssr::current_session_hash() else { return Err(AppError::Unauthenticated) };
    crate::domain::parse::password(&new).map_err(|m| AppError::invalid("new", &m))?;
    if current.len() > 1024 {
        return Err(AppError::invalid("current", "That is not your current password."));
    }
    let stored = crate::store::users::password_hash(&state.pool, actor.user_id).await?;
    let ok = crate::security::passwords::verify_password(current, Some(stored)).await.map_err(ssr::hash_failed)?;
    if !ok {
        return Err(AppError::invalid("current", "That is not your current password."));
    }
    let hash = crate::security::passwords::hash_password(new).await.map_err(ssr::hash_failed)?;
    let ended = crate::store::users::set_password(&state.pool, actor.user_id, &hash, &keep).await?;
    for h in &ended {
        state.forget_session(h);
    }
    super::ssr::audit(
        &state,
        &actor,
        crate::domain::audit::AuditAction::PasswordChanged,
        actor.email.clone(),
        serde_json::json!({"other_sessions_ended": ended.len()}),
    )
    .await;
    tracing::info!(user_id = actor.user_id, other_sessions = ended.len(), "password changed");
    Ok(())
}

/// Ends every session of the person's, on every device, this one included.
#[server(prefix = "/api", endpoint = "logout_everywhere")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn logout_everywhere() -> Result<(), AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    let ended = crate::store::users::end_sessions(&state.pool, actor.user_id).await?;
    for h in &ended {
        state.forget_session(h);
    }
    super::ssr::audit(
        &state,
        &actor,
        crate::domain::audit::AuditAction::LoggedOutEverywhere,
        actor.email.clone(),
        serde_json::json!({"sessions_ended": ended.len()}),
    )
    .await;
    tracing::info!(user_id = actor.user_id, sessions = ended.len(), "logged out everywhere");
    ssr::response().append_header(
        http::header::SET_COOKIE,
        crate::state::session::clear_session_cookie(state.config.cookie_secure),
    );
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/api", endpoint = "logout")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn logout() -> Result<(), AppError> {
    let state = super::ssr::state()?;
    ssr::end_current_session(&state).await?;
    ssr::response().append_header(
        http::header::SET_COOKIE,
        crate::state::session::clear_session_cookie(state.config.cookie_secure),
    );
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/api", endpoint = "signup")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn signup(form: SignupForm) -> Result<(), AppError> {
    let state = super::ssr::state()?;
    let draft = form.parse()?;
    ssr::admit_account(&state, false)?;
    let hash = crate::security::passwords::hash_password(draft.password.clone()).await.map_err(ssr::hash_failed)?;
    let (user_id, venue_id) = crate::store::users::sign_up(&state.pool, &draft, &hash).await?;
    ssr::start_session(&state, user_id, venue_id).await?;
    ssr::audit_member(
        &state,
        user_id,
        venue_id,
        crate::domain::audit::AuditAction::VenueCreated,
        &ssr::remote_addr(&state),
    )
    .await;
    tracing::info!(user_id, venue_id, "signed up");
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/api", endpoint = "invite_info")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn fetch_invite(token: String) -> Result<InviteInfo, AppError> {
    let state = super::ssr::state()?;
    if token.len() != 64 {
        return Err(AppError::NotFound);
    }
    Ok(crate::store::users::invite_info(&state.pool, &crate::security::tokens::token_hash(&token)).await?)
}

#[server(prefix = "/api", endpoint = "accept_invite")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn accept_invite(token: String, password: String) -> Result<(), AppError> {
    let state = super::ssr::state()?;
    if token.len() != 64 {
        return Err(AppError::NotFound);
    }
    crate::domain::parse::password(&password).map_err(|m| AppError::invalid("password", &m))?;
    ssr::admit_account(&state, true)?;
    let hash = crate::security::passwords::hash_password(password).await.map_err(ssr::hash_failed)?;
    let (user_id, venue_id) =
        crate::store::users::accept_invite(&state.pool, &crate::security::tokens::token_hash(&token), &hash).await?;
    ssr::start_session(&state, user_id, venue_id).await?;
    ssr::audit_member(
        &state,
        user_id,
        venue_id,
        crate::domain::audit::AuditAction::InviteAccepted,
        &ssr::remote_addr(&state),
    )
    .await;
    tracing::info!(user_id, venue_id, "invite accepted");
    leptos_axum::redirect("/");
    Ok(())
}

/// How long a password-reset link works.
pub const RESET_MINUTES: i64 = 60;

/// Asks for a password-reset link for `email`. The answer is the same whether or not an account
/// has that address (and the mail is sent in the background, so the time taken does not tell
/// either): the link goes by SMTP when the server has it, else to the venue's outbox page.
#[server(prefix = "/api", endpoint = "request_password_reset")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let state = super::ssr::state()?;
    let addr = ssr::remote_addr(&state);
    let email = crate::domain::parse::email(&email).map_err(|m| AppError::invalid("email", &m))?;
    state.limits.check(crate::state::limits::Rate::Reset { address: &addr })?;
    tokio::spawn(async move {
        if let Err(e) = ssr::send_reset(&state, &email, &addr).await {
            tracing::error!(error = %e, "password reset not sent");
        }
    });
    Ok(())
}

/// The account a reset link is for (shown on its page), while the link works.
#[server(prefix = "/api", endpoint = "reset_info")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn reset_info(token: String) -> Result<String, AppError> {
    let state = super::ssr::state()?;
    if !crate::security::tokens::looks_like_token(&token) {
        return Err(AppError::NotFound);
    }
    crate::store::resets::reset_email(&state.pool, &crate::security::tokens::token_hash(&token))
        .await?
        .ok_or(AppError::NotFound)
}

/// Sets a new password through a reset link (once, within the hour): every session of the
/// account ends, every other link stops working, and this browser is logged in.
#[server(prefix = "/api", endpoint = "reset_password")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let state = super::ssr::state()?;
    let addr = ssr::remote_addr(&state);
    state.limits.check(crate::state::limits::Rate::Reset { address: &addr })?;
    let expired = || AppError::BadRequest("This reset link has expired or was used already. Ask for a new one.".into());
    if !crate::security::tokens::looks_like_token(&token) {
        return Err(expired());
    }
    crate::domain::parse::password(&password).map_err(|m| AppError::invalid("password", &m))?;
    let hash = crate::security::passwords::hash_password(password).await.map_err(ssr::hash_failed)?;
    let done = crate::store::resets::use_reset(&state.pool, &crate::security::tokens::token_hash(&token), &hash)
        .await?
        .ok_or_else(expired)?;
    for h in &done.ended {
        state.forget_session(h);
    }
    ssr::start_session(&state, done.user_id, done.venue_id).await?;
    ssr::audit_member(&state, done.user_id, done.venue_id, crate::domain::audit::AuditAction::PasswordReset, &addr)
        .await;
    tracing::info!(user_id = done.user_id, sessions = done.ended.len(), "password reset");
    leptos_axum::redirect("/");
    Ok(())
}
