//! Embeds every `holidays/<calendar-id>/<year>.json` in the binary, so that the service needs no
//! files beside it. The list is generated so that adding a year is adding a file.

use std::{env, fmt::Write as _, fs, path::Path};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("holidays");
    println!("cargo::rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    for calendar in fs::read_dir(&root).expect("holidays/ is readable") {
        let calendar = calendar.expect("holidays/ entry is readable").path();
        if !calendar.is_dir() {
            continue;
        }
        println!("cargo::rerun-if-changed={}", calendar.display());
        let id = calendar.file_name().unwrap().to_string_lossy().into_owned();
        for file in fs::read_dir(&calendar).expect("calendar directory is readable") {
            let path = file.expect("calendar file is readable").path();
            let Some(year) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".json"))
                .and_then(|y| y.parse::<i32>().ok())
            else {
                continue;
            };
            files.push((id.clone(), year, path));
        }
    }
    files.sort();
    let mut out = String::from("pub static HOLIDAY_FILES: &[EmbeddedFile] = &[\n");
    for (id, year, path) in files {
        writeln!(
            out,
            "    EmbeddedFile {{ calendar: {id:?}, year: {year}, json: include_str!({:?}) }},",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("embedded.rs"),
        out,
    )
    .unwrap();
}
