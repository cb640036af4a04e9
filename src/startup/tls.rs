//! TLS: the server's certificate chain and private key, read once at start-up from the PEM
//! files `QIXIAN_TLS_CERT` and `QIXIAN_TLS_KEY` name. Office add-ins are loaded only over
//! HTTPS; a service behind a TLS-terminating reverse proxy needs none of this.
//!
//! PEM is read with `rustls-pki-types`' own parser (`rustls-pemfile` is unmaintained), from a
//! regular file of bounded size, so that a FIFO or a wrong path fails start-up at once with
//! the file's name instead of hanging it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::base::files::ReadError;
use crate::config::TlsFiles;

/// The largest PEM file read: a certificate chain is a few KiB.
const MAX_PEM_BYTES: u64 = 1 << 20;

/// Why the TLS files cannot be used. Each names its variable and file.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The file cannot be read (missing, unreadable, not a regular file, too large).
    #[error("{variable}={path:?} cannot be read")]
    Read {
        /// `QIXIAN_TLS_CERT` or `QIXIAN_TLS_KEY`.
        variable: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The certificate file holds no certificate, or a broken one.
    #[error(
        "QIXIAN_TLS_CERT={path:?} holds no PEM certificate (-----BEGIN CERTIFICATE-----): {reason}"
    )]
    Certificate {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        reason: String,
    },
    /// The key file holds no private key, or a broken one.
    #[error(
        "QIXIAN_TLS_KEY={path:?} holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA or EC): {reason}"
    )]
    Key {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        reason: String,
    },
    /// The key is not the certificate's, or TLS refuses them.
    #[error("QIXIAN_TLS_KEY={key:?} and QIXIAN_TLS_CERT={cert:?} cannot be used together")]
    Pair {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
        /// What rustls said.
        #[source]
        source: rustls::Error,
    },
}

/// Reads a regular file of at most [`MAX_PEM_BYTES`].
fn read_pem_file(variable: &'static str, path: &Path) -> Result<Vec<u8>, TlsError> {
    let error = |source| TlsError::Read {
        variable,
        path: path.to_owned(),
        source,
    };
    crate::base::files::read_bounded(path, MAX_PEM_BYTES).map_err(|e| {
        error(match e {
            ReadError::Io(e) => e,
            ReadError::NotAFile => {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file")
            }
            ReadError::TooLarge(_) => {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "larger than 1 MiB")
            }
        })
    })
}

fn reason(error: &pem::Error) -> String {
    match error {
        pem::Error::NoItemsFound => "none found".to_owned(),
        other => other.to_string(),
    }
}

/// The TLS configuration of `files`: the certificate chain (server certificate first) and its
/// private key, HTTP/1.1 offered by ALPN, with the TLS provider the rest of the service uses.
///
/// # Errors
/// [`TlsError`] naming the variable and the file that cannot be used.
pub fn server_config(files: &TlsFiles) -> Result<ServerConfig, TlsError> {
    let cert_pem = read_pem_file("QIXIAN_TLS_CERT", &files.cert)?;
    let certificate = |reason| TlsError::Certificate {
        path: files.cert.clone(),
        reason,
    };
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| certificate(reason(&e)))?;
    if chain.is_empty() {
        return Err(certificate(reason(&pem::Error::NoItemsFound)));
    }
    let key_pem = read_pem_file("QIXIAN_TLS_KEY", &files.key)?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| TlsError::Key {
        path: files.key.clone(),
        reason: reason(&e),
    })?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let pair = |source| TlsError::Pair {
        cert: files.cert.clone(),
        key: files.key.clone(),
        source,
    };
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(pair)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(pair)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Pem {
        dir: tempfile::TempDir,
    }

    impl Pem {
        /// A directory with a self-signed certificate for 127.0.0.1 (`cert.pem`, `key.pem`) and
        /// another key (`other.pem`).
        fn new() -> Self {
            let dir = tempfile::tempdir().expect("a directory");
            let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])
                .expect("a certificate");
            std::fs::write(dir.path().join("cert.pem"), made.cert.pem()).unwrap();
            std::fs::write(dir.path().join("key.pem"), made.signing_key.serialize_pem()).unwrap();
            let other = rcgen::KeyPair::generate().expect("a key");
            std::fs::write(dir.path().join("other.pem"), other.serialize_pem()).unwrap();
            Pem { dir }
        }

        fn files(&self, cert: &str, key: &str) -> TlsFiles {
            TlsFiles {
                cert: self.dir.path().join(cert),
                key: self.dir.path().join(key),
            }
        }
    }

    fn error(files: &TlsFiles) -> String {
        crate::base::error_chain(&server_config(files).expect_err("refused"))
    }

    #[test]
    fn a_certificate_and_its_key_make_a_configuration() {
        let pem = Pem::new();
        let config = server_config(&pem.files("cert.pem", "key.pem")).expect("usable");
        assert_eq!(config.alpn_protocols, [b"http/1.1".to_vec()]);
    }

    #[test]
    fn a_missing_file_is_named() {
        let pem = Pem::new();
        let files = pem.files("cert.pem", "missing.pem");
        let text = error(&files);
        assert!(
            text.starts_with(&format!("QIXIAN_TLS_KEY={:?} cannot be read", files.key)),
            "{text}"
        );
    }

    #[test]
    fn a_directory_is_not_read() {
        let pem = Pem::new();
        let files = TlsFiles {
            cert: pem.dir.path().to_owned(),
            key: pem.dir.path().join("key.pem"),
        };
        assert!(
            error(&files).contains("not a regular file"),
            "{}",
            error(&files)
        );
    }

    #[test]
    fn a_file_without_a_certificate_or_a_key_is_named_with_what_it_lacks() {
        let pem = Pem::new();
        std::fs::write(pem.dir.path().join("junk.pem"), "not PEM at all\n").unwrap();
        let text = error(&pem.files("junk.pem", "key.pem"));
        assert!(text.starts_with("QIXIAN_TLS_CERT="), "{text}");
        assert!(
            text.contains("junk.pem") && text.contains("no PEM certificate"),
            "{text}"
        );
        let text = error(&pem.files("cert.pem", "cert.pem"));
        assert!(text.starts_with("QIXIAN_TLS_KEY="), "{text}");
        assert!(text.contains("no PEM private key"), "{text}");
    }

    #[test]
    fn a_key_that_is_not_the_certificates_is_refused() {
        let pem = Pem::new();
        let text = error(&pem.files("cert.pem", "other.pem"));
        assert!(
            text.contains("other.pem") && text.contains("cannot be used together"),
            "{text}"
        );
    }
}
