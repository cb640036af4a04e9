//! Holds DESIGN.md's map true: every `crate::` and `super::` path in `src/` is read, resolved to
//! the file it names, and checked against the layers that DESIGN.md's `layers` block lists (a
//! module imports only from layers below its own), and no files of a folder import each other
//! in a circle. The map and the code cannot drift apart: a new module missing from the map, a
//! name in the map that is no module, or an import that points up fails here.
//!
//! It also holds the HTTP layer thin, as DESIGN.md says it is: no request handler or middleware
//! (an `async fn` under `src/http/`) is longer than [`MAX_HANDLER_LINES`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The most lines a handler or middleware may take, from its `fn` line to its closing brace.
const MAX_HANDLER_LINES: usize = 60;

/// A file's module path: `src/store/fed.rs` is `store::fed`, `src/http/params/mod.rs` is
/// `http::params`, `src/lib.rs` the root (empty).
type Module = Vec<String>;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, with its module path.
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    let mut found = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path
                .strip_prefix(src)
                .expect("under src/")
                .with_extension("");
            let mut module: Module = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            // The crate's root and the binary wire everything; this file only reads the others.
            if module == ["lib"] || module == ["main"] || module == ["layers"] {
                continue;
            }
            found.insert(module, path);
        }
    }
    found
}

/// The text without its comments (from `//` to the end of the line).
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| line.split_once("//").map_or(line, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The paths a use tree starting at `at` names, each as its segments: `a::{b::C, d}` gives
/// `[a, b, C]` and `[a, d]`. Returns them and where the tree ends.
fn tree(code: &[u8], mut at: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    loop {
        while at < code.len() && code[at].is_ascii_whitespace() {
            at += 1;
        }
        if at < code.len() && code[at] == b'{' {
            let mut paths = Vec::new();
            at += 1;
            loop {
                while at < code.len() && (code[at].is_ascii_whitespace() || code[at] == b',') {
                    at += 1;
                }
                if at >= code.len() || code[at] == b'}' {
                    break;
                }
                let (inner, end) = tree(code, at);
                paths.extend(inner.into_iter().map(|p| [prefix.clone(), p].concat()));
                // Skip what follows the path (`as name`, `*`) up to the next item.
                at = end;
                while at < code.len() && code[at] != b',' && code[at] != b'}' {
                    at += 1;
                }
            }
            return (paths, at + 1);
        }
        let start = at;
        while at < code.len() && is_ident(code[at]) {
            at += 1;
        }
        let segment = String::from_utf8_lossy(&code[start..at]).into_owned();
        if !segment.is_empty() && segment != "self" {
            prefix.push(segment);
        }
        if code[at..].starts_with(b"::") && at > start {
            at += 2;
            continue;
        }
        return (vec![prefix], at);
    }
}

/// Every module path that `code`, the text of `module`'s file, names through `crate::` or
/// `super::`.
fn named_paths(code: &str, module: &Module) -> Vec<Vec<String>> {
    let bytes = code.as_bytes();
    let mut paths = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let starts = at == 0 || !is_ident(bytes[at - 1]);
        let (base, skip): (Vec<String>, usize) = if starts && rest.starts_with(b"crate::") {
            (Vec::new(), "crate::".len())
        } else if starts && rest.starts_with(b"super::") {
            let mut base = module.clone();
            let mut skip = 0;
            while bytes[at + skip..].starts_with(b"super::") {
                base.pop();
                skip += "super::".len();
            }
            (base, skip)
        } else {
            at += 1;
            continue;
        };
        let (found, end) = tree(bytes, at + skip);
        paths.extend(found.into_iter().map(|p| [base.clone(), p].concat()));
        at = end.max(at + skip);
    }
    paths
}

/// The file module a path names: its longest prefix that is a file.
fn file_of(path: &[String], modules: &BTreeMap<Module, PathBuf>) -> Option<Module> {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| modules.contains_key(m))
}

