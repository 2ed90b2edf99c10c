//! Integration tests: one binary, one module per topic.

mod util;

mod batch;
mod cli;
mod dataset;
mod explain;
mod fetch;
mod golden;
mod html;
mod lossless;
mod metamorphic;
mod normalize;
mod options;
mod patterns;
mod props;
mod readme;
mod resume;
mod serve;
mod shard;
mod warc;
mod zoo;
