//! Sealing an invitation's (or a colleague link's) secret so the outbox can rebuild the link at
//! send time.
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
//!
//! A colleague's link (a delegate's, issue 21) is sealed the same way under a keystream of its
//! own (`soundings/link-seal/v1/delegate/{id}`) and opened against the delegate's stored hash;
//! ending the colleague's link, or the organisation's, erases its seals.

use crate::domain::secret::{hash_secret, keyed_hash, same_secret};

/// The name of the server key in `app_secrets`.
pub const KEY_NAME: &str = "link_seal";

fn keystream(key: &[u8], namespace: &str) -> Option<Vec<u8>> {
    hex::decode(keyed_hash(key, namespace)).ok()
}

/// The keystream's name for an invitation's link.
fn invitation_namespace(invitation_id: i32) -> String {
    format!("soundings/link-seal/v1/{invitation_id}")
}

/// The keystream's name for a colleague's link (a delegate's): a namespace of its own, so that
/// a seal can never be opened as an invitation's, nor an invitation's as a colleague's.
fn delegate_namespace(delegate_id: i32) -> String {
    format!("soundings/link-seal/v1/delegate/{delegate_id}")
}

fn xor(bytes: &[u8], stream: Vec<u8>) -> String {
    hex::encode(
        bytes
            .iter()
            .zip(stream)
            .map(|(b, k)| b ^ k)
            .collect::<Vec<u8>>(),
    )
}

fn seal_in(key: &[u8], namespace: &str, secret: &str) -> Option<String> {
    let bytes = hex::decode(secret).ok()?;
    let stream = keystream(key, namespace)?;
    if bytes.len() > stream.len() {
        return None;
    }
    Some(xor(&bytes, stream))
}

fn open_in(key: &[u8], namespace: &str, sealed: &str, secret_hash: &str) -> Option<String> {
    let bytes = hex::decode(sealed).ok()?;
    let secret = xor(&bytes, keystream(key, namespace)?);
    same_secret(&hash_secret(&secret), secret_hash).then_some(secret)
}

/// The seal of `secret` (hex, as invitations make them) for `invitation_id`.
pub fn seal(key: &[u8], invitation_id: i32, secret: &str) -> Option<String> {
    seal_in(key, &invitation_namespace(invitation_id), secret)
}

/// The secret inside `sealed`, if it is the one whose hash the invitation stores.
pub fn open(key: &[u8], invitation_id: i32, sealed: &str, secret_hash: &str) -> Option<String> {
    open_in(
        key,
        &invitation_namespace(invitation_id),
        sealed,
        secret_hash,
    )
}

/// The seal of a colleague's link `secret` for the delegate `delegate_id`.
pub fn seal_for_delegate(key: &[u8], delegate_id: i32, secret: &str) -> Option<String> {
    seal_in(key, &delegate_namespace(delegate_id), secret)
}

/// The colleague's secret inside `sealed`, if it is the one whose hash the delegate stores.
pub fn open_for_delegate(
    key: &[u8],
    delegate_id: i32,
    sealed: &str,
    secret_hash: &str,
) -> Option<String> {
    open_in(key, &delegate_namespace(delegate_id), sealed, secret_hash)
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

    #[test]
    fn a_colleague_seal_cannot_be_opened_as_an_invitation_nor_the_other_way() {
        let key = [7u8; 32];
        let secret = Secret::generate("");
        let sealed = seal_for_delegate(&key, 41, secret.expose()).unwrap();
        assert_eq!(
            open_for_delegate(&key, 41, &sealed, &secret.hash()).as_deref(),
            Some(secret.expose())
        );
        assert_eq!(open(&key, 41, &sealed, &secret.hash()), None);
        assert_eq!(open_for_delegate(&key, 42, &sealed, &secret.hash()), None);
        let invitation = seal(&key, 41, secret.expose()).unwrap();
        assert_eq!(
            open_for_delegate(&key, 41, &invitation, &secret.hash()),
            None
        );
    }
}
