//! The rule sets' own tests: the embedded sets quote their instruments, every national rule's
//! text is in the statute's file word for word, and a bad file is refused by name.

use super::*;

const SEED_ARTICLES: [(&str, &str); 3] = [
    ("meeting-issuance", "原则上须在会议结束后7个工作日内印发"),
    (
        "approved-filing",
        "文件印发后30日内应向自治州人民政府办公室报备",
    ),
    ("countersign-reply", "一般应在7个工作日内回复"),
];

#[test]
fn the_working_rules_quote_the_articles_that_set_them() {
    let book = RuleBook::embedded();
    for (id, words) in SEED_ARTICLES {
        let rule = book
            .get(&format!("kizilsu/{id}"))
            .unwrap_or_else(|| panic!("rule {id} exists"));
        assert!(rule.text.contains(words), "rule {id} quotes {words}");
        assert_eq!(book.get(id), Some(rule), "{id} stays valid alone");
    }
    let reply = book.get("countersign-reply").unwrap();
    assert!(
        reply.adjustable,
        "the host department may set its own period"
    );
    assert_eq!(reply.on_lapse, Some(Consequence::DeemedNoObjection));
    assert!(!book.get("meeting-issuance").unwrap().adjustable);
}

/// The paragraphs of `text` (joined by `\n`) each occur in `file` as a whole line, the first
/// possibly after its article's label and one space, as LawRefBook's files write them.
fn occurs_verbatim(text: &str, file: &str) -> Result<(), String> {
    let lines: Vec<&str> = file.lines().collect();
    for paragraph in text.split('\n') {
        let found = lines.iter().any(|line| {
            *line == paragraph
                || line
                    .split_once(' ')
                    .is_some_and(|(label, rest)| label.starts_with('第') && rest == paragraph)
        });
        if !found {
            return Err(format!("not found as a line: {paragraph:?}"));
        }
    }
    Ok(())
}

#[test]
fn every_national_rule_quotes_its_statute_word_for_word_from_the_file_beside_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let book = RuleBook::embedded();
    let national = book.set("national").expect("the national set");
    assert!(national.rules.len() >= 10, "about ten time limits");
    for rule in &national.rules {
        let source = rule
            .source
            .as_ref()
            .unwrap_or_else(|| panic!("{} records where its text is from", rule.id));
        assert_eq!(source.repo, "LawRefBook/Laws", "{}", rule.id);
        assert!(
            source.commit.len() == 40 && source.commit.bytes().all(|b| b.is_ascii_hexdigit()),
            "{}: a commit, not a branch",
            rule.id
        );
        let file = std::fs::read_to_string(root.join(&source.file))
            .unwrap_or_else(|e| panic!("{}: {}: {e}", rule.id, source.file));
        assert!(
            source
                .path
                .ends_with(source.file.trim_start_matches("sources/")),
            "{}: the copy keeps the repository's file name",
            rule.id
        );
        occurs_verbatim(&rule.text, &file).unwrap_or_else(|e| panic!("{}: {e}", rule.id));
        assert!(
            rule.statute.is_some() && rule.version.is_some(),
            "{}",
            rule.id
        );
        if let Some(ext) = &rule.extension {
            assert!(
                rule.text.contains(&ext.basis),
                "{}: the extension's basis is quoted",
                rule.id
            );
        }
        if rule.unit == Unit::WorkingDays {
            assert!(
                rule.working_days_basis.is_some() || rule.text.contains("工作日"),
                "{}: working days only where the statute says so",
                rule.id
            );
        }
    }
}

#[test]
fn every_earlier_text_and_lapse_is_quoted_word_for_word_from_a_file_beside_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let book = RuleBook::embedded();
    let read = |source: &TextSource, id: &str| {
        assert!(
            source.commit.len() == 40 && source.commit.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}: a commit, not a branch"
        );
        assert!(
            source
                .path
                .ends_with(source.file.trim_start_matches("sources/")),
            "{id}: the copy keeps the repository's file name"
        );
        std::fs::read_to_string(root.join(&source.file))
            .unwrap_or_else(|e| panic!("{id}: {}: {e}", source.file))
    };
    let mut earlier_texts = 0;
    for rule in book.set("national").expect("the national set").rules.iter() {
        let id = rule.full_id();
        for earlier in &rule.earlier {
            let source = earlier
                .source
                .as_ref()
                .unwrap_or_else(|| panic!("{id}: where its earlier text is from"));
            let file = read(source, &id);
            occurs_verbatim(&earlier.text, &file).unwrap_or_else(|e| panic!("{id}: {e}"));
            if let Some(ext) = &earlier.extension {
                assert!(earlier.text.contains(&ext.basis), "{id}: extension basis");
            }
            earlier_texts += 1;
        }
        if let (Some(words), Some(source)) = (&rule.on_lapse_text, &rule.source) {
            // The consequence may stand in another article of the same statute (第七十条).
            let file = read(source, &id);
            assert!(
                file.contains(words.as_str()),
                "{id}: {words:?} not in the statute"
            );
        }
    }
    assert!(
        earlier_texts >= 2,
        "政府信息公开条例 2007 and 行政处罚法 2017 at least"
    );
}

