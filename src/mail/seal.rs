//! Sealing an invitation's secret so the outbox can rebuild the link at send time.
//!
//! Invitations store only a hash of their secret, yet a reminder sent weeks later must carry the
//! same link. The outbox row therefore keeps the secret sealed: XORed with a keystream that is an
//! HMAC-SHA-256, under the server's `link_seal` key, of the invitation's id (unique per secret, so
//! no keystream is ever used twice). Opening a seal checks the result against the invitation's
//! stored hash, so a seal that was altered, or belongs to another invitation, opens to nothing.
//!
//! What this protects: the secret never appears in the outbox, the delivery log, the audit trail or
//! the logs, and a copy of the outbox table alone reveals no link. What it does not: someone with
//! the whole database (key included) can open the seals of links that are still live; revoking an
//! invitation erases its seals.

use crate::domain::secret::{hash_secret, keyed_hash, same_secret};

/// The name of the server key in `app_secrets`.
pub const KEY_NAME: &str = "link_seal";

fn keystream(key: &[u8], invitation_id: i32) -> Option<Vec<u8>> {
    hex::decode(keyed_hash(
        key,
        &format!("soundings/link-seal/v1/{invitation_id}"),
    ))
    .ok()
}

/// The seal of `secret` (hex, as invitations make them) for `invitation_id`.
pub fn seal(key: &[u8], invitation_id: i32, secret: &str) -> Option<String> {
    let bytes = hex::decode(secret).ok()?;
    let stream = keystream(key, invitation_id)?;
    if bytes.len() > stream.len() {
        return None;
    }
    Some(hex::encode(
        bytes
            .iter()
            .zip(stream)
            .map(|(b, k)| b ^ k)
            .collect::<Vec<u8>>(),
    ))
}

/// The secret inside `sealed`, if it is the one whose hash the invitation stores.
pub fn open(key: &[u8], invitation_id: i32, sealed: &str, secret_hash: &str) -> Option<String> {
    let bytes = hex::decode(sealed).ok()?;
    let stream = keystream(key, invitation_id)?;
    let secret = hex::encode(
        bytes
            .iter()
            .zip(stream)
            .map(|(b, k)| b ^ k)
            .collect::<Vec<u8>>(),
    );
    same_secret(&hash_secret(&secret), secret_hash).then_some(secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::secret::Secret;

    #[test]
    fn a_seal_opens_only_for_its_invitation_and_hides_the_secret() {
        let key = [7u8; 32];
        let secret = Secret::generate("");
        let sealed = seal(&key, 41, secret.expose()).unwrap();
        assert_ne!(sealed, secret.expose());
        assert_eq!(
            open(&key, 41, &sealed, &secret.hash()).as_deref(),
            Some(secret.expose())
        );
        assert_eq!(open(&key, 42, &sealed, &secret.hash()), None);
        assert_eq!(open(&[8u8; 32], 41, &sealed, &secret.hash()), None);
        let mut tampered = sealed.clone().into_bytes();
        tampered[0] = if tampered[0] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(open(&key, 41, &tampered, &secret.hash()), None);
    }
}
