//! 中文文本：本服务对人所说的一切，按公文的写法。
//!
//! The Simplified Chinese catalogue. Machine words (parameter and field names, codes, media
//! types, zone names) stay as the API spells them; everything around them is Chinese.

use chrono::{NaiveDate, Weekday};

use super::{
    Body, Catalogue, Cross, DeadlineFacts, FixedEnding, Invalid, Limit, MatterFacts, Media, Reason,
    Refused, RowWhy, Slow, Standing, Strictly, Title, Unoffered, WorkbookWords,
};
use crate::calendar::backtest::Record;
use crate::calendar::hours::{IntervalError, MAX_INTERVALS};
use crate::calendar::{CalendarError, DayKind, FIRST_DAY, LAST_DAY, MAX_LISTED_DAYS};
use crate::deadline::{
    Article, BadValue, Bound, ChosenBy, Consequence, Counting, Cutoff, DeadlineError, Direction,
    Ending, Expected, HoursFrom, InputError, JsonKind, Period, Readings, RuleCutoff, Unit,
    UnknownUnit,
};
use crate::lang::Lang;
use crate::register::MatterError;
use crate::time::{DateError, MomentError, ZoneError, quote};

/// 中文目录。
pub struct Zh;

/// `（是否要写 x？）` or nothing.
fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!("（是否要写 {s}？）"))
        .unwrap_or_default()
}