#[test]
fn a_changed_character_is_not_found_in_the_statute() {
    let file = "第三十条 政府信息公开申请内容不明确的，行政机关应当给予指导和释明。\n\n第三十一条 下一条。";
    assert!(
        occurs_verbatim(
            "政府信息公开申请内容不明确的，行政机关应当给予指导和释明。",
            file
        )
        .is_ok()
    );
    assert!(
        occurs_verbatim(
            "政府信息公开申请内容不明确的，行政机关应当给予指导与释明。",
            file
        )
        .is_err()
    );
}

fn file_with(rule: &str) -> String {
    format!("title = {{ zh = \"测试\", en = \"test\" }}\nsource = \"测试\"\n[[rule]]\n{rule}")
}

const GOOD: &str = "id = \"reply\"\ntitle = { zh = \"回复\", en = \"reply\" }\narticle = \"第一条\"\ntext = \"5个工作日内回复。\"\nevent = { zh = \"收文\", en = \"receipt\" }\nunit = \"working_days\"\namount = 5\nin_force = \"2024-01-01\"\ncutoff = \"close_of_business\"\ncutoff_basis = \"第一条：回复送主办部门\"\n";

fn parse(text: &str) -> Result<RuleSet, RuleError> {
    RuleSet::parse("office", "office.toml", text, RuleOrigin::Embedded)
}

#[test]
fn a_rule_file_with_each_kind_of_mistake_names_the_file_the_rule_and_the_key() {
    assert!(parse(&file_with(GOOD)).is_ok());
    let unknown = parse(&file_with(&format!("{GOOD}dayz = 3\n"))).unwrap_err();
    let text = unknown.to_string();
    assert!(
        text.contains("office.toml") && text.contains("rule reply") && text.contains("dayz"),
        "{text}"
    );
    let empty = parse(&file_with(&GOOD.replace("5个工作日内回复。", ""))).unwrap_err();
    assert_eq!(
        empty.to_string(),
        "office.toml: rule reply: text: must not be empty"
    );
    let amount = parse(&file_with(&GOOD.replace("amount = 5", "amount = 5000"))).unwrap_err();
    assert_eq!(
        amount.to_string(),
        "office.toml: rule reply: amount: 5000 working_days is outside 1–3650"
    );
    let twice = parse(&file_with(&format!("{GOOD}[[rule]]\n{GOOD}"))).unwrap_err();
    assert_eq!(
        twice.to_string(),
        "office.toml: rule reply is defined twice"
    );
    let missing = parse(&file_with(&GOOD.replace("article = \"第一条\"\n", ""))).unwrap_err();
    assert!(missing.to_string().contains("article"), "{missing}");
    let extension = parse(&file_with(&format!(
        "{GOOD}extension = {{ amount = 5, unit = \"hours\", basis = \"经批准\" }}\n"
    )))
    .unwrap_err();
    assert!(
        extension.to_string().contains("rule reply: extension"),
        "{extension}"
    );
}

#[test]
fn a_bare_rule_id_is_read_only_when_one_set_has_it() {
    let office = parse(&file_with(GOOD)).unwrap();
    let other = RuleSet::parse(
        "other",
        "other.toml",
        &file_with(GOOD),
        RuleOrigin::Embedded,
    )
    .unwrap();
    let book = RuleBook::new(vec![office.clone()]);
    assert_eq!(
        book.get("reply").map(Rule::full_id),
        Some("office/reply".into())
    );
    assert_eq!(
        book.get("OFFICE/Reply").map(Rule::full_id),
        Some("office/reply".into())
    );
    let both = RuleBook::new(vec![office.clone(), other]);
    assert_eq!(both.get("reply"), None, "ambiguous alone");
    // An operator's set that reuses an embedded id leaves the documented short id its meaning.
    let operator = RuleSet::parse(
        "mine",
        "mine.toml",
        &file_with(&GOOD.replace("id = \"reply\"", "id = \"countersign-reply\"")),
        RuleOrigin::OperatorFile {
            path: "mine.toml".into(),
        },
    )
    .unwrap();
    let mut sets = RuleBook::embedded().sets().to_vec();
    sets.push(operator);
    let book = RuleBook::new(sets);
    assert_eq!(
        book.get("countersign-reply").map(Rule::full_id),
        Some("kizilsu/countersign-reply".into()),
        "the embedded rule first"
    );
    assert_eq!(
        book.get("mine/countersign-reply").map(Rule::full_id),
        Some("mine/countersign-reply".into())
    );
    assert_eq!(
        both.get("other/reply").map(Rule::full_id),
        Some("other/reply".into())
    );
}

