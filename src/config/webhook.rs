//! The webhook settings that the configuration reads and checks at start: the subscribers
//! (`QIXIAN_WEBHOOK_URLS`) and the signing key (`QIXIAN_WEBHOOK_SECRET`). They live with the
//! configuration so that it imports nothing of the webhooks; [`crate::webhooks`] uses them.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use sha2::{Digest, Sha256};

use crate::base::{hex, without_credentials};

/// Why `QIXIAN_WEBHOOK_SECRET` cannot be used. No message shows the secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Whitespace around it.
    #[error(
        "the secret begins or ends with whitespace (a file written with `echo` ends with a newline); remove it"
    )]
    Whitespace,
    /// Not `whsec_…`.
    #[error(
        "a Standard Webhooks secret is whsec_ followed by base64, such as whsec_$(openssl rand -base64 32)"
    )]
    Prefix,
    /// The part after `whsec_` is not base64.
    #[error("the part after whsec_ is not base64 (standard alphabet: A–Z, a–z, 0–9, + and /)")]
    NotBase64,
    /// Too short or too long a key.
    #[error(
        "the part after whsec_ decodes to {0} bytes; the Standard Webhooks specification asks for 24 to 64 (openssl rand -base64 32 gives 32)"
    )]
    Length(usize),
}

/// The key every event is signed with: the bytes of the base64 after `whsec_`. `Debug` never
/// shows it.
#[derive(Debug)]
pub struct SigningKey(SecretSlice<u8>);

impl SigningKey {
    /// The key of a Standard Webhooks secret (`whsec_` + base64 of 24 to 64 bytes).
    ///
    /// # Errors
    /// [`SecretError`] saying what is wrong, without the secret.
    ///
    /// # Example
    /// ```
    /// use qixian::webhooks::{SecretError, SigningKey};
    /// let key = |s: &str| SigningKey::from_secret(&s.into());
    /// assert!(key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
    /// assert_eq!(key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap_err(), SecretError::Prefix);
    /// assert_eq!(key("whsec_c2hvcnQ=").unwrap_err(), SecretError::Length(5));
    /// ```
    pub fn from_secret(secret: &SecretString) -> Result<Self, SecretError> {
        let text = secret.expose_secret();
        if text.trim() != text {
            return Err(SecretError::Whitespace);
        }
        let encoded = text.strip_prefix("whsec_").ok_or(SecretError::Prefix)?;
        let bytes = STANDARD_PAD_INDIFFERENT
            .decode(encoded)
            .map_err(|_| SecretError::NotBase64)?;
        if !(24..=64).contains(&bytes.len()) {
            return Err(SecretError::Length(bytes.len()));
        }
        Ok(SigningKey(bytes.into()))
    }

    /// The `webhook-signature` of `body` sent with `id` at `timestamp` (Unix seconds):
    /// `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
    ///
    /// # Example
    /// The specification's own example:
    /// ```
    /// use qixian::webhooks::SigningKey;
    /// let key = SigningKey::from_secret(&"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()).unwrap();
    /// assert_eq!(
    ///     key.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, r#"{"test": 2432232314}"#),
    ///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    /// );
    /// ```
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.expose_secret())
            .expect("HMAC takes a key of any length");
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body.as_bytes());
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// A subscriber: one URL of `QIXIAN_WEBHOOK_URLS`. Credentials in it are sent (as HTTP basic
/// authentication), never shown: `Debug` and `Display` leave them out.
#[derive(Clone)]
pub struct Target {
    pub(crate) url: reqwest::Url,
    pub(crate) key: String,
}

impl Target {
    /// The subscriber at `text`, an `http://` or `https://` URL with a host.
    ///
    /// # Errors
    /// Why not, in a few words (never the credentials).
    ///
    /// # Example
    /// ```
    /// use qixian::webhooks::Target;
    /// let target = Target::parse("https://user:pw@oa.example/hooks/qixian").unwrap();
    /// assert_eq!(target.to_string(), "https://oa.example/hooks/qixian");
    /// assert!(Target::parse("ftp://oa.example/").is_err());
    /// assert!(Target::parse("oa.example/hooks").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, String> {
        let url = reqwest::Url::parse(text).map_err(|e| format!("not a URL ({e})"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("expected an http:// or https:// URL".to_owned());
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err("the URL has no host".to_owned());
        }
        let key = hex(&Sha256::digest(url.as_str().as_bytes())[..8]);
        Ok(Target { url, key })
    }

    /// A digest of the URL: which subscriber a kept delivery is for, without writing the URL.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&without_credentials(self.url.as_str()))
    }
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Target").field(&self.to_string()).finish()
    }
}
