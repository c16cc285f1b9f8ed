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
}
