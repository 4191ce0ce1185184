//! Outgoing mail: SMTP through `lettre` when `CONCIERGE_SMTP_URL` is set, else the venue's
//! outbox (`/settings/outbox`), where an owner reads each message and passes it on. Every message
//! is recorded in the outbox either way, with whether SMTP took it.

use crate::store::outbox::{self, NewMail};
use crate::store::StoreError;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How a message left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// SMTP took it.
    Sent,
    /// No SMTP here: it waits in the outbox.
    Kept,
    /// SMTP refused it or could not be reached: it waits in the outbox too, with the reason.
    Failed,
}

pub enum Mailer {
    Smtp(Box<Smtp>),
    Outbox,
}

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Checks a `CONCIERGE_SMTP_URL` (for the configuration's error message).
pub fn check_smtp_url(url: &str) -> Result<(), String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|e| format!("not an SMTP address lettre understands ({e})"))
}

/// Checks a `CONCIERGE_MAIL_FROM` mailbox (`Name <address>` or `address`).
pub fn check_mailbox(raw: &str) -> Result<(), String> {
    raw.parse::<Mailbox>().map(|_| ()).map_err(|e| format!("{raw:?} is not a mailbox ({e})"))
}

impl Mailer {
    pub fn new(config: &super::config::Config) -> Self {
        let Some(url) = &config.smtp_url else { return Mailer::Outbox };
        let (Ok(builder), Ok(from)) =
            (AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose()), config.mail_from.parse::<Mailbox>())
        else {
            // Both were checked when the configuration was read.
            tracing::error!("SMTP settings unusable; mail goes to the outbox");
            return Mailer::Outbox;
        };
        Mailer::Smtp(Box::new(Smtp { transport: builder.timeout(Some(Duration::from_secs(20))).build(), from }))
    }

    pub fn configured(&self) -> bool {
        matches!(self, Mailer::Smtp(_))
    }

    /// Sends `mail` (SMTP) or keeps it (outbox), and records it. A refused or unreachable SMTP
    /// server is not an error for the caller: the message waits in the outbox with the reason.
    pub async fn send(&self, pool: &sqlx::PgPool, mail: &NewMail<'_>) -> Result<Delivery, StoreError> {
        let (delivery, error) = match self {
            Mailer::Outbox => (Delivery::Kept, String::new()),
            Mailer::Smtp(smtp) => match message(&smtp.from, mail) {
                Err(e) => (Delivery::Failed, e),
                Ok(m) => match smtp.transport.send(m).await {
                    Ok(_) => (Delivery::Sent, String::new()),
                    Err(e) => {
                        tracing::warn!(error = %e, "SMTP did not take a message");
                        (Delivery::Failed, format!("The mail server did not take it: {e}"))
                    }
                },
            },
        };
        outbox::add(pool, mail, delivery == Delivery::Sent, &error).await?;
        Ok(delivery)
    }
}

fn message(from: &Mailbox, mail: &NewMail<'_>) -> Result<Message, String> {
    let address = mail.to_email.parse().map_err(|e| format!("{:?} is not an address: {e}", mail.to_email))?;
    let to = Mailbox::new(Some(mail.to_name.to_string()).filter(|n| !n.is_empty()), address);
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.to_string())
        .map_err(|e| e.to_string())
}

/// The job worker emails notes through the server's mailer.
impl crate::jobs::email::Mail for Mailer {
    fn send<'a>(
        &'a self,
        pool: &'a sqlx::PgPool,
        mail: &'a NewMail<'a>,
    ) -> futures_util::future::BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move { Mailer::send(self, pool, mail).await.map(|_| ()) })
    }
}
