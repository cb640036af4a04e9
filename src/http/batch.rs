//! Batches (`POST /v1/deadlines/batch`, `POST /v1/deadlines/recheck`): reading the body within
//! its bounds, waiting for a turn, and streaming the answer item by item. What an item is and
//! how it is answered is the one thing the two batches differ in ([`Item`], [`Writer`]).
//!
//! A batch is the one request whose memory grows with its size, so every step is bounded: the
//! body is read only once the batch has a turn, and never past the body limit; items are
//! counted before any is parsed, and kept as places in the body (JSON) or rows of it (CSV)
//! until each is answered; the answer goes out in pieces as the client reads them.

use std::cell::Cell;
use std::marker::PhantomData;
use std::ops::Range;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::Serialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::deadlines::{DeadlineBrief, DeadlineDto, context};
use super::problem::{ApiError, Problem};
use super::render::{CsvRows, Format, Guarded, columns};
use super::turns::Turn;
use super::{AppState, Snapshot};
use crate::deadline::{self, DeadlineAnswer, Input};
use crate::text::{Body, Lang, Limit, Media, Slow};

/// The most explanation days one batch answer may hold (about 10 MB of JSON).
pub const MAX_BATCH_EXPLAINED_DAYS: usize = 100_000;

/// What a batch's body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// `{"items": [...]}`.
    Json,
    /// A header row naming request fields, then one request per row.
    Csv,
}

impl BodyKind {
    /// The formats the answer may take, the body's own first.
    pub fn answers(self) -> &'static [Format] {
        match self {
            BodyKind::Json => &[Format::Json, Format::Csv],
            BodyKind::Csv => &[Format::Csv, Format::Json],
        }
    }
}

/// The kind of a batch's body, from its `Content-Type`; its `Content-Encoding` must be none.
///
/// # Errors
/// [`ApiError::Unsupported`] for a missing or other media type, or an encoded body.
pub fn body_kind(req: &HttpRequest) -> Result<BodyKind, ApiError> {
    if let Some(encoding) = req.headers().get(header::CONTENT_ENCODING)
        && !encoding.as_bytes().eq_ignore_ascii_case(b"identity")
    {
        return Err(ApiError::Unsupported(Media::Encoding(crate::time::quoted(
            &String::from_utf8_lossy(encoding.as_bytes()),
        ))));
    }
    let Some(value) = req.headers().get(header::CONTENT_TYPE) else {
        return Err(ApiError::Unsupported(Media::NoContentType));
    };
    let media = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match media.as_str() {
        "text/csv" => Ok(BodyKind::Csv),
        m if m == "application/json" || m.ends_with("+json") => Ok(BodyKind::Json),
        other => Err(ApiError::Unsupported(Media::ContentType(
            crate::time::quoted(other),
        ))),
    }
}

/// Waits for a turn (one of the client address's own, then one of all), after refusing at
/// once a body announced as too large.
///
/// # Errors
/// [`ApiError::TooLarge`] for a `Content-Length` over the body limit.
pub async fn take_turn(req: &HttpRequest, state: &AppState) -> Result<Turn, ApiError> {
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if let Some(length) = announced.filter(|&n| n > state.max_body_bytes) {
        return Err(too_large_body(length, state.max_body_bytes));
    }
    let client = req.peer_addr().map(|a| a.ip());
    Ok(state.batch_turns.take(client).await)
}

fn too_large_body(length: usize, limit: usize) -> ApiError {
    ApiError::TooLarge(Limit::Body { length, limit })
}

/// Reads the body (never past the body limit) and finds its items (never more than the item
/// limit, counted before any is parsed).
///
/// # Errors
/// [`ApiError::TooLarge`] for a body or a batch over its limit; [`ApiError::InvalidBody`] for
/// a body that is not the batch shape.
pub async fn read<T: Item>(
    payload: web::Payload,
    state: &AppState,
    kind: BodyKind,
    turn: &Turn,
) -> Result<Items<T>, ApiError> {
    let limit = state.max_body_bytes;
    let mut payload = payload.into_inner();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::InvalidBody(Body::Cut))?;
        if !turn.is_held() {
            return Err(ApiError::Timeout(Slow::BodyStalled {
                secs: super::turns::STALL.as_secs(),
            }));
        }
        turn.progressed();
        if body.len() + chunk.len() > limit {
            return Err(too_large_body(body.len() + chunk.len(), limit));
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    match kind {
        BodyKind::Json => Items::json(body, state.max_batch_items),
        BodyKind::Csv => Items::csv(body, state.max_batch_items),
    }
}

