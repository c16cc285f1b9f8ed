//! Paging of list routes: `page` (from 1) and `per_page` (default 50, at most 500).

use poem_openapi::Object;

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 500;

/// Where a page sits in the whole list.
#[derive(Clone, Debug, Object)]
pub struct PageInfo {
    /// This page's number, from 1.
    pub page: u64,
    /// How many items a page holds.
    pub per_page: u64,
    /// How many items match in all.
    pub total: u64,
}

/// A validated page request.
#[derive(Clone, Copy, Debug)]
pub struct Paging {
    pub page: u64,
    pub per_page: u64,
}

impl Paging {
    /// Defaults for absent values; the ranges are enforced by the parameters' validators.
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Self {
        Paging {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE),
        }
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    pub fn info(&self, total: u64) -> PageInfo {
        PageInfo {
            page: self.page,
            per_page: self.per_page,
            total,
        }
    }
}
