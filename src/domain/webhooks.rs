//! Webhooks as both sides see them: the events a venue can be told about, an endpoint and its
//! deliveries as the settings page lists them, and the form that registers one.
//!
//! The signing scheme (also in the README): every delivery is a POST of a JSON body with
//! `Concierge-Timestamp: <unix seconds>` and `Concierge-Signature: v1=<hex>`, where the hex is
//! HMAC-SHA256, keyed with the endpoint's secret, over `<timestamp>.<body>`.

use super::parse::{FieldErrors, Parser};
use super::UnknownValue;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

string_enum! {
    /// What a venue's endpoints can be told about.
    WebhookEvent {
        AppointmentBooked => ("appointment.booked", "Appointment booked"),
        AppointmentRescheduled => ("appointment.rescheduled", "Appointment rescheduled"),
        AppointmentCancelled => ("appointment.cancelled", "Appointment cancelled"),
        ApprovalRequested => ("approval.requested", "Approval requested"),
        ApprovalDecided => ("approval.decided", "Approval decided"),
        InquiryCreated => ("inquiry.created", "Inquiry received"),
        DocumentIndexed => ("document.indexed", "Document indexed"),
    }
}

/// The event of a test delivery ("Send a test event"), sent to one endpoint whatever it listens to.
pub const PING: &str = "ping";
/// What every secret begins with.
pub const SECRET_PREFIX: &str = "whsec_";
/// Endpoints one venue may register.
pub const MAX_WEBHOOKS: i64 = 20;
/// The headers of a delivery.
pub const HEADER_EVENT: &str = "concierge-event";
pub const HEADER_DELIVERY: &str = "concierge-delivery";
pub const HEADER_TIMESTAMP: &str = "concierge-timestamp";
pub const HEADER_SIGNATURE: &str = "concierge-signature";

/// An endpoint as the settings page lists it (its secret is shown once, when made or rolled).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    pub description: String,
    pub events: Vec<WebhookEvent>,
    pub active: bool,
    /// `whsec_` and a few characters, to tell secrets apart.
    pub secret_hint: String,
    pub created_at: DateTime<Utc>,
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Queued, not tried yet.
    Pending,
    /// Tried and refused; it will be tried again.
    Retrying,
    Delivered,
    /// Every attempt failed (it can be replayed).
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Retrying => "retrying",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "Queued",
            DeliveryStatus::Retrying => "Will retry",
            DeliveryStatus::Delivered => "Delivered",
            DeliveryStatus::Failed => "Failed",
        }
    }
}

impl std::str::FromStr for DeliveryStatus {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        Ok(match s {
            "pending" => DeliveryStatus::Pending,
            "retrying" => DeliveryStatus::Retrying,
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            other => return Err(UnknownValue(other.chars().take(40).collect())),
        })
    }
}

impl TryFrom<String> for DeliveryStatus {
    type Error = UnknownValue;
    fn try_from(s: String) -> Result<Self, UnknownValue> {
        s.parse()
    }
}

/// One delivery, with its attempts, as the log shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: i64,
    pub webhook_id: i64,
    pub url: String,
    /// `appointment.booked`, or `ping`.
    pub event: String,
    pub event_id: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub last_code: Option<i32>,
    pub last_error: String,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The latest attempts, newest first (at most a few).
    pub log: Vec<AttemptView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    pub code: Option<i32>,
    pub error: String,
    pub duration_ms: i32,
    pub at: DateTime<Utc>,
}

/// What `/settings/webhooks` shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSettings {
    pub endpoints: Vec<WebhookView>,
    pub deliveries: Vec<DeliveryView>,
}

/// A new endpoint as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookInput {
    pub url: String,
    #[serde(default)]
    pub description: String,
    /// None chosen: the form sends no field at all.
    #[serde(default)]
    pub events: Vec<WebhookEvent>,
}

/// A new endpoint, checked (the outbound guard, which resolves its host, is the server's check).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewWebhook {
    pub url: String,
    pub description: String,
    pub events: Vec<WebhookEvent>,
}

/// Checks the form: an http(s) URL without credentials or a fragment, at least one event.
pub fn new_webhook(input: &WebhookInput) -> Result<NewWebhook, FieldErrors> {
    let mut p = Parser::new();
    let url = p.text("url", &input.url, 2000);
    if !url.is_empty() {
        if let Err(m) = super::parse::http_url(&url) {
            p.fail::<()>("url", m);
        }
    }
    let description = p.optional_text("description", &input.description, 200);
    let mut events: Vec<WebhookEvent> = Vec::new();
    for e in &input.events {
        if !events.contains(e) {
            events.push(*e);
        }
    }
    if events.is_empty() {
        p.fail::<()>("events", "Choose at least one event.");
    }
    p.finish(|| NewWebhook { url, description, events })
}

/// The hex HMAC-SHA256 signature's input: `<timestamp>.<body>`.
pub fn signed_payload(timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut out = format!("{timestamp}.").into_bytes();
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str, events: &[WebhookEvent]) -> WebhookInput {
        WebhookInput { url: url.into(), description: String::new(), events: events.to_vec() }
    }

    #[test]
    fn endpoints_need_a_callable_url_and_an_event() {
        let ok = new_webhook(&input("https://hooks.example.com/concierge?x=1", &[WebhookEvent::AppointmentBooked]));
        assert_eq!(ok.unwrap().events, vec![WebhookEvent::AppointmentBooked]);
        for (url, field) in [
            ("ftp://example.com", "url"),
            ("example.com/hook", "url"),
            ("https://", "url"),
            ("https://user:pw@example.com/", "url"),
            ("https://example.com/#frag", "url"),
            ("https://exa mple.com/", "url"),
            ("", "url"),
        ] {
            let e = new_webhook(&input(url, &[WebhookEvent::InquiryCreated])).unwrap_err();
            assert!(e.get(field).is_some(), "{url}: {e}");
        }
        let e = new_webhook(&input("https://example.com", &[])).unwrap_err();
        assert!(e.get("events").is_some());
        let twice =
            new_webhook(&input("http://example.com", &[WebhookEvent::InquiryCreated, WebhookEvent::InquiryCreated]))
                .unwrap();
        assert_eq!(twice.events.len(), 1);
    }

    #[test]
    fn event_names_round_trip() {
        for e in WebhookEvent::ALL {
            assert_eq!(e.as_str().parse::<WebhookEvent>().unwrap(), *e);
            assert!(e.as_str().contains('.'));
        }
        assert_eq!(signed_payload(1700000000, b"{}"), b"1700000000.{}".to_vec());
    }
}