/// How a date reads in a sentence: `2026年10月15日`.
fn date(day: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

const WHAT_TO_SEND: &str = "请以 Content-Type application/json 发送 JSON {\"items\": [...]}，或以 Content-Type text/csv 发送带标题行的 CSV";

impl Catalogue for Zh {
    fn title(&self, title: Title) -> &'static str {
        match title {
            Title::MissingParameter => "缺少必需的参数",
            Title::InvalidParameter => "参数值无效",
            Title::UnknownParameter => "参数名无法识别",
            Title::InvalidBody => "请求体无效",
            Title::UnknownCalendar => "日历不存在",
            Title::OutOfRange => "日期超出支持范围",
            Title::UnknownRule => "规则不存在",
            Title::UnknownTimezone => "时区无法识别",
            Title::InvalidEvent => "起算日期或时间无法识别",
            Title::Provisional => "答案为暂定",
            Title::NoOfficeHours => "该日历没有作息时间",
            Title::UnitNotAllowed => "该规则的计算单位不可更改",
            Title::FormNotAllowed => "该规则的期限形式不可更改",
            Title::NotAllowedByStatute => "该规则的法律条文不允许这样计算",
            Title::NotInForce => "起算日该条文尚未施行",
            Title::NoExtension => "没有可以延长的期限",
            Title::DaysNotAllowed => "该规则的期限不可更改",
            Title::AmountOutOfRange => "期限长度超出范围",
            Title::NotFound => "未找到",
            Title::TooLarge => "请求过大",
            Title::UnsupportedMediaType => "不支持的内容类型",
            Title::NotAcceptable => "不提供所要求的格式",
            Title::MethodNotAllowed => "不允许使用该请求方法",
            Title::QueryTooLong => "查询字符串过长",
            Title::Timeout => "请求超时",
            Title::BadRequest => "请求无效",
            Title::Unauthorized => "未授权",
            Title::Forbidden => "无权访问",
            Title::PreconditionFailed => "已被他人修改",
            Title::Conflict => "与现有状态冲突",
            Title::TooManyRequests => "请求过于频繁",
            Title::DatabaseUnavailable => "数据库暂不可用",
            Title::VersionGone => "数据版本已不保留",
            Title::FieldTooLong => "字段过长",
            Title::InvalidRows => "台账有不能导入的行",
            Title::Internal => "服务器内部错误",
        }
    }

    fn missing_parameter(&self, name: &str) -> String {
        format!("缺少参数 {name}")
    }

    fn invalid_parameter(&self, name: &str, why: &Invalid) -> String {
        let why = match why {
            Invalid::GivenTwice => "给出了不止一次".to_owned(),
            Invalid::Value(value) => self.bad_value(value),
            Invalid::NoneOf { value, choices } => {
                format!("{value} 不是可选值之一（可选：{}）", choices.join("、"))
            }
            Invalid::NoSuchField { value, fields } => {
                format!("{value} 不是本答案的字段；字段有：{}", fields.join("、"))
            }
            Invalid::FieldWithoutText { format } => format!(
                "用于选择纯文本答案所含的字段，而本答案的格式为 {format}（请去掉 format，或写 format=text）"
            ),
            Invalid::FieldNotInAnswer { field, needs_as_of } => format!(
                "本答案不含 {field}{}",
                if *needs_as_of {
                    "；state、working_days_left 和 consequence 需要 as_of（查今天的状态写 as_of=today）"
                } else {
                    ""
                }
            ),
            Invalid::YearOutside { year, first, last } => {
                format!("{year} 不在支持的年份（{first}年至{last}年）之内")
            }
            Invalid::YearAndRange => {
                "请给出 year，或者给出 from_year 和 to_year，不要同时给出".to_owned()
            }
            Invalid::Origin { value } => {
                format!("{value} 不是 http 或 https 源（scheme://host[:port]）的组成部分")
            }
            Invalid::YearsBackwards { from, to } => format!("{to} 早于 from_year {from}"),
            Invalid::TooManyYears { from, to, max } => {
                format!("{from}年至{to}年共{}年，一次最多{max}年", to - from + 1)
            }
            Invalid::Date(e) => self.date_error(e),
            Invalid::Moment(e) => self.moment_error(e),
            Invalid::Hours(e) => self.interval_error(e),
            Invalid::Range(e) => self.calendar_error(e),
            Invalid::Limit { max } => format!("须为1至{max}的整数"),
            Invalid::Cursor => "不是本列表给出的游标（请从第一页重新读取）".to_owned(),
            Invalid::PagedExport => {
                "导出（CSV、xlsx）包含全部事项，不分页：limit 和 cursor 只用于 JSON 列表".to_owned()
            }
            Invalid::Lang { value } => format!(
                "{value} 不是本服务使用的语言；可选 {}",
                either(<Lang as strum::VariantNames>::VARIANTS)
            ),
        };
        format!("参数 {name}：{why}")
    }

    fn unknown_parameter(
        &self,
        name: &str,
        suggestion: Option<&str>,
        known: &str,
        route: &str,
    ) -> String {
        format!(
            "{route} 不接受参数 {name}{}；可用参数：{}",
            did_you_mean(suggestion),
            if known.is_empty() { "无" } else { known }
        )
    }

    fn body(&self, body: &Body) -> String {
        let what = match body {
            Body::Cut => "请求体传输中断".to_owned(),
            Body::NotUtf8 => "请求体不是 UTF-8 编码的 JSON".to_owned(),
            Body::BareArray => {
                format!("请求体是一个 JSON 数组；请写成 {{\"items\": [...]}}（{WHAT_TO_SEND}）")
            }
            Body::NotABatch(p) => format!(
                "不是所需的 JSON（{{\"items\": [...]}}）：{}",
                self.json_problem(p)
            ),
            Body::NotADeadline(p) => format!("不是期限请求：{}", self.json_problem(p)),
            Body::NotAStoredDeadline(p) => format!(
                "不是待复核的期限（应为 {{\"request\": {{…}}, \"due_date\": …, \"due_at\": …, \"data_version\": …}}）：{}",
                self.json_problem(p)
            ),
            Body::CsvNotUtf8 => "CSV 不是 UTF-8 编码（请另存为“CSV UTF-8”）".to_owned(),
            Body::CsvHeader => "CSV 标题行无法读取".to_owned(),
            Body::CsvEmpty => "CSV 为空；第一行须写明请求字段名".to_owned(),
            Body::CsvColumnTwice(name) => format!("CSV 列 {name} 重复"),
            Body::CsvNoField => format!(
                "CSV 没有任何一列是期限请求的字段；字段有：{}",
                crate::deadline::Input::FIELDS.join("、")
            ),
            Body::CsvRow(Some(line)) => format!("第{line}行不是有效的 CSV 行"),
            Body::CsvRow(None) => "有一行不是有效的 CSV 行".to_owned(),
            Body::CsvRowWidth { got, want } => {
                format!("该行有{got}个字段，而标题行有{want}列")
            }
        };
        format!("请求体无效：{what}")
    }

    fn limit(&self, limit: &Limit) -> String {
        match limit {
            Limit::Body { length, limit } => {
                format!("请求体有{length}字节，最多接受{limit}字节")
            }
            Limit::Batch { count, limit } => {
                format!("本批含{count}项，一次最多接受{limit}项")
            }
            Limit::Explained { explained } => {
                format!("本批已逐日说明{explained}天，已达一批的上限；请另行请求本项的逐日说明")
            }
            Limit::Query { length, limit } => {
                format!("查询字符串有{length}字节，最多接受{limit}字节")
            }
            Limit::Versions { count, limit } => format!(
                "本次复核涉及{count}个非现行数据版本，一次复核最多接受{limit}个；其他版本的期限请另行复核"
            ),
        }
    }

    fn media(&self, media: &Media) -> String {
        match media {
            Media::Encoding(given) => {
                format!("不接受 Content-Encoding {given}；请直接发送未压缩的请求体")
            }
            Media::NoContentType => format!("请求没有 Content-Type；{WHAT_TO_SEND}"),
            Media::ContentType(given) => {
                format!("不接受 Content-Type {given}；{WHAT_TO_SEND}")
            }
        }
    }

    fn unoffered(&self, what: &Unoffered) -> String {
        match what {
            Unoffered::Format {
                name,
                known: true,
                route,
                offered,
            } => format!("{route} 不提供格式 {name}；可用格式：{offered}"),
            Unoffered::Format {
                name,
                known: false,
                route,
                offered,
            } => format!("没有格式 {name}；{route} 可用格式：{offered}"),
            Unoffered::Accept {
                accept,
                route,
                media,
                offered,
            } => format!(
                "Accept {accept} 与 {route} 的任何答案格式都不匹配；它提供 {media}（也可用 format={offered} 指定）"
            ),
        }
    }

    fn no_route(&self, route: &str) -> String {
        format!("没有 {route} 这一路由")
    }

    fn route_near(&self, near: &str) -> String {
        format!("；是否要访问 {near}？")
    }

    fn routes_are(&self, routes: &str) -> String {
        format!("；路由有：{routes}")
    }

    fn no_feed_file(&self, year: i32) -> String {
        format!("{year}年没有生效的数据源文件，无可撤回")
    }

    fn slow(&self, slow: &Slow) -> String {
        match slow {
            Slow::Request { secs } => format!("请求处理超过{secs}秒"),
            Slow::BodyStalled { secs } => {
                format!("请求体已{secs}秒未到达，本批的处理名额已让与其他请求")
            }
            Slow::Busy { work, retry_after } => {
                let what = match work {
                    super::Heavy::Compile => "其他保留的数据版本正在重新编译",
                    super::Heavy::Export => "其他导出文件正在生成",
                };
                format!("{what}，请{retry_after}秒后重试")
            }
        }
    }

    fn method_not_allowed(&self, route: &str, allow: &str) -> String {
        let (method, path) = route.split_once(' ').unwrap_or((route, ""));
        format!("{path} 不允许 {method} 方法；允许：{allow}")
    }

    fn strictly(&self, what: Strictly) -> String {
        let what = match what {
            Strictly::Day => "本系统尚未收录该日所在年份的放假安排通知",
            Strictly::Days | Strictly::Count => "所涉日期含本系统尚未收录放假安排通知的年份",
            Strictly::Add => "计算跨越本系统尚未收录放假安排通知的年份",
        };
        format!("答案依赖暂定的日子（{what}），而请求要求 strict=true")
    }

    fn version_not_kept(&self, version: &str) -> String {
        format!("数据版本 {version} 未保留（从未生效或已被清理）")
    }

    fn oldest_kept(&self, oldest: &str) -> String {
        format!("；保留的最早版本为 {oldest}")
    }

    fn version_unusable(&self, version: &str) -> String {
        format!("数据版本 {version} 的数据已保留，但无法重新编译，原因已记入日志")
    }

    fn unauthorized(&self) -> String {
        "需要有效的管理令牌".to_owned()
    }

    fn row_problem(&self, why: &RowWhy) -> String {
        match why {
            RowWhy::UnknownColumn => {
                format!("不是台账的列；列有：{}", self.ledger_columns().join("、"))
            }
            RowWhy::ColumnTwice => "该列重复".to_owned(),
            RowWhy::NotARow => "不是有效的 CSV 行，或比标题行多列".to_owned(),
            RowWhy::Adjustment(value) => format!("{value} 既不是“延长”，也不是日期"),
            RowWhy::NotADate(value) => format!("{value} 不是日期"),
            RowWhy::NotAnInstant(value) => {
                format!("{value} 不是带时差的时间（如 2026-10-15T10:00:00+08:00）")
            }
            RowWhy::Period(problem) => {
                format!("不是期限参数的 JSON 对象：{}", self.json_problem(problem))
            }
            RowWhy::Matter(e) => self.refused(&Refused::Matter(e.clone())),
        }
    }

    fn ledger_headers(&self) -> [&'static str; 12] {
        [
            "备注",
            "日历",
            "其他期限参数",
            "办结时间",
            "已确认截止日",
            "截止时间",
            "暂定",
            "剩余工作日",
            "已变动",
            "问题",
            "编号",
            "版本",
        ]
    }

    fn unreadable_matter(&self) -> String {
        "该事项的存储记录无法读出（原因已记入日志），请联系管理员".to_owned()
    }

    fn row_at(&self, row: u64, column: &str, why: &str) -> String {
        format!("第{row}行{column}：{why}")
    }

    fn rows_refused(&self, count: usize, shown: &[String], more: bool) -> String {
        let more = if more { "等" } else { "" };
        format!(
            "{count}行有误，未导入任何事项：{}{more}（errors 逐行列出）",
            shown.join("；")
        )
    }

    fn refused(&self, what: &Refused) -> String {
        match what {
            Refused::NoKey => "需要该台账的密钥（Authorization: Bearer <密钥>）".to_owned(),
            Refused::NotYours => "此密钥不能打开该台账".to_owned(),
            Refused::NoMatter => "台账中没有该事项".to_owned(),
            Refused::Stale { current } => {
                format!("该事项在所给版本之后已被他人修改，现为第{current}版（请重新读取）")
            }
            Refused::Unavailable => "台账数据库暂时无法连接，请稍后再试".to_owned(),
            Refused::Unrecorded => {
                "各实例共享的数据库暂时无法连接，本次更改未生效，现行数据保持不变，请稍后再试"
                    .to_owned()
            }
            Refused::NotAMatter(p) => format!(
                "不是台账事项（应为 {{\"doc_number\": …, \"subject\": …, \"period\": {{…}}}}）：{}",
                self.json_problem(p)
            ),
            Refused::NotAMattersField(name) => format!(
                "{name} 不是台账事项的字段；字段有 doc_number、subject、sender、handler、notes、period"
            ),
            Refused::Matter(MatterError::Period(e)) => {
                format!("事项的期限：{}", self.deadline_error(e))
            }
            Refused::Matter(MatterError::StatusInPeriod(field)) => {
                format!("事项的期限不得设置 {field}：状态由台账判断（办结请用办结操作）")
            }
            Refused::Matter(MatterError::NoPeriod) => {
                "事项须有期限（period：即 POST /v1/deadlines 的字段）".to_owned()
            }
            Refused::Matter(MatterError::Unnamed) => "事项须有文号（doc_number）或事由".to_owned(),
            Refused::Name => "请求体须为 {\"name\": \"…\"}，台账名称为1至200个字符".to_owned(),
            Refused::Matter(MatterError::TooLong { field, max }) => {
                format!("事项的 {field} 超过{max}个字符")
            }
            Refused::ActionBody => "该操作不带请求体：请以空请求体发送 POST".to_owned(),
            Refused::Import(rows) => self.import_refused(rows),
            Refused::NotTheCalendarToken => {
                "此令牌不能打开该台账的日历（令牌可能已被撤销或更换；台账密钥不能用作日历令牌）"
                    .to_owned()
            }
            Refused::ReadOnly => "此密钥只能查看，不能修改台账".to_owned(),
            Refused::NoSuchKey => "台账中没有该标签的密钥".to_owned(),
            Refused::LabelTaken => {
                "台账中已有该标签的密钥（含已撤销的）；请另取一个标签".to_owned()
            }
            Refused::LastWritingKey => {
                "这是台账最后一把可修改的密钥，撤销后将无人能修改台账；请先添加另一把可修改的密钥"
                    .to_owned()
            }
            Refused::KeyBody => "请求体须为 {\"label\": \"…\", \"read_only\": true|false}，标签为1至100个字符，不含“/”和控制字符".to_owned(),
            Refused::TooManyRequests { retry_after } => {
                format!("此密钥的请求过于频繁，请{retry_after}秒后再试")
            }
        }
    }

    fn internal(&self) -> String {
        "服务器无法作答；原因已记入日志".to_owned()
    }

    fn cross_origin(&self, cross: Cross) -> String {
        match cross {
            Cross::OriginNotAllowed => {
                "该网页的来源不在允许跨源访问之列（允许的来源由 QIXIAN_CORS_ORIGINS 设定）"
            }
            Cross::MethodNotAllowed => "跨源请求不允许使用该方法（允许 GET 和 POST）",
            Cross::HeadersNotAllowed => "跨源请求含有不允许的请求头（允许 Content-Type）",
            Cross::BadPreflight => {
                "预检请求缺少 Origin 或 Access-Control-Request-Method，或其值无效"
            }
        }
        .to_owned()
    }

    fn framework(&self, status: u16) -> String {
        match status {
            413 => "请求体超过本路由接受的大小",
            415 => "本路由不读取这种内容类型的请求体",
            404 => "此处没有内容",
            405 => "此处不允许该请求方法",
            400..=499 => "请求无法读取",
            _ => "服务器无法作答；原因已记入日志",
        }
        .to_owned()
    }

    fn calendar_error(&self, error: &CalendarError) -> String {
        match error {
            CalendarError::OutOfRange { date } => {
                format!("日期 {date} 超出支持范围（{FIRST_DAY} 至 {LAST_DAY}）")
            }
            CalendarError::ResultOutOfRange { start, days } => format!(
                "自 {start} 起算{days}个工作日，结果超出支持范围（{FIRST_DAY} 至 {LAST_DAY}）"
            ),
            CalendarError::HoursOutOfRange { start, minutes } => format!(
                "自 {start} 起算{minutes}分钟办公时间，结果超出支持范围（{FIRST_DAY} 至 {LAST_DAY}）"
            ),
            CalendarError::Backwards { from, to } => format!("{to} 早于起始日 {from}"),
            CalendarError::TooLong { from, to, days } => {
                format!("{from} 至 {to} 共{days}天，一次最多列出{MAX_LISTED_DAYS}天")
            }
            CalendarError::NoOfficeHours { calendar } => format!(
                "日历 {calendar} 没有作息时间，无法按办公时间计算；可用 office_hours 给出（如 10:00-14:00,16:00-20:00）"
            ),
            CalendarError::UnknownCalendar {
                id,
                known,
                suggestion,
            } => format!(
                "日历 {} 不存在{}；现有日历：{known}",
                quote(id),
                did_you_mean(suggestion.as_deref())
            ),
        }
    }

    fn deadline_error(&self, error: &DeadlineError) -> String {
        match error {
            DeadlineError::UnknownRule {
                id,
                known,
                suggestion,
            } => format!(
                "规则 {} 不存在{}；现有规则：{known}",
                quote(id),
                did_you_mean(suggestion.as_deref())
            ),
            DeadlineError::Zone { field, source } => {
                format!("{field}：{}", self.zone_error(source))
            }
            DeadlineError::Event(e) => clerk_moment_error("起算", e),
            DeadlineError::AsOf(e) => format!("as_of：{}", self.moment_error(e)),
            DeadlineError::Completed(e) => clerk_moment_error("办结", e),
            DeadlineError::Unit(e) => self.unknown_unit(e),
            DeadlineError::Missing(field) => format!("缺少 {field}"),
            DeadlineError::DaysAndAmount => "days 和 amount 只能给出其一".to_owned(),
            DeadlineError::DaysNotAllowed { rule, amount, unit } => format!(
                "规则 {rule} 的期限固定为{}；只有可调整期限的规则接受 days",
                period_words(*unit, *amount)
            ),
            DeadlineError::UnitNotAllowed { rule, unit } => format!(
                "规则 {rule} 按{}计算；自定义计算单位只用于临时期限",
                unit_word(*unit)
            ),
            DeadlineError::AmountOutOfRange { amount, unit } => format!(
                "期限长度 {amount}（{}）超出范围：须在1至{}之间",
                unit_word(*unit),
                unit.max_amount()
            ),
            DeadlineError::FormNotAllowed {
                rule: Some(rule),
                key,
            } => format!("规则 {rule} 的 {key} 由规则规定，不能更改"),
            DeadlineError::FormNotAllowed { rule: None, .. } => {
                "按小时计算的期间只能向后计算".to_owned()
            }
            DeadlineError::NoExtension { rule: Some(rule) } => {
                format!("规则 {rule} 没有可以延长的期限")
            }
            DeadlineError::NoExtension { rule: None } => {
                "临时期限没有延长期限；商定的新时限请用 agreed_due 给出".to_owned()
            }
            DeadlineError::UnknownForm {
                key,
                value,
                choices,
            } => format!(
                "{key} {} 无法识别；可选 {}",
                quote(value),
                glossed(choices).join("、")
            ),
            DeadlineError::Paused(text) => format!(
                "paused {} 不是日期区间 <起>/<止>（如 2026-05-01/2026-05-10），且起日不得晚于止日",
                quote(text)
            ),
            DeadlineError::TooManyPaused => format!(
                "paused 给出的中止期间超过 {} 段",
                crate::deadline::MAX_PAUSED
            ),
            DeadlineError::PausedNotAllowed => {
                "不计入期限的期间（paused）只适用于向后计算、按日计算的期间，不适用于倒计的期间或按小时计算的期间"
                    .to_owned()
            }
            DeadlineError::Agreed(text) => format!(
                "商定的回复日期“{text}”无法识别或不在起算日之后，请按“年-月-日”填写起算日之后的日期，例如2026-10-20。"
            ),
            DeadlineError::TooLong { field } => format!(
                "{field} 超过 {} 个字符",
                crate::deadline::MAX_ECHOED
            ),
            DeadlineError::MissingPeriod => {
                "期限请求须给出规则（rule），或者给出计算单位（unit）和长度（amount）".to_owned()
            }
            DeadlineError::Provisional => {
                "期间跨越本系统尚未收录放假安排通知的年份，而请求要求 strict=true".to_owned()
            }
            DeadlineError::Calendar(e) => self.calendar_error(e),
            DeadlineError::Hours(e) => format!("office_hours：{}", self.interval_error(e)),
            DeadlineError::UnknownCutoff(text) => format!(
                "cutoff {} 无法识别；可选 {}",
                quote(text),
                either(Cutoff::NAMES)
            ),
            DeadlineError::NotInForce { rule, from } => format!(
                "规则 {rule} 所依据的条文自{}起施行，起算日早于该日，当时没有这一期限的规定；该规则自{}起适用",
                date(*from),
                date(*from)
            ),
            DeadlineError::NotAllowedByStatute {
                rule,
                field,
                allowed,
            } => format!(
                "规则 {rule} 的条文没有规定{}，不接受 {field}；{}",
                form_word(field),
                match allowed.as_slice() {
                    [] => "该规则的期限只能按条文计算".to_owned(),
                    some => format!(
                        "该规则的条文允许：{}",
                        some.iter()
                            .map(|f| format!("{f}（{}）", form_word(f)))
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                }
            ),
        }
    }

    fn input_error(&self, error: &InputError) -> String {
        format!("{}：{}", error.field, self.bad_value(&error.problem))
    }

    fn bad_value(&self, value: &BadValue) -> String {
        match value {
            BadValue::TooLarge(v) => format!("{v} 过大"),
            BadValue::NotAnInteger(v) => format!("{v} 不是整数"),
            BadValue::NotAFlag(v) => format!("{v} 不是 true 或 false（也可写 1 或 0）"),
        }
    }

    fn json_kind(&self, kind: &JsonKind) -> String {
        match kind {
            JsonKind::Syntax => "不是有效的 JSON".to_owned(),
            JsonKind::Eof => "JSON 不完整".to_owned(),
            JsonKind::NotAnObject => "应为 JSON 对象 {…}".to_owned(),
            JsonKind::UnknownField { name, suggestion } => format!(
                "字段 {name} 无法识别{}；字段有：{}",
                did_you_mean(*suggestion),
                crate::deadline::Input::FIELDS.join("、")
            ),
            JsonKind::WrongType {
                field,
                expected,
                found,
            } => {
                let expected = match expected {
                    Expected::Text => "字符串",
                    Expected::WholeNumber => "整数",
                    Expected::Flag => "true 或 false",
                    Expected::TextOrList => "字符串或字符串列表",
                };
                format!("字段 {field} 应为{expected}，而不是 {found}")
            }
            JsonKind::NoItems => "应为 JSON 对象 {\"items\": [...]}".to_owned(),
        }
    }

    fn json_at(&self, what: String, line: usize, column: usize) -> String {
        format!("{what}（第{line}行第{column}列）")
    }

    fn unknown_unit(&self, error: &UnknownUnit) -> String {
        format!(
            "计算单位 {} 无法识别；可用 {}",
            quote(&error.0),
            either(<Unit as strum::VariantNames>::VARIANTS)
        )
    }

    fn zone_error(&self, error: &ZoneError) -> String {
        format!(
            "时区 {} 不是 IANA 时区名（如 Asia/Shanghai 即北京时间，Asia/Urumqi 即乌鲁木齐时间）{}",
            quote(&error.name),
            error
                .suggestion
                .as_deref()
                .map(|s| format!("；是否要写 {s}？"))
                .unwrap_or_default()
        )
    }

    fn date_error(&self, error: &DateError) -> String {
        match error {
            DateError::Shape(text) => format!(
                "{} 不是 YYYY-MM-DD 格式的日期（也可写作 2026/6/15 或 2026-6-15）",
                quote(text)
            ),
            DateError::NotADate(text) => format!("{text} 不是日历上存在的日期"),
        }
    }

    fn moment_error(&self, error: &MomentError) -> String {
        match error {
            MomentError::Date(e) => self.date_error(e),
            MomentError::Time { value, time } => {
                format!("{}：{} 不是有效的时刻", quote(value), quote(time))
            }
            MomentError::AmbiguousHour { value, time, hour } => format!(
                "{}：{} 不知是上午还是下午，请写“上午{hour}点”“下午{hour}点”或24小时制的“{}点”",
                quote(value),
                quote(time),
                hour + 12
            ),
            MomentError::PlusAsSpace(text) => format!(
                "{}：时差前的“+”被读成了空格；在查询字符串中请写作 %2B（如 2026-10-09T01:30:00%2B08:00）",
                quote(text)
            ),
            MomentError::Shape(text) => format!(
                "{} 不是日期（2026-09-30）、不带时差的时刻（2026-09-30T18:00:00）或带时差的时刻（2026-09-30T18:00:00+08:00）",
                quote(text)
            ),
        }
    }

    fn interval_error(&self, error: &IntervalError) -> String {
        match error {
            IntervalError::Empty => "没有给出时段；请写作 10:00-14:00,16:00-20:00".to_owned(),
            IntervalError::Shape(text) => {
                format!(
                    "{} 不是 HH:MM-HH:MM 形式的时段（如 10:00-14:00）",
                    quote(text)
                )
            }
            IntervalError::Time(text) => format!("{} 含有无效的时刻", quote(text)),
            IntervalError::Backwards(text) => {
                format!("{} 的结束时刻不晚于开始时刻", quote(text))
            }
            IntervalError::Overlap { first, second } => format!(
                "{} 在 {} 结束之前开始；各时段须按先后排列且互不重叠",
                quote(second),
                quote(first)
            ),
            IntervalError::TooMany(n) => {
                format!("共{n}个时段；一天最多{MAX_INTERVALS}个")
            }
        }
    }

    fn weekday(&self, day: Weekday) -> &'static str {
        match day {
            Weekday::Mon => "星期一",
            Weekday::Tue => "星期二",
            Weekday::Wed => "星期三",
            Weekday::Thu => "星期四",
            Weekday::Fri => "星期五",
            Weekday::Sat => "星期六",
            Weekday::Sun => "星期日",
        }
    }

    fn day_kind(&self, kind: DayKind, name: Option<&str>) -> String {
        match (kind, name) {
            (DayKind::Holiday, Some(name)) => format!("节假日（{name}）"),
            (DayKind::Holiday, None) => "节假日".to_owned(),
            (DayKind::MakeupWorkday, Some(name)) => format!("调休上班日（{name}）"),
            (DayKind::MakeupWorkday, None) => "调休上班日".to_owned(),
            (DayKind::Weekend, _) => "周末休息日".to_owned(),
            (DayKind::Workday, _) => "工作日".to_owned(),
        }
    }

    fn estimated_mark(&self) -> &'static str {
        "（预估）"
    }

    fn reason(&self, reason: &Reason<'_>, day: &str) -> String {
        let cited = |basis: &Option<String>| {
            basis
                .as_ref()
                .map(|b| format!("（{b}）"))
                .unwrap_or_default()
        };
        match reason {
            Reason::EventDayBack => format!("倒计的基准日，不计入；{day}"),
            Reason::EventDay { law } => format!(
                "开始的当日，不计入，自下一日起算（{}）；{day}",
                cite(*law, true)
            ),
            Reason::Counted {
                n,
                working_days,
                backward,
                ordinary,
            } => {
                let ordinal = match (working_days, backward) {
                    (true, false) => format!("第{n}个工作日"),
                    (true, true) => format!("前第{n}个工作日"),
                    (false, false) => format!("第{n}日"),
                    (false, true) => format!("前第{n}日"),
                };
                // An ordinary working day says nothing more (「第1个工作日；工作日」 said it twice).
                if *ordinary {
                    ordinal
                } else {
                    format!("{ordinal}；{day}")
                }
            }
            Reason::Extension {
                n,
                working_days: true,
                basis,
            } => format!("延长期限第{n}个工作日{}；{day}", cited(basis)),
            Reason::Extension { n, basis, .. } => {
                format!("延长期限第{n}日{}；{day}", cited(basis))
            }
            Reason::CorrespondingDay { n } => {
                format!("第{n}日，到期月的对应日为期间的最后一日（《民法典》第二百零二条）；{day}")
            }
            Reason::MonthEnd { n } => format!(
                "第{n}日，到期月没有对应日，月末日为期间的最后一日（《民法典》第二百零二条）；{day}"
            ),
            Reason::Paused { suspension, basis } => format!(
                "{day}；{}，不计入{}",
                if *suspension {
                    "中止的期间"
                } else {
                    "不计算在期限内的期间"
                },
                cited(basis)
            ),
            Reason::TaxProlonged { n: Some(n) } => format!(
                "第{n}日；{day}；期间内连续3日以上的法定休假日，期限按休假日天数顺延（《税收征收管理法实施细则》第一百零九条）"
            ),
            Reason::TaxProlonged { n: None } => format!(
                "{day}；期间内连续3日以上的法定休假日，期限按休假日天数顺延（《税收征收管理法实施细则》第一百零九条）"
            ),
            Reason::TaxProlongedDay { n } => format!(
                "期间最后一日后按休假日天数顺延的第{n}个工作日（《税收征收管理法实施细则》第一百零九条）；{day}"
            ),
            Reason::RolledBack { onto: true } => {
                format!("{day}；期间最后一日为休息日，提前至本日（迟于本日即错过期限）")
            }
            Reason::RolledBack { onto: false } => format!("{day}；休息日，提前至前一工作日"),
            Reason::NextStep { basis } => format!(
                "{day}；期间已经届满{}，最早可于本日进行下一步",
                cited(basis)
            ),
            Reason::Agreed {
                rule: Some((statute, article, words)),
            } => format!("{day}；在商定的时限内（{statute}{article}：{words}）"),
            Reason::Agreed { rule: None } => {
                format!("{day}；在请求给出的商定时限内（agreed_due）")
            }
            Reason::HoursElapsed { minutes } => format!("{day}；计入{}", duration(*minutes)),
            Reason::NotWorking => format!("{day}，不计入"),
            Reason::OfficeTime { minutes } => {
                format!("{day}；计入办公时间{}", duration(*minutes))
            }
            Reason::NoOfficeTime => format!("{day}；无办公时间，不计入"),
            Reason::Rolled { onto: true, law } => format!(
                "{day}；期间最后一日为法定休假日，顺延至休假日结束的次日，即本日（{}）",
                cite(*law, false)
            ),
            Reason::Rolled { onto: false, law } => format!(
                "{day}；最后一日为法定休假日，顺延至休假日结束的次日（{}）",
                cite(*law, false)
            ),
        }
    }

    fn period_length(&self, period: &Period<'_>) -> String {
        period_words(period.unit, period.amount)
    }

    fn standing(&self, standing: Standing, on: NaiveDate) -> String {
        let on = date(on);
        match standing {
            Standing::NotStarted => format!("截至{on}，尚未起算"),
            Standing::CompletedOnTime => format!("已于{on}办结，按期办结"),
            Standing::CompletedAfterLastMoment => format!("已于{on}办结，截止时间后办结"),
            Standing::CompletedLate(n) => format!("已于{on}办结，逾期{n}个工作日办结"),
            Standing::Pending(n) => format!("截至{on}，未到期，尚余{n}个工作日（含截止日当天）"),
            Standing::DueToday => format!("今日截止（{on}）"),
            Standing::PastLastMoment => format!("截至{on}，已过截止时间"),
            Standing::Overdue(n) => format!("截至{on}，已逾期{n}个工作日"),
        }
    }

    fn lapse(
        &self,
        consequence: Consequence,
        own: Option<(&str, &str)>,
        _basis: Option<&str>,
    ) -> String {
        // The rule's own words are Chinese: said as the rule says them, with their basis.
        match own {
            Some((words, basis)) => format!("；{words}（{basis}）"),
            None => format!("；{}", self.consequence(consequence)),
        }
    }

    fn consequence(&self, consequence: Consequence) -> String {
        match consequence {
            Consequence::DeemedNoObjection => "逾期不回复视为无不同意见",
            Consequence::DeemedAccepted => "期满未告知或者未决定不予受理的，视为受理",
            Consequence::DeemedConsent => "逾期未提出意见的，视为同意公开",
            Consequence::DeemedNoEvidence => {
                "逾期未提出书面答复、提交证据和依据的，视为该行政行为没有证据、依据"
            }
        }
        .to_owned()
    }

    fn provisional_note(&self) -> String {
        "暂定：期间跨越本系统尚未收录放假安排通知的年份，其节假日按法定节日和历年通知的惯例预估，通知收录后日期可能变动"
            .to_owned()
    }

    fn certainty_settled(&self) -> &'static str {
        "期间所依赖的预估日都是法定节日或历年通知从未改变的安排：通知收录后，截止日期基本不会变动"
    }

    fn certainty_unsure(&self, days: &[NaiveDate], alternatives: &[&str]) -> String {
        let days: Vec<String> = days.iter().map(|d| date(*d)).collect();
        format!(
            "期间依赖把握不大的预估日（{}），通知收录后截止日期可能变动{}",
            days.join("、"),
            if alternatives.is_empty() {
                String::new()
            } else {
                format!("；{}", alternatives.join("；"))
            }
        )
    }

    fn posted_in_time(&self, via: &str, basis: &str) -> String {
        // Said once: a rule's own basis may already say it.
        if basis.contains("交邮") {
            String::new()
        } else {
            format!("；期满前交邮的，不算过期（《民事诉讼法》第八十五条；{via}）")
        }
    }

    fn hours_of(&self, f: &HoursFrom<'_>) -> String {
        format!(
            "{}{}作息时间（来源：{}，{}年{}）",
            f.name,
            f.season,
            f.source,
            years(f.years),
            if f.carried_over {
                "；该年未见通知，沿用"
            } else {
                ""
            }
        )
    }

    fn hours_given(&self) -> &'static str {
        "请求给出的作息时间（office_hours，按北京时间）"
    }

    fn closes_when(&self, by: ChosenBy, basis: &str, posted: &str) -> String {
        match by {
            ChosenBy::Rule(RuleCutoff::OfficeTarget) => format!(
                "机关自身办理的事项：法定期间截止于期满日二十四时，本答复以停止办公的时间为内部目标（{basis}）{posted}"
            ),
            ChosenBy::Rule(_) => format!("停止业务活动的时间为截止时间（{basis}）"),
            ChosenBy::Request => "按请求（cutoff=close_of_business），停止业务活动的时间为截止时间（《民法典》第二百零三条第二款）".to_owned(),
            ChosenBy::AdHoc => "有业务时间的，停止业务活动的时间为截止时间（《民法典》第二百零三条第二款）；临时期限默认如此，cutoff=midnight 改为二十四时".to_owned(),
        }
    }

    fn close_of_business(&self, hours: &str, whose: &str, why: &str) -> String {
        format!("截止日办公时间为{hours}（北京时间），依{whose}；{why}")
    }

    fn midnight_by_rule(&self, basis: &str, posted: &str) -> String {
        format!("期间最后一日的截止时间为二十四时（{basis}）{posted}")
    }

    fn fixed_ending(&self, ending: FixedEnding) -> &'static str {
        match ending {
            FixedEnding::MidnightAsked => {
                "按请求（cutoff=midnight），期间最后一日的截止时间为二十四时（《民法典》第二百零三条第二款）"
            }
            FixedEnding::MidnightNoHours => {
                "该日历没有作息时间：期间最后一日的截止时间为二十四时（《民法典》第二百零三条第二款）"
            }
            FixedEnding::MidnightDayWithoutHours => {
                "截止日为休息日，当日没有办公时间：截止时间为二十四时（《民法典》第二百零三条第二款）"
            }
            FixedEnding::OfficeTimeRun => {
                "按工作小时计算是请求自定的计算方式，法律没有按工作小时计算的期间：自事件时刻起累计办公时间，届满之时即为截止时间"
            }
            FixedEnding::HoursRun => {
                "按照小时计算的期间，自法律规定或者当事人约定的时间开始计算（《民法典》第二百零一条第二款），届满之时即为截止时间"
            }
        }
    }

    fn readings_note(&self, r: &Readings) -> String {
        format!(
            "延长期限从哪一日起算，条文没有规定：自原期间最后一日（顺延后）的次日起算，截止日为{}；期间与延长期限合并自起算日计算，截止日为{}。本答复取较早的{}，对机关自身办理事项较为稳妥",
            date(r.from_rolled_last_day),
            date(r.from_event),
            date(r.from_event)
        )
    }

    fn last_moment(&self, ending: &Ending<'_>, time: &str) -> String {
        match ending {
            Ending::CloseOfBusiness {
                by: ChosenBy::Rule(RuleCutoff::OfficeTarget),
                ..
            } => format!("；内部目标为停止办公的时间{time}，法定期间截止于二十四时"),
            Ending::CloseOfBusiness { .. } => {
                format!("；截止时间为停止业务活动的时间{time}（《民法典》第二百零三条第二款）")
            }
            Ending::Midnight { .. } | Ending::MidnightNoHours | Ending::MidnightDayWithoutHours => {
                "；截止时间为二十四时".to_owned()
            }
            Ending::OfficeTimeRun => format!("；办公时间于{time}届满"),
            Ending::HoursRun => format!("；期间于{time}届满"),
        }
    }

    fn awaited_notice(&self, year: i32, layer: &str, operator_file: &str, feed: bool) -> String {
        format!(
            "本系统尚未收录{year}年放假安排通知（{layer}），现有配置也不会自动收录：在此之前该年的节假日为预估，依赖该年的结果为暂定。如已见到通知，请联系本系统的运维人员收录：放入运维文件（QIXIAN_HOLIDAYS_DIR下的{operator_file}）{}或升级到收录该通知的新版本",
            if feed {
                "、配置节假日数据源（QIXIAN_FEED_URL），"
            } else {
                "，"
            }
        )
    }

    fn outlook_lacking(&self, national: bool, regional: bool) -> &'static str {
        match (national, regional) {
            (true, true) => "国务院和自治区的放假安排通知",
            (true, false) => "国务院的放假安排通知",
            _ => "自治区的肉孜节、古尔邦节放假通知",
        }
    }

    fn outlook_national_score(&self, (first, last): (i32, i32), record: &Record) -> String {
        format!(
            "按同一办法回推{first}—{last}年，平均每年{:.2}个工作日与通知不符（{}年中{}年完全相符，惯例即取自这些年份）",
            record.mean(),
            record.scored,
            record.exact
        )
    }

    fn outlook_nothing_to_score(&self) -> &'static str {
        "本系统没有已收录通知的年份可供回推"
    }

    fn outlook_regional_score(&self, (festivals, wrong): (usize, usize)) -> String {
        format!("肉孜节、古尔邦节按乌姆库拉历推算，回推已知的{festivals}个节日年份共{wrong}天不符")
    }

    fn outlook_line(
        &self,
        year: i32,
        lacking: &str,
        uncertain: &[&str],
        scores: &[String],
    ) -> String {
        let uncertain = if uncertain.is_empty() {
            "，各节日的安排均有先例可循".to_owned()
        } else {
            format!("，其中{}的调休尚难确定", uncertain.join("、"))
        };
        let scores = if scores.is_empty() {
            String::new()
        } else {
            format!("{}。", scores.join("；"))
        };
        format!(
            "{year}年：本系统尚未收录该年{lacking}，节假日按法定节日和历年通知的惯例预估{uncertain}。{scores}"
        )
    }

    fn holiday_feed_name(&self, calendar_name: &str) -> String {
        format!("{calendar_name} 放假与调休")
    }

    fn holiday_event_named(&self, name: &str, category: &str) -> String {
        format!("{name} {category}")
    }

    fn holiday_event_category(&self, kind: DayKind) -> &'static str {
        match kind {
            DayKind::MakeupWorkday => "调休上班",
            _ => "放假",
        }
    }

    fn holiday_event_of(&self, (name, id): (&str, &str), summary: &str) -> String {
        format!("{name}（{id}）：{summary}")
    }

    fn holiday_event_estimated(&self) -> &'static str {
        "预估：本系统尚未收录该年的通知，以正式通知为准"
    }

    fn holiday_event_source(&self, source: &str) -> String {
        format!("来源：{source}")
    }

    fn other_reading_note(
        &self,
        (event, due): (NaiveDate, NaiveDate),
        (written, other_due): (NaiveDate, NaiveDate),
        zone: &str,
    ) -> String {
        format!(
            "所填时间换算为{}是{}，本结果按{}起算，截止日期为{}；如按所填日期{}起算，截止日期为{}",
            clock_name(zone),
            date(event),
            date(event),
            date(due),
            date(written),
            date(other_due)
        )
    }

    fn deadline_due(&self, title: &str, doc_no: Option<&str>) -> String {
        format!("{}截止：{title}", doc_mark(doc_no))
    }

    fn ad_hoc_title(&self, period: &Period<'_>) -> String {
        format!("{}期限", self.period_length(period))
    }

    fn deadline_event_description(&self, facts: &DeadlineFacts<'_>) -> String {
        let mut text = String::new();
        if let Some(doc) = facts.doc_no {
            text.push_str(&format!("文号：{doc}\n"));
        }
        text.push_str(facts.title);
        text.push('\n');
        if let Some((article, words, statute)) = facts.citation {
            text.push_str(&format!(
                "依据：{}{article}\n{words}\n",
                book_title(statute)
            ));
        }
        text.push_str(&format!(
            "起算日：{}（当日不计入）\n期限：{}\n截止：{}{}{}\n节假日安排：{}",
            date(facts.event_date),
            self.period_length(facts.period),
            clock_name(facts.zone),
            date(facts.due_date),
            facts.due_time,
            facts.calendar.0,
        ));
        if facts.provisional {
            text.push_str("\n暂定：期间含本系统尚未收录通知的年份，以正式通知为准");
        }
        text
    }

    fn deadline_reminder(&self, due: NaiveDate, title: &str, doc_no: Option<&str>) -> String {
        format!("{}截止：{}{title}", date(due), doc_mark(doc_no))
    }

    fn deadline_category(&self) -> &'static str {
        "期限"
    }

    fn register_feed_name(&self, register: &str) -> String {
        format!("{register} 督办台账")
    }

    fn register_event_description(&self, facts: &MatterFacts<'_>) -> String {
        let mut lines = Vec::new();
        for (label, value) in [
            ("文号", facts.doc_number),
            ("事由", facts.subject),
            ("来文单位", facts.sender),
            ("承办人", facts.handler),
        ] {
            if !value.is_empty() {
                lines.push(format!("{label}：{value}"));
            }
        }
        lines.push(format!(
            "截止：北京时间{}{}",
            date(facts.due_day),
            facts.due_time
        ));
        if facts.provisional {
            lines.push("暂定：期间含本系统尚未收录通知的年份，以正式通知为准".to_owned());
        }
        if let Some(from) = facts.moved_from {
            lines.push(format!(
                "已变动：原确认的截止日为{}，按现行放假安排和规则计算已改变，尚待确认",
                date(from)
            ));
        }
        lines.join("\n")
    }

    fn workbook_words(&self) -> &'static WorkbookWords {
        &WORKBOOK
    }

    fn workbook_title(&self, (name, id): (&str, &str)) -> String {
        format!("{name}（{id}）办文期限登记台账")
    }

    fn notes_fixed(&self) -> [&'static str; 3] {
        [
            "本表是办文期限登记台账：在“期限登记”表中每件文登记一行，填写文号、事由、来文单位、承办人，从下拉列表中选择规则，填写起算日（收文、会议结束等期限起算的日期，当日不计入），截止日和状态自动算出。办结后填写办结日期，状态即改为“按期办结”或“逾期办结”。本表不需要联网。",
            "已逾期、尚未办结的行显示为红色；3个工作日内（含当日）到期、尚未办结的行显示为黄色。状态和颜色按电脑上的当天日期判断。打印时只打印到最后一个填写了内容的行，表头每页重复（Excel 按本表的打印区域）；如打印出空白行（LibreOffice 会打印全部500行），可先在“规则”列的筛选中去掉“（空白）”，只打印已登记的行。",
            "本表不扣除中止、听证、检验、检测、鉴定、专家评审等依法不计算在期限内的时间，也不计算按小时、按月、按年计算的期限和“会前N日”等往前倒数的期限。遇到这些情况，请到本系统网页上计算。",
        ]
    }

    fn notes_extended(&self, rules: &[String]) -> String {
        format!(
            "经批准延长办理期限的，填“延长”，截止日按法定最长的延长期限计算（{}）",
            rules.join("；")
        )
    }

    fn notes_agreed(&self, rules: &[String]) -> String {
        format!(
            "与主办部门商定回复时限的（{}），填商定的日期，截止日即为该日",
            rules.join("、")
        )
    }

    fn notes_adjustable(&self, clauses: &[String]) -> String {
        if clauses.is_empty() {
            "“延长/商定”一栏：本表的规则都不能延长或商定期限，此栏留空。".to_owned()
        } else {
            format!(
                "“延长/商定”一栏：{}；其他规则此栏留空。",
                clauses.join("；")
            )
        }
    }

    fn notes_every_notice_held(&self) -> &'static str {
        "名单所含年份的放假安排通知，本系统均已收录。"
    }

    fn notes_estimated(&self, unrecorded: &str, note: &str) -> String {
        format!(
            "{unrecorded}。这些年份的节假日是预估的，截止日用到这些年份的，状态后标“（暂定）”。{note}。"
        )
    }

    fn notes_download(&self, to: i32, page: Option<&str>, address: &str) -> String {
        let page = match page {
            Some(page) => format!("打开本系统网页的“日历”页（{page}）下载，或直接打开"),
            None => "打开".to_owned(),
        };
        format!(
            "本表中的休息日名单是下载当时的，不会自动更新。以下情况请重新下载：国务院、自治区或自治州发布或调整放假安排后；起算日临近{to}年年底时；状态出现“超出名单年份”时。下载方法：{page}{address}。重新下载后，把已登记的行复制到新表中。"
        )
    }

    fn notes_counting(&self, from: i32, to: Option<i32>) -> String {
        let span = match to {
            Some(to) => format!("{from}年至{to}年"),
            None => format!("{from}年"),
        };
        format!(
            "截止日按“休息日”表中的名单计算。名单列出{span}所有不上班的日子：未调休的星期六、星期日和全部放假日；调休上班日不在名单中，照常算作工作日。“N个工作日内”的期限跳过名单中的每一天；“N日内”的期限，最后一日遇休息日顺延至其后第一个工作日（《中华人民共和国民法典》第二百零三条）。起算日当日不计入（第二百零一条）。起算日或截止日超出名单年份时，截止日留空。"
        )
    }

    fn workbook_due_note(&self) -> String {
        "截止日按“休息日”表中的名单计算，不需要联网：N个工作日内的期限跳过名单中的日子，N日内的期限最后一日遇休息日顺延。详见“说明”表。".to_owned()
    }

    fn unrecorded_notices(&self, years: &[i32]) -> String {
        let years: Vec<String> = years.iter().map(|y| format!("{y}年")).collect();
        format!(
            "本系统尚未收录{}放假安排通知；如已见到正式通知，请告知本系统的管理员收录",
            years.join("、")
        )
    }

    fn day_changed(&self, date: NaiveDate, was: &str, is: &str) -> String {
        format!("{}由{was}改为{is}", self::date(date))
    }

    fn moved_by_unknown(&self, version: Option<&str>) -> String {
        match version {
            Some(version) => format!(
                "确认到期日时所依据的数据版本 {version} 已不再保留，无法列出使到期日变动的日期"
            ),
            None => "确认到期日时未记录所依据的数据版本，无法列出使到期日变动的日期".to_owned(),
        }
    }
}

