//! Files written whole and read within bounds: the one durable write and the one bounded read
//! that the store, its history, the webhooks' backlog and the TLS set-up share.

use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// It could not be opened or read.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// It is a directory, a FIFO, a device or a socket.
    #[error("not a regular file")]
    NotAFile,
    /// It holds more than the limit.
    #[error("larger than {0} bytes")]
    TooLarge(u64),
}

/// Reads a regular file of at most `limit` bytes. A FIFO, a device or a socket is refused
/// without being read (it is opened without blocking), and no more than the limit and one
/// byte is ever read, whatever the file says its size is.
///
/// # Errors
/// [`ReadError`] saying why not.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(ReadError::NotAFile);
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

/// Writes `bytes` to `path` whole, replacing what is there: see [`write_new`].
///
/// # Errors
/// The I/O error.
pub fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write(path, bytes, true).map(drop)
}

/// Writes `bytes` to `path` whole unless a file is there already; says whether it wrote it.
/// The bytes go to a temporary file of a name no other writer uses (the process and a random
/// number), fsynced, then linked (or renamed, by [`write_whole`]) to `path`, and the directory
/// fsynced: a crash leaves the old file or the new one, and two replicas writing the same file
/// never share a temporary one. A failure removes the temporary file.
///
/// # Errors
/// The I/O error.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    write(path, bytes, false)
}

fn write(path: &Path, bytes: &[u8], replace: bool) -> io::Result<bool> {
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| io::Error::other("the file has no name"))?;
    let tmp = path.with_file_name(format!(
        ".{file_name}.{:x}{:016x}.tmp",
        std::process::id(),
        fastrand::u64(..)
    ));
    let written = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if replace {
            fs::rename(&tmp, path)?;
            return Ok(true);
        }
        let linked = match fs::hard_link(&tmp, path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            // A file system without links: a rename, when nothing is there.
            Err(_) if path.exists() => Ok(false),
            Err(_) => fs::rename(&tmp, path).map(|()| true),
        };
        let _ = fs::remove_file(&tmp);
        linked
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    let written = written?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::File::open(parent)?.sync_all()?;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_written_once_and_a_whole_write_replaces_it() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("a.json");
        assert!(
            write_new(&path, b"one").unwrap(),
            "nothing was there: written"
        );
        assert!(
            !write_new(&path, b"two").unwrap(),
            "a file was there: left alone"
        );
        assert_eq!(fs::read(&path).unwrap(), b"one", "the first write stays");
        write_whole(&path, b"three").unwrap();
        assert_eq!(
            fs::read(&path).unwrap(),
            b"three",
            "a whole write replaces it"
        );
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");
    }

    #[test]
    fn a_read_stops_at_its_limit_and_refuses_a_directory() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("b.json");
        fs::write(&path, b"12345").unwrap();
        assert_eq!(
            read_bounded(&path, 5).unwrap(),
            b"12345",
            "at the limit: read"
        );
        assert!(
            matches!(read_bounded(&path, 4), Err(ReadError::TooLarge(4))),
            "over it: refused"
        );
        assert!(
            matches!(read_bounded(dir.path(), 5), Err(ReadError::NotAFile)),
            "a directory"
        );
    }
}
