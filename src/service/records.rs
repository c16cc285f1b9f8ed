//! The stored rows an operation hands back, under names of their own: plain data (no queries
//! hang off them), so a front end may read their fields without naming the database crates.

pub type ApiKey = entity::api_key::Model;
pub type AuditEvent = entity::audit_event::Model;
pub type Invitation = entity::invitation::Model;
pub type Organisation = entity::organisation::Model;
pub type ReportShare = entity::report_share::Model;
pub type Response = entity::response::Model;
pub type Round = entity::round::Model;
pub type Survey = entity::survey::Model;
pub type SurveyVersion = entity::survey_version::Model;
pub type Release = entity::release::Model;