static WORKBOOK: WorkbookWords = WorkbookWords {
    register_sheet: "期限登记",
    rest_sheet: "休息日",
    notes_sheet: "说明",
    register_headers: [
        "文号",
        "事由",
        "来文单位",
        "承办人",
        "规则",
        "起算日",
        "延长/商定",
        "截止日",
        "办结日期",
        "状态",
    ],
    helper_headers: [
        "（计算用）规则序号",
        "（计算用）期限长度",
        "（计算用）本期截止日",
        "（计算用）填写问题",
        "（计算用）状态序号",
        "（计算用）本期暂定",
        "（计算用）暂定",
    ],
    rest_headers: ["日期", "类型", "名称", "预估"],
    weekend: "周末",
    day_off: "放假",
    estimated: "预估",
    extend: "延长",
    overdue: "已逾期",
    due_today: "今日截止",
    pending: "未到期",
    not_started: "尚未起算",
    completed_on_time: "按期办结",
    completed_late: "逾期办结",
    provisional: "（暂定）",
    choose_rule: "请从下拉列表中选择规则",
    not_a_date: "起算日不是日期",
    not_in_force: "起算日早于现行条文施行日期，请到本系统网页上计算",
    outside_list: "超出名单年份，请重新下载本表",
    bad_adjustment: "“延长/商定”不适用于本规则",
    completed_not_a_date: "办结日期不是日期",
    example: "示例",
    examples_heading: "填写示例（在“期限登记”表中这样填写，截止日和状态自动算出）",
    statuses_heading: "“状态”一栏可能显示的内容",
    rule_prompt: (
        "规则",
        "从列表中选择期限所依据的条款；各条款的期限见“说明”表。",
    ),
    event_prompt: (
        "起算日",
        "期限起算的日期（当日不计入），如收文日、会议结束日、文件印发日。",
    ),
    event_outside: (
        "超出名单年份",
        "起算日不在休息日名单覆盖的年份内，截止日无法计算。请重新下载覆盖该年份的本表。",
    ),
    adjustment_prompt: (
        "延长/商定",
        "经批准延长期限的，填“延长”；与主办部门商定回复时限的，填商定的日期；其他情况留空。",
    ),
    completed_prompt: (
        "办结日期",
        "办结后填写办结的日期，状态即显示按期办结或逾期办结。",
    ),
    years_headers: ["年份", "放假安排通知", "截止日暂定"],
    published: "已收录",
    estimated_year: "未收录，预估",
    yes_no_format: "\"是\";\"是\";\"否\"",
    rules_headers: [
        "条款",
        "规则",
        "期限",
        "按工作日计算",
        "期限长度",
        "条文施行日期",
        "可延长",
        "可商定",
    ],
    covers: ("名单起始日", "名单截止日"),
    data_version: "数据版本",
};

