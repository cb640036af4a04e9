//! One declaration for an enum of names: the words the API, the rule files and the data give
//! its variants (`working_days`, `due_today`), written once.

/// Declares an enum whose variants are names, in one case said once for both serde and strum:
/// serde writes (and, where the enum derives `Deserialize`, reads) each variant's name, and
/// strum derives the same name for the one variant ([`strum::IntoStaticStr`]), every name
/// ([`strum::VariantNames`], the choices a request lists) and every variant
/// ([`strum::IntoEnumIterator`], which the tests walk). Other derives — `Deserialize`,
/// `strum::EnumString` to parse a request's choice — are the enum's own.
///
/// Its first token is the case (`"snake_case"`), then the enum as it would be written, with
/// its doc comment and its other derives (`deadline::Direction` is one).
macro_rules! vocabulary {
    (
        $case:literal;
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $($body:tt)* }
    ) => {
        $(#[$meta])*
        #[derive(
            serde::Serialize, strum::IntoStaticStr, strum::VariantNames, strum::EnumIter,
        )]
        #[serde(rename_all = $case)]
        #[strum(serialize_all = $case)]
        $vis enum $name { $($body)* }
    };
}
