//! What a specialist works from, read from the store as the person who ordered, and the exact
//! parts of each deliverable set out from it (prices and totals, times, vendors' lines, the
//! menu), so that no number, time or name in them comes from the model.

use crate::domain::records::{Element, EventDetail, EventVendor};
use crate::domain::studio::{
    FOLLOW_UP_WRITER, MENU_CARD_DESIGNER, PROPOSAL_WRITER, SOCIAL_POST_WRITER, TIMELINE_PLANNER, VENDOR_BRIEF_WRITER,
};
use crate::domain::{format_money, ElementStatus};
use crate::store::services::Service;
use crate::store::{Actor, StoreResult};
use chrono::NaiveTime;
use sqlx::PgPool;
use std::fmt::Write;

/// The records a run reads, and the facts the model is given.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub venue_name: String,
    pub event: Option<EventDetail>,
    pub elements: Vec<Element>,
    pub vendors: Vec<EventVendor>,
    pub services: Vec<Service>,
    /// The facts as the model reads them (one per line).
    pub facts: String,
}

impl Inputs {
    /// The deliverable's title: "Proposal Writer · Emma & Liam's Wedding".
    pub fn title(&self, specialist: &str) -> String {
        match &self.event {
            Some(e) => format!("{specialist} · {}", e.title),
            None => specialist.to_string(),
        }
    }
}

/// Reads the order's event (when it has one) with its elements and vendors, and the venue's
/// services, as `actor` may see them.
pub async fn gather(pool: &PgPool, actor: &Actor, event_id: Option<i64>, specialist: &str) -> StoreResult<Inputs> {
    let mut inputs = Inputs { venue_name: actor.venue_name.clone(), ..Default::default() };
    if let Some(id) = event_id {
        inputs.event = Some(crate::store::events::detail(pool, actor, id).await?);
        inputs.elements = crate::store::elements::list(pool, actor, id).await?.elements;
        inputs.vendors = crate::store::events::vendors(pool, actor, id).await?;
    }
    if specialist == PROPOSAL_WRITER {
        inputs.services = crate::store::services::list(pool, actor, None).await?;
    }
    inputs.facts = facts(&inputs, specialist);
    Ok(inputs)
}

fn time(t: NaiveTime) -> String {
    t.format("%-I:%M %p").to_string()
}

/// "Thursday, December 17, 2026".
fn day(d: chrono::NaiveDate) -> String {
    d.format("%A, %B %-d, %Y").to_string()
}

/// The facts, one per line. A social post is told nothing about the client (it is public).
fn facts(i: &Inputs, specialist: &str) -> String {
    let mut f = format!("- Venue: {}\n", i.venue_name);
    let public = specialist == SOCIAL_POST_WRITER;
    if let Some(e) = &i.event {
        let _ = writeln!(f, "- Event: {} ({})", e.title, e.status.label());
        let _ = writeln!(f, "- Date: {}", day(e.event_date));
        if let Some(s) = e.start_time {
            let end = e.end_time.map(|t| format!(" to {}", time(t))).unwrap_or_default();
            let _ = writeln!(f, "- Time: {}{end}", time(s));
        }
        if let Some(space) = &e.space_name {
            let _ = writeln!(f, "- Space: {space}");
        }
        if e.guest_count > 0 {
            let _ = writeln!(f, "- Guests expected: {}", e.guest_count);
        }
        if !public {
            let _ = writeln!(f, "- Client: {}", e.client_name);
            if e.budget_cents > 0 && specialist == PROPOSAL_WRITER {
                let _ = writeln!(f, "- Budget: {}", format_money(e.budget_cents));
            }
        }
        let chosen: Vec<&Element> = i.elements.iter().filter(|el| el.status != ElementStatus::Declined).collect();
        if !chosen.is_empty() {
            let names: Vec<String> =
                chosen.iter().take(20).map(|el| format!("{} ({})", el.name, el.category)).collect();
            let _ = writeln!(f, "- Plan: {}", names.join(", "));
        }
        if !i.vendors.is_empty() && !public {
            let names: Vec<String> = i.vendors.iter().map(|v| format!("{} ({})", v.name, v.category)).collect();
            let _ = writeln!(f, "- Vendors: {}", names.join(", "));
        }
    }
    f
}