/// A whole batch request: its body's kind and the answer's format checked, a turn taken, the
/// body read, and the answer of the writer `make` gives streamed.
///
/// # Errors
/// Every check on the whole batch, before the first piece of the answer: the body's media
/// type, the answer's format, the body's size and shape, the number of items.
pub async fn run<W: Writer>(
    req: &HttpRequest,
    state: web::Data<AppState>,
    params: &super::params::Params,
    payload: web::Payload,
    make: impl FnOnce(Arc<AppState>) -> W,
) -> Result<HttpResponse, ApiError> {
    run_with(
        req,
        state,
        params,
        payload,
        |state, _: ItemIter<W::Item>| async move { Ok(make(state)) },
    )
    .await
}

/// [`run`], with a writer that looks at every item before the first answer (a recheck finds
/// the versions its items name): `make` is given the items read as `P` — what the look needs
/// of each, which may be much less than the writer's whole item — and may refuse the whole
/// batch.
///
/// # Errors
/// As [`run`]; and what `make` refuses.
pub async fn run_with<W: Writer, P: Item, F>(
    req: &HttpRequest,
    state: web::Data<AppState>,
    params: &super::params::Params,
    payload: web::Payload,
    make: impl FnOnce(Arc<AppState>, ItemIter<P>) -> F,
) -> Result<HttpResponse, ApiError>
where
    F: Future<Output = Result<W, ApiError>>,
{
    let kind = body_kind(req)?;
    let how = super::render::negotiate_among(req, params, kind.answers())?;
    let turn = take_turn(req, &state).await?;
    let items = read(payload, &state, kind, &turn).await?;
    let format = match how.format {
        Format::Csv => BatchFormat::Csv { bom: how.bom },
        _ => BatchFormat::Json,
    };
    let writer = make(state.into_inner(), items.each_as::<P>()).await?;
    Ok(answer(writer, items, format, turn))
}

/// A batch's items, one at a time, each parsed or with its own error.
pub type ItemIter<T> = Box<dyn Iterator<Item = Result<T, ApiError>> + Send>;

/// What one kind of batch reads from each of its items.
pub trait Item: Sized + Send + 'static {
    /// The CSV columns it reads; any other column is the caller's own, carried through.
    fn columns() -> &'static [&'static str];
    /// One item of a JSON body.
    ///
    /// # Errors
    /// The item's own error, answered in its place.
    fn from_json(text: &[u8]) -> Result<Self, ApiError>;
    /// One CSV row: the value of each of its columns the header names, in the header's order.
    ///
    /// # Errors
    /// The row's own error, answered in its place.
    fn from_row<'r>(cells: impl Iterator<Item = (&'static str, &'r str)>)
    -> Result<Self, ApiError>;
}

impl Item for Input {
    fn columns() -> &'static [&'static str] {
        &Input::FIELDS
    }

    fn from_json(text: &[u8]) -> Result<Self, ApiError> {
        Input::from_json(text).map_err(|e| ApiError::InvalidBody(Body::NotADeadline(e)))
    }

    fn from_row<'r>(
        cells: impl Iterator<Item = (&'static str, &'r str)>,
    ) -> Result<Self, ApiError> {
        let mut input = Input::default();
        for (field, value) in cells {
            input.set(field, value)?;
        }
        Ok(input)
    }
}

fn too_many(count: usize, limit: usize) -> ApiError {
    ApiError::TooLarge(Limit::Batch { count, limit })
}

/// A batch's items, still as text in its body.
pub struct Items<T> {
    body: Bytes,
    shape: Shape,
    item: PhantomData<fn() -> T>,
}

