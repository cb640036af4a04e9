//! The bottom of the map: plain helpers that several layers share and that import nothing of
//! the crate — a digest in hexadecimal, an error's chain for the log, a URL without its
//! credentials, a `host[:port]`, and the files written whole and read within bounds
//! ([`files`]). Each is written once here so that the store, the webhooks, the feed, the
//! configuration and the HTTP layer say the same thing the same way.

pub mod files;

/// `bytes` in lower-case hexadecimal.
///
/// # Example
/// ```
/// assert_eq!(qixian::base::hex(&[0x0a, 0xff]), "0aff");
/// ```
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(text, "{b:02x}");
    }
    text
}

/// The 32 bytes that 64 hexadecimal digits (either case) write, or `None`.
///
/// # Example
/// ```
/// let digits = "00".repeat(31) + "Ff";
/// assert_eq!(qixian::base::unhex32(&digits).map(|b| b[31]), Some(255));
/// assert_eq!(qixian::base::unhex32("0aff"), None);
/// ```
pub fn unhex32(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if text.len() != 64 {
        return None;
    }
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The first 16 hexadecimal digits of a SHA-256 digest: the versions' and ETags' short form.
pub fn short_digest(digest: &[u8]) -> String {
    hex(&digest[..8])
}

/// An error and every cause under it, `: `-separated, for the log.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// `url` without the user name and password it may carry, for the status and the log.
///
/// # Example
/// ```
/// use qixian::base::without_credentials;
/// assert_eq!(without_credentials("https://user:secret@feed.example/holidays/"), "https://feed.example/holidays/");
/// assert_eq!(without_credentials("not a url"), "not a url");
/// ```
pub fn without_credentials(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// The prefixes of a register's key (`qxr_`) and calendar token (`qxc_`).
const SECRET_PREFIXES: [&str; 2] = ["qxr_", "qxc_"];

/// `text` (a path, for the log or an error) with the hex of any register key or calendar
/// token in it cut to `…`: a key pasted into an address by mistake is not written down.
///
/// # Example
/// ```
/// use qixian::base::without_secrets;
/// assert_eq!(without_secrets("/v1/registers/qxr_0a1b2c/matters"), "/v1/registers/qxr_…/matters");
/// assert_eq!(without_secrets("/v1/days"), "/v1/days");
/// ```
pub fn without_secrets(text: &str) -> std::borrow::Cow<'_, str> {
    if !SECRET_PREFIXES.iter().any(|p| text.contains(p)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, prefix)) = SECRET_PREFIXES
        .iter()
        .filter_map(|p| rest.find(p).map(|at| (at, *p)))
        .min()
    {
        out.push_str(&rest[..at + prefix.len()]);
        rest = &rest[at + prefix.len()..];
        let hex = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
        if hex > 0 {
            out.push('…');
        }
        rest = &rest[hex..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Whether `text` is `host[:port]`: a DNS name or IPv4 address (letters, digits, `-`, `.`) or
/// an IPv6 address in brackets, and a port of up to five digits.
pub fn is_host(text: &str) -> bool {
    let (host, port) = match text.rsplit_once(':') {
        Some((host, port))
            if !host.ends_with(':') && (!host.contains(':') || host.ends_with(']')) =>
        {
            (host, Some(port))
        }
        _ => (text, None),
    };
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= 65_535)
    });
    let name_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => {
            !host.is_empty()
                && host.len() <= 253
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        }
    };
    port_ok && name_ok
}

/// `T` read from JSON bytes, as text when they are UTF-8 (as every body and batch item that
/// reaches a reader is, once checked whole): serde's reader of bytes checks every string it
/// reads as UTF-8 again (about 1,900 instructions of a recheck item, 1,000 of a batch item).
/// The same value, or the same error, as `serde_json::from_slice`.
///
/// # Errors
/// As `serde_json::from_slice`.
pub fn read_json<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    }
}