/// Which file imports which: every edge between two files, the importer first. A file's
/// edges to its own folder's root (the file that declares it) are left out: that root is
/// where the folder's shared parts live.
fn imports(modules: &BTreeMap<Module, PathBuf>) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, path) in modules {
        let code = without_comments(&std::fs::read_to_string(path).expect("readable"));
        for named in named_paths(&code, module) {
            let Some(target) = file_of(&named, modules) else {
                continue;
            };
            let is_ancestor = module.starts_with(&target);
            if target != *module && !is_ancestor {
                edges.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    edges
}

/// The layers in DESIGN.md's fenced `layers` block, top first: each line one layer, its
/// modules separated by spaces.
fn layers_of_design() -> Vec<Vec<String>> {
    let design = std::fs::read_to_string(manifest().join("DESIGN.md")).expect("DESIGN.md");
    let block = design
        .split("```layers\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("DESIGN.md has a ```layers block");
    block
        .lines()
        .map(|line| {
            line.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|layer| !layer.is_empty())
        .collect()
}

/// The files that import each other in a circle, each circle as its files.
fn circles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<BTreeSet<Module>> {
    // Two files are in one circle when each reaches the other.
    let reach = |from: &Module| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(m) = stack.pop() {
            for next in edges.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&Module, BTreeSet<Module>> =
        edges.keys().map(|m| (m, reach(m))).collect();
    let mut found: Vec<BTreeSet<Module>> = Vec::new();
    for (m, reached) in &reaches {
        if !reached.contains(*m) || found.iter().any(|c| c.contains(*m)) {
            continue;
        }
        let circle = reached
            .iter()
            .filter(|other| reaches.get(other).is_some_and(|r| r.contains(*m)))
            .cloned()
            .collect();
        found.push(circle);
    }
    found
}

#[test]
fn every_import_points_down_design_mds_layers() {
    let modules = modules(&manifest().join("src"));
    let layers = layers_of_design();
    let rank: BTreeMap<&str, usize> = layers
        .iter()
        .enumerate()
        .flat_map(|(i, layer)| layer.iter().map(move |m| (m.as_str(), i)))
        .collect();
    let top: BTreeSet<&str> = modules
        .keys()
        .filter_map(|m| m.first())
        .map(String::as_str)
        .collect();
    let mapped: BTreeSet<&str> = rank.keys().copied().collect();
    assert_eq!(
        top, mapped,
        "DESIGN.md's layers name exactly the modules under src/"
    );

    let mut upward = Vec::new();
    for (from, targets) in imports(&modules) {
        for to in targets {
            let (Some(a), Some(b)) = (from.first(), to.first()) else {
                continue;
            };
            if a != b && rank[a.as_str()] >= rank[b.as_str()] {
                upward.push(format!("{} imports {}", from.join("::"), to.join("::")));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports that do not point down DESIGN.md's layers:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_files_import_each_other_in_a_circle() {
    let modules = modules(&manifest().join("src"));
    let edges = imports(&modules);
    let shown: Vec<String> = circles(&edges)
        .into_iter()
        .map(|circle| {
            circle
                .iter()
                .map(|m| m.join("::"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    assert!(
        shown.is_empty(),
        "files that import each other in a circle:\n{}",
        shown.join("\n")
    );
}

#[test]
fn the_reader_finds_grouped_nested_and_parent_paths() {
    let module: Module = vec!["http".into(), "batch".into()];
    let code = "use crate::{calendar::hours::{DayHours, X as Y}, time};\n\
                use super::deadlines::context;\nlet a = crate::store::Store::open();\n\
                let b = supercrate::no;";
    let found: Vec<String> = named_paths(code, &module)
        .iter()
        .map(|p| p.join("::"))
        .collect();
    assert_eq!(
        found,
        [
            "calendar::hours::DayHours",
            "calendar::hours::X",
            "time",
            "http::deadlines::context",
            "store::Store::open",
        ],
        "each path that a use tree or an inline path names, in order"
    );
}

#[test]
fn a_circle_is_found_and_a_chain_is_not() {
    let m = |s: &str| -> Module { s.split("::").map(str::to_owned).collect() };
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    edges.entry(m("a::x")).or_default().insert(m("a::y"));
    edges.entry(m("a::y")).or_default().insert(m("a::z"));
    assert!(circles(&edges).is_empty(), "x → y → z is a chain");
    edges.entry(m("a::z")).or_default().insert(m("a::x"));
    assert_eq!(circles(&edges).len(), 1, "z → x closes one circle");
}

/// Every `async fn` in `text` outside its `#[cfg(test)]` part, as its name and its length in
/// lines, from the `fn` line to the closing brace at the same indentation.
fn async_fns(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("#[cfg(test)]"))
        .collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let indent = &line[..line.len() - code.len()];
        let signature = [
            "pub async fn ",
            "pub(super) async fn ",
            "pub(crate) async fn ",
            "async fn ",
        ]
        .iter()
        .find_map(|start| code.strip_prefix(start));
        let Some(rest) = signature else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let close = format!("{indent}}}");
        if let Some(end) = lines[i..].iter().position(|l| *l == close) {
            found.push((name, end + 1));
        }
    }
    found
}

#[test]
fn no_handler_or_middleware_is_over_60_lines() {
    let modules = modules(&manifest().join("src"));
    let mut long = Vec::new();
    for (module, path) in modules
        .iter()
        .filter(|(m, _)| m.first().is_some_and(|f| f == "http"))
    {
        let text = std::fs::read_to_string(path).expect("readable");
        for (name, lines) in async_fns(&text) {
            if lines > MAX_HANDLER_LINES {
                long.push(format!("{}::{name}: {lines} lines", module.join("::")));
            }
        }
    }
    assert!(
        long.is_empty(),
        "handlers and middleware over {MAX_HANDLER_LINES} lines (the domain is missing a function):\n{}",
        long.join("\n")
    );
}

#[test]
fn an_async_fn_is_measured_from_its_fn_line_to_its_closing_brace() {
    let text = "pub async fn short() {\n    one();\n}\n\nasync fn inner(\n    a: u8,\n) -> u8 {\n    a\n}\n\
                #[cfg(test)]\nasync fn ignored() {\n}\n";
    assert_eq!(
        async_fns(text),
        [("short".to_owned(), 3), ("inner".to_owned(), 5)],
        "each async fn's lines, the test part left out"
    );
}