#[derive(Clone)]
enum Shape {
    /// Where each item's JSON text lies in the body.
    Json(Vec<Range<usize>>),
    /// Rows of a CSV body: where they start, the request field each column fills (none for a
    /// column of the caller's own, carried through), and those columns' names.
    Csv {
        start: usize,
        fields: Vec<Option<&'static str>>,
        extra_names: Vec<String>,
        rows: usize,
    },
}

impl<T: Item> Items<T> {
    /// The items of `{"items": [...]}`, at most `limit` of them.
    fn json(body: Bytes, limit: usize) -> Result<Self, ApiError> {
        let text = std::str::from_utf8(&body).map_err(|_| ApiError::InvalidBody(Body::NotUtf8))?;
        if text.trim_start().starts_with('[') {
            return Err(ApiError::InvalidBody(Body::BareArray));
        }
        let over = Cell::new(None);
        let mut de = serde_json::Deserializer::from_str(text);
        let found = Envelope { limit, over: &over }
            .deserialize(&mut de)
            .and_then(|ranges| de.end().map(|()| ranges));
        if let Some(count) = over.get() {
            return Err(too_many(count, limit));
        }
        let raw = found.map_err(|e| {
            ApiError::InvalidBody(Body::NotABatch(deadline::JsonProblem::from_serde(&e)))
        })?;
        let base = text.as_ptr() as usize;
        let ranges: Vec<Range<usize>> = raw
            .iter()
            .map(|r| {
                let at = r.get().as_ptr() as usize - base;
                at..at + r.get().len()
            })
            .collect();
        drop(raw);
        Ok(Items {
            body,
            shape: Shape::Json(ranges),
            item: PhantomData,
        })
    }

