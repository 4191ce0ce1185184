//! Tools about appointments (tastings, tours…): free times, booking, listing, moving, cancelling.

use super::{plural, NoArgs, PLANNERS};
use crate::agent::{Tool, ToolCx, ToolError};
use crate::domain::chat::{Approver, FieldChange, Preview};
use crate::domain::scheduling::AppointmentTypeView;
use crate::domain::Role;
use crate::scheduling::booking;
use crate::store::scheduling;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

fn venue_time(tz: chrono_tz::Tz, t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&tz).format("%A %-d %B %Y at %-I:%M %p").to_string()
}

pub struct GetAvailableSlots;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotQuery {
    /// The appointment type's id (from list_appointment_types), or leave out and give `type_name`.
    pub type_id: Option<i64>,
    /// Part of the type's name, e.g. "tasting" or "tour".
    #[schemars(length(max = 120))]
    pub type_name: Option<String>,
    /// The day (YYYY-MM-DD), in the venue's time zone.
    pub date: NaiveDate,
}

async fn find_type(
    cx: &ToolCx<'_>,
    id: Option<i64>,
    name: Option<&str>,
) -> Result<scheduling::AppointmentType, ToolError> {
    if let Some(id) = id {
        return Ok(scheduling::appointment_type(cx.pool, cx.actor, id).await?);
    }
    let wanted = name.map(str::trim).filter(|n| !n.is_empty());
    let all = scheduling::types(cx.pool, cx.actor).await?;
    // The name given, as part of a type's name ("tasting"); else the one type a word of it, or of
    // what the person said, names ("come see the place … tour times" → Venue tour): a small
    // model's own name for it ("Venue visit") is not the person's.
    let hit = wanted
        .and_then(|w| all.iter().find(|t| t.name.to_lowercase().contains(&w.to_lowercase())))
        .or_else(|| wanted.and_then(|w| named_type(&all, w)))
        .or_else(|| cx.said.and_then(|s| named_type(&all, s)));
    let hit = hit.ok_or_else(|| {
        let there = all.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ");
        match wanted {
            Some(w) => ToolError::Invalid(format!("No appointment type matches {w:?}; there are: {there}.")),
            None => ToolError::Invalid(format!("Which kind of appointment? There are: {there}.")),
        }
    })?;
    Ok(scheduling::appointment_type(cx.pool, cx.actor, hit.id).await?)
}

/// The one appointment type whose name has a word `text` says (by its first five letters, words
/// of four letters or more: "tour", "tasting", "consult"); `None` when none or several do.
fn named_type<'t>(all: &'t [AppointmentTypeView], text: &str) -> Option<&'t AppointmentTypeView> {
    let stem = |w: &str| w.chars().take(5).collect::<String>();
    let said: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(stem)
        .collect();
    let hits: Vec<&AppointmentTypeView> = all
        .iter()
        .filter(|t| {
            t.name.to_lowercase().split(|c: char| !c.is_alphanumeric()).any(|w| w.len() >= 4 && said.contains(&stem(w)))
        })
        .collect();
    match hits.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

impl Tool for GetAvailableSlots {
    const NAME: &'static str = "get_available_slots";
    const LABEL: &'static str = "Find free times";
    const DESCRIPTION: &'static str = "Find the free times on one day for an appointment type (tasting, venue tour, consultation…). Times are given in the venue's time zone, with `starts_at` to book them.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = None;
    type Args = SlotQuery;
    type Output = Value;

    async fn run(cx: &ToolCx<'_>, a: SlotQuery) -> Result<Value, ToolError> {
        let t = find_type(cx, a.type_id, a.type_name.as_deref()).await?;
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        let slots = booking::availability(cx.pool, cx.actor, t.id, a.date, a.date, chrono::Utc::now()).await?;
        Ok(json!({
            "type_id": t.id, "type": t.name, "date": a.date, "time_zone": tz.name(),
            "slots": slots.iter().map(|s| json!({"starts_at": s.start, "local": s.start.with_timezone(&tz).format("%-I:%M %p").to_string()})).collect::<Vec<_>>(),
        }))
    }

    fn summary(out: &Value) -> String {
        format!(
            "{} free on {}",
            plural(out["slots"].as_array().map_or(0, Vec::len), "time", "times"),
            out["date"].as_str().unwrap_or("?")
        )
    }
}

pub struct BookAppointment;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BookArgs {
    /// The appointment type's id (from get_available_slots).
    pub type_id: i64,
    /// The exact `starts_at` of a free slot (from get_available_slots).
    pub starts_at: chrono::DateTime<chrono::Utc>,
    /// For staff: the client it is for.
    pub client_id: Option<i64>,
}

