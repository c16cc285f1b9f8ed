//! Limits on failed attempts at secrets: a client address that has made too many failed attempts
//! (a wrong, unknown or revoked API key; a secret link that leads nowhere) within a sliding window
//! gets 429 with `Retry-After` on every request that carries a key or a secret link, until its
//! oldest failure leaves the window. Successful requests are never counted, and other addresses
//! are unaffected.
//!
//! The counts are kept in memory, per instance (DESIGN.md, "Scale beyond one machine"): behind n
//! instances a client gets up to n times the allowance, which still makes guessing a 160-bit
//! secret hopeless. This module must not decide who may do what; it only counts refusals.

use crate::api::problem::{Problem, kind};
use crate::app::config::ClientLimits;
use crate::app::middleware::refuse;
use crate::templates::Templates;
use poem::http::{HeaderValue, StatusCode, header};
use poem::{Addr, Endpoint, IntoResponse, Middleware, Request, Response, Result};
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// At most this many client addresses are tracked at once (about 400 bytes each). Past it, expired
/// entries are dropped; if the table is still full, new addresses go uncounted until room frees
/// up, and that is logged: an attacker with this many addresses is not stopped by a per-address
/// limit anyway.
const MAX_TRACKED_CLIENTS: usize = 50_000;

/// Who a failure is charged to: an IPv4 address, or the /64 network of an IPv6 address (one
/// host is usually given a whole /64, so single IPv6 addresses would be free to rotate).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => ClientKey(ip),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey(IpAddr::V4(v4)),
                None => {
                    let mask = u128::MAX << 64;
                    ClientKey(IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask)))
                }
            },
        }
    }
}

impl std::fmt::Display for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            IpAddr::V4(a) => write!(f, "{a}"),
            IpAddr::V6(a) => write!(f, "{a}/64"),
        }
    }
}

/// Failure times per client within the window: a sliding-window log, at most `max` entries each.
pub struct FailureLimiter {
    max: usize,
    window: Duration,
    clients: Mutex<Table>,
}

#[derive(Default)]
struct Table {
    failures: HashMap<ClientKey, VecDeque<Instant>>,
    /// The table is swept of expired entries when it grows past this, so that addresses that
    /// never come back do not pile up; the mark doubles with the live size (amortised O(1)).
    sweep_at: usize,
    full_warned: bool,
}