/// The exact part of a built-in specialist's deliverable, in Markdown; `None` for the others
/// and when there is nothing to set out.
pub fn appendix(specialist: &str, i: &Inputs) -> Option<String> {
    match specialist {
        PROPOSAL_WRITER => Some(pricing(i)),
        TIMELINE_PLANNER => i.event.as_ref().map(|e| run_of_show(e, i)),
        MENU_CARD_DESIGNER => menu(i),
        VENDOR_BRIEF_WRITER => i.event.as_ref().map(|e| vendor_lines(e, i)),
        FOLLOW_UP_WRITER => i.event.as_ref().map(event_card),
        _ => None,
    }
}

/// An opening written from the facts alone, for when none of the model's prose holds up.
pub fn intro(specialist: &str, i: &Inputs, specialist_name: &str) -> String {
    let venue = &i.venue_name;
    let Some(e) = &i.event else {
        return match specialist {
            SOCIAL_POST_WRITER => format!("Plan your next celebration at {venue}."),
            _ => format!("From the {specialist_name} of {venue}."),
        };
    };
    let date = day(e.event_date);
    let place = e.space_name.as_deref().map(|s| format!(" in the {s}")).unwrap_or_default();
    let guests = if e.guest_count > 0 { format!(" for {} guests", e.guest_count) } else { String::new() };
    match specialist {
        PROPOSAL_WRITER => format!(
            "Thank you for considering {venue} for {}. Here is our proposal for {date}{place}{guests}.",
            e.title
        ),
        TIMELINE_PLANNER => format!("The run-of-show for {} on {date}{place}{guests}.", e.title),
        MENU_CARD_DESIGNER => format!("Welcome to {}.", e.title),
        VENDOR_BRIEF_WRITER => format!(
            "Thank you for working with {venue} on {}. Please read the details below and arrive at your time.",
            e.title
        ),
        FOLLOW_UP_WRITER => {
            format!("Thank you for planning {} with {venue}. We will be in touch about the next step.", e.title)
        }
        _ => format!("From the {specialist_name} of {venue}, for {} on {date}.", e.title),
    }
}

/// Escapes a cell of a Markdown table.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The proposal's prices: the event's chosen elements when it has some, else an estimate from
/// the venue's services for the guest count and hours; a total, and the budget beside it.
fn pricing(i: &Inputs) -> String {
    let mut out = String::from("## Pricing\n\n| Item | Quantity | Unit price | Amount |\n|---|---:|---:|---:|\n");
    let mut total: i64 = 0;
    let chosen: Vec<&Element> =
        i.elements.iter().filter(|el| el.status != ElementStatus::Declined && el.price_cents > 0).collect();
    let guests = i.event.as_ref().map_or(0, |e| e.guest_count.max(0));
    if !chosen.is_empty() {
        for el in chosen {
            let amount = el.price_cents.saturating_mul(i64::from(el.quantity));
            total = total.saturating_add(amount);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&el.name),
                el.quantity,
                format_money(el.price_cents),
                format_money(amount)
            );
        }
    } else {
        let hours = i
            .event
            .as_ref()
            .and_then(|e| Some((e.end_time? - e.start_time?).num_minutes()))
            .filter(|m| *m > 0)
            .map_or(4, |m| (m + 59) / 60);
        for s in i.services.iter().filter(|s| s.price_cents > 0) {
            let qty = match s.unit.as_str() {
                "per_guest" => i64::from(guests),
                "per_hour" => hours,
                _ => 1,
            };
            if qty == 0 {
                continue;
            }
            let amount = s.price_cents.saturating_mul(qty);
            total = total.saturating_add(amount);
            let unit = match s.unit.as_str() {
                "per_guest" => " per guest",
                "per_hour" => " per hour",
                _ => "",
            };
            let _ = writeln!(
                out,
                "| {} | {qty} | {}{unit} | {} |",
                cell(&s.name),
                format_money(s.price_cents),
                format_money(amount)
            );
        }
        if total == 0 {
            return "## Pricing\n\nNo prices are on file yet for this event; the venue team will send them separately."
                .into();
        }
        out.push_str("\n_An estimate from the venue's price list");
        if guests > 0 {
            let _ = write!(out, " for {guests} guests");
        }
        let _ = writeln!(out, " and {hours} hours; your choices will set the final figures._");
    }
    let _ = write!(out, "\n**Total: {}**", format_money(total));
    if let Some(e) = i.event.as_ref().filter(|e| e.budget_cents > 0) {
        let _ = write!(out, " (budget {})", format_money(e.budget_cents));
    }
    out.push('\n');
    out
}