    /// The rows of a CSV body, at most `limit` of them.
    fn csv(body: Bytes, limit: usize) -> Result<Self, ApiError> {
        let start = if body.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        std::str::from_utf8(&body[start..]).map_err(|_| ApiError::InvalidBody(Body::CsvNotUtf8))?;
        let mut reader = csv_reader(&body[start..]);
        let header = reader
            .headers()
            .map_err(|_| ApiError::InvalidBody(Body::CsvHeader))?
            .clone();
        if header.is_empty() || header.iter().all(str::is_empty) {
            return Err(ApiError::InvalidBody(Body::CsvEmpty));
        }
        let mut fields = Vec::with_capacity(header.len());
        let mut extra_names = Vec::new();
        for (i, name) in header.iter().enumerate() {
            if header.iter().take(i).any(|earlier| earlier == name) {
                return Err(ApiError::InvalidBody(Body::CsvColumnTwice(
                    crate::time::quoted(name),
                )));
            }
            let field = T::columns().iter().copied().find(|f| *f == name);
            if field.is_none() {
                extra_names.push(name.to_owned());
            }
            fields.push(field);
        }
        if fields.iter().all(Option::is_none) {
            return Err(ApiError::InvalidBody(Body::CsvNoField));
        }
        let mut rows = 0;
        let mut record = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => rows += 1,
                // A malformed row fails alone, when it is answered.
                Err(_) => rows += 1,
            }
            if rows > limit {
                return Err(too_many(rows, limit));
            }
        }
        Ok(Items {
            body,
            shape: Shape::Csv {
                start,
                fields,
                extra_names,
                rows,
            },
            item: PhantomData,
        })
    }

    /// The items one at a time, each with its own error, and the caller's own columns of a
    /// CSV row.
    fn into_iter(self) -> Box<dyn Iterator<Item = (Result<T, ApiError>, Vec<String>)> + Send> {
        let body = self.body;
        match self.shape {
            Shape::Json(ranges) => Box::new(
                ranges
                    .into_iter()
                    .map(move |range| (T::from_json(&body[range]), Vec::new())),
            ),
            Shape::Csv { start, fields, .. } => {
                let mut reader = csv_reader(std::io::Cursor::new(body.slice(start..)));
                let _ = reader.headers();
                Box::new(
                    reader
                        .into_records()
                        .map(move |record| csv_item(record, &fields)),
                )
            }
        }
    }

    /// The items read as `P` (which reads the same columns, or fewer), without the caller's
    /// own columns, leaving these as they are (the body is shared, not copied).
    fn each_as<P: Item>(&self) -> ItemIter<P> {
        let copy = Items::<P> {
            body: self.body.clone(),
            shape: self.shape.clone(),
            item: PhantomData,
        };
        Box::new(copy.into_iter().map(|(item, _)| item))
    }

    /// Whether any item asks for a status (`as_of`, `completed_at`): the CSV answer then has
    /// its columns. Looked for only when a CSV answer is written: a JSON answer has no use for
    /// it, and looking cost a batch item about 1,000 instructions of its 15,000.
    fn status(&self) -> bool {
        match &self.shape {
            Shape::Json(ranges) => ranges.iter().any(|range| {
                // Ranges of a body found to be UTF-8, at the items' bounds.
                let raw = std::str::from_utf8(&self.body[range.clone()]).unwrap_or_default();
                Input::STATUS_INPUTS.iter().any(|f| names_key(raw, f))
            }),
            Shape::Csv { fields, .. } => Input::STATUS_INPUTS
                .iter()
                .any(|f| fields.contains(&Some(*f))),
        }
    }

    /// The names of the caller's own CSV columns, in the order given.
    fn extra_names(&self) -> &[String] {
        match &self.shape {
            Shape::Csv { extra_names, .. } => extra_names,
            Shape::Json(_) => &[],
        }
    }

    /// How many items there are.
    pub fn len(&self) -> usize {
        match &self.shape {
            Shape::Json(ranges) => ranges.len(),
            Shape::Csv { rows, .. } => *rows,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn csv_reader<R: std::io::Read>(source: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(source)
}

/// One CSV row: the item read from its columns, the caller's own columns kept.
fn csv_item<T: Item>(
    record: csv::Result<csv::StringRecord>,
    fields: &[Option<&'static str>],
) -> (Result<T, ApiError>, Vec<String>) {
    let record = match record {
        Ok(record) => record,
        Err(e) => {
            return (
                Err(ApiError::InvalidBody(Body::CsvRow(
                    e.position().map(|p| p.line()),
                ))),
                vec![String::new(); fields.iter().filter(|f| f.is_none()).count()],
            );
        }
    };
    let extras: Vec<String> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is_none())
        .map(|(i, _)| record.get(i).unwrap_or("").to_owned())
        .collect();
    if record.len() > fields.len() {
        let err = ApiError::InvalidBody(Body::CsvRowWidth {
            got: record.len(),
            want: fields.len(),
        });
        return (Err(err), extras);
    }
    let cells = fields
        .iter()
        .zip(record.iter())
        .filter_map(|(field, value)| field.map(|f| (f, value)));
    (T::from_row(cells), extras)
}

/// `{"items": [...]}`, refusing any other key and counting the items as they come: past
/// `limit`, reading stops and `over` says how many were seen.
struct Envelope<'a> {
    limit: usize,
    over: &'a Cell<Option<usize>>,
}

impl<'de> DeserializeSeed<'de> for Envelope<'_> {
    type Value = Vec<&'de RawValue>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Envelope<'_> {
    type Value = Vec<&'de RawValue>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object {\"items\": [...]}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut items = None;
        while let Some(key) = map.next_key::<&str>()? {
            if key != "items" {
                return Err(serde::de::Error::unknown_field(key, &["items"]));
            }
            if items.is_some() {
                return Err(serde::de::Error::duplicate_field("items"));
            }
            items = Some(map.next_value_seed(ItemsUpTo {
                limit: self.limit,
                over: self.over,
            })?);
        }
        items.ok_or_else(|| serde::de::Error::missing_field("items"))
    }
}

/// The items array, stopped past `limit`.
struct ItemsUpTo<'a> {
    limit: usize,
    over: &'a Cell<Option<usize>>,
}

impl<'de> DeserializeSeed<'de> for ItemsUpTo<'_> {
    type Value = Vec<&'de RawValue>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ItemsUpTo<'_> {
    type Value = Vec<&'de RawValue>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of deadline requests")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<&RawValue>()? {
            if items.len() == self.limit {
                // One more than the limit: enough to refuse, without reading the rest.
                self.over.set(Some(self.limit + 1));
                return Err(serde::de::Error::custom("too many items"));
            }
            items.push(item);
        }
        Ok(items)
    }
}

