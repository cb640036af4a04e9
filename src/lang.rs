//! The languages the service speaks, and a text that data give in both (a rule's title, a
//! calendar's note). Plain data at the bottom of the map: the domain's files hold [`Texts`],
//! and [`crate::text`] says everything else.

use serde::{Deserialize, Serialize};

vocabulary! {
    "lowercase";
    /// A language the service speaks: its code, the value of `lang=` (`zh`, `en`), is its name
    /// (derived, as every vocabulary's is), and [`Lang::iter`](strum::IntoEnumIterator::iter)
    /// gives every language, the default first.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, strum::EnumString)]
    #[strum(ascii_case_insensitive)]
    pub enum Lang {
        /// Simplified Chinese, as the offices write it: the default.
        #[default]
        Zh,
        /// English.
        En,
    }
}

impl Lang {
    /// Its value of `lang=` (`zh`, `en`).
    pub fn code(self) -> &'static str {
        self.into()
    }

    /// Its language tag, as `Content-Language` gives it (BCP 47).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language `lang=` names: `zh` or `en`, in any case.
    pub fn from_code(code: &str) -> Option<Lang> {
        code.parse().ok()
    }

    /// The language a tag names (`zh`, `zh-CN`, `zh-Hans`, `en-GB`, in any case), by its
    /// primary subtag; `None` for any other language.
    ///
    /// # Example
    /// ```
    /// use qixian::lang::Lang;
    /// assert_eq!(Lang::from_tag("zh-Hans-CN"), Some(Lang::Zh));
    /// assert_eq!(Lang::from_tag("EN-us"), Some(Lang::En));
    /// assert_eq!(Lang::from_tag("fr"), None);
    /// ```
    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::from_code(tag.split(['-', '_']).next().unwrap_or_default())
    }

    /// The language an `Accept-Language` header prefers among those spoken (RFC 9110 §12.5.4:
    /// the highest weight wins, the earlier of equals; `q=0` refuses), or `None` when it names
    /// none of them (`*` included: the caller then takes the default).
    ///
    /// # Example
    /// ```
    /// use qixian::lang::Lang;
    /// assert_eq!(Lang::preferred("en-US,en;q=0.9,zh;q=0.8"), Some(Lang::En));
    /// assert_eq!(Lang::preferred("fr, zh-CN;q=0.5, en;q=0.4"), Some(Lang::Zh));
    /// assert_eq!(Lang::preferred("fr, *;q=0.1"), None);
    /// assert_eq!(Lang::preferred("en;q=0, zh;q=0.1"), Some(Lang::Zh));
    /// ```
    pub fn preferred(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, u16)> = None;
        for range in header.split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
                .map_or(Some(1000), quality);
            let (Some(lang), Some(weight)) = (Lang::from_tag(tag), weight) else {
                continue;
            };
            if weight > 0 && best.is_none_or(|(_, w)| weight > w) {
                best = Some((lang, weight));
            }
        }
        best.map(|(lang, _)| lang)
    }

    /// Of a text given in both languages, the one in this language.
    pub fn pick(self, texts: &Texts) -> &str {
        match self {
            Lang::Zh => &texts.zh,
            Lang::En => &texts.en,
        }
    }
}

/// A weight (`0.8`) in thousandths, or `None` when it is no weight.
fn quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// A text that data (a rule file) give in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// In Simplified Chinese.
    pub zh: String,
    /// In English.
    pub en: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weight_is_read_to_the_thousandth_and_anything_else_is_no_weight() {
        assert_eq!(quality("1"), Some(1000));
        assert_eq!(quality("1.000"), Some(1000));
        assert_eq!(quality("0.8"), Some(800));
        assert_eq!(quality("0.125"), Some(125));
        assert_eq!(quality("0"), Some(0));
        assert_eq!(quality("1.5"), None, "above 1");
        assert_eq!(quality("0.1234"), None, "four decimals");
        assert_eq!(quality("high"), None);
    }
}
