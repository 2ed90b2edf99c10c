//! Integration tests: one binary, one module per topic.

mod util;

mod cli;
mod dataset;
mod fetch;
mod golden;
mod html;
mod normalize;
mod patterns;
mod shard;
mod warc;
