//! The benchmark report: a pure model ([`model::Report`]) rendered as HTML and as PDF.

pub mod build;
#[cfg(any(test, feature = "testing"))]
pub mod fixtures;
pub mod html;
pub mod model;
pub mod pdf;
pub mod summary;
pub mod words;