/// A date or time a clerk typed in the field named `field` (起算, 办结), refused in a clerk's
/// words: which field, what it said, how to write it — no parameter name, no joined ISO text.
fn clerk_moment_error(field: &str, error: &MomentError) -> String {
    match error {
        MomentError::Date(DateError::NotADate(text)) => match year_month_day(text) {
            Some((y, m, d)) if (1..=12).contains(&m) => {
                format!("{y}年{m}月没有{d}日，请检查{field}日期。")
            }
            Some((y, m, _)) => format!("{y}年没有{m}月，请检查{field}日期。"),
            None => format!("{field}日期“{text}”不存在，请检查。"),
        },
        MomentError::Date(DateError::Shape(text)) | MomentError::Shape(text) => format!(
            "{field}日期“{}”无法识别，请按“年-月-日”填写，例如2026-09-30。",
            date_part(text)
        ),
        MomentError::Time { time, .. } => {
            format!("{field}时间“{time}”无法识别，请按“时:分”填写，例如18:00。")
        }
        MomentError::AmbiguousHour { time, hour, .. } => format!(
            "{field}时间“{time}”不知是上午还是下午，请写“上午{hour}点”“下午{hour}点”或“{}点”。",
            hour + 12
        ),
        MomentError::PlusAsSpace(text) => format!(
            "{field}时间{}：时差前的“+”被读成了空格；在查询字符串中请写作 %2B",
            quote(text)
        ),
    }
}