/// The format of a batch's answer.
#[derive(Clone, Copy, Debug)]
pub enum BatchFormat {
    /// `{"results": [...]}`.
    Json,
    /// One row per item, under a header.
    Csv {
        /// Whether the answer begins with a byte order mark.
        bom: bool,
    },
}

/// How one kind of batch answers each of its items, as JSON or as a CSV row.
pub trait Writer: Send + 'static {
    /// What it answers.
    type Item: Item;
    /// One item's CSV row, before the caller's own columns.
    type Row: Serialize;
    /// The CSV header, before the caller's own columns; `status` when an item asks for one.
    fn header(&self, status: bool) -> Vec<String>;
    /// The data version a JSON answer states once, beside its results, when its items do not
    /// each carry it.
    fn data_version(&self) -> Option<&str> {
        None
    }
    /// One item as a JSON object, appended to `out`.
    fn write_json(&self, item: Result<Self::Item, ApiError>, out: &mut Vec<u8>);
    /// One item (the `row`th) as a CSV row, before the caller's own columns.
    fn csv_row(&self, row: usize, item: Result<Self::Item, ApiError>, status: bool) -> Self::Row;
}

/// Appends `value` as JSON to `out`; should that fail (it cannot: plain structs and strings),
/// the item says so in its place.
pub fn write_item<T: Serialize>(value: &T, out: &mut Vec<u8>, lang: Lang) {
    let start = out.len();
    if let Err(e) = serde_json::to_writer(&mut *out, value) {
        out.truncate(start);
        let _ = serde_json::to_writer(
            &mut *out,
            &failed(None, &ApiError::Internal(Box::new(e)), lang),
        );
    }
}

/// One item of a JSON answer: `D` is the full answer ([`DeadlineDto`]) for an item that asks
/// for its explanation, the brief one ([`DeadlineBrief`]) otherwise.
#[derive(Serialize)]
struct BatchItem<'a, D> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<D>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Problem>,
}

/// One item of a batch's CSV answer, before the status columns (when any item asks for a
/// status) and the caller's own columns (carried through). A failed item has `ok` false, its
/// `error_code` and `error`, and no deadline.
#[derive(Serialize, Default)]
pub struct BatchRow {
    row: usize,
    id: Option<Guarded<String>>,
    ok: bool,
    rule: Option<Guarded<String>>,
    calendar: Option<Guarded<String>>,
    event_date: Option<chrono::NaiveDate>,
    unit: Option<&'static str>,
    amount: Option<u32>,
    due_date: Option<chrono::NaiveDate>,
    due_at: Option<String>,
    provisional: Option<bool>,
    data_version: Guarded<String>,
    error_code: Option<&'static str>,
    error: Option<Guarded<String>>,
}

/// The status columns of a batch's CSV answer, present when an item asks for a status; empty
/// for an item without one.
#[derive(Serialize, Default)]
pub struct StatusRow {
    state: Option<&'static str>,
    working_days_left: Option<i64>,
    consequence: Option<&'static str>,
}

/// The status fields, as [`StatusRow`] names them (a text answer's `field=` that needs `as_of`).
pub const STATUS_COLUMNS: [&str; 3] = super::deadlines::STATUS_FIELDS;

/// A batch item's CSV row: its columns, then the status columns when the answer has them.
pub struct BatchLine {
    item: BatchRow,
    status: Option<StatusRow>,
}

impl Serialize for BatchLine {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let mut line = serializer.serialize_tuple(2)?;
        line.serialize_element(&self.item)?;
        if let Some(status) = &self.status {
            line.serialize_element(status)?;
        }
        line.end()
    }
}

/// What a batch answer needs while it is written: the data it started with, and its budget of
/// explained days.
pub struct Batch {
    state: Arc<AppState>,
    data: Snapshot,
    explained: Cell<usize>,
    lang: Lang,
}

