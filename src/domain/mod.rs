//! Pure logic with no I/O: roles and secrets, and (as the platform grows) survey definitions,
//! answer validation, scoring and statistics. Nothing here imports `store`, `api` or `web`.

pub mod answers;
pub mod benchmark;
pub mod choices;
pub mod definition;
pub mod disclosure;
pub mod organisation;
pub mod peers;
mod robustness;
pub mod role;
pub mod round;
pub mod scoring;
pub mod secret;
pub mod stats;
pub mod validation;
