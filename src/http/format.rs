//! The formats an answer can be written in: what the route table offers per route and what
//! `render` negotiates and writes. A leaf, so that the table and the renderer both use it.

vocabulary! {
    "lowercase";
    /// A format an answer can be written in; `format=` names it (`json`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Format {
        /// JSON, the default.
        Json,
        /// The bare value, nothing else: `2026-10-15`, `6`, `1`.
        Text,
        /// RFC 4180 CSV.
        Csv,
        /// iCalendar.
        Ics,
        /// An Office Open XML workbook.
        Xlsx,
    }
}

impl Format {
    /// The value of `format=` that asks for it.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The media type that asks for it in `Accept`.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Text => "text/plain",
            Format::Csv => "text/csv",
            Format::Ics => "text/calendar",
            Format::Xlsx => XLSX,
        }
    }
}

/// The media type of an xlsx workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