impl Batch {
    /// A batch answered from `data`, in `lang`.
    pub fn new(state: Arc<AppState>, data: Snapshot, lang: Lang) -> Self {
        Batch {
            state,
            data,
            explained: Cell::new(0),
            lang,
        }
    }

    /// The state it answers with.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The data it answers from.
    pub fn data(&self) -> &Snapshot {
        &self.data
    }

    /// The language it answers in.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// One item. Explanations are the one part of a batch whose size the caller controls
    /// (3,650 calendar days explained 10,000 times is gigabytes): past a budget, further items
    /// asking for one fail alone, so the work and the answer stay bounded.
    ///
    /// # Errors
    /// The item's own error.
    pub fn compute<'a>(&'a self, input: &Input) -> Result<DeadlineAnswer<'a>, ApiError> {
        let explained = self.explained.get();
        if input.explain == Some(true) && explained >= MAX_BATCH_EXPLAINED_DAYS {
            return Err(ApiError::TooLarge(Limit::Explained { explained }));
        }
        let answer = deadline::answer(input, &context(&self.state, &self.data, false))?;
        let days = answer.deadline.explanation.as_ref().map_or(0, Vec::len);
        self.explained.set(explained + days);
        Ok(answer)
    }
}

impl Writer for Batch {
    type Item = Input;

    type Row = BatchLine;

    fn header(&self, status: bool) -> Vec<String> {
        let mut header = columns::<BatchRow>();
        if status {
            header.extend(columns::<StatusRow>());
        }
        header
    }

    fn data_version(&self) -> Option<&str> {
        Some(self.data.set.version())
    }

    fn write_json(&self, item: Result<Input, ApiError>, out: &mut Vec<u8>) {
        match item {
            Err(err) => write_item(&failed(None, &err, self.lang), out, self.lang),
            Ok(input) => match self.compute(&input) {
                Err(err) => write_item(
                    &failed(input.id.as_deref(), &err, self.lang),
                    out,
                    self.lang,
                ),
                Ok(DeadlineAnswer { calendar, deadline }) => {
                    let id = input.id.as_deref();
                    // Sentences, zones and the citation only when asked: most of a full
                    // item's bytes and of its time (BENCHMARKS.md).
                    if deadline.explanation.is_some() {
                        let dto = DeadlineDto::new(&self.data, calendar, deadline, id, self.lang);
                        write_item(&BatchItem::ok(id, dto), out, self.lang)
                    } else {
                        let brief = DeadlineBrief::new(calendar, deadline);
                        write_item(&BatchItem::ok(id, brief), out, self.lang)
                    }
                }
            },
        }
    }

    fn csv_row(&self, row: usize, item: Result<Input, ApiError>, status: bool) -> BatchLine {
        let id = item.as_ref().ok().and_then(|i| i.id.clone()).map(Guarded);
        let data_version = Guarded(self.data.set.version().to_owned());
        match item.and_then(|input| self.compute(&input)) {
            Ok(DeadlineAnswer { calendar, deadline }) => {
                let period = deadline.period;
                let s = deadline.status;
                BatchLine {
                    item: BatchRow {
                        row,
                        id,
                        ok: true,
                        rule: period.rule.map(|r| Guarded(r.full_id())),
                        calendar: Some(Guarded(calendar.id().to_owned())),
                        event_date: Some(deadline.event_date),
                        unit: Some(period.unit.into()),
                        amount: Some(period.amount),
                        due_date: Some(deadline.due_date),
                        due_at: Some(deadline.due_at.to_rfc3339()),
                        provisional: Some(deadline.provisional),
                        data_version,
                        error_code: None,
                        error: None,
                    },
                    status: status.then(|| StatusRow {
                        state: s.map(|s| s.state.into()),
                        working_days_left: s.map(|s| s.working_days_left),
                        consequence: s.and_then(|s| s.consequence).map(Into::into),
                    }),
                }
            }
            Err(err) => BatchLine {
                item: BatchRow {
                    row,
                    id,
                    data_version,
                    error_code: Some(err.kind().code()),
                    error: Some(Guarded(err.detail(self.lang))),
                    ..BatchRow::default()
                },
                status: status.then(StatusRow::default),
            },
        }
    }
}

