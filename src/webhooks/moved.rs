//! The `register.matters_moved` event: after each change of the data in force, for each
//! register, the open matters the change moved — their due date on the data before was the
//! one their office acknowledged, and on the data after it is another — with their old and
//! new due dates and the changed days that moved each. Made, signed, kept and retried as
//! `calendar.changed` is (the same subscribers, the same backlog); a register none of whose
//! matters moved gets no event.
//!
//! The bodies name documents of government offices: they go to the subscribers and the
//! backlog only, never to the log (which says how many registers and matters were told).

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::{Event, Webhooks, now_ms};
use crate::base::{error_chain, hex};
use crate::calendar::diff::{DayChange, ShownChange, changed_days};
use crate::deadline::Context;
use crate::register::{ChangedDays, Moved};
use crate::registers::{Kept, Registers};
use crate::store::InForce;

/// The event's type.
pub const MATTERS_MOVED: &str = "register.matters_moved";

/// The most bytes of matters one event lists: a register with more moved matters is told in
/// several events (`part` of `parts`), each well under what the backlog reads back.
const MAX_MATTERS_BYTES: usize = 96 * 1024;

/// The most characters of a document number or subject an event repeats (the matter's id
/// names it whole).
const MAX_TEXT_CHARS: usize = 200;

#[derive(Serialize)]
struct MatterDto<'a> {
    id: &'a str,
    doc_number: String,
    subject: String,
    old_due_date: NaiveDate,
    new_due_date: NaiveDate,
    moved_by: Vec<ShownChange<'a>>,
}

/// The body, in the order a reader expects the fields.
#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    timestamp: String,
    register_id: &'a str,
    data_version: &'a str,
    previous_version: &'a str,
    part: usize,
    parts: usize,
    matters: Vec<&'a RawValue>,
}

fn shortened(text: &str) -> String {
    text.chars().take(MAX_TEXT_CHARS).collect()
}

/// The `webhook-id` of part `part` of register `register`'s event for the change from
/// `previous` to `new` that came into force at `at`: the same on every replica that sees the
/// change, so that replicas sharing the state directory tell it once.
fn event_id(register: &str, previous: &str, new: &str, at: DateTime<Utc>, part: usize) -> String {
    let digest = Sha256::digest(format!(
        "{MATTERS_MOVED}:{register}:{previous}:{new}:{}:{part}",
        at.timestamp_millis()
    ));
    format!("msg_{}", hex(&digest[..16]))
}

impl Event {
    /// The events telling register `register` that the change from `old` to `new`, in force
    /// since `at`, moved `moved` (none when it moved nothing): one, or several parts when
    /// the matters are many.
    pub fn matters_moved(
        register: &str,
        old: &InForce,
        new: &InForce,
        at: DateTime<Utc>,
        moved: &[(&Kept, Moved<'_>)],
    ) -> Vec<Event> {
        let matters: Vec<Box<RawValue>> = moved
            .iter()
            .filter_map(|(kept, m)| {
                let dto = MatterDto {
                    id: &kept.id,
                    doc_number: shortened(&kept.matter.doc_number),
                    subject: shortened(&kept.matter.subject),
                    old_due_date: m.old_due,
                    new_due_date: m.new_due,
                    moved_by: m.by.iter().map(|c| ShownChange::from(*c)).collect(),
                };
                serde_json::value::to_raw_value(&dto).ok()
            })
            .collect();
        let mut parts: Vec<Vec<&RawValue>> = Vec::new();
        let mut bytes = 0;
        for matter in &matters {
            let size = matter.get().len();
            match parts.last_mut() {
                Some(part) if bytes + size <= MAX_MATTERS_BYTES => part.push(matter),
                _ => {
                    parts.push(vec![matter]);
                    bytes = 0;
                }
            }
            bytes += size;
        }
        let count = parts.len();
        parts
            .into_iter()
            .enumerate()
            .map(|(i, matters)| {
                let body = Body {
                    kind: MATTERS_MOVED,
                    timestamp: at.to_rfc3339_opts(SecondsFormat::Secs, true),
                    register_id: register,
                    data_version: new.version(),
                    previous_version: old.version(),
                    part: i + 1,
                    parts: count,
                    matters,
                };
                Event {
                    id: event_id(register, old.version(), new.version(), at, i + 1),
                    body: serde_json::to_string(&body)
                        .expect("a body of strings, numbers and JSON serialises"),
                }
            })
            .collect()
    }
}

/// The events of every register whose open matters (`open`, register by register) the change
/// from `old` to `new`, in force since `at`, moved; `default_calendar` counts a period that
/// names no calendar.
pub fn events_of(
    open: &[(String, Kept)],
    old: &InForce,
    new: &InForce,
    at: DateTime<Utc>,
    default_calendar: &str,
) -> Vec<Event> {
    let changes: ChangedDays = new
        .iter()
        .filter_map(|calendar| {
            let before = old.get(calendar.id()).ok()?;
            let days: Vec<DayChange> = changed_days(before, calendar);
            Some((calendar.id().to_owned(), Arc::from(days)))
        })
        .collect();
    let now = Utc::now();
    let (before, after) = [old, new]
        .map(|set| Context {
            calendars: set.calendars(),
            rules: set.rules(),
            default_calendar,
            now,
            explain_by_default: false,
        })
        .into();
    let mut events = Vec::new();
    for group in open.chunk_by(|a, b| a.0 == b.0) {
        let moved: Vec<(&Kept, Moved<'_>)> = group
            .iter()
            .filter_map(|(_, kept)| {
                let moved = kept.matter.moved_by_change(&before, &after, &changes)?;
                Some((kept, moved))
            })
            .collect();
        if let Some((register, _)) = group.first() {
            events.extend(Event::matters_moved(register, old, new, at, &moved));
        }
    }
    events
}

impl Webhooks {
    /// Tells each register's subscribers which of its open matters the change from `old` to
    /// `new`, in force since `at`, moved: reads the registers' open matters, counts each on
    /// both data (off the runtime's threads) and keeps the events for the sender. A database
    /// that cannot be read is logged, and the change is then told only as `calendar.changed`.
    pub async fn tell_moved(
        self: Arc<Self>,
        registers: Registers,
        old: Arc<InForce>,
        new: Arc<InForce>,
        at: DateTime<Utc>,
        default_calendar: String,
    ) {
        let open = match registers.open_matters().await {
            Ok(open) => open,
            Err(e) => {
                tracing::error!(cause = %error_chain(&e), data_version = new.version(), "the registers' matters cannot be read: the matters this change moved are not told");
                return;
            }
        };
        let told = tokio::task::spawn_blocking(move || {
            let events = events_of(&open, &old, &new, at, &default_calendar);
            for event in &events {
                // The id names this change alone: a delivery of it made already, by any
                // replica and at any time, is not made again.
                self.keep(event, now_ms(), 0);
            }
            events.len()
        })
        .await;
        if let Ok(events) = told {
            tracing::info!(
                events,
                "the matters a change moved are told to the webhooks' subscribers"
            );
        }
    }
}
