//! Tests: html.
