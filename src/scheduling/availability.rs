//! Free slots for an appointment type: a pure function of the resources' working hours (weekly,
//! in the venue's time zone, with date overrides), what is already booked, the type's duration,
//! buffers and notice, and now. Times are stored and compared in UTC; hours are wall-clock
//! times in the venue's zone, converted day by day, so daylight-saving changes fall out right:
//! a wall-clock time that does not exist (spring forward) has no slot, one that exists twice
//! (fall back) is taken at its first occurrence, and every slot lasts its real duration.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// A half-open interval of time, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Span {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Self { start, end }
    }

    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Wall-clock hours on a weekday (`start < end`, the same day).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WeeklyHours {
    pub weekday: Weekday,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// A change to one date's hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Override {
    /// Closed all day (a holiday).
    Closed(NaiveDate),
    /// Extra hours that day (on top of the weekly ones).
    Extra { date: NaiveDate, start: NaiveTime, end: NaiveTime },
    /// Time off that day (taken out of the hours).
    Off { date: NaiveDate, start: NaiveTime, end: NaiveTime },
}

/// One resource (a staff member, a room, equipment) as availability sees it.
#[derive(Clone, Debug, Default)]
pub struct Resource {
    pub hours: Vec<WeeklyHours>,
    pub overrides: Vec<Override>,
    /// What is booked already, buffers included.
    pub busy: Vec<Span>,
}

/// What is being booked.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    pub duration: Duration,
    pub buffer_before: Duration,
    pub buffer_after: Duration,
    /// How long before its start a slot can still be booked.
    pub min_notice: Duration,
    /// Slots start on this grid of wall-clock minutes from midnight (e.g. every 15 minutes).
    pub step: Duration,
}

/// A bookable slot: the appointment itself, and the span it blocks (with its buffers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Slot {
    pub fn block(&self, r: &Request) -> Span {
        Span::new(self.start - r.buffer_before, self.end + r.buffer_after)
    }
}

/// The UTC instant of a wall-clock time in `tz`: `None` in a spring-forward gap, the first of
/// two in a fall-back overlap.
pub fn instant(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc))
}

/// The UTC instant of `time` on `date` in `tz`; a time in a spring-forward gap moves to the
/// first instant after it (gaps last at most a few hours).
pub fn instant_or_after(tz: Tz, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    let local = date.and_time(time);
    instant(tz, local).or_else(|| (1..=240).find_map(|m| instant(tz, local + Duration::minutes(m))))
}

/// An hours interval of `date` in UTC. An end at or before its start means "until midnight"
/// only for 00:00 (a day that ends at 24:00); a bound in a DST gap moves to the gap's end.
fn span_of(tz: Tz, date: NaiveDate, start: NaiveTime, end: NaiveTime) -> Option<Span> {
    let at = |d: NaiveDate, t: NaiveTime| instant_or_after(tz, d, t);
    let s = at(date, start)?;
    let e = if end == NaiveTime::MIN { at(date.succ_opt()?, end)? } else { at(date, end)? };
    (s < e).then(|| Span::new(s, e))
}

/// A resource's working spans on `date` (UTC), overrides applied, sorted and disjoint.
pub fn working(tz: Tz, resource: &Resource, date: NaiveDate) -> Vec<Span> {
    if resource.overrides.iter().any(|o| matches!(o, Override::Closed(d) if *d == date)) {
        return Vec::new();
    }
    let mut spans: Vec<Span> = resource
        .hours
        .iter()
        .filter(|h| h.weekday == date.weekday())
        .filter_map(|h| span_of(tz, date, h.start, h.end))
        .collect();
    for o in &resource.overrides {
        if let Override::Extra { date: d, start, end } = o {
            if *d == date {
                spans.extend(span_of(tz, date, *start, *end));
            }
        }
    }
    let mut spans = merge(spans);
    for o in &resource.overrides {
        if let Override::Off { date: d, start, end } = o {
            if *d == date {
                if let Some(off) = span_of(tz, date, *start, *end) {
                    spans = subtract(&spans, &off);
                }
            }
        }
    }
    spans
}

fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// Whether `span` overlaps any of `merged` (sorted, disjoint, as `merge` leaves them): the first
/// one ending after `span` starts is the only candidate, found by binary search.
fn overlaps_any(merged: &[Span], span: &Span) -> bool {
    let i = merged.partition_point(|b| b.end <= span.start);
    merged.get(i).is_some_and(|b| b.start < span.end)
}

fn subtract(spans: &[Span], cut: &Span) -> Vec<Span> {
    let mut out = Vec::new();
    for s in spans {
        if !s.overlaps(cut) {
            out.push(*s);
            continue;
        }
        if s.start < cut.start {
            out.push(Span::new(s.start, cut.start));
        }
        if cut.end < s.end {
            out.push(Span::new(cut.end, s.end));
        }
    }
    out
}

/// Free slots for `request` on the local dates `from..=to`, needing every one of `resources`
/// at once, starting no sooner than `now + min_notice`. Sorted, without duplicates.
pub fn free_slots(
    tz: Tz,
    resources: &[Resource],
    request: &Request,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<Slot> {
    let mut out = Vec::new();
    if resources.is_empty() || request.duration <= Duration::zero() || request.step <= Duration::zero() {
        return out;
    }
    let earliest = now + request.min_notice;
    let mut busy: Vec<Vec<Span>> = resources.iter().map(|r| merge(r.busy.clone())).collect();
    busy.iter_mut().for_each(|b| b.shrink_to_fit());
    let mut date = from;
    while date <= to {
        let days: Vec<Vec<Span>> = resources.iter().map(|r| working(tz, r, date)).collect();
        if days.iter().all(|d| !d.is_empty()) {
            // Candidate starts: the wall-clock grid of this date.
            let mut minute = Duration::zero();
            while minute < Duration::days(1) {
                let local = date.and_time(NaiveTime::MIN) + minute;
                minute += request.step;
                // Each wall-clock time once: none in a spring-forward gap, the first occurrence
                // in a fall-back hour.
                let Some(start) = instant(tz, local) else { continue };
                let slot = Slot { start, end: start + request.duration };
                if slot.start < earliest {
                    continue;
                }
                let inside = Span::new(slot.start, slot.end);
                let block = slot.block(request);
                let fits = days
                    .iter()
                    .zip(&busy)
                    .all(|(hours, taken)| hours.iter().any(|h| h.contains(&inside)) && !overlaps_any(taken, &block));
                if fits {
                    out.push(slot);
                }
            }
        }
        match date.succ_opt() {
            Some(d) => date = d,
            None => break,
        }
    }
    out.sort_by_key(|s| s.start);
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;
    use proptest::prelude::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn d(y: i32, mo: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, mo, day).unwrap()
    }

    fn weekdays(start: NaiveTime, end: NaiveTime) -> Vec<WeeklyHours> {
        [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun]
            .into_iter()
            .map(|weekday| WeeklyHours { weekday, start, end })
            .collect()
    }

    fn request(minutes: i64, before: i64, after: i64) -> Request {
        Request {
            duration: Duration::minutes(minutes),
            buffer_before: Duration::minutes(before),
            buffer_after: Duration::minutes(after),
            min_notice: Duration::zero(),
            step: Duration::minutes(15),
        }
    }

    fn utc(y: i32, mo: u32, day: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, day, h, m, 0).unwrap()
    }

    fn local_starts(slots: &[Slot]) -> Vec<String> {
        slots.iter().map(|s| s.start.with_timezone(&New_York).format("%H:%M").to_string()).collect()
    }

    #[test]
    fn slots_keep_within_hours_and_their_buffers_clear_of_bookings() {
        let mut r = Resource { hours: weekdays(t(9, 0), t(13, 0)), ..Resource::default() };
        // 10:00–10:30 New York (EST, UTC−5) is taken (its own buffers already in the span).
        r.busy.push(Span::new(utc(2026, 1, 14, 15, 0), utc(2026, 1, 14, 15, 30)));
        let q = request(60, 15, 15);
        let slots =
            free_slots(New_York, std::slice::from_ref(&r), &q, d(2026, 1, 14), d(2026, 1, 14), utc(2026, 1, 1, 0, 0));
        // 09:00 would end at 10:00, but its buffer after reaches into the booking.
        assert_eq!(local_starts(&slots), ["10:45", "11:00", "11:15", "11:30", "11:45", "12:00"]);
        // Notice: nothing that starts within 2 hours of now (11:00 local).
        let q = Request { min_notice: Duration::hours(2), ..q };
        let slots = free_slots(New_York, &[r], &q, d(2026, 1, 14), d(2026, 1, 14), utc(2026, 1, 14, 16, 0));
        assert!(slots.is_empty(), "the last start, 12:00, is only an hour away: {:?}", local_starts(&slots));
    }

    #[test]
    fn overrides_close_add_and_take_out_hours() {
        let date = d(2026, 1, 14);
        let base = Resource { hours: weekdays(t(9, 0), t(11, 0)), ..Resource::default() };
        let q = Request { step: Duration::minutes(60), ..request(60, 0, 0) };
        let now = utc(2026, 1, 1, 0, 0);
        let closed = Resource { overrides: vec![Override::Closed(date)], ..base.clone() };
        assert!(free_slots(New_York, &[closed], &q, date, date, now).is_empty());
        let extra =
            Resource { overrides: vec![Override::Extra { date, start: t(14, 0), end: t(16, 0) }], ..base.clone() };
        assert_eq!(
            local_starts(&free_slots(New_York, &[extra], &q, date, date, now)),
            ["09:00", "10:00", "14:00", "15:00"]
        );
        let off = Resource { overrides: vec![Override::Off { date, start: t(9, 0), end: t(10, 0) }], ..base.clone() };
        assert_eq!(local_starts(&free_slots(New_York, &[off], &q, date, date, now)), ["10:00"]);
        // Two resources at once: only where both work.
        let room = Resource { hours: weekdays(t(10, 0), t(12, 0)), ..Resource::default() };
        assert_eq!(local_starts(&free_slots(New_York, &[base, room], &q, date, date, now)), ["10:00"]);
    }

    #[test]
    fn daylight_saving_days_have_real_durations_and_no_missing_hours() {
        // Open through the night: 2026-03-08 02:00–03:00 does not exist in New York, and
        // 2026-11-01 01:00–02:00 happens twice.
        let r = Resource { hours: weekdays(t(0, 0), t(6, 0)), ..Resource::default() };
        let q = Request { step: Duration::minutes(60), ..request(60, 0, 0) };
        let now = utc(2026, 1, 1, 0, 0);
        let spring = free_slots(New_York, std::slice::from_ref(&r), &q, d(2026, 3, 8), d(2026, 3, 8), now);
        // 00:00–06:00 that day is five real hours: no 02:00 slot.
        assert_eq!(local_starts(&spring), ["00:00", "01:00", "03:00", "04:00", "05:00"]);
        let fall = free_slots(New_York, &[r], &q, d(2026, 11, 1), d(2026, 11, 1), now);
        // Seven real hours; 01:00 is offered once (its first occurrence).
        assert_eq!(local_starts(&fall), ["00:00", "01:00", "02:00", "03:00", "04:00", "05:00"]);
        for s in spring.iter().chain(&fall) {
            assert_eq!(s.end - s.start, Duration::minutes(60));
        }
    }

    fn arb_resource(day: NaiveDate) -> impl Strategy<Value = Resource> {
        let hours = (0u32..20, 1u32..10).prop_map(|(s, len)| (s, (s + len).min(24)));
        let busy = proptest::collection::vec((0i64..(26 * 60), 5i64..240), 0..8);
        (hours, busy, proptest::bool::ANY).prop_map(move |((s, e), busy, off)| {
            let end = if e == 24 { NaiveTime::MIN } else { t(e, 0) };
            let base =
                New_York.from_local_datetime(&day.and_time(NaiveTime::MIN)).earliest().unwrap().with_timezone(&Utc);
            Resource {
                hours: weekdays(t(s, 0), end),
                overrides: if off { vec![Override::Off { date: day, start: t(s, 30), end: t(s, 45) }] } else { vec![] },
                busy: busy
                    .into_iter()
                    .map(|(from, len)| Span::new(base + Duration::minutes(from), base + Duration::minutes(from + len)))
                    .collect(),
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// On any day (DST days included), for any hours, bookings and buffers: every slot lies
        /// inside every resource's hours, no slot's block (with buffers) overlaps a booking, slots
        /// last their duration, and none starts before the notice allows.
        #[test]
        fn slots_never_overlap_bookings_and_stay_in_hours(
            day in prop::sample::select(vec![d(2026, 3, 8), d(2026, 11, 1), d(2026, 6, 15), d(2026, 12, 31)]),
            resources in proptest::collection::vec(arb_resource(d(2026, 3, 8)), 1..3),
            minutes in 15i64..120, before in 0i64..45, after in 0i64..45, notice in 0i64..600,
        ) {
            // Re-anchor the bookings on the chosen day.
            let shift = New_York.from_local_datetime(&day.and_time(NaiveTime::MIN)).earliest().unwrap().with_timezone(&Utc)
                - New_York.from_local_datetime(&d(2026, 3, 8).and_time(NaiveTime::MIN)).earliest().unwrap().with_timezone(&Utc);
            let resources: Vec<Resource> = resources.into_iter().map(|mut r| {
                r.busy.iter_mut().for_each(|b| { b.start += shift; b.end += shift; });
                r.overrides = r.overrides.into_iter().map(|o| match o {
                    Override::Off { start, end, .. } => Override::Off { date: day, start, end },
                    o => o,
                }).collect();
                r
            }).collect();
            let q = Request { min_notice: Duration::minutes(notice), ..request(minutes, before, after) };
            let now = New_York.from_local_datetime(&day.and_time(t(6, 0))).earliest().unwrap().with_timezone(&Utc);
            let slots = free_slots(New_York, &resources, &q, day, day, now);
            for w in slots.windows(2) {
                prop_assert!(w[0].start < w[1].start);
            }
            for s in &slots {
                prop_assert_eq!(s.end - s.start, q.duration);
                prop_assert!(s.start >= now + q.min_notice);
                for r in &resources {
                    let block = s.block(&q);
                    prop_assert!(!r.busy.iter().any(|b| b.overlaps(&block)), "{:?} overlaps {:?}", block, r.busy);
                    // Inside the hours, checked on the wall clock independently of `working`.
                    let (ls, le) = (s.start.with_timezone(&New_York), s.end.with_timezone(&New_York));
                    let h = r.hours.iter().find(|h| h.weekday == day.weekday()).unwrap();
                    prop_assert_eq!(ls.date_naive(), day);
                    prop_assert!(ls.time() >= h.start);
                    if h.end != NaiveTime::MIN {
                        prop_assert!(le.date_naive() == day && le.time() <= h.end, "{} ends after {}", le, h.end);
                    }
                    for o in &r.overrides {
                        if let Override::Off { start, end, .. } = o {
                            // (Time off that falls in a DST gap takes nothing out.)
                            if let (Some(a), Some(b)) = (instant(New_York, day.and_time(*start)), instant(New_York, day.and_time(*end))) {
                                prop_assert!(!Span::new(a, b).overlaps(&Span::new(s.start, s.end)));
                            }
                        }
                    }
                }
            }
        }
    }
}
