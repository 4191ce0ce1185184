//! Notes by email: the `notification.email` job sends a note to the member who chose email for
//! its kind, through the server's mail (SMTP, or the venue's outbox), with a link back to the page.

use super::JobError;
use crate::store::jobs::Job;
use crate::store::notifications;
use crate::store::outbox::NewMail;
use crate::store::StoreError;
use futures_util::future::BoxFuture;
use sqlx::PgPool;

/// How mail leaves (the server's mailer).
pub trait Mail: Send + Sync + 'static {
    fn send<'a>(&'a self, pool: &'a PgPool, mail: &'a NewMail<'a>) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// What a run came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// The note is gone, or its member no longer wants it by email.
    Skipped,
}

/// Sends the note of job `job`; `public_url` makes its link absolute. The job is marked done
/// after the mail is handed over (a crash in between sends it again: at least once).
pub async fn run(pool: &PgPool, mail: &dyn Mail, public_url: &str, job: &Job) -> Result<Outcome, JobError> {
    let id = job.payload.0.get("notification_id").and_then(|v| v.as_i64());
    let note = match id {
        Some(id) => notifications::to_email(pool, id).await?,
        None => None,
    };
    let outcome = match note {
        None => Outcome::Skipped,
        Some(n) => {
            let link = match n.link.as_str() {
                "" => String::new(),
                path => format!("\n\n{}{path}", public_url.trim_end_matches('/')),
            };
            let subject = format!("{}: {}", n.venue_name, crate::domain::text::clip(&n.body, 80));
            let body = format!(
                "{}{link}\n\n-- \nConcierge at {}. You get this by email because you chose to on your account page.",
                n.body, n.venue_name
            );
            let m = NewMail {
                venue_id: n.venue_id,
                to_email: &n.email,
                to_name: &n.name,
                subject: &subject,
                body: &body,
                secret: None,
            };
            mail.send(pool, &m).await?;
            Outcome::Sent
        }
    };
    let mut conn = pool.acquire().await.map_err(StoreError::from)?;
    crate::store::jobs::finish(&mut conn, job.id).await?;
    Ok(outcome)
}