/// The numbers of a text written as a date (`2026-02-30`, `2026年2月30日`, `２０２６０２３０`):
/// year, month and day.
fn year_month_day(text: &str) -> Option<(u32, u32, u32)> {
    let digits: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            c if c.is_ascii_digit() => c,
            _ => ' ',
        })
        .collect();
    let numbers: Vec<u32> = match digits.split_whitespace().collect::<Vec<_>>()[..] {
        [all] if all.len() == 8 => vec![&all[..4], &all[4..6], &all[6..]]
            .into_iter()
            .filter_map(|n| n.parse().ok())
            .collect(),
        ref parts => parts.iter().filter_map(|n| n.parse().ok()).collect(),
    };
    match numbers[..] {
        [y, m, d] => Some((y, m, d)),
        _ => None,
    }
}

/// The date a clerk typed, without the time the page joined to it (`abc` of `abcT18:00`).
fn date_part(text: &str) -> &str {
    text.split_once(['T', ' ']).map_or(text, |(date, _)| date)
}

/// A document number as a title leads with it (`【克政办发〔2026〕12号】`), or nothing.
fn doc_mark(doc_no: Option<&str>) -> String {
    doc_no.map(|d| format!("【{d}】")).unwrap_or_default()
}

/// An instrument's name as a citation gives it (`《中华人民共和国行政许可法》`), or nothing.
fn book_title(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!("《{name}》")
    }
}