impl FailureLimiter {
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max: max as usize,
            window,
            clients: Mutex::new(Table {
                sweep_at: 1024,
                ..Table::default()
            }),
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Table> {
        self.clients.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How long `client` must wait before its next attempt, or `None` if it may try now.
    pub fn retry_after(&self, client: ClientKey, now: Instant) -> Option<Duration> {
        if self.max == 0 {
            return None;
        }
        let mut table = self.table();
        let times = table.failures.get_mut(&client)?;
        self.expire(times, now);
        if times.len() < self.max {
            return None;
        }
        let oldest = *times.front()?;
        Some((oldest + self.window).saturating_duration_since(now))
    }

    /// Records a failed attempt. Returns true when this failure used up the allowance.
    pub fn record_failure(&self, client: ClientKey, now: Instant) -> bool {
        if self.max == 0 {
            return false;
        }
        let mut table = self.table();
        if !table.failures.contains_key(&client) {
            if table.failures.len() >= table.sweep_at || table.failures.len() >= MAX_TRACKED_CLIENTS
            {
                let window = self.window;
                table
                    .failures
                    .retain(|_, times| times.back().is_some_and(|t| now - *t < window));
                table.sweep_at = (table.failures.len() * 2).max(1024);
            }
            if table.failures.len() >= MAX_TRACKED_CLIENTS {
                if !table.full_warned {
                    table.full_warned = true;
                    tracing::warn!(
                        clients = table.failures.len(),
                        "too many client addresses with failed attempts to track; new ones go uncounted"
                    );
                }
                return false;
            }
            table.full_warned = false;
        }
        let times = table.failures.entry(client).or_default();
        self.expire(times, now);
        times.push_back(now);
        while times.len() > self.max {
            times.pop_front();
        }
        times.len() == self.max
    }

    fn expire(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times.front().is_some_and(|t| now - *t >= self.window) {
            times.pop_front();
        }
    }
}

/// The address a request came from: the TCP peer, or, with `trusted_proxies` reverse proxies in
/// front, the address the outermost of them saw (the `trusted_proxies`-th entry of
/// `X-Forwarded-For` from the right; each proxy appends the address it was called from). Entries
/// further left were written by the client and are never believed.
pub fn client_address(req: &Request, trusted_proxies: usize) -> Option<IpAddr> {
    let peer = match &req.remote_addr().0 {
        Addr::SocketAddr(addr) => Some(addr.ip()),
        _ => None,
    };
    if trusted_proxies == 0 {
        return peer;
    }
    let entries: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    entries
        .len()
        .checked_sub(trusted_proxies)
        .and_then(|i| entries.get(i))
        .and_then(|entry| parse_forwarded_ip(entry))
        .or(peer)
}

/// An address as proxies write it: `203.0.113.7`, `2001:db8::1`, or with a port or brackets.
fn parse_forwarded_ip(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse() {
        return Some(ip);
    }
    if let Ok(sock) = entry.parse::<std::net::SocketAddr>() {
        return Some(sock.ip());
    }
    entry.trim_matches(['[', ']']).parse().ok()
}

/// Paths whose secret is in the path itself: respondent and share links.
fn is_secret_link(path: &str) -> bool {
    path.starts_with("/respond/")
        || path.starts_with("/share/")
        || path.starts_with("/api/v1/respond/")
}

/// Requests that carry a credential (an API key, sent to the API or pasted into the console's
/// sign-in form, or a secret link), and so can fail at it.
fn carries_credential(path: &str) -> bool {
    path.starts_with("/api/") || path == "/admin/sign-in" || is_secret_link(path)
}

/// Whether an answer tells the client its credential was wrong: any 401 (keys), or a 404 on a
/// secret link (unknown and revoked links both answer 404).
fn is_failed_attempt(path: &str, status: StatusCode) -> bool {
    status == StatusCode::UNAUTHORIZED || (status == StatusCode::NOT_FOUND && is_secret_link(path))
}

/// The middleware: refuses clients over the limit, and counts the failures of the others.
pub struct FailedAttemptLimit {
    limiter: Arc<FailureLimiter>,
    trusted_proxies: usize,
}

impl FailedAttemptLimit {
    pub fn new(limits: &ClientLimits) -> Self {
        Self {
            limiter: Arc::new(FailureLimiter::new(
                limits.max_failed_attempts,
                limits.failed_attempts_window,
            )),
            trusted_proxies: limits.trusted_proxies,
        }
    }
}

impl<E: Endpoint> Middleware<E> for FailedAttemptLimit {
    type Output = FailedAttemptLimitEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        FailedAttemptLimitEndpoint {
            inner: ep,
            limiter: self.limiter.clone(),
            trusted_proxies: self.trusted_proxies,
        }
    }
}

pub struct FailedAttemptLimitEndpoint<E> {
    inner: E,
    limiter: Arc<FailureLimiter>,
    trusted_proxies: usize,
}

impl<E: Endpoint> Endpoint for FailedAttemptLimitEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let path = req.uri().path().to_owned();
        let client = client_address(&req, self.trusted_proxies).map(ClientKey::of);
        let (Some(client), true) = (client, carries_credential(&path)) else {
            return self.inner.call(req).await.map(IntoResponse::into_response);
        };
        if let Some(wait) = self.limiter.retry_after(client, Instant::now()) {
            return Ok(too_many_attempts(
                &path,
                req.data::<Arc<Templates>>().map(|t| &**t),
                wait,
            ));
        }
        // Handlers' errors (e.g. a 401 from the API) arrive as `Err`, rendered further out.
        let result = self.inner.call(req).await.map(IntoResponse::into_response);
        let status = match &result {
            Ok(resp) => resp.status(),
            Err(err) => err.status(),
        };
        if is_failed_attempt(&path, status) && self.limiter.record_failure(client, Instant::now()) {
            tracing::warn!(
                client.address = %client,
                "too many failed attempts at keys or links; refusing this address for a while"
            );
        }
        result
    }
}