impl Tool for BookAppointment {
    const NAME: &'static str = "book_appointment";
    const LABEL: &'static str = "Book an appointment";
    const DESCRIPTION: &'static str =
        "Book a free slot found with get_available_slots. The person confirms the exact time before it is booked.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = BookArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &BookArgs) -> Result<Preview, ToolError> {
        let t = scheduling::appointment_type(cx.pool, cx.actor, a.type_id).await?;
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        let day = a.starts_at.with_timezone(&tz).date_naive();
        let free = booking::availability(cx.pool, cx.actor, t.id, day, day, chrono::Utc::now()).await?;
        if !free.iter().any(|s| s.start == a.starts_at) {
            return Err(ToolError::Conflict("That time is not free; look again with get_available_slots.".into()));
        }
        Ok(Preview {
            summary: format!("Book a {} on {}", t.name.to_lowercase(), venue_time(tz, a.starts_at)),
            record: format!("{} ({} minutes, {})", t.name, t.duration_minutes, tz.name()),
            changes: vec![FieldChange {
                field: "Appointment".into(),
                before: String::new(),
                after: venue_time(tz, a.starts_at),
            }],
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: BookArgs) -> Result<Value, ToolError> {
        let b = booking::Booking {
            type_id: a.type_id,
            starts_at: a.starts_at,
            client_id: a.client_id,
            idempotency_key: None,
            notes: "",
        };
        let booked = booking::book(cx.pool, &mut *cx.writer().await?, cx.actor, &b, chrono::Utc::now())
            .await
            .map_err(booking_error)?;
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        Ok(json!({"appointment_id": booked.id, "booked": venue_time(tz, booked.starts_at)}))
    }

    fn summary(out: &Value) -> String {
        format!("Booked for {}", out["booked"].as_str().unwrap_or("the time asked"))
    }
}

fn booking_error(e: booking::BookingError) -> ToolError {
    match e {
        booking::BookingError::Store(s) => s.into(),
        other => ToolError::Conflict(other.to_string()),
    }
}

pub struct ListAppointments;

impl Tool for ListAppointments {
    const NAME: &'static str = "list_appointments";
    const LABEL: &'static str = "List appointments";
    const DESCRIPTION: &'static str =
        "List upcoming appointments (a client's own; the venue's for staff) with their ids.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = None;
    type Args = NoArgs;
    type Output = Value;

    async fn run(cx: &ToolCx<'_>, _: NoArgs) -> Result<Value, ToolError> {
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        let list = scheduling::appointments(cx.pool, cx.actor, chrono::Utc::now(), None).await?;
        Ok(json!({"appointments": list.iter().map(|a| json!({
            "appointment_id": a.id, "type": a.type_name, "client": a.client_name, "when": venue_time(tz, a.starts_at), "status": a.status,
        })).collect::<Vec<_>>()}))
    }

    fn summary(out: &Value) -> String {
        plural(out["appointments"].as_array().map_or(0, Vec::len), "appointment", "appointments")
    }
}

pub struct RescheduleAppointment;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleArgs {
    /// The appointment (from list_appointments).
    pub appointment_id: i64,
    /// The exact `starts_at` of a free slot of the same type (from get_available_slots).
    pub starts_at: chrono::DateTime<chrono::Utc>,
}

impl Tool for RescheduleAppointment {
    const NAME: &'static str = "reschedule_appointment";
    const LABEL: &'static str = "Reschedule an appointment";
    const DESCRIPTION: &'static str =
        "Move an appointment to another free slot of its type. The person confirms first.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = RescheduleArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &RescheduleArgs) -> Result<Preview, ToolError> {
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        let current = scheduling::appointment(cx.pool, cx.actor, a.appointment_id).await?;
        Ok(Preview {
            summary: format!("Move the {} to {}", current.type_name.to_lowercase(), venue_time(tz, a.starts_at)),
            record: format!("Appointment: {}", current.type_name),
            changes: vec![FieldChange {
                field: "When".into(),
                before: venue_time(tz, current.starts_at),
                after: venue_time(tz, a.starts_at),
            }],
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: RescheduleArgs) -> Result<Value, ToolError> {
        let moved = booking::reschedule(
            cx.pool,
            &mut *cx.writer().await?,
            cx.actor,
            a.appointment_id,
            a.starts_at,
            "asked the assistant",
            chrono::Utc::now(),
        )
        .await
        .map_err(booking_error)?;
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        Ok(json!({"appointment_id": moved.id, "moved_to": venue_time(tz, moved.starts_at)}))
    }

    fn summary(out: &Value) -> String {
        format!("Moved to {}", out["moved_to"].as_str().unwrap_or("the new time"))
    }
}

pub struct CancelAppointment;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelArgs {
    /// The appointment (from list_appointments).
    pub appointment_id: i64,
    /// Why, in the person's words.
    #[schemars(length(max = 1000))]
    pub reason: Option<String>,
}

impl Tool for CancelAppointment {
    const NAME: &'static str = "cancel_appointment";
    const LABEL: &'static str = "Cancel an appointment";
    const DESCRIPTION: &'static str = "Cancel an appointment. The person confirms first.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = CancelArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &CancelArgs) -> Result<Preview, ToolError> {
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        let current = scheduling::appointment(cx.pool, cx.actor, a.appointment_id).await?;
        Ok(Preview {
            summary: format!(
                "Cancel the {} on {}",
                current.type_name.to_lowercase(),
                venue_time(tz, current.starts_at)
            ),
            record: format!("Appointment: {}", current.type_name),
            changes: vec![FieldChange {
                field: "Status".into(),
                before: current.status.clone(),
                after: "cancelled".into(),
            }],
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: CancelArgs) -> Result<Value, ToolError> {
        let reason = a.reason.unwrap_or_default();
        let c =
            booking::cancel(cx.pool, &mut *cx.writer().await?, cx.actor, a.appointment_id, &reason, chrono::Utc::now())
                .await
                .map_err(booking_error)?;
        Ok(json!({"appointment_id": c.id, "status": c.status}))
    }

    fn summary(_: &Value) -> String {
        "Cancelled".into()
    }
}