#[test]
fn ids_are_read_in_any_case_so_two_rules_differing_in_case_are_one_id_twice() {
    let twice = parse(&file_with(&format!(
        "{GOOD}[[rule]]\n{}",
        GOOD.replace("id = \"reply\"", "id = \"Reply\"")
    )))
    .unwrap_err();
    assert!(
        matches!(twice, RuleError::Duplicate { ref id, .. } if id == "Reply"),
        "{twice}"
    );
    // `KIZILSU.toml` replaces the embedded `kizilsu`, as `kizilsu.toml` would.
    let upper = RuleSet::parse(
        "KIZILSU",
        "KIZILSU.toml",
        &file_with(GOOD),
        RuleOrigin::OperatorFile {
            path: "KIZILSU.toml".into(),
        },
    )
    .unwrap();
    assert_eq!(upper.id, "kizilsu");
    let mut sets = RuleBook::embedded().sets().to_vec();
    sets.push(upper);
    let book = RuleBook::new(sets);
    assert_eq!(book.sets().len(), 2, "replaced, not added");
    assert_eq!(
        book.get("kizilsu/reply").map(Rule::full_id),
        Some("kizilsu/reply".into())
    );
}

#[test]
fn a_later_set_with_the_same_id_replaces_the_earlier() {
    let first = parse(&file_with(GOOD)).unwrap();
    let second = parse(&file_with(&GOOD.replace("amount = 5", "amount = 3"))).unwrap();
    let book = RuleBook::new(vec![first.clone(), second]);
    assert_eq!(book.sets().len(), 1);
    assert_eq!(book.get("office/reply").unwrap().amount, 3);
    assert_ne!(book.version(), RuleBook::new(vec![first.clone()]).version());
    // The digest is of the file's bytes: the same file gives the same version, and a comment
    // alone (no rule changed) still gives another, as the text kept for history differs.
    let again = parse(&file_with(GOOD)).unwrap();
    assert_eq!(
        RuleBook::new(vec![first.clone()]).version(),
        RuleBook::new(vec![again]).version()
    );
    let commented = parse(&format!("# a note\n{}", file_with(GOOD))).unwrap();
    assert_ne!(
        RuleBook::new(vec![first]).version(),
        RuleBook::new(vec![commented]).version()
    );
}

#[test]
fn a_value_of_the_wrong_kind_names_its_key() {
    let weeks = parse(&file_with(&GOOD.replace("\"working_days\"", "\"weeks\""))).unwrap_err();
    let text = weeks.to_string();
    assert!(
        text.starts_with("office.toml: rule reply: unit: ") && text.contains("weeks"),
        "{text}"
    );
    let amount = parse(&file_with(&GOOD.replace("amount = 5", "amount = \"five\""))).unwrap_err();
    assert!(
        amount
            .to_string()
            .starts_with("office.toml: rule reply: amount: "),
        "{amount}"
    );
}

/// The name serde writes for `value` (a unit variant: a JSON string).
fn serde_name<T: Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        other => panic!("not a name: {other:?}"),
    }
}

/// Every variant's derived name is the one serde writes, so that the API's choices, its
/// answers and the rule files say one word for each.
fn names_agree<T>()
where
    T: Serialize + strum::IntoEnumIterator + Into<&'static str> + Copy + std::fmt::Debug,
{
    for value in T::iter() {
        assert_eq!(
            serde_name(value),
            value.into(),
            "{value:?}: serde and strum name it differently"
        );
    }
}

/// Every name a choice lists parses, in any case, to the variant serde writes under it.
fn choices_agree<T>()
where
    T: Serialize + strum::VariantNames + std::str::FromStr + std::fmt::Debug,
{
    for name in T::VARIANTS {
        for given in [name.to_string(), name.to_ascii_uppercase()] {
            let Ok(value) = given.parse::<T>() else {
                panic!("{given} does not parse")
            };
            assert_eq!(
                serde_name(value),
                *name,
                "{given} parses to another variant"
            );
        }
    }
}

#[test]
fn every_vocabulary_says_one_name_for_each_variant() {
    names_agree::<Unit>();
    names_agree::<Consequence>();
    names_agree::<RuleCutoff>();
    names_agree::<crate::deadline::State>();
    names_agree::<crate::calendar::DayKind>();
    names_agree::<crate::calendar::Confidence>();
    choices_agree::<Unit>();
    choices_agree::<Direction>();
    choices_agree::<Bound>();
    choices_agree::<Counting>();
    assert_eq!(
        "weeks".parse::<Unit>(),
        Err(UnknownUnit("weeks".into())),
        "an unknown unit is refused by name"
    );
}

#[test]
fn a_request_names_every_cutoff_but_the_default() {
    use crate::deadline::Cutoff;
    assert_eq!(Cutoff::NAMES, ["close_of_business", "midnight"]);
    assert_eq!("MIDNIGHT".parse(), Ok(Cutoff::Midnight));
    assert_eq!("close_of_business".parse(), Ok(Cutoff::CloseOfBusiness));
    assert!(
        "as_the_law_says".parse::<Cutoff>().is_err(),
        "the default is asked for by naming none"
    );
}
