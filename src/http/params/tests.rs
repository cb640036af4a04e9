use super::*;
use crate::time::{BEIJING, parse_date};

fn clock() -> Clock {
    Clock::new(BEIJING, chrono::Utc::now())
}

mod unit {
    use super::*;

    #[test]
    fn errors_name_the_parameter_and_value() {
        let p = Params::parse("days=abc&start=2026-02-30&n=99999999999999999999&x=1&x=2");
        assert_eq!(
            p.int("days").unwrap_err().to_string(),
            r#"parameter days: "abc" is not an integer"#
        );
        assert_eq!(
            p.date("start", &clock()).unwrap_err().to_string(),
            "parameter start: 2026-02-30 is not a calendar date"
        );
        assert!(p.int("n").unwrap_err().to_string().contains("too large"));
        assert!(
            p.get("x")
                .unwrap_err()
                .to_string()
                .contains("more than once")
        );
        assert_eq!(
            p.date("from", &clock()).unwrap_err().to_string(),
            "parameter from is required"
        );
    }

    static ADD: Endpoint = crate::http::routes::WORKDAYS_ADD;

    fn add(text: &str) -> Result<Params, ApiError> {
        let query = ADD.get.as_ref().expect("a GET route");
        Params::parse(text).check(query, || "GET /v1/workdays/add".to_owned())
    }

    #[test]
    fn what_the_table_requires_is_refused_when_absent_before_any_handler_reads() {
        let missing = |text: &str| match add(text) {
            Err(ApiError::MissingParameter { name }) => Some(name),
            _ => None,
        };
        assert_eq!(
            missing("days=3"),
            Some("start"),
            "start is the table's first required"
        );
        assert_eq!(
            missing("start=2026-10-01&calendar=cn"),
            Some("days"),
            "days is required too"
        );
        assert_eq!(
            missing("start=2026-10-01&days="),
            None,
            "an empty value is given: read later"
        );
        assert!(
            matches!(
                add("days=3&nonsense=1"),
                Err(ApiError::UnknownParameter { .. })
            ),
            "an unknown name is refused first, as before"
        );
        let params = add("start=2026-10-01&days=3").expect("both given");
        assert_eq!(
            params.required_int("days").ok(),
            Some(3),
            "read as the integer given"
        );
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "the route's table does not list it")]
    fn reading_a_name_the_route_does_not_list_is_a_programming_error() {
        let params = add("start=2026-10-01&days=3").expect("both given");
        let _ = params.get("rule");
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "the route's table does not require it")]
    fn reading_an_optional_name_as_required_is_a_programming_error() {
        let params = add("start=2026-10-01&days=3&calendar=cn").expect("given");
        let _ = params.required("calendar");
    }
}

mod hostile {
    //! Hostile query strings: whatever the caller sends (bad percent-encoding, huge numbers,
    //! repeated names, control characters, kilobytes of value), parsing and every getter answer
    //! with a value or an error that names the parameter, never a panic.

    use super::*;
    use proptest::prelude::*;

