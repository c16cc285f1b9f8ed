//! Welsh and English (issue 20): the respondent's pages in either language, the choice kept per
//! invitation, and definitions that must carry every Welsh text they promise.

mod accessibility;
mod pages;
mod reports;
mod versions;