/// The run-of-show: vendors' arrivals, the start, the plan in the order it happens, the end.
fn run_of_show(e: &EventDetail, i: &Inputs) -> String {
    let mut rows: Vec<(Option<NaiveTime>, String)> = Vec::new();
    for v in i.vendors.iter().filter(|v| v.status != "declined") {
        let what = if v.service.is_empty() { v.category.clone() } else { v.service.clone() };
        rows.push((v.arrival, format!("{} arrives ({})", v.name, what)));
    }
    if let Some(s) = e.start_time {
        let place = e.space_name.as_deref().map(|s| format!(" in the {s}")).unwrap_or_default();
        rows.push((Some(s), format!("Event begins{place}")));
    }
    // The plan after the start, by the order courses usually come.
    let order = ["beverage", "music", "menu", "photography", "decor", "floral", "rentals", "other"];
    let mut plan: Vec<&Element> = i.elements.iter().filter(|el| el.status != ElementStatus::Declined).collect();
    plan.sort_by_key(|el| order.iter().position(|c| *c == el.category).unwrap_or(order.len()));
    for el in plan {
        rows.push((None, format!("{} ({})", el.name, el.category)));
    }
    if let Some(end) = e.end_time {
        rows.push((Some(end), "Event ends; vendors load out".into()));
    }
    // Timed rows in time order; untimed ones keep their place after the start.
    let start = e.start_time;
    rows.sort_by_key(|(t, _)| match (t, start) {
        (Some(t), _) => (*t, 0),
        (None, Some(s)) => (s, 1),
        (None, None) => (NaiveTime::MIN, 1),
    });
    let mut out = format!("## Run of show: {}\n\n| Time | What happens |\n|---|---|\n", day(e.event_date));
    for (t, what) in rows {
        let _ = writeln!(out, "| {} | {} |", t.map(time).unwrap_or_else(|| "During the event".into()), cell(&what));
    }
    out
}

/// The menu course by course (menu, then drinks); `None` when the event has neither.
fn menu(i: &Inputs) -> Option<String> {
    let mut out = String::from("## Menu\n");
    let mut any = false;
    for (category, heading) in [("menu", "Dinner"), ("beverage", "Drinks")] {
        let items: Vec<&Element> =
            i.elements.iter().filter(|el| el.category == category && el.status != ElementStatus::Declined).collect();
        if items.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(out, "\n### {heading}\n");
        for el in items {
            let _ = writeln!(out, "**{}**", el.name.replace('*', ""));
            if !el.description.is_empty() {
                let _ = writeln!(out, "\n{}", el.description.replace('*', ""));
            }
            out.push('\n');
        }
    }
    any.then_some(out)
}

/// Each vendor's line: what, when to arrive, and how to reach them.
fn vendor_lines(e: &EventDetail, i: &Inputs) -> String {
    let mut out = format!("## The day\n\n- **Event:** {}\n- **Date:** {}\n", e.title, day(e.event_date));
    if let Some(s) = e.start_time {
        let _ = writeln!(out, "- **Starts:** {}", time(s));
    }
    if let Some(space) = &e.space_name {
        let _ = writeln!(out, "- **Space:** {space}");
    }
    if e.guest_count > 0 {
        let _ = writeln!(out, "- **Guests:** {}", e.guest_count);
    }
    out.push_str("\n## Vendors\n\n| Vendor | Service | Arrival | Contact |\n|---|---|---|---|\n");
    if i.vendors.is_empty() {
        return format!("{out}| No vendors are assigned yet | | | |\n");
    }
    for v in &i.vendors {
        let service = if v.service.is_empty() { v.category.as_str() } else { v.service.as_str() };
        let contact = [v.email.as_str(), v.phone.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&v.name),
            cell(service),
            v.arrival.map(time).unwrap_or_else(|| "to be set".into()),
            cell(&contact)
        );
    }
    out
}

