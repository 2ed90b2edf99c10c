//! The bodies of the commands, one file each; `main.rs` keeps the arguments, error
//! printing and exit codes.

pub(crate) mod bench;
pub(crate) mod eval;
pub(crate) mod explain;
pub(crate) mod extract;
pub(crate) mod gen_pages;
pub(crate) mod history;
pub(crate) mod normalize;
pub(crate) mod output;
pub(crate) mod progress;
pub(crate) mod serve;
