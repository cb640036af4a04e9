//! The store's file helpers: `<year>.<extension>` files found in a directory, read within
//! bounds, and named as the status shows them.

use super::*;
use crate::base::files::ReadError;

/// `path` relative to `dir`, as the status shows it.
pub(super) fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir).unwrap_or(path).display().to_string()
}

/// `<year>.<extension>` files in `dir` — the year in exactly four digits — by year. Names that
/// end so but are no such year (`02025.json`, `+2028.json`), and partial writes (`*.tmp`), go
/// to `ignored`; other files (a README) are left alone.
pub(super) fn year_files(
    dir: &Path,
    extension: &str,
    ignored: &mut Vec<String>,
) -> Vec<(i32, PathBuf)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let suffix = format!(".{extension}");
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        match name.strip_suffix(&suffix) {
            Some(stem) if stem.len() == 4 && stem.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(year) = stem.parse::<i32>() {
                    files.push((year, entry.path()));
                }
            }
            Some(_) => ignored.push(name),
            None if name.ends_with(".tmp") => ignored.push(name),
            None => {}
        }
    }
    files.sort();
    files.dedup_by_key(|f| f.0);
    ignored.sort();
    ignored.dedup();
    files
}

/// A holiday or rule file of at most [`MAX_FILE_BYTES`] ([`crate::base::files::read_bounded`]), or why not,
/// as the status says it.
pub(super) fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    crate::base::files::read_bounded(path, MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::Io(e) => e.to_string(),
        ReadError::NotAFile => "is not a regular file".to_owned(),
        ReadError::TooLarge(limit) => {
            format!("is larger than the {limit} bytes a holiday file may have")
        }
    })
}