/// A clock as offices name it: 北京时间, 新疆时间; another zone by its IANA name.
fn clock_name(zone: &str) -> String {
    match zone {
        "Asia/Shanghai" => "北京时间".to_owned(),
        "Asia/Urumqi" => "新疆时间".to_owned(),
        other => format!("{other}时区"),
    }
}

/// A vocabulary's names, each with its meaning (`midnight（二十四时）`), the last after 或:
/// the choices a refusal offers.
fn either(names: &[&str]) -> String {
    super::listed(&glossed(names), "、", "或 ")
}

/// A vocabulary's names, each with its meaning in a clerk's words (`forward（向后计算）`).
fn glossed(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|n| format!("{n}（{}）", gloss(n)))
        .collect()
}

/// What a vocabulary's name means (`forward`: 向后计算). Each vocabulary's meanings are matched
/// whole, so that a new name does not compile without its words.
fn gloss(name: &str) -> &'static str {
    if let Ok(unit) = name.parse::<Unit>() {
        return unit_word(unit);
    }
    if let Ok(direction) = name.parse::<Direction>() {
        return match direction {
            Direction::Forward => "向后计算",
            Direction::Backward => "倒计",
        };
    }
    if let Ok(bound) = name.parse::<Bound>() {
        return match bound {
            Bound::Within => "期限内",
            Bound::AtLeast => "不少于",
        };
    }
    if let Ok(counting) = name.parse::<Counting>() {
        return match counting {
            Counting::Civil => "民法典",
            Counting::Tax => "税收征收管理法实施细则第一百零九条",
        };
    }
    if let Ok(cutoff) = name.parse::<Cutoff>() {
        return match cutoff {
            Cutoff::AsTheLawSays => "按法律规定",
            Cutoff::CloseOfBusiness => "停止业务活动时",
            Cutoff::Midnight => "二十四时",
        };
    }
    match name.parse::<Lang>() {
        Ok(Lang::Zh) => "中文",
        Ok(Lang::En) => "英文",
        Err(_) => "",
    }
}