/// 429 with `Retry-After` in whole seconds (at least 1): problem+json, or a page for people.
fn too_many_attempts(path: &str, templates: Option<&Templates>, wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    let when = if seconds < 120 {
        format!("{seconds} seconds")
    } else {
        format!("{} minutes", seconds.div_ceil(60))
    };
    let detail = format!(
        "Too many attempts with a wrong key or link came from your address. Try again in {when}."
    );
    let mut resp = refuse(
        path,
        templates,
        &Problem::new(kind::TOO_MANY_REQUESTS, detail),
    );
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, value);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> ClientKey {
        ClientKey::of(s.parse().unwrap())
    }

    #[test]
    fn a_client_is_refused_after_max_failures_until_the_oldest_leaves_the_window() {
        let limiter = FailureLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        let a = ip("192.0.2.1");
        for i in 0..3 {
            assert_eq!(limiter.retry_after(a, t0), None, "attempt {i}");
            limiter.record_failure(a, t0 + Duration::from_secs(i * 10));
        }
        let wait = limiter
            .retry_after(a, t0 + Duration::from_secs(25))
            .unwrap();
        assert_eq!(wait, Duration::from_secs(35));
        // Another address is not affected.
        assert_eq!(limiter.retry_after(ip("192.0.2.2"), t0), None);
        // Once the first failure is 60 s old, one more attempt is allowed.
        assert_eq!(limiter.retry_after(a, t0 + Duration::from_secs(60)), None);
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_network_and_mapped_ipv4_as_ipv4() {
        assert_eq!(ip("2001:db8:1:2::1"), ip("2001:db8:1:2:ffff::9"));
        assert_ne!(ip("2001:db8:1:2::1"), ip("2001:db8:1:3::1"));
        assert_eq!(ip("::ffff:192.0.2.1"), ip("192.0.2.1"));
    }

    #[test]
    fn a_zero_limit_turns_counting_off() {
        let limiter = FailureLimiter::new(0, Duration::from_secs(60));
        let now = Instant::now();
        for _ in 0..100 {
            limiter.record_failure(ip("192.0.2.1"), now);
        }
        assert_eq!(limiter.retry_after(ip("192.0.2.1"), now), None);
    }

    #[test]
    fn expired_clients_are_swept_when_the_table_grows() {
        let limiter = FailureLimiter::new(5, Duration::from_secs(1));
        let t0 = Instant::now();
        for i in 0..2000u32 {
            limiter.record_failure(ClientKey::of(IpAddr::from(i.to_be_bytes())), t0);
        }
        let later = t0 + Duration::from_secs(2);
        limiter.record_failure(ip("198.51.100.1"), later);
        for i in 0..1100u32 {
            limiter.record_failure(
                ClientKey::of(IpAddr::from((i + 10_000).to_be_bytes())),
                later,
            );
        }
        assert!(limiter.table().failures.len() <= 1101 + 1);
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let req = Request::builder()
            .header("x-forwarded-for", "10.9.9.9, 203.0.113.7")
            .finish();
        // No trusted proxy: the header is ignored (the test request has no peer address).
        assert_eq!(client_address(&req, 0), None);
        assert_eq!(
            client_address(&req, 1),
            Some("203.0.113.7".parse().unwrap())
        );
        assert_eq!(client_address(&req, 2), Some("10.9.9.9".parse().unwrap()));
        assert_eq!(client_address(&req, 3), None);
        assert_eq!(
            parse_forwarded_ip("[2001:db8::1]:443"),
            Some("2001:db8::1".parse().unwrap())
        );
    }

    #[test]
    fn only_refusals_of_credentials_count() {
        assert!(is_failed_attempt("/api/v1/me", StatusCode::UNAUTHORIZED));
        assert!(is_failed_attempt("/respond/abc", StatusCode::NOT_FOUND));
        assert!(is_failed_attempt(
            "/share/abc/report.pdf",
            StatusCode::NOT_FOUND
        ));
        assert!(is_failed_attempt(
            "/api/v1/respond/abc/answers",
            StatusCode::NOT_FOUND
        ));
        assert!(!is_failed_attempt(
            "/api/v1/organisations/X",
            StatusCode::NOT_FOUND
        ));
        assert!(!is_failed_attempt("/respond/abc", StatusCode::GONE));
        assert!(!carries_credential("/health"));
        assert!(!carries_credential("/openapi.json"));
    }
}