impl<'a, D> BatchItem<'a, D> {
    /// A deadline, answered.
    fn ok(id: Option<&'a str>, deadline: D) -> Self {
        BatchItem {
            ok: true,
            id,
            deadline: Some(deadline),
            error: None,
        }
    }
}

/// A failed item of a JSON answer, with its problem in `lang`.
pub fn failed<'a>(id: Option<&'a str>, err: &ApiError, lang: Lang) -> impl Serialize + 'a {
    BatchItem::<'a, DeadlineBrief<'a>> {
        ok: false,
        id,
        deadline: None,
        error: Some(err.problem(lang)),
    }
}

/// The answer to a batch, streamed: the turn is held until the last piece is sent, the client
/// hangs up, the turn's time is up, or the client stops reading (see [`Turn::answer`]).
pub fn answer<W: Writer>(
    writer: W,
    items: Items<W::Item>,
    format: BatchFormat,
    turn: Turn,
) -> HttpResponse {
    match format {
        BatchFormat::Csv { bom } => {
            let status = items.status();
            let mut header = writer.header(status);
            header.extend_from_slice(items.extra_names());
            let rows = CsvRows::new(&header, bom);
            let items = items.into_iter().enumerate();
            turn.answer(
                "text/csv; charset=utf-8",
                (writer, items, rows),
                move |(writer, items, rows), out| {
                    let Some((i, (item, extras))) = items.next() else {
                        rows.flush(out);
                        return false;
                    };
                    let row = writer.csv_row(i + 1, item, status);
                    let extras: Vec<Guarded<String>> = extras.into_iter().map(Guarded).collect();
                    match rows.write(&(row, extras), out) {
                        Ok(()) => true,
                        Err(e) => {
                            // A row type that is not flat: the answer ends short, and says why in
                            // the log.
                            tracing::error!(cause = %e, "a CSV row could not be written");
                            false
                        }
                    }
                },
            )
        }
        BatchFormat::Json => {
            let items = items.into_iter().enumerate();
            turn.answer(
                "application/json",
                (writer, items, false),
                |(writer, items, opened), out| {
                    if !*opened {
                        out.push(b'{');
                        if let Some(version) = writer.data_version() {
                            out.extend_from_slice(b"\"data_version\":");
                            write_item(&version, out, Lang::default());
                            out.push(b',');
                        }
                        out.extend_from_slice(b"\"results\":[");
                        *opened = true;
                    }
                    let Some((i, (item, _))) = items.next() else {
                        out.extend_from_slice(b"]}");
                        return false;
                    };
                    if i > 0 {
                        out.push(b',');
                    }
                    writer.write_json(item, out);
                    true
                },
            )
        }
    }
}

/// Whether the raw JSON of an item holds `"key"` (without allocating the quoted key).
fn names_key(raw: &str, key: &str) -> bool {
    raw.match_indices(key)
        .any(|(at, _)| raw[..at].ends_with('"') && raw[at + key.len()..].starts_with('"'))
}

/// `POST /v1/deadlines/batch`: every deadline of a batch, in turns, streamed.
pub async fn deadlines(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: super::params::Params,
    payload: web::Payload,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    run(&req, state, &params, payload, |state| {
        Batch::new(state, data, lang)
    })
    .await
}

#[cfg(test)]
mod row_tests {
    use super::*;

    #[test]
    fn a_key_is_named_only_between_quotation_marks() {
        for (raw, named) in [
            (r#"{"as_of":"2026-10-09"}"#, true),
            (r#"{"event":"2026-10-09","as_of":null}"#, true),
            (r#"{"notes":"as_of"}"#, true),
            (r#"{"as_of_x":"2026-10-09"}"#, false),
            (r#"{"x_as_of":"2026-10-09"}"#, false),
            (r#"{"as_of"#, false),
            (r#"as_of""#, false),
            (r#"""#, false),
            ("", false),
        ] {
            assert_eq!(names_key(raw, "as_of"), named, "{raw}");
        }
    }

    #[test]
    fn the_status_fields_are_the_status_rows_columns() {
        assert_eq!(columns::<StatusRow>(), STATUS_COLUMNS);
    }
}