/// The event at a glance, for a follow-up.
fn event_card(e: &EventDetail) -> String {
    let mut out = format!("## Your event\n\n- **{}**, {}", e.title, day(e.event_date));
    if let Some(s) = e.start_time {
        let _ = write!(out, " at {}", time(s));
    }
    if let Some(space) = &e.space_name {
        let _ = write!(out, ", {space}");
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EventStatus;
    use chrono::NaiveDate;

    fn event() -> EventDetail {
        EventDetail {
            id: 1,
            title: "Emma & Liam's Wedding".into(),
            event_date: NaiveDate::from_ymd_opt(2027, 6, 12).unwrap(),
            start_time: NaiveTime::from_hms_opt(17, 0, 0),
            end_time: NaiveTime::from_hms_opt(23, 0, 0),
            status: EventStatus::Confirmed,
            space_id: Some(1),
            space_name: Some("Harbor Room".into()),
            client_id: 1,
            client_name: "Emma Clark".into(),
            client_email: "emma@example.com".into(),
            client_phone: String::new(),
            guest_count: 120,
            budget_cents: 4_500_000,
            notes: String::new(),
            updated_at: chrono::Utc::now(),
        }
    }

    fn element(name: &str, category: &str, qty: i32, price: i64, status: ElementStatus) -> Element {
        Element {
            id: 1,
            category: category.into(),
            name: name.into(),
            description: String::new(),
            quantity: qty,
            price_cents: price,
            status,
            vendor_name: None,
        }
    }

    #[test]
    fn a_proposal_prices_the_chosen_elements_and_totals_them() {
        let i = Inputs {
            event: Some(event()),
            elements: vec![
                element("Plated dinner", "menu", 120, 8_500, ElementStatus::Confirmed),
                element("Champagne toast", "beverage", 120, 1_200, ElementStatus::Requested),
                element("Ice sculpture", "decor", 1, 90_000, ElementStatus::Declined),
            ],
            ..Default::default()
        };
        let p = pricing(&i);
        assert!(p.contains("| Plated dinner | 120 | $85.00 | $10,200.00 |"), "{p}");
        assert!(!p.contains("Ice sculpture"), "{p}");
        assert!(p.contains("**Total: $11,640.00** (budget $45,000.00)"), "{p}");
    }

    #[test]
    fn an_inquiry_without_elements_is_estimated_from_the_price_list() {
        let svc = |name: &str, unit: &str, price: i64| Service {
            id: 1,
            name: name.into(),
            category: "venue".into(),
            unit: unit.into(),
            price_cents: price,
        };
        let i = Inputs {
            event: Some(event()),
            services: vec![
                svc("Room hire", "per_hour", 50_000),
                svc("Dinner", "per_guest", 9_000),
                svc("Setup", "flat", 30_000),
            ],
            ..Default::default()
        };
        let p = pricing(&i);
        assert!(p.contains("| Room hire | 6 | $500.00 per hour | $3,000.00 |"), "{p}");
        assert!(p.contains("| Dinner | 120 | $90.00 per guest | $10,800.00 |"), "{p}");
        assert!(p.contains("**Total: $14,100.00**"), "{p}");
        assert!(p.contains("for 120 guests and 6 hours"), "{p}");
    }

    #[test]
    fn a_run_of_show_orders_arrivals_before_the_start() {
        let vendor = |name: &str, at: u32| EventVendor {
            vendor_id: 1,
            name: name.into(),
            category: "music".into(),
            email: String::new(),
            phone: String::new(),
            service: String::new(),
            status: "confirmed".into(),
            arrival: NaiveTime::from_hms_opt(at, 0, 0),
        };
        let i = Inputs {
            event: Some(event()),
            vendors: vec![vendor("Big Beats", 15), vendor("Petal Studio", 13)],
            elements: vec![element("Plated dinner", "menu", 120, 8_500, ElementStatus::Confirmed)],
            ..Default::default()
        };
        let r = run_of_show(i.event.as_ref().unwrap(), &i);
        let petal = r.find("Petal Studio").unwrap();
        let beats = r.find("Big Beats").unwrap();
        let begins = r.find("Event begins in the Harbor Room").unwrap();
        let dinner = r.find("Plated dinner").unwrap();
        let ends = r.find("Event ends").unwrap();
        assert!(petal < beats && beats < begins && begins < dinner && dinner < ends, "{r}");
        assert!(r.contains("| 1:00 PM | Petal Studio arrives (music) |"), "{r}");
    }

    #[test]
    fn a_social_post_is_told_nothing_of_the_client() {
        let i = Inputs { venue_name: "Harbor Hall".into(), event: Some(event()), ..Default::default() };
        let f = facts(&i, SOCIAL_POST_WRITER);
        assert!(!f.contains("Emma Clark") && f.contains("Harbor Hall"), "{f}");
        assert!(facts(&i, FOLLOW_UP_WRITER).contains("Client: Emma Clark"));
        assert!(appendix(SOCIAL_POST_WRITER, &i).is_none());
        assert!(appendix("my-own", &i).is_none());
        assert!(menu(&i).is_none());
    }
}
