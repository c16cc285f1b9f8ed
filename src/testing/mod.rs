//! Support for tests and benchmarks, not used by the server: throwaway PostgreSQL clusters.

pub mod postgres;
