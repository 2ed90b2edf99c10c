//! Tests: patterns.
