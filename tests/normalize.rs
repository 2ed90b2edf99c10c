//! Tests: normalize.
