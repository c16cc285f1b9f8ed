//! Secrets handed out once (API keys, invitation and share links) and the hashes stored instead.
//!
//! The secrets carry 160 random bits, so a plain SHA-256 is enough to make a stolen database useless
//! to an attacker (no password-style stretching is needed for values that are not guessable).

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A freshly generated secret. `Debug` is deliberately not derived, so it cannot end up in a log.
pub struct Secret(String);

impl Secret {
    /// A new random secret with a short readable tag in front (`snd_` for API keys), which helps
    /// secret scanners and people tell what a leaked string is.
    pub fn generate(tag: &str) -> Self {
        let mut bytes = [0u8; 20];
        rand::rng().fill_bytes(&mut bytes);
        Secret(format!("{tag}{}", hex::encode(bytes)))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        hash_secret(&self.0)
    }

    /// The first characters, stored in clear so that people can tell keys apart in listings.
    pub fn prefix(&self) -> String {
        self.0.chars().take(12).collect()
    }
}

/// The hex SHA-256 stored in place of a secret.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A keyed hash (HMAC-SHA-256, hex) of `message`: CSRF tokens and researchers' pseudonyms. Without
/// the key, a tag can neither be forged nor traced back to its message.
pub fn keyed_hash(key: &[u8], message: &str) -> String {
    use hmac::{KeyInit, Mac};
    let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(key) else {
        // HMAC accepts keys of any length, so this cannot happen; fall back to an unkeyed hash
        // rather than panic.
        return hash_secret(message);
    };
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A URL (a database's, an SMTP server's) without its password, safe to print or log.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("****"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_long_and_hash_to_what_is_stored() {
        let a = Secret::generate("snd_");
        let b = Secret::generate("snd_");
        assert_ne!(a.expose(), b.expose());
        assert!(a.expose().starts_with("snd_"));
        assert_eq!(a.expose().len(), 4 + 40);
        assert_eq!(a.hash(), hash_secret(a.expose()));
        assert_eq!(a.hash().len(), 64);
        assert!(a.expose().starts_with(&a.prefix()));
    }

    #[test]
    fn keyed_hashes_depend_on_the_key_and_match_a_published_vector() {
        // RFC 4231 test case 2.
        let tag = keyed_hash(b"Jefe", "what do ya want for nothing?");
        assert_eq!(
            tag,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_ne!(keyed_hash(b"other", "what do ya want for nothing?"), tag);
        assert!(same_secret(&tag, &tag.clone()));
        assert!(!same_secret(&tag, "5bdc"));
    }
}
