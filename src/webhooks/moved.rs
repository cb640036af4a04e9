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

/// The changed days of every calendar between `old` and `new`.
pub fn changes_between(old: &InForce, new: &InForce) -> ChangedDays {
    new.iter()
        .filter_map(|calendar| {
            let before = old.get(calendar.id()).ok()?;
            let days: Vec<DayChange> = changed_days(before, calendar);
            Some((calendar.id().to_owned(), Arc::from(days)))
        })
        .collect()
}

/// The events of register `register` for the matters among `open` (its open matters) that
/// the change from `old` to `new`, in force since `at`, moved (`changes`: the days it
/// changed); `default_calendar` counts a period that names no calendar. None when it moved
/// none.
pub fn events_of(
    register: &str,
    open: &[&Kept],
    (old, new): (&InForce, &InForce),
    at: DateTime<Utc>,
    changes: &ChangedDays,
    default_calendar: &str,
) -> Vec<Event> {
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
    let moved: Vec<(&Kept, Moved<'_>)> = open
        .iter()
        .filter_map(|kept| {
            let moved = kept.matter.moved_by_change(&before, &after, changes)?;
            Some((*kept, moved))
        })
        .collect();
    Event::matters_moved(register, old, new, at, &moved)
}

impl Webhooks {
    /// Tells each register's subscribers which of its open matters the change from `old` to
    /// `new`, in force since `at`, moved: register by register, reads its open matters,
    /// counts each on both data (off the runtime's threads) and keeps the events for the
    /// sender — so that no more than one register's matters are held at once. A database
    /// that cannot be read is logged, and the change is then told only as `calendar.changed`.
    pub async fn tell_moved(
        self: Arc<Self>,
        registers: Registers,
        old: Arc<InForce>,
        new: Arc<InForce>,
        at: DateTime<Utc>,
        default_calendar: String,
    ) {
        let ids = match registers.register_ids().await {
            Ok(ids) => ids,
            Err(e) => {
                tracing::error!(cause = %error_chain(&e), data_version = new.version(), "the registers cannot be read: the matters this change moved are not told");
                return;
            }
        };
        let changes = Arc::new(changes_between(&old, &new));
        let mut told = 0;
        // One register at a time: its matters as last read (Registers::rows), counted on
        // both data off the runtime's threads, its events kept, then the next.
        for id in ids {
            let rows = match registers.rows(&id).await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::error!(cause = %error_chain(&e), register = %id, "a register's matters cannot be read: the matters this change moved in it are not told");
                    continue;
                }
            };
            let (webhooks, old, new, changes, calendar) = (
                self.clone(),
                old.clone(),
                new.clone(),
                changes.clone(),
                default_calendar.clone(),
            );
            let events = tokio::task::spawn_blocking(move || {
                let open: Vec<&Kept> = rows
                    .iter()
                    .filter_map(|row| row.as_ref().ok())
                    .filter(|kept| kept.matter.completed_at.is_none())
                    .collect();
                let events = events_of(&id, &open, (&old, &new), at, &changes, &calendar);
                for event in &events {
                    // The id names this change alone: a delivery of it made already, by any
                    // replica and at any time, is not made again.
                    webhooks.keep(event, now_ms(), 0);
                }
                events.len()
            })
            .await;
            told += events.unwrap_or(0);
        }
        tracing::info!(
            events = told,
            "the matters a change moved are told to the webhooks' subscribers"
        );
    }
}