/// What a request field that changes a rule's period is, in a clerk's words.
fn form_word(field: &str) -> &'static str {
    match field {
        "days" => "可调整的期限",
        "extended" => "延长期限",
        "paused" => "不计算在期限内的期间",
        _ => "商定的时限",
    }
}

/// An article that decides a step of a period, as a citation (`《民法典》第二百零一条`).
fn cite(article: Article<'_>, start: bool) -> String {
    match article {
        Article::CivilCode if start => "《民法典》第二百零一条".to_owned(),
        Article::CivilCode => "《民法典》第二百零三条".to_owned(),
        Article::CivilProcedure { via } => format!("《民事诉讼法》第八十五条；{via}"),
        Article::TaxRules => "《税收征收管理法实施细则》第一百零九条".to_owned(),
    }
}

fn period_words(unit: Unit, amount: u32) -> String {
    match unit {
        Unit::WorkingDays => format!("{amount}个工作日"),
        Unit::CalendarDays => format!("{amount}日"),
        Unit::WorkingHours => format!("{amount}个工作小时"),
        Unit::Months => format!("{amount}个月"),
        Unit::Years => format!("{amount}年"),
        Unit::Hours => format!("{amount}小时"),
    }
}

/// A unit as a sentence names it (`工作日`).
fn unit_word(unit: Unit) -> &'static str {
    match unit {
        Unit::WorkingDays => "工作日",
        Unit::CalendarDays => "日",
        Unit::Months => "月",
        Unit::Years => "年",
        Unit::Hours => "小时",
        Unit::WorkingHours => "工作小时",
    }
}

/// `3小时30分钟`.
fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}分钟"),
        (h, 0) => format!("{h}小时"),
        (h, m) => format!("{h}小时{m}分钟"),
    }
}

/// `2022—2023`, `2023`.
fn years(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}—{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}