    /// Every name a route reads, one that none reads, and the empty name.
    const NAMES: [&str; 18] = [
        "calendar", "from", "to", "start", "days", "amount", "unit", "rule", "event", "timezone",
        "as_of", "explain", "strict", "format", "bom", "year", "nonsense", "",
    ];

    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::sample::select(NAMES.to_vec()).prop_map(str::to_owned),
            // The same names, percent-encoded or '+'-spaced in part.
            1 => prop::sample::select(NAMES.to_vec()).prop_map(|n| n.replacen('a', "%61", 1)),
            1 => prop::sample::select(NAMES.to_vec()).prop_map(|n| format!("{n}+")),
            1 => "[a-z_%+=;.\\[\\]]{0,8}",
        ]
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<i128>().prop_map(|n| n.to_string()),
            "[0-9]{19,60}",
            "[+-]?[0-9]{1,4}(\\.[0-9]{0,3})?(e[0-9]{1,3})?",
            prop::sample::select(vec![
                "true",
                "false",
                "1",
                "0",
                "",
                "TRUE",
                "yes",
                "%00",
                "2026-02-29",
                "2024-02-29",
                "2026-13-01"
            ])
            .prop_map(str::to_owned),
            "[0-9]{4}-[0-9]{2}-[0-9]{2}",
            // Broken percent-encoding: a lone %, one hex digit, non-hex digits, lone UTF-8 halves.
            prop::sample::select(vec![
                "%",
                "%4",
                "%G1",
                "%zz",
                "%%",
                "%C3",
                "%FF%FE",
                "%E4%B8",
                "%ED%A0%80",
                "100%"
            ])
            .prop_map(str::to_owned),
            any::<String>(),
            ".{0,4}".prop_map(|s| s.repeat(500)),
        ]
    }

    /// A query string as a careless or hostile caller writes it: no encoding applied.
    fn raw_query() -> impl Strategy<Value = String> {
        let pair = prop_oneof![
            4 => (name(), value()).prop_map(|(n, v)| format!("{n}={v}")),
            1 => name(),
            1 => value().prop_map(|v| format!("={v}")),
            1 => Just(String::new()),
            1 => (name(), value(), value()).prop_map(|(n, a, b)| format!("{n}={a}={b}")),
        ];
        (
            prop::collection::vec(pair, 0..16),
            prop::sample::select(vec!["&", "&&", ";", "&amp;"]),
        )
            .prop_map(|(pairs, sep)| pairs.join(sep))
    }

    /// Every getter, for every name: none may panic, and each error names the parameter.
    fn read_everything(params: &Params) -> Result<(), TestCaseError> {
        for name in NAMES {
            let got = params.get(name);
            let results = [
                params.required(name).err(),
                params.date(name, &clock()).err(),
                params.int(name).err(),
                params.flag(name).err(),
                params.opt_flag(name).err(),
                params.get(name).err(),
            ];
            for err in results.into_iter().flatten() {
                let message = err.to_string();
                prop_assert!(
                    message.contains(&format!("parameter {name}")),
                    "the error names parameter {:?}: {:?}",
                    name,
                    message
                );
            }
            match got {
                Err(err) => {
                    prop_assert!(
                        err.to_string().contains("more than once"),
                        "a refused name is one given twice: {}",
                        err
                    );
                    prop_assert!(params.int(name).is_err(), "int({:?}) refuses it too", name);
                    prop_assert!(
                        params.flag(name).is_err(),
                        "flag({:?}) refuses it too",
                        name
                    );
                    prop_assert!(
                        params.date(name, &clock()).is_err(),
                        "date({:?}) refuses it too",
                        name
                    );
                }
                Ok(None) => {
                    prop_assert!(
                        matches!(
                            params.required(name),
                            Err(ApiError::MissingParameter { .. })
                        ),
                        "an absent {:?} is missing when required",
                        name
                    );
                    prop_assert_eq!(params.int(name).ok(), Some(None), "an absent int is None");
                    prop_assert_eq!(
                        params.flag(name).ok(),
                        Some(false),
                        "an absent flag is false"
                    );
                    prop_assert_eq!(
                        params.opt_flag(name).ok(),
                        Some(None),
                        "an absent opt_flag is None"
                    );
                }
                Ok(Some(v)) => {
                    prop_assert_eq!(
                        params.int(name).ok(),
                        v.parse::<i64>().ok().map(Some),
                        "int({:?}) is {:?} read as an i64, or an error",
                        name,
                        v
                    );
                    prop_assert_eq!(
                        params.date(name, &clock()).ok(),
                        parse_date(v).ok(),
                        "date({:?}) is parse_date({:?})",
                        name,
                        v
                    );
                    let flag = match v {
                        "1" | "" | "true" | "TRUE" | "True" => Some(true),
                        "0" | "false" | "FALSE" | "False" => Some(false),
                        _ => None,
                    };
                    prop_assert_eq!(params.flag(name).ok(), flag, "flag({:?}) of {:?}", name, v);
                    prop_assert_eq!(
                        params.opt_flag(name).ok(),
                        flag.map(Some),
                        "opt_flag({:?}) of {:?}",
                        name,
                        v
                    );
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn any_raw_query_string_is_parsed_and_read_never_a_panic(query in prop_oneof![
            4 => raw_query(),
            1 => any::<String>(),
            1 => prop::collection::vec(any::<char>(), 0..256).prop_map(String::from_iter),
        ]) {
            read_everything(&Params::parse(&query))?;
        }

        #[test]
        fn an_encoded_query_gives_back_each_value_given_once_and_refuses_repeats(
            pairs in prop::collection::vec(
                (prop::sample::select(NAMES.to_vec()), value()), 0..12,
            ),
        ) {
            let query = serde_urlencoded::to_string(&pairs).expect("pairs of strings encode");
            let params = Params::parse(&query);
            for name in NAMES {
                let given: Vec<&str> = pairs.iter().filter(|(n, _)| *n == name).map(|(_, v)| v.as_str()).collect();
                match given.as_slice() {
                    [] => prop_assert_eq!(params.get(name).ok(), Some(None), "{:?} absent", name),
                    [only] => prop_assert_eq!(params.get(name).ok(), Some(Some(*only)), "{:?} given once", name),
                    _ => prop_assert!(params.get(name).is_err(), "{:?} given {} times is refused", name, given.len()),
                }
            }
            read_everything(&params)?;
        }

        #[test]
        fn int_reads_every_i64_and_calls_larger_numbers_too_large(n in any::<i128>()) {
            let params = Params::parse(&format!("days={n}"));
            match i64::try_from(n) {
                Ok(small) => prop_assert_eq!(params.int("days").ok(), Some(Some(small)), "{} fits an i64", n),
                Err(_) => {
                    let err = params.int("days").expect_err("too large for an i64").to_string();
                    prop_assert!(
                        err.contains("too large") && err.contains(&n.to_string()),
                        "the refusal of {} says it is too large and names it: {}", n, err
                    );
                }
            }
        }
    }
}

/// Every pair `Params::parse` reads, in order.
fn pairs_seen(query: &str) -> Vec<(String, String)> {
    Params::parse(query)
        .pairs()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
}

proptest::proptest! {
    #[test]
    fn a_query_reads_as_form_urlencoded_reads_it(query in "[a-z=&%+0-9A-F.\\-]{0,24}") {
        let expected: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        proptest::prop_assert_eq!(pairs_seen(&query), expected);
    }
}

#[test]
fn the_pieces_of_a_plain_query_are_its_pairs() {
    let own = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|&(n, v)| (n.to_owned(), v.to_owned()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        pairs_seen("a=b=c&&d&=e&"),
        own(&[("a", "b=c"), ("d", ""), ("", "e")])
    );
    assert_eq!(pairs_seen("from=%74oday"), own(&[("from", "today")]));
    assert_eq!(pairs_seen("q=to+day"), own(&[("q", "to day")]));
    assert_eq!(pairs_seen(""), own(&[]));
}
