//! Time as callers write it and as the calendars keep it: civil dates ([`date`]), moments
//! given as instants, local date-times or dates ([`moment`]), and the clocks they are read on
//! ([`clock`]). Every conversion between a civil date and an instant happens here, with the
//! zone explicit; nothing reads the machine's zone.
//!
//! Nothing here knows about calendars, deadlines or HTTP.

pub mod clock;
pub mod date;
pub mod moment;

pub use clock::{
    BEIJING, Clock, URUMQI, ZoneError, after_midnight, end_of_day, in_zone, instant_of, parse_zone,
};
pub use date::{DateError, parse_date, parse_day, quote, quoted, shorten};
pub use moment::{Moment, MomentError, ReadAs};

/// The closest of `known` to `given`, ignoring case, when it is close enough to be a likely
/// typo (at most a third of its letters differ): the "did you mean" of an error message.
///
/// # Example
/// ```
/// use qixian::time::closest;
/// assert_eq!(closest("calender", ["calendar", "strict"]), Some("calendar"));
/// assert_eq!(closest("zzz", ["calendar", "strict"]), None);
/// ```
pub fn closest<'a>(given: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let given = given.to_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(&given, &k.to_lowercase()), k))
        .filter(|(distance, k)| *distance * 3 <= k.chars().count().max(given.chars().count()))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}
