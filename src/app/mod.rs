//! Everything that makes a running server out of the library, and nothing a request's rule
//! depends on: settings, start-up (building the poem app the binary and the tests share), the
//! state handlers receive, middleware (request spans, limits, security headers, failed-attempt
//! limits, refusing NUL characters), the listening socket and logging.

pub mod allow_header;
pub mod config;
pub mod listener;
pub mod middleware;
pub mod nul;
pub mod rate_limit;
pub mod startup;
pub mod telemetry;
